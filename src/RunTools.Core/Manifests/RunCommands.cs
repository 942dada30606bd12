using System.Globalization;
using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Manifests;

/// <summary>What the shell gathered to create a run: identity, data files, the resolved config and where it runs.</summary>
/// <param name="Secrets">The config's references to the environment with their salted hashes (see <see cref="ConfigSecrets"/>).</param>
public sealed record NewRunSpec(
    Guid RunId,
    RunKey Key,
    string PackageVersion,
    Seq<InputFile> Inputs,
    ConfigValue Config,
    EnvironmentInfo Environment,
    GitState? Git,
    Seq<LineageRef> Lineage,
    Seq<SecretRef> Secrets = default);

/// <summary>A metric value to record.</summary>
/// <param name="At">When the value was given (null: when it is written).</param>
public sealed record MetricPoint(string Name, double Value, long? Step, string? Stage, DateTimeOffset? At = null);

/// <summary>
/// The decisions: given a manifest and a request, the events to append (or why not). Pure; the shell reads the
/// run, calls one of these, appends what it returns and writes the replayed manifest.
/// </summary>
public static class RunCommands
{
    /// <summary>The directory name of a run: <c>yyyyMMdd_HHmmss_key</c> in UTC, then <c>-2</c>, <c>-3</c>, ... only when
    /// an earlier attempt found the name taken.</summary>
    public static string DirectoryName(DateTimeOffset createdAt, RunKey key, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{createdAt.UtcDateTime:yyyyMMdd_HHmmss}_{key.Value}")
        + (attempt <= 1 ? "" : string.Create(CultureInfo.InvariantCulture, $"-{attempt}"));

    /// <summary>The event that creates a run: checks the keys of every config section RunTools reads (see
    /// <see cref="ConfigSections"/>) and resolves the label and feature list from the config's <c>data</c> section and
    /// the first tabular input, checking that the columns exist; every problem is reported at once.</summary>
    public static Fin<RunCreated> Create(NewRunSpec spec, string directoryName, DateTimeOffset now) =>
        from schema in (Failures.Of(ConfigSections.UnknownKeys(spec.Config)), DataSchema.Read(spec.Config, spec.Inputs))
            .Apply((_, schema) => schema).OnePerTarget().ToFin()
        select new RunCreated(now, spec.RunId, directoryName, spec.Key.Value, spec.PackageVersion, spec.Inputs,
            spec.Config, new NameList(schema.Features), schema.Label, spec.Environment, spec.Git, spec.Lineage, Secrets: spec.Secrets);

    /// <summary>A status change requested by the user (Set-RunStatus) or by a stage.</summary>
    /// <param name="observed">The status as observed now (Abandoned when the stored Running has no live process).</param>
    /// <remarks>Asking for the status the run already has is not an error and changes nothing (scripts can say
    /// "make sure it is completed").</remarks>
    public static Fin<Seq<RunEvent>> ChangeStatus(RunManifest m, RunStatus observed, RunStatus to, ProcessInfo by,
        DateTimeOffset now, string? message, ErrorInfo? error) =>
        observed == to ? FinSucc(Seq<RunEvent>()) :
        Lifecycle.Transition($"Run '{m.Name}'", observed, to)
            .Map(_ => Seq1<RunEvent>(new RunStatusChanged(now, observed, to, by, message, error)));

    /// <summary>A status change asked for by the user (Set-RunStatus): as <see cref="ChangeStatus"/>, and a run cannot be
    /// completed (sealed) while one of its stages is stored as running: in a live process, that stage's end would land
    /// in a completed run; in a process that is gone (abandoned), nobody knows whether its work finished. Closing a run
    /// as failed or cancelled ends the stages whose process is gone, so no stage stays "running" in a finished run.</summary>
    /// <param name="live">The processes working on the run now (see <see cref="Liveness"/>).</param>
    /// <param name="logs">The logs of the stages stored as running, hashed now (by stage name): a stage closed here ends
    /// with its log as it is, as any attempt does.</param>
    public static Fin<Seq<RunEvent>> SetStatus(RunManifest m, RunStatus observed, Seq<ProcessInfo> live, RunStatus to, ProcessInfo by,
        DateTimeOffset now, string? message, ErrorInfo? error, Map<string, FileHash> logs = default)
    {
        if (observed == to) return FinSucc(Seq<RunEvent>());
        var unfinished = m.Stages.Filter(s => s.Status == StageStatus.Running).Map(s => (Stage: s, Observed: Liveness.Observe(s, live)));
        if (to == RunStatus.Completed && unfinished.HeadOrNone().Case is (StageRecord stage, StageStatus state))
            return FinFail<Seq<RunEvent>>(new IllegalTransition($"Run '{m.Name}'", Lifecycle.Text(observed),
                state == StageStatus.Running
                    ? $"completed while stage '{stage.Name}' is running"
                    : $"completed while stage '{stage.Name}' is abandoned (its process is gone); run the stage again, or mark the run failed"));
        var ended = Lifecycle.IsFinished(to)
            ? unfinished.Filter(u => u.Observed == StageStatus.Abandoned).Map(u => RunTools.Stages.StagePlanner.Abandoned(u.Stage,
                to == RunStatus.Cancelled ? StageStatus.Cancelled : StageStatus.Failed, now, logs.Find(u.Stage.Name).IfNoneUnsafe((FileHash?)null)))
            : Seq<RunEvent>();
        return ChangeStatus(m, observed, to, by, now, message, error).Map(ended.Concat);
    }

    /// <summary>Before a stage starts, the run must be running: starts a pending run, resumes a failed or
    /// cancelled one, takes over an abandoned one, and refuses a completed one.</summary>
    public static Fin<Seq<RunEvent>> EnsureRunning(RunManifest m, RunStatus observed, ProcessInfo by, DateTimeOffset now) =>
        observed == RunStatus.Running
            ? FinSucc(Seq<RunEvent>())
            : ChangeStatus(m, observed, RunStatus.Running, by, now,
                observed switch
                {
                    RunStatus.Pending => null,
                    RunStatus.Abandoned => "taken over: the previous process is gone",
                    _ => $"resumed after {Lifecycle.Text(observed)}",
                }, null);

    /// <summary>The first write to a pending run starts it: a metric (<see cref="WriteMetrics(RunManifest, Seq{MetricPoint}, ProcessInfo, DateTimeOffset)"/>),
    /// an artifact (<see cref="AddArtifact"/>) or a stage (<see cref="EnsureRunning"/>, through the stage planner) moves it
    /// pending → running, owned by the writing process, so <c>New-Run | Write-RunMetric ...; Set-RunStatus Completed</c>
    /// needs no <c>Set-RunStatus Running</c>. A run in any other status is left as it is by a metric or an artifact.</summary>
    public static Fin<Seq<RunEvent>> StartOnFirstWrite(RunManifest m, ProcessInfo by, DateTimeOffset now) =>
        m.Status == RunStatus.Pending ? EnsureRunning(m, RunStatus.Pending, by, now) : FinSucc(Seq<RunEvent>());

    /// <summary>Lock-Run / Unlock-Run. Locking a locked run (or unlocking an unlocked one) changes nothing, except that
    /// a new reason replaces the old one.</summary>
    public static Fin<Seq<RunEvent>> SetRetentionLock(RunManifest m, bool locked, string? reason, DateTimeOffset now) =>
        m.Locked == locked && (!locked || reason is null || reason == m.LockReason)
            ? FinSucc(Seq<RunEvent>())
            : FinSucc(Seq1<RunEvent>(new RetentionLockChanged(now, locked, locked ? reason ?? m.LockReason : null)));

    /// <summary>Registers an artifact (refused when its path is registered, unless <paramref name="replace"/>); a pending
    /// run is started first (<see cref="StartOnFirstWrite"/>).</summary>
    public static Fin<Seq<RunEvent>> AddArtifact(RunManifest m, Artifact artifact, bool replace, ProcessInfo by) =>
        !replace && m.Artifacts.Exists(a => a.Path == artifact.Path)
            ? FinFail<Seq<RunEvent>>(new ArtifactExists(artifact.Path))
            : StartOnFirstWrite(m, by, artifact.AddedAt).Map(start => start.Add(new ArtifactAdded(artifact.AddedAt, artifact)));

    /// <summary>Metric values written to a run (<see cref="WriteMetrics(Seq{MetricPoint}, DateTimeOffset)"/>); a pending
    /// run is started first (<see cref="StartOnFirstWrite"/>). No points are no events: the run is not started.</summary>
    public static Fin<Seq<RunEvent>> WriteMetrics(RunManifest m, Seq<MetricPoint> points, ProcessInfo by, DateTimeOffset now) =>
        from metrics in WriteMetrics(points, now)
        from start in metrics.IsEmpty ? FinSucc(Seq<RunEvent>()) : StartOnFirstWrite(m, @by, now)
        select start.Concat(metrics);

    /// <summary>The events of metric values, checked (a built-in stage adds them to its completion, in a running run).
    /// Metric values must have valid names and be finite numbers (NaN and infinities are refused, so
    /// summaries and comparisons stay meaningful).</summary>
    public static Fin<Seq<RunEvent>> WriteMetrics(Seq<MetricPoint> points, DateTimeOffset now) =>
        points.Map(p =>
                from name in Names.MetricName(p.Name)
                from value in double.IsFinite(p.Value)
                    ? FinSucc(p.Value)
                    : FinFail<double>(new MetricInvalid(p.Name, $"{p.Value} is not a finite number"))
                select (RunEvent)new MetricWritten(p.At ?? now, name, value, p.Step, p.Stage)).Sequence();
}
