using System.Collections.ObjectModel;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Views;

// The records cmdlets write to the pipeline. Their property names are the pipeline contract (a cmdlet that takes a
// run binds RunInfo.Path / RunPath with no glue), optional values are nullable, and dictionaries are plain
// IDictionary instances so `$run.Metrics.auc` and `$run.Params['model.trees']` work in PowerShell.

/// <summary>A run as Get-Run and New-Run show it: identity, observed status, whether it is locked against removal
/// (Lock-Run), timing, flattened config and metrics.</summary>
public sealed record RunInfo(
    string Name,
    Guid Id,
    string Key,
    RunStatus Status,
    bool Locked,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    TimeSpan? Duration,
    IReadOnlyDictionary<string, object?> Params,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, StageStatus> Stages,
    string Path,
    RunManifest Manifest)
{
    /// <param name="observed">The run's status as observed now (see <see cref="Liveness"/>).</param>
    /// <param name="live">The processes currently working on the run, to observe stage statuses.</param>
    public static RunInfo Of(RunManifest m, string path, RunStatus observed, Seq<ProcessInfo> live) => new(
        m.Name, m.RunId, m.Key, observed, m.Locked, m.CreatedAt, m.StartedAt, m.EndedAt, m.Duration,
        Dictionary(ConfigPaths.Flatten(m.Config).Map(kv => (kv.Key, ConfigPlain.ToPlain(kv.Value)))),
        Dictionary(m.Metrics.Map(x => (x.Name, x.Last))),
        Dictionary(m.Stages.Map(s => (s.Name, Liveness.Observe(s, live)))),
        path,
        m with { Path = path });

    static ReadOnlyDictionary<string, T> Dictionary<T>(Seq<(string Key, T Value)> items)
    {
        var d = new OrderedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in items) d[key] = value;
        return new ReadOnlyDictionary<string, T>(d);
    }
}

/// <summary>What Invoke-RunStage did with a stage.</summary>
public sealed record StageResult(
    string Run,
    string Stage,
    int Attempt,
    StageStatus Status,
    bool Skipped,
    string? Reason,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    TimeSpan? Duration,
    IReadOnlyList<FileHash> Outputs,
    string Log,
    ErrorInfo? Error,
    string RunPath)
{
    public static StageResult Of(RunManifest m, StageRecord s, string runPath, bool skipped, string? reason) => new(
        m.Name, s.Name, s.Attempt, s.Status, skipped, reason, s.StartedAt, s.EndedAt, s.Duration, s.Outputs.ToArray(),
        s.Log, s.Error, runPath);
}

/// <summary>A file registered in a run.</summary>
public sealed record ArtifactRecord(
    string Run,
    string Path,
    string FullPath,
    string Sha256,
    long Bytes,
    ArtifactKind Kind,
    string? Stage,
    DateTimeOffset AddedAt,
    string RunPath)
{
    public static ArtifactRecord Of(RunManifest m, Artifact a, string runPath) =>
        new(m.Name, a.Path, System.IO.Path.Combine(runPath, a.Path), a.Sha256, a.Bytes, a.Kind, a.Stage, a.AddedAt, runPath);
}

/// <summary>One recorded metric value (a point of its history).</summary>
public sealed record MetricRecord(string Run, string Name, double Value, long? Step, string? Stage, DateTimeOffset At, string RunPath);
