using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Views;

/// <summary>A fold plan stored in a run (New-RunFoldPlan's output).</summary>
public sealed class FoldPlanInfo(
    string run,
    string name,
    string kind,
    int folds,
    int repeats,
    bool nested,
    bool production,
    int rows,
    string contentHash,
    string path,
    string summary,
    bool skipped,
    string runPath) : IEquatable<FoldPlanInfo>
{
    public string Run { get; } = run;
    public string Name { get; } = name;
    public string Kind { get; } = kind;
    public int Folds { get; } = folds;
    public int Repeats { get; } = repeats;
    public bool Nested { get; } = nested;
    public bool Production { get; } = production;
    public int Rows { get; } = rows;
    public string ContentHash { get; } = contentHash;
    public string Path { get; } = path;
    public string Summary { get; } = summary;
    public bool Skipped { get; } = skipped;
    public string RunPath { get; } = runPath;

    public static FoldPlanInfo Of(RunManifest m, FoldPlanRecord p, bool skipped, string runPath) =>
        new(m.Name, p.Name, p.Kind, p.Folds, p.Repeats, p.Nested, p.Production, p.Rows, p.ContentHash, p.Path, p.Summary, skipped, runPath);

    public override string ToString() => Name;

    object Fields => (Run, Name, Kind, Folds, Repeats, Nested, Production, Rows, ContentHash, Path, Summary, Skipped, RunPath);
    public bool Equals(FoldPlanInfo? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as FoldPlanInfo);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A finished training (Invoke-RunTraining's output): the cross-validated metrics (mean over outer folds,
/// as the run's <c>cv/...</c> metrics hold them) and where the results are.</summary>
public sealed class TrainingResult(
    string run,
    string stage,
    string task,
    string mode,
    string plan,
    ValueMap<double> metrics,
    string predictions,
    string? productionModel,
    bool skipped,
    TimeSpan? duration,
    string runPath) : IEquatable<TrainingResult>
{
    public string Run { get; } = run;
    public string Stage { get; } = stage;
    public string Task { get; } = task;
    public string Mode { get; } = mode;
    public string Plan { get; } = plan;
    public ValueMap<double> Metrics { get; } = metrics;
    public string Predictions { get; } = predictions;
    public string? ProductionModel { get; } = productionModel;
    public bool Skipped { get; } = skipped;
    public TimeSpan? Duration { get; } = duration;
    public string RunPath { get; } = runPath;

    /// <summary>The result of a training stage, with its summary metrics' means by name after the stage's prefix
    /// (<c>auc</c>; <c>smote/auc</c> with both SMOTE variants: see <see cref="CvMetricName"/>).</summary>
    public static TrainingResult Of(RunManifest m, string stage, string task, string mode, string plan, string predictions, string? production, bool skipped, string runPath)
    {
        var metrics = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in m.Metrics.Filter(x => x.Stage == stage))
            if (CvMetricName.Parse(metric.Name).Case is CvMetricName { Statistic: SummaryStatistic.Mean } name && name.Stage == stage)
                metrics[name.Local] = metric.Last;
        return new TrainingResult(m.Name, stage, task, mode, plan, new ValueMap<double>(metrics), predictions, production, skipped,
            m.Stage(stage)?.Duration, runPath);
    }

    public override string ToString() => Run;

    object Fields => (Run, Stage, Task, Mode, Plan, Metrics, Predictions, ProductionModel, Skipped, Duration, RunPath);
    public bool Equals(TrainingResult? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as TrainingResult);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>An inference (Invoke-RunInference's output): the run that records it, what scored what, where the
/// predictions are, and, when the data had the training's label column, the held-out metrics (as the run's
/// <c>holdout/...</c> metrics hold them, without the prefix).</summary>
public sealed class InferenceResult(
    string run,
    string trainingRun,
    string model,
    int rows,
    IReadOnlyList<string> ignoredColumns,
    string predictions,
    string? outputPath,
    string? label,
    ValueMap<double> metrics,
    string runPath) : IEquatable<InferenceResult>
{
    public string Run { get; } = run;
    public string TrainingRun { get; } = trainingRun;
    public string Model { get; } = model;
    public int Rows { get; } = rows;
    public IReadOnlyList<string> IgnoredColumns { get; } = ignoredColumns;
    public string Predictions { get; } = predictions;
    public string? OutputPath { get; } = outputPath;

    /// <summary>The label column the predictions were evaluated against; null when they were not evaluated.</summary>
    public string? Label { get; } = label;

    /// <summary>The held-out metrics with a value (auc, accuracy, ..., rmse): empty when not evaluated.</summary>
    public ValueMap<double> Metrics { get; } = metrics;

    public string RunPath { get; } = runPath;

    /// <summary>The held-out metrics of an evaluation, by name, those with a value (as the run records them).</summary>
    public static ValueMap<double> MetricsOf(RunTools.Evaluation.HoldoutEvaluation? evaluation) =>
        evaluation is null
            ? ValueMap<double>.Empty
            : new ValueMap<double>(evaluation.Metrics.Filter(m => double.IsFinite(m.Value)).Map(m => (m.Name, m.Value)));

    public override string ToString() => Run;

    object Fields => (Run, TrainingRun, Model, Rows, IgnoredColumns, Predictions, OutputPath, Label, Metrics, RunPath);
    public bool Equals(InferenceResult? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as InferenceResult);
    public override int GetHashCode() => Fields.GetHashCode();
}
