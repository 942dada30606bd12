using RunTools.Config;
using RunTools.Domain;
using RunTools.Stages;

namespace RunTools.Manifests;

/// <summary>
/// What happened to a run, in order. events.jsonl is the append-only list of these; run.json is their replay.
/// Each event is a fact, never a request: deciding whether a change is allowed happens before an event exists
/// (see <see cref="RunCommands"/>), and <see cref="Manifest.Apply"/> re-checks it on replay.
/// </summary>
public abstract record RunEvent(DateTimeOffset At);

public sealed record RunCreated(
    DateTimeOffset At,
    Guid RunId,
    string Name,
    string Key,
    string PackageVersion,
    Seq<InputFile> Inputs,
    ConfigValue Config,
    NameList FeatureList,
    string? Label,
    EnvironmentInfo Environment,
    GitState? Git,
    Seq<LineageRef> Lineage,
    Seq<FileHash> ConfigFiles = default,
    Seq<SecretRef> Secrets = default) : RunEvent(At);

/// <summary>The first event of an events.jsonl rebuilt by Repair-Run from an intact run.json after the log was lost:
/// the manifest as run.json had it. The history before it is gone; <paramref name="LostEvents"/> says how much.</summary>
public sealed record RunRebuilt(DateTimeOffset At, RunManifest Snapshot, long LostEvents, string? LostChainHead) : RunEvent(At);

/// <summary>Repair-Run moved event lines that could not be read or applied into a quarantine file and re-chained the
/// rest; the lines are kept there byte for byte.</summary>
/// <param name="Lines">How many lines (or cut-off line ends) were moved aside.</param>
/// <param name="Quarantine">The quarantine sidecar, relative to the run, and its hash; null when nothing was moved
/// (only the chain was mended).</param>
/// <param name="PreviousLog">The hash and length of events.jsonl before the repair.</param>
public sealed record EventsRepaired(DateTimeOffset At, int Lines, FileHash? Quarantine, FileHash PreviousLog, string Detail) : RunEvent(At);

/// <summary>Lock-Run / Unlock-Run: a locked run is never removed by Remove-Run.</summary>
public sealed record RetentionLockChanged(DateTimeOffset At, bool Locked, string? Reason) : RunEvent(At);

/// <param name="Process">The process that made the change (the new owner when the run starts running).</param>
public sealed record RunStatusChanged(
    DateTimeOffset At,
    RunStatus From,
    RunStatus To,
    ProcessInfo Process,
    string? Message,
    ErrorInfo? Error) : RunEvent(At);

/// <param name="Fingerprint">What the attempt uses, each part hashed (null in runs written before fingerprints).</param>
/// <param name="Reason">Why the attempt runs: "never ran", "forced", what changed, or "reused from ...".</param>
public sealed record StageStarted(
    DateTimeOffset At,
    string Stage,
    int Attempt,
    Seq<string> DependsOn,
    Seq<FileHash> Inputs,
    ProcessInfo Process,
    string Command,
    string Log,
    StageFingerprint? Fingerprint = null,
    string? Reason = null) : RunEvent(At);

/// <param name="Outputs">The declared outputs that exist, hashed (also for failed attempts: partial outputs are kept).</param>
/// <param name="Log">The stage's log as it was when the attempt ended, hashed (null when there was none).</param>
/// <param name="ConfigKeys">The config keys the attempt read while it ran (through <c>$Run.Config</c>), with the
/// hashes of their values: added to the stage's fingerprint.</param>
/// <param name="ReusedFrom">For an attempt served from the stage cache: <c>&lt;run&gt;/&lt;stage&gt;/&lt;attempt&gt;</c> whose
/// outputs it brought over instead of running.</param>
public sealed record StageEnded(
    DateTimeOffset At,
    string Stage,
    int Attempt,
    StageStatus Status,
    Seq<FileHash> Outputs,
    ErrorInfo? Error,
    FileHash? Log = null,
    Seq<FingerprintPart> ConfigKeys = default,
    string? ReusedFrom = null) : RunEvent(At);

public sealed record ArtifactAdded(DateTimeOffset At, Artifact Artifact) : RunEvent(At);

public sealed record MetricWritten(DateTimeOffset At, string Name, double Value, long? Step, string? Stage) : RunEvent(At);

public sealed record ProgressReported(DateTimeOffset At, string? Stage, string Message) : RunEvent(At);

public sealed record FoldPlanRecorded(DateTimeOffset At, FoldPlanRecord Plan) : RunEvent(At);
