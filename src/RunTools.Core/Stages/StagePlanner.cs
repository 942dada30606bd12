using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Stages;

/// <summary>A request to run a stage, with its declared inputs already hashed by the shell.</summary>
/// <param name="Outputs">Declared outputs, relative to the run.</param>
/// <param name="RecordedOutputsNow">The current hashes of the outputs the last completed attempt recorded (null
/// where the file is gone), so a stage whose outputs were deleted or edited runs again.</param>
/// <param name="Command">What will run, for the record ("scriptblock sha256:..." or a command line).</param>
public sealed record StageRequest(
    StageName Stage,
    Seq<string> DependsOn,
    Seq<FileHash> Inputs,
    Seq<string> Outputs,
    Seq<(string Path, FileHash? Now)> RecordedOutputsNow,
    bool Force,
    string Command);

public abstract record StageDecision;

/// <summary>The stage completed before with the same inputs and intact outputs: nothing to do.</summary>
public sealed record SkipStage(StageRecord Previous, string Reason) : StageDecision;

/// <summary>Run the stage: append <see cref="Events"/> (run started/resumed if needed, stage started) first.</summary>
public sealed record StartStage(int Attempt, string Reason, Seq<RunEvent> Events) : StageDecision;

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
               from decision in (previous is not null && !request.Force && WhyRerun(previous, request) is null
                       ? FinSucc<StageDecision>(new SkipStage(previous, "completed with the same inputs and outputs"))
                       : Start(m, observedRun, request, previous, me, now))
               select decision;
    }

    /// <summary>Why a previous attempt does not count (null: it does).</summary>
    static string? WhyRerun(StageRecord previous, StageRequest request)
    {
        if (previous.Status != StageStatus.Completed) return $"the last attempt is {Lifecycle.Text(previous.Status)}";
        var changedInputs = request.Inputs.Filter(i => !previous.Inputs.Exists(p => p.Path == i.Path && p.Sha256 == i.Sha256)).Map(i => i.Path)
            .Concat(previous.Inputs.Filter(p => !request.Inputs.Exists(i => i.Path == p.Path)).Map(p => p.Path));
        if (!changedInputs.IsEmpty) return $"inputs changed: {string.Join(", ", changedInputs)}";
        if (previous.Command != request.Command) return "the stage's command changed";
        var newOutputs = request.Outputs.Filter(o => !previous.Outputs.Exists(p => p.Path == o));
        if (!newOutputs.IsEmpty) return $"new outputs declared: {string.Join(", ", newOutputs)}";
        var damaged = previous.Outputs.Filter(p => request.RecordedOutputsNow.Find(o => o.Path == p.Path)
            .Match(o => o.Now is null || o.Now.Sha256 != p.Sha256, () => true)).Map(p => p.Path);
        return damaged.IsEmpty ? null : $"outputs missing or changed: {string.Join(", ", damaged)}";
    }

    static Fin<StageDecision> Start(RunManifest m, RunStatus observedRun, StageRequest request, StageRecord? previous, ProcessInfo me, DateTimeOffset now)
    {
        var name = request.Stage.Value;
        var reason = previous is null ? "never ran" : request.Force ? "forced" : WhyRerun(previous, request) ?? "forced";
        var attempt = (previous?.Attempt ?? 0) + 1;
        return RunCommands.EnsureRunning(m, observedRun, me, now).Map(runEvents => (StageDecision)new StartStage(attempt, reason,
            runEvents.Add(new StageStarted(now, name, attempt, request.DependsOn, request.Inputs, me, request.Command, RunLayout.LogFor(name)))));
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
    public static Seq<RunEvent> End(RunManifest m, string stage, int attempt, StageOutcome outcome,
        Seq<(string Path, FileHash? Hash)> outputs, ProcessInfo me, DateTimeOffset now, FileHash? log = null)
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
        return artifacts.Add(new StageEnded(now, stage, attempt, status, written, error, log)).Concat(runEnd);
    }

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
