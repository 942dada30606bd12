using System.Collections.ObjectModel;
using RunTools.Manifests;

namespace RunTools.Views;

/// <summary>A fold plan stored in a run (New-RunFoldPlan's output).</summary>
public sealed record FoldPlanInfo(
    string Run,
    string Name,
    string Kind,
    int Folds,
    int Repeats,
    bool Nested,
    bool Production,
    int Rows,
    string ContentHash,
    string Path,
    string Summary,
    bool Skipped,
    string RunPath)
{
    public static FoldPlanInfo Of(RunManifest m, FoldPlanRecord p, bool skipped, string runPath) =>
        new(m.Name, p.Name, p.Kind, p.Folds, p.Repeats, p.Nested, p.Production, p.Rows, p.ContentHash, p.Path, p.Summary, skipped, runPath);
}

/// <summary>A finished training (Invoke-RunTraining's output): the cross-validated metrics (mean over outer folds,
/// as the run's <c>cv/...</c> metrics hold them) and where the results are.</summary>
public sealed record TrainingResult(
    string Run,
    string Stage,
    string Task,
    string Mode,
    string Plan,
    IReadOnlyDictionary<string, double> Metrics,
    string Predictions,
    string? ProductionModel,
    bool Skipped,
    TimeSpan? Duration,
    string RunPath)
{
    /// <param name="metricPrefix">The prefix of the stage's summary metrics ("cv/", or "&lt;stage&gt;/cv/").</param>
    public static TrainingResult Of(RunManifest m, string stage, string metricPrefix, string task, string mode, string plan, string predictions, string? production, bool skipped, string runPath)
    {
        var metrics = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in m.Metrics.Filter(x => x.Stage == stage && x.Name.StartsWith(metricPrefix, StringComparison.Ordinal)
                                                     && !x.Name.EndsWith("/sd", StringComparison.Ordinal)
                                                     && !x.Name.EndsWith("/lower95", StringComparison.Ordinal)
                                                     && !x.Name.EndsWith("/upper95", StringComparison.Ordinal)))
            metrics[metric.Name[metricPrefix.Length..]] = metric.Last;
        return new TrainingResult(m.Name, stage, task, mode, plan, new ReadOnlyDictionary<string, double>(metrics), predictions, production, skipped,
            m.Stage(stage)?.Duration, runPath);
    }
}

/// <summary>An inference (Invoke-RunInference's output): the run that records it, what scored what, and where the
/// predictions are.</summary>
public sealed record InferenceResult(
    string Run,
    string TrainingRun,
    string Model,
    int Rows,
    IReadOnlyList<string> IgnoredColumns,
    string Predictions,
    string? OutputPath,
    string RunPath);
