using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Stages;
using RunTools.Training;

namespace RunTools.Views;

// The records cmdlets write to the pipeline. Their property names are the pipeline contract (a cmdlet that takes a
// run binds RunInfo.Path / RunPath with no glue). They are shaped for PowerShell without referring to it:
// - sealed classes with get-only properties, not C# records: a record's compiler members (<Clone>$, Deconstruct,
//   init setters) would show in Get-Member and make every property look settable;
// - ToString() is the run's name (what Group-Object, string interpolation and a -Run parameter see);
// - statuses are strings (the enum's name), so ConvertTo-Json and Export-Csv write "Completed", not 2;
// - optional values are nullable, dictionaries are ValueMaps (IDictionary: $run.Metrics.auc, .ContainsKey(),
//   ConvertTo-Json objects, YAML flow text in a CSV column), lists are arrays.
// Equality is by value over every property, as the records had.

/// <summary>A run as Get-Run and New-Run show it: identity, observed status, whether it is locked against removal
/// (Lock-Run), timing, flattened config and metrics, and the run's selection metric.</summary>
public sealed class RunInfo : IEquatable<RunInfo>
{
    readonly RunManifest manifest;
    RunManifestInfo? manifestInfo;

    public RunInfo(string name, Guid id, string key, string status, bool locked, DateTimeOffset createdAt, DateTimeOffset? startedAt,
        DateTimeOffset? endedAt, TimeSpan? duration, ValueMap<object?> @params, ValueMap<double> metrics, ValueMap<string> stages,
        string path, RunManifest manifest, IReadOnlyList<string>? stale = null)
    {
        Stale = stale ?? [];
        (Name, Id, Key, Status, Locked, CreatedAt, StartedAt, EndedAt, Duration, Params, Metrics, Stages, Path) =
            (name, id, key, status, locked, createdAt, startedAt, endedAt, duration, @params, metrics, stages, path);
        this.manifest = manifest;
        ScoreMetric = SelectionMetric(@params, metrics);
        Score = ScoreMetric is not null && metrics.TryGetValue(ScoreMetric, out var score) ? score : null;
    }

    public string Name { get; }
    public Guid Id { get; }
    public string Key { get; }
    /// <summary>The observed status: Pending, Running, Completed, Failed, Cancelled or Abandoned.</summary>
    public string Status { get; }
    public bool Locked { get; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset? StartedAt { get; }
    public DateTimeOffset? EndedAt { get; }
    public TimeSpan? Duration { get; }
    /// <summary>The config flattened to dotted keys (<c>model.trees</c>), in the config's order.</summary>
    public ValueMap<object?> Params { get; }
    /// <summary>Each metric's last value, by name.</summary>
    public ValueMap<double> Metrics { get; }
    /// <summary>Each stage's observed status, by stage name: a completed stage whose inputs, upstream stages or
    /// source runs changed since shows as Stale.</summary>
    public ValueMap<string> Stages { get; }
    /// <summary>Why the run is stale, one line per finding ("evaluate: inputs changed: data.csv", "parent exp: the run
    /// was removed"); empty when it is fresh (or when staleness was not looked at).</summary>
    public IReadOnlyList<string> Stale { get; }
    /// <summary>The run's selection metric (<c>cv/&lt;training.metric&gt;</c>, the metric training selects models by)
    /// when the run has it; null otherwise.</summary>
    public string? ScoreMetric { get; }
    /// <summary>The value of <see cref="ScoreMetric"/>.</summary>
    public double? Score { get; }
    public string Path { get; }
    /// <summary>The full manifest, as Get-RunManifest writes it (built when first read).</summary>
    public RunManifestInfo Manifest => manifestInfo ??= RunManifestInfo.Of(manifest);

    /// <param name="observed">The run's status as observed now (see <see cref="Liveness"/>).</param>
    /// <param name="live">The processes currently working on the run, to observe stage statuses.</param>
    /// <param name="staleness">What is stale in the run as of now (null: not looked at).</param>
    public static RunInfo Of(RunManifest m, string path, RunStatus observed, Seq<ProcessInfo> live, RunStaleness? staleness = null) => new(
        m.Name, m.RunId, m.Key, observed.ToString(), m.Locked, m.CreatedAt, m.StartedAt, m.EndedAt, m.Duration,
        new ValueMap<object?>(ConfigPaths.Flatten(m.Config).Map(kv => (kv.Key, ConfigPlain.ToPlain(kv.Value)))),
        new ValueMap<double>(m.Metrics.Map(x => (x.Name, x.Last))),
        new ValueMap<string>(m.Stages.Map(s => (s.Name,
            staleness is not null && staleness.Stages.Exists(x => x.Stage == s.Name) ? "Stale" : Liveness.Observe(s, live).ToString()))),
        path,
        m with { Path = path },
        staleness?.Reasons.ToArray());

    /// <summary>The metric training selects by (training.metric, or the task's default when the config has a training
    /// section), as the run recorded it: <c>cv/&lt;metric&gt;</c>, or <c>&lt;stage&gt;/cv/&lt;metric&gt;</c>.</summary>
    static string? SelectionMetric(ValueMap<object?> @params, ValueMap<double> metrics)
    {
        var metric = @params.TryGetValue("training.metric", out var m) && m is string named ? named
            : @params.Keys.Any(k => k.StartsWith("training.", StringComparison.Ordinal))
                ? TrainingSpecs.DefaultMetric(@params.TryGetValue("training.task", out var t) && t is string task
                                             && Enum.TryParse<TrainingTask>(task, ignoreCase: true, out var parsed) ? parsed : TrainingTask.Binary)
                : null;
        if (metric is null) return null;
        var cv = RunLayout.Training(RunLayout.DefaultTrainingStage).Metric(metric);
        return metrics.ContainsKey(cv)
            ? cv
            : metrics.Keys.FirstOrDefault(k => CvMetricName.Parse(k).Case is CvMetricName { Variant: null, Statistic: SummaryStatistic.Mean } name && name.Metric == metric);
    }

    public override string ToString() => Name;

    object Fields => (Name, Id, Key, Status, Locked, CreatedAt, StartedAt, EndedAt, Duration, Params, Metrics, Stages, Path, manifest);
    public bool Equals(RunInfo? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as RunInfo);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>What Invoke-RunStage did with a stage.</summary>
public sealed class StageResult(
    string run,
    string stage,
    int attempt,
    string status,
    bool skipped,
    string? reason,
    DateTimeOffset? startedAt,
    DateTimeOffset? endedAt,
    TimeSpan? duration,
    IReadOnlyList<FileHash> outputs,
    string log,
    ErrorInfo? error,
    string runPath,
    string? reusedFrom = null) : IEquatable<StageResult>
{
    public string Run { get; } = run;
    public string Stage { get; } = stage;
    public int Attempt { get; } = attempt;
    /// <summary>Completed, Failed, Cancelled, ...: the stage status's name.</summary>
    public string Status { get; } = status;
    public bool Skipped { get; } = skipped;
    public string? Reason { get; } = reason;
    public DateTimeOffset? StartedAt { get; } = startedAt;
    public DateTimeOffset? EndedAt { get; } = endedAt;
    public TimeSpan? Duration { get; } = duration;
    public IReadOnlyList<FileHash> Outputs { get; } = outputs;
    public string Log { get; } = log;
    public ErrorInfo? Error { get; } = error;
    public string RunPath { get; } = runPath;
    /// <summary>&lt;run&gt;/&lt;stage&gt;/&lt;attempt&gt; whose outputs were brought over instead of running the stage (the stage
    /// cache); null when it ran (or was skipped).</summary>
    public string? ReusedFrom { get; } = reusedFrom;

    public static StageResult Of(RunManifest m, StageRecord s, string runPath, bool skipped, string? reason) => new(
        m.Name, s.Name, s.Attempt, s.Status.ToString(), skipped, reason, s.StartedAt, s.EndedAt, s.Duration, s.Outputs.ToArray(),
        s.Log, s.Error, runPath, skipped ? null : s.ReusedFrom);

    /// <summary>The run's name and the stage: <c>20260301_120000_x/train</c>.</summary>
    public override string ToString() => $"{Run}/{Stage}";

    object Fields => (Run, Stage, Attempt, Status, Skipped, Reason, StartedAt, EndedAt, Duration, Outputs, Log, Error, RunPath, ReusedFrom);
    public bool Equals(StageResult? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as StageResult);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A file registered in a run.</summary>
public sealed class ArtifactRecord(
    string run,
    string path,
    string fullPath,
    string sha256,
    long bytes,
    string kind,
    string? stage,
    DateTimeOffset addedAt,
    string runPath) : IEquatable<ArtifactRecord>
{
    public string Run { get; } = run;
    public string Path { get; } = path;
    public string FullPath { get; } = fullPath;
    public string Sha256 { get; } = sha256;
    public long Bytes { get; } = bytes;
    /// <summary>File, Model, Table, Predictions, Metrics, FoldPlan, Plot, Log or Config.</summary>
    public string Kind { get; } = kind;
    public string? Stage { get; } = stage;
    public DateTimeOffset AddedAt { get; } = addedAt;
    public string RunPath { get; } = runPath;

    public static ArtifactRecord Of(RunManifest m, Artifact a, string runPath) =>
        new(m.Name, a.Path, System.IO.Path.Combine(runPath, a.Path), a.Sha256, a.Bytes, a.Kind.ToString(), a.Stage, a.AddedAt, runPath);

    /// <summary>The file's path in the run.</summary>
    public override string ToString() => Path;

    object Fields => (Run, Path, FullPath, Sha256, Bytes, Kind, Stage, AddedAt, RunPath);
    public bool Equals(ArtifactRecord? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ArtifactRecord);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>One recorded metric value (a point of its history).</summary>
public sealed class MetricRecord(string run, string name, double value, long? step, string? stage, DateTimeOffset at, string runPath)
    : IEquatable<MetricRecord>
{
    public string Run { get; } = run;
    public string Name { get; } = name;
    public double Value { get; } = value;
    public long? Step { get; } = step;
    public string? Stage { get; } = stage;
    public DateTimeOffset At { get; } = at;
    public string RunPath { get; } = runPath;

    /// <summary>The metric's name.</summary>
    public override string ToString() => Name;

    object Fields => (Run, Name, Value, Step, Stage, At, RunPath);
    public bool Equals(MetricRecord? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as MetricRecord);
    public override int GetHashCode() => Fields.GetHashCode();
}
