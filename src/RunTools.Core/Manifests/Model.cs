using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Stages;

namespace RunTools.Manifests;

// The run manifest and its parts. These records also reach the PowerShell pipeline (Get-RunManifest), so
// optional values are nullable (never LanguageExt Option) and collections are Seq (enumerable, indexable).

/// <summary>An operating-system process that worked on a run. <see cref="StartedAt"/> tells a live process from a
/// later one that reused the same id.</summary>
public sealed record ProcessInfo(int Pid, string Host, DateTimeOffset StartedAt);

/// <summary>The last error of a run or stage: the exception type (or error id), its message, and the stage.</summary>
public sealed record ErrorInfo(string Type, string Message, string? Stage, DateTimeOffset At);

/// <summary>A list of names (features, columns) with its size and content hash. On disk, long lists move to a
/// sidecar file named by the hash so that run.json stays small; in memory the items are always present.</summary>
public sealed record NameList(Seq<string> Items)
{
    public static readonly NameList Empty = new(Seq<string>());

    public int Count => Items.Count;

    /// <summary>SHA-256 of the list as a compact JSON array of strings (UTF-8), lower-case hex.</summary>
    public string Sha256 => HashOf(Items);

    public static string HashOf(Seq<string> items) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(items.ToArray()))));
}

public enum DataFormat { Csv, Parquet, Other }

/// <summary>A data file a run was created with.</summary>
/// <param name="Path">The path as the user gave it.</param>
/// <param name="FullPath">The absolute path it resolved to.</param>
/// <param name="Rows">Data rows (CSV without its header; Parquet from the footer); null for other formats.</param>
/// <param name="Columns">Column names for CSV/Parquet; empty for other formats.</param>
public sealed record InputFile(string Path, string FullPath, string Sha256, long Bytes, DataFormat Format, long? Rows, NameList Columns)
{
    /// <summary>The Parquet DECIMAL columns, with their precision and scale: a table holds them as doubles (the nearest
    /// double to each value), so the data description keeps what the file declared. Empty for CSV and for a file
    /// without decimals (and then not written to run.json).</summary>
    public Seq<DecimalInfo> Decimals { get; init; } = Seq<DecimalInfo>();
}

/// <summary>A DECIMAL(<paramref name="Precision"/>, <paramref name="Scale"/>) column of a data file.</summary>
public sealed record DecimalInfo(string Column, int Precision, int Scale);

public sealed record EnvironmentVariable(string Name, string? Value);

/// <summary>Where a run ran. Environment variables are only the ones the user listed, never the whole environment.</summary>
public sealed record EnvironmentInfo(
    string DotNetVersion,
    string PowerShellVersion,
    string OperatingSystem,
    string HostName,
    int ProcessorCount,
    Seq<EnvironmentVariable> Variables);

/// <summary>The git state of the working tree the run was started from. Dirty means tracked files have
/// uncommitted changes (untracked files do not count: a run root inside the repository would always be dirty).</summary>
public sealed record GitState(string Commit, string? Branch, bool Dirty);

/// <summary>What a lineage reference's run is to the run that refers to it.</summary>
public static class Lineage
{
    /// <summary>New-Run -Upstream: a run this one builds on.</summary>
    public const string Upstream = "upstream";

    /// <summary>New-Run -From: the run this one was derived from (its config and data); its completed stages may serve
    /// this run's (the stage cache).</summary>
    public const string Parent = "parent";

    /// <summary>A model file an inference scored with.</summary>
    public const string Model = "model";
}

/// <summary>A run (or one of its files) this run was derived from.</summary>
/// <param name="Relation">What the upstream is to this run: see <see cref="Lineage"/>.</param>
/// <param name="ChainHead">The hash of the upstream's last event when this run referred to it, and
/// <paramref name="EventCount"/> that event's sequence number: the upstream's history up to there is vouched for by
/// this run, so rewriting it afterwards is detected from here (Test-Run -Lineage).</param>
public sealed record LineageRef(Guid RunId, string RunName, string Relation, string? Stage, string? Path, string? Sha256,
    string? ChainHead = null, long? EventCount = null)
{
    /// <summary>Where the run was when it was referred to (its full directory), so it can be found in another root;
    /// null in references recorded before RunTools kept it.</summary>
    public string? Directory { get; init; }
}

/// <summary>A config value that refers to a secret (<c>${env:DB_PASSWORD}</c>): the run keeps the reference and a
/// salted hash of the value it had when the run was created, never the value.</summary>
/// <param name="Key">The dotted config key.</param>
/// <param name="Reference">What the value refers to, e.g. <c>env:DB_PASSWORD</c>.</param>
/// <param name="Salt">Random salt (hex) for <paramref name="Sha256"/>.</param>
/// <param name="Sha256">PBKDF2-SHA256 of the value with the salt (hex); tells whether a later value is the same.</param>
public sealed record SecretRef(string Key, string Reference, string Salt, string Sha256);

/// <summary>A repair made to a run (Repair-Run): when, what kind, and what it did.</summary>
/// <param name="Kind">"rebuilt" (events.jsonl rebuilt from run.json) or "quarantined" (event lines moved aside).</param>
public sealed record RepairNote(DateTimeOffset At, string Kind, string Detail);

/// <summary>A file with its content hash. Paths inside the run are relative with '/'; files outside it are absolute.</summary>
public sealed record FileHash(string Path, string Sha256, long Bytes);

public enum ArtifactKind { File, Model, Table, Predictions, Metrics, FoldPlan, Plot, Log, Config }

/// <summary>A file the run vouches for: its path inside the run, hash, size, what it is and which stage wrote it.</summary>
public sealed record Artifact(string Path, string Sha256, long Bytes, ArtifactKind Kind, string? Stage, DateTimeOffset AddedAt);

/// <summary>A fold plan stored in the run: its files, what it is, and the hash of its content (row assignments and
/// settings, independent of the file format).</summary>
public sealed record FoldPlanRecord(string Name, string Kind, int Folds, int Repeats, bool Nested, bool Production, int Rows,
    string ContentHash, string Path, string Summary, string? Stage);

/// <summary>One metric's summary across its history (the history itself stays in events.jsonl).</summary>
public sealed record MetricSummary(string Name, double Last, long? Step, double Min, double Max, long Count, string? Stage, DateTimeOffset UpdatedAt);

/// <summary>The latest attempt of a stage.</summary>
/// <param name="Command">What ran: "scriptblock" with its text hash, or the command line.</param>
/// <param name="Log">The log file, relative to the run.</param>
/// <param name="LogHash">The log's hash and length when an attempt last ended (logs only grow: a later attempt
/// appends, so the first <see cref="FileHash.Bytes"/> bytes keep this hash).</param>
public sealed record StageRecord(
    string Name,
    int Attempt,
    StageStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    Seq<string> DependsOn,
    Seq<FileHash> Inputs,
    Seq<FileHash> Outputs,
    ErrorInfo? Error,
    ProcessInfo Process,
    string Command,
    string Log,
    FileHash? LogHash = null)
{
    public TimeSpan? Duration => EndedAt - StartedAt;

    /// <summary>What the attempt used, each part hashed, with the config keys it read (null in runs written before
    /// fingerprints).</summary>
    public StageFingerprint? Fingerprint { get; init; }

    /// <summary>Why the attempt ran: "never ran", "forced", what changed since the attempt before, or the reuse.</summary>
    public string? Reason { get; init; }

    /// <summary>For an attempt served from the stage cache: <c>&lt;run&gt;/&lt;stage&gt;/&lt;attempt&gt;</c> it was brought over from.</summary>
    public string? ReusedFrom { get; init; }
}

/// <summary>The manifest of a run: everything needed to understand, repeat, verify or compare it. It is the
/// replay of the run's events (see <see cref="Manifest.Replay"/>); run.json is this value, written after every event.</summary>
public sealed record RunManifest(
    int SchemaVersion,
    Guid RunId,
    string Name,
    string Key,
    DateTimeOffset CreatedAt,
    string PackageVersion,
    RunStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? StatusMessage,
    ErrorInfo? LastError,
    ProcessInfo? Owner,
    Seq<InputFile> Inputs,
    ConfigValue Config,
    string ConfigSha256,
    NameList FeatureList,
    string? Label,
    EnvironmentInfo Environment,
    GitState? Git,
    Seq<LineageRef> Lineage,
    Seq<StageRecord> Stages,
    Seq<Artifact> Artifacts,
    Seq<MetricSummary> Metrics,
    long EventCount,
    DateTimeOffset UpdatedAt)
{
    /// <summary>2: events carry the hash of the previous event (a hash chain) and run.json its head; version 1 runs
    /// (no chain) are read and continued, their old events unchained.</summary>
    public const int CurrentSchemaVersion = 2;

    public TimeSpan? Duration => StartedAt is { } s && EndedAt is { } e ? e - s : null;

    /// <summary>The fold plans stored in the run (New-RunFoldPlan), by name.</summary>
    public Seq<FoldPlanRecord> FoldPlans { get; init; } = Seq<FoldPlanRecord>();

    /// <summary>The config files written beside run.json at creation (config_resolved.yaml, config_overrides.yaml)
    /// with the hashes of their bytes.</summary>
    public Seq<FileHash> ConfigFiles { get; init; } = Seq<FileHash>();

    /// <summary>Config values that refer to secrets, with salted hashes of their values.</summary>
    public Seq<SecretRef> Secrets { get; init; } = Seq<SecretRef>();

    /// <summary>Locked against retention (Lock-Run): Remove-Run never removes it.</summary>
    public bool Locked { get; init; }

    public string? LockReason { get; init; }

    /// <summary>Repairs made to the run (Repair-Run), oldest first.</summary>
    public Seq<RepairNote> Repairs { get; init; } = Seq<RepairNote>();

    /// <summary>The hash of the run's last event (the head of its hash chain) when the manifest was read. Like
    /// <see cref="Path"/>, not part of the manifest's content: set by the store.</summary>
    public string? ChainHead { get; init; }

    /// <summary>The run directory this manifest was read from. Not part of the manifest on disk (a run directory
    /// can be moved or shipped); set by the store when it reads one.</summary>
    public string? Path { get; init; }

    public StageRecord? Stage(string name) => Stages.Find(s => s.Name == name).ToNullable();

    public FoldPlanRecord? FoldPlan(string name) => FoldPlans.Find(p => p.Name == name).ToNullable();

    public MetricSummary? Metric(string name) => Metrics.Find(m => m.Name == name).ToNullable();
}
