using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Stages;

/// <summary>A request to run a stage, with its declared inputs already hashed by the shell.</summary>
/// <param name="Outputs">Declared outputs, relative to the run.</param>
/// <param name="RecordedOutputsNow">The current hashes of the outputs the last completed attempt recorded (null
/// where the file is gone), so a stage whose outputs were deleted or edited runs again.</param>
/// <param name="Command">What will run, for the record ("scriptblock sha256:..." or a command line).</param>
/// <param name="Fingerprint">What the stage uses, known before it runs: command, inputs, data, upstream outputs,
/// variables, parameters, and the config keys it declares (null: only inputs and command are compared, as in runs
/// written before fingerprints).</param>
/// <param name="Candidates">Completed stages of other runs (ancestors, and runs the stage cache names) that might
/// serve this one; each is checked here.</param>
public sealed record StageRequest(
    StageName Stage,
    Seq<string> DependsOn,
    Seq<FileHash> Inputs,
    Seq<string> Outputs,
    Seq<(string Path, FileHash? Now)> RecordedOutputsNow,
    bool Force,
    string Command,
    StageFingerprint? Fingerprint = null,
    Seq<CacheCandidate> Candidates = default);

/// <summary>A completed stage in another run that may serve a request: what it recorded, and what it produced besides
/// its outputs (artifacts it registered, metrics it wrote, fold plans it stored), all of which a reuse brings over.</summary>
/// <param name="Outputs">Its outputs as they are on disk now (null hash: gone or changed), checked before reuse.</param>
public sealed record CacheCandidate(string RunName, Guid RunId, string RunPath, StageRecord Stage, Seq<Artifact> Artifacts,
    Seq<MetricSummary> Metrics, Seq<FoldPlanRecord> FoldPlans, Seq<(string Path, FileHash? Now)> Outputs)
{
    /// <summary>How a stage record names where it was reused from: <c>&lt;run&gt;/&lt;stage&gt;/&lt;attempt&gt;</c>.</summary>
    public string Source => $"{RunName}/{Stage.Name}/{Stage.Attempt}";

    /// <summary>Every file the reuse brings over: the stage's outputs and the artifacts it registered, by path.</summary>
    public Seq<FileHash> Files =>
        Stage.Outputs.Concat(Artifacts.Filter(a => !Stage.Outputs.Exists(o => o.Path == a.Path)).Map(a => new FileHash(a.Path, a.Sha256, a.Bytes)));
}

public abstract record StageDecision;

/// <summary>The stage completed before with the same inputs and intact outputs: nothing to do.</summary>
public sealed record SkipStage(StageRecord Previous, string Reason) : StageDecision;

/// <summary>Run the stage: append <see cref="Events"/> (run started/resumed if needed, stage started) first.</summary>
public sealed record StartStage(int Attempt, string Reason, Seq<RunEvent> Events) : StageDecision;

/// <summary>Another run holds the same work: bring its files over (<see cref="CacheCandidate.Files"/>) and then append
/// <see cref="StagePlanner.Reused"/>'s events, instead of running the stage.</summary>
public sealed record ReuseStage(int Attempt, string Reason, CacheCandidate From) : StageDecision;

/// <summary>How the stage's body ended, as the shell saw it.</summary>
public abstract record StageOutcome;
public sealed record StageSucceeded : StageOutcome;
public sealed record StageErrored(RunError Error, string ExceptionType) : StageOutcome;
public sealed record StageWasCancelled : StageOutcome;

/// <summary>The rules for running a stage: dependencies first, skip when nothing changed, and what an attempt's end
/// means for the stage and the run.</summary>
public static class StagePlanner
{
    public static Fin<StageDecision> Decide(RunManifest m, RunStatus observedRun, Seq<ProcessInfo> live, StageRequest request,
        ProcessInfo me, DateTimeOffset now)
    {
        var name = request.Stage.Value;
        // The last attempt as observed now: one stored as running whose process is gone is abandoned, and the
        // reason for running it again says so.
        var previous = m.Stage(name) is { } stored ? stored with { Status = Liveness.Observe(stored, live) } : null;
        return from _ in Dependencies(m, live, name, request.DependsOn)
               from __ in previous is not null && previous.Status == StageStatus.Running
                   ? FinFail<Unit>(new IllegalTransition($"Stage '{name}'", "running", $"running again (process {previous.Process.Pid} on {previous.Process.Host} is still running it)"))
                   : FinSucc(unit)
               from decision in (previous is not null && !request.Force && WhyRerun(m, previous, request) is null
                       ? FinSucc<StageDecision>(new SkipStage(previous, "completed with the same inputs and outputs"))
                       : Reusable(m, request).Case is CacheCandidate hit
                           ? FinSucc<StageDecision>(new ReuseStage((previous?.Attempt ?? 0) + 1, $"reused from {hit.Source}", hit))
                           : Start(m, observedRun, request, previous, me, now))
               select decision;
    }

    /// <summary>The first candidate that did exactly this work: completed, every part of both fingerprints hashed and
    /// equal, the config keys it read equal in this run's config, and its files intact. Never when forced.</summary>
    public static Option<CacheCandidate> Reusable(RunManifest m, StageRequest request) =>
        request.Force || request.Fingerprint is not { IsComplete: true } wanted
            ? None
            : request.Candidates.Find(c =>
                c.Stage.Status == StageStatus.Completed && c.Stage.Fingerprint is { IsComplete: true } had && had.Key == wanted.Key
                && StageFingerprint.Changes(had, wanted, m.Config) is null
                && request.Outputs.ForAll(o => c.Stage.Outputs.Exists(x => x.Path == o))
                && c.Stage.Outputs.ForAll(o => c.Outputs.Exists(n => n.Path == o.Path && n.Now?.Sha256 == o.Sha256)));

    /// <summary>The events that record a reuse once its files are in place: the run starts if it must, the stage starts
    /// and ends completed at once with the candidate's outputs, fingerprint and config keys, naming where it came
    /// from; the artifacts, metrics (their last values) and fold plans the candidate's stage produced are recorded
    /// here too.</summary>
    /// <param name="log">The stage's log with its reuse line, hashed.</param>
    public static Fin<Seq<RunEvent>> Reused(RunManifest m, RunStatus observedRun, StageRequest request, ReuseStage reuse, ProcessInfo me,
        DateTimeOffset now, FileHash? log)
    {
        var name = request.Stage.Value;
        var from = reuse.From;
        var fingerprint = request.Fingerprint!.WithConfigKeys(from.Stage.Fingerprint!.ConfigKeys.Map(k => FingerprintPart.ConfigKey(m.Config, k.Name)));
        var files = from.Files;
        return RunCommands.EnsureRunning(m, observedRun, me, now).Map(runEvents => runEvents
            .Add(new StageStarted(now, name, reuse.Attempt, request.DependsOn, request.Inputs, me, request.Command, RunLayout.LogFor(name), fingerprint, reuse.Reason))
            .Concat(files.Map(f => (RunEvent)new ArtifactAdded(now, new Artifact(f.Path, f.Sha256, f.Bytes,
                from.Artifacts.Find(a => a.Path == f.Path).Map(a => a.Kind).IfNone(() => KindOf(f.Path)), name, now))))
            .Concat(from.FoldPlans.Map(p => (RunEvent)new FoldPlanRecorded(now, p with { Stage = name })))
            .Concat(from.Metrics.Map(x => (RunEvent)new MetricWritten(now, x.Name, x.Last, x.Step, name)))
            .Add(new StageEnded(now, name, reuse.Attempt, StageStatus.Completed, from.Stage.Outputs, null, log,
                fingerprint.ConfigKeys, from.Source)));
    }

    /// <summary>Why a previous attempt does not count (null: it does).</summary>
    static string? WhyRerun(RunManifest m, StageRecord previous, StageRequest request)
    {
        if (previous.Status != StageStatus.Completed) return $"the last attempt is {Lifecycle.Text(previous.Status)}";
        if (request.Fingerprint is { } now && now.Unhashable is { IsEmpty: false } unhashable)
            return $"cannot be fingerprinted: {string.Join(", ", unhashable.Map(p => $"{p.Label} ({p.Unhashable})"))}";
        if (previous.Fingerprint is { } recorded && request.Fingerprint is { } wanted)
            return StageFingerprint.Changes(recorded, wanted, m.Config) ?? WhyOutputs(previous, request);
        var changedInputs = request.Inputs.Filter(i => !previous.Inputs.Exists(p => p.Path == i.Path && p.Sha256 == i.Sha256)).Map(i => i.Path)
            .Concat(previous.Inputs.Filter(p => !request.Inputs.Exists(i => i.Path == p.Path)).Map(p => p.Path));
        if (!changedInputs.IsEmpty) return $"inputs changed: {string.Join(", ", changedInputs)}";
        if (previous.Command != request.Command) return "the stage's command changed";
        return WhyOutputs(previous, request);
    }

    /// <summary>Why the recorded outputs do not serve the request: new ones declared, or recorded ones gone or changed.</summary>
    static string? WhyOutputs(StageRecord previous, StageRequest request)
    {
        var newOutputs = request.Outputs.Filter(o => !previous.Outputs.Exists(p => p.Path == o));
        if (!newOutputs.IsEmpty) return $"new outputs declared: {string.Join(", ", newOutputs)}";
        var damaged = previous.Outputs.Filter(p => request.RecordedOutputsNow.Find(o => o.Path == p.Path)
            .Match(o => o.Now is null || o.Now.Sha256 != p.Sha256, () => true)).Map(p => p.Path);
        return damaged.IsEmpty ? null : $"outputs missing or changed: {string.Join(", ", damaged)}";
    }

    static Fin<StageDecision> Start(RunManifest m, RunStatus observedRun, StageRequest request, StageRecord? previous, ProcessInfo me, DateTimeOffset now)
    {
        var name = request.Stage.Value;
        var reason = previous is null ? "never ran" : request.Force ? "forced" : WhyRerun(m, previous, request) ?? "forced";
        var attempt = (previous?.Attempt ?? 0) + 1;
        return RunCommands.EnsureRunning(m, observedRun, me, now).Map(runEvents => (StageDecision)new StartStage(attempt, reason,
            runEvents.Add(new StageStarted(now, name, attempt, request.DependsOn, request.Inputs, me, request.Command, RunLayout.LogFor(name),
                request.Fingerprint, reason))));
    }

    static Fin<Unit> Dependencies(RunManifest m, Seq<ProcessInfo> live, string stage, Seq<string> dependsOn) =>
        dependsOn.Map(dep => m.Stage(dep) is { } d && d.Status == StageStatus.Completed
                ? FinSucc(unit)
                : FinFail<Unit>(new StageDependencyNotCompleted(stage, dep,
                    Lifecycle.Text(m.Stage(dep) is { } s ? Liveness.Observe(s, live) : StageStatus.Pending))))
            .Sequence()
            .Map(_ => unit);

    /// <summary>The events that end an attempt. A body that succeeded but did not write a declared output fails.
    /// A failed stage fails the run and a cancelled one cancels it (so a later Invoke-RunStage resumes it); declared
    /// outputs that exist are hashed and registered either way, so partial results are kept and accounted for.</summary>
    /// <param name="outputs">Each declared output with its hash, or null when the file does not exist.</param>
    /// <param name="log">The stage's log as it is now, its last line written, hashed (null when it cannot be read).</param>
    /// <param name="configKeys">The config keys the attempt read while it ran (see <see cref="FingerprintPart.ConfigKey"/>).</param>
    public static Seq<RunEvent> End(RunManifest m, string stage, int attempt, StageOutcome outcome,
        Seq<(string Path, FileHash? Hash)> outputs, ProcessInfo me, DateTimeOffset now, FileHash? log = null, Seq<string> configKeys = default)
    {
        var missing = outputs.Filter(o => o.Hash is null).Map(o => o.Path);
        var effective = outcome is StageSucceeded && !missing.IsEmpty
            ? new StageErrored(new StageOutputMissing(stage, missing.Head), nameof(StageOutputMissing))
            : outcome;
        var written = outputs.Choose(o => Optional(o.Hash));
        var (status, error) = effective switch
        {
            StageErrored e => (StageStatus.Failed, new ErrorInfo(e.ExceptionType, e.Error.Message, stage, now)),
            StageWasCancelled => (StageStatus.Cancelled, new ErrorInfo(nameof(StageCancelled), new StageCancelled(stage).Message, stage, now)),
            _ => (StageStatus.Completed, (ErrorInfo?)null),
        };
        var artifacts = written.Map(h => (RunEvent)new ArtifactAdded(now, new Artifact(h.Path, h.Sha256, h.Bytes, KindOf(h.Path), stage, now)));
        var runEnd = status switch
        {
            StageStatus.Failed when m.Status == RunStatus.Running =>
                Seq1<RunEvent>(new RunStatusChanged(now, RunStatus.Running, RunStatus.Failed, me, $"stage '{stage}' failed", error)),
            StageStatus.Cancelled when m.Status == RunStatus.Running =>
                Seq1<RunEvent>(new RunStatusChanged(now, RunStatus.Running, RunStatus.Cancelled, me, $"stage '{stage}' was cancelled", error)),
            _ => Seq<RunEvent>(),
        };
        var read = configKeys.Distinct().Map(k => FingerprintPart.ConfigKey(m.Config, k)).Strict();
        return artifacts.Add(new StageEnded(now, stage, attempt, status, written, error, log, read)).Concat(runEnd);
    }

    /// <summary>The end of an attempt whose process is gone, when its run is closed (Set-RunStatus Failed/Cancelled).</summary>
    public static RunEvent Abandoned(StageRecord stage, StageStatus status, DateTimeOffset now, FileHash? log) =>
        new StageEnded(now, stage.Name, stage.Attempt, status, Seq<FileHash>(),
            new ErrorInfo("StageAbandoned", $"the process running it ({stage.Process.Pid} on {stage.Process.Host}) is gone", stage.Name, now), log);

    /// <summary>The error a failed attempt should surface, if any (the body's, or the missing output).</summary>
    public static RunError? ErrorOf(StageOutcome outcome, string stage, Seq<(string Path, FileHash? Hash)> outputs) => outcome switch
    {
        StageErrored e => e.Error,
        StageWasCancelled => new StageCancelled(stage),
        _ => outputs.Find(o => o.Hash is null).MatchUnsafe(o => (RunError?)new StageOutputMissing(stage, o.Path), () => null),
    };

    /// <summary>An artifact's kind from its place in the run (built-in stages write to known folders), else from its
    /// extension.</summary>
    public static ArtifactKind KindOf(string path)
    {
        var folders = path.Split('/')[..^1];
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        bool In(string folder) => folders.Contains(folder, StringComparer.Ordinal);
        return extension switch
        {
            ".parquet" when In(RunLayout.FoldPlans) => ArtifactKind.FoldPlan,
            ".parquet" or ".csv" when In(TrainingLayout.PredictionsFolder) => ArtifactKind.Predictions,
            ".parquet" or ".csv" when In(TrainingLayout.MetricsFolder) => ArtifactKind.Metrics,
            _ when In(TrainingLayout.ModelsFolder) => ArtifactKind.Model,
            _ => KindOfExtension(extension),
        };
    }

    static ArtifactKind KindOfExtension(string extension) => extension switch
    {
        ".zip" or ".onnx" => ArtifactKind.Model,
        ".parquet" or ".csv" or ".tsv" => ArtifactKind.Table,
        ".png" or ".svg" or ".jpg" => ArtifactKind.Plot,
        ".log" => ArtifactKind.Log,
        ".yaml" or ".yml" => ArtifactKind.Config,
        _ => ArtifactKind.File,
    };
}
