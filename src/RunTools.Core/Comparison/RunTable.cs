using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.Manifests;
using RunTools.Tables;

namespace RunTools.Comparison;

/// <summary>One key of an N-way comparison (Compare-Run -Table): its section and key (as Compare-Run names them),
/// each run's value in the order of <see cref="RunComparisonTable.Columns"/> (null where the run has no such key), and
/// whether the values differ (a key some runs lack differs).</summary>
public sealed record RunTableRow(string Section, string Key, IReadOnlyList<object?> Values, bool Differs)
{
    public override string ToString() => $"{Section}.{Key}";
}

/// <summary>The N-way comparison of runs: one column per run (<see cref="Columns"/>: the run names, made unique with
/// " (2)", " (3)"… when two runs have the same name), one row per key.</summary>
public sealed record RunComparisonTable(IReadOnlyList<string> Columns, Seq<RunTableRow> Rows);

/// <summary>One metric's value on one outer fold of a training (a row of <c>metrics/folds.parquet</c>).</summary>
public sealed record FoldMetricValue(long Repeat, long OuterFold, string? Variant, string Metric, double Value);

/// <summary>The per-fold metric values of one training stage of one run, with the content hash of its fold plan.</summary>
public sealed record TrainingFolds(string Run, string Stage, string PlanHash, Seq<FoldMetricValue> Values);

/// <summary>A training stage of a run and the fold plan it trained on (see <see cref="RunTable.Trainings"/>).</summary>
public sealed record TrainingOnPlan(string Stage, string Plan, string PlanHash, string FoldMetrics);

/// <summary>
/// A fold-paired comparison of one metric of one training stage between a run and the baseline, over the outer folds
/// both have (same repeat, fold and variant; both runs trained on the same fold plan): the mean of each, the mean
/// delta (run − baseline) and the sample sd of the deltas, the paired t-test (t, two-sided p) and the Wilcoxon
/// signed-rank test (statistic, two-sided p, "exact" or "normal"; see <see cref="WilcoxonTest"/>) of the deltas.
/// Statistics that are undefined (fewer than two folds, all deltas zero) are null.
/// </summary>
/// <param name="variant">The SMOTE variant when the training trained more than one, else null.</param>
/// <param name="zeros">Folds whose delta is exactly 0 (the Wilcoxon test leaves them out).</param>
public sealed class FoldPairedComparison(
    string stage,
    string? variant,
    string metric,
    string baseline,
    string run,
    int folds,
    double baselineMean,
    double runMean,
    double meanDelta,
    double? sdDelta,
    double? t,
    double? tTestP,
    double? wilcoxonStatistic,
    double? wilcoxonP,
    string wilcoxonMethod,
    int zeros,
    string planHash) : IEquatable<FoldPairedComparison>
{
    public string Stage { get; } = stage;
    public string? Variant { get; } = variant;
    public string Metric { get; } = metric;
    public string Baseline { get; } = baseline;
    public string Run { get; } = run;
    public int Folds { get; } = folds;
    public double BaselineMean { get; } = baselineMean;
    public double RunMean { get; } = runMean;
    public double MeanDelta { get; } = meanDelta;
    public double? SdDelta { get; } = sdDelta;
    public double? T { get; } = t;
    public double? TTestP { get; } = tTestP;
    public double? WilcoxonStatistic { get; } = wilcoxonStatistic;
    public double? WilcoxonP { get; } = wilcoxonP;
    public string WilcoxonMethod { get; } = wilcoxonMethod;
    public int Zeros { get; } = zeros;
    public string PlanHash { get; } = planHash;

    public override string ToString() => $"{Stage}: {Metric} {Run} vs {Baseline}";

    object Fields => (Stage, Variant, Metric, Baseline, Run, Folds, BaselineMean, RunMean, MeanDelta, SdDelta, T, TTestP, WilcoxonStatistic, WilcoxonP, WilcoxonMethod, Zeros, PlanHash);
    public bool Equals(FoldPairedComparison? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as FoldPairedComparison);
    public override int GetHashCode() => Fields.GetHashCode();
}

public static class RunTable
{
    /// <summary>
    /// The N-way comparison of <paramref name="runs"/> (at least one): every key <see cref="RunDiff"/> compares,
    /// section by section, keys in the order the runs first have them; only the keys whose values differ unless
    /// <paramref name="all"/>. A key a run has more than once (see <see cref="RunDiff.Between"/>) is one row per
    /// occurrence.
    /// </summary>
    public static RunComparisonTable Of(Seq<RunManifest> runs, bool all)
    {
        var rows = RunDiff.Sections.Bind(section =>
        {
            var perRun = runs.Map(m => Numbered(RunDiff.Fields(section, m))).ToArray();
            var keys = new List<(string Key, int Occurrence)>();
            var seen = new System.Collections.Generic.HashSet<(string, int)>();
            foreach (var fields in perRun)
                foreach (var key in fields.Keys)
                    if (seen.Add(key)) keys.Add(key);
            return toSeq(keys.Select(key =>
            {
                var cells = perRun.Select(fields => fields.TryGetValue(key, out var v) ? (Present: true, Value: v) : (Present: false, Value: null)).ToArray();
                var differs = cells.Any(c => c.Present != cells[0].Present || !RunDiff.Same(c.Value, cells[0].Value));
                return new RunTableRow(section, key.Key, cells.Select(c => c.Value).ToArray(), differs);
            }).ToArray());
        });
        return new RunComparisonTable(Columns(runs.Map(r => r.Name)), all ? rows : rows.Filter(r => r.Differs));
    }

    /// <summary>Each field by its key and occurrence (0 for the first time the key appears, 1 the second…), in order.</summary>
    static Dictionary<(string Key, int Occurrence), object?> Numbered(Seq<(string Key, object? Value)> fields)
    {
        var result = new Dictionary<(string, int), object?>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            var n = counts.GetValueOrDefault(key);
            counts[key] = n + 1;
            result[(key, n)] = value;
        }
        return result;
    }

    /// <summary>The names, each made unique by " (2)", " (3)"… after its first use (ignoring case, as PowerShell
    /// property names do).</summary>
    public static IReadOnlyList<string> Columns(Seq<string> names)
    {
        var used = new System.Collections.Generic.HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        foreach (var name in names)
        {
            var column = name;
            for (var i = 2; !used.Add(column); i++) column = $"{name} ({i})";
            result.Add(column);
        }
        return result;
    }

    /// <summary>
    /// The completed training stages of a run that wrote a fold metrics table, each with the fold plan it read (the
    /// plan stored in the run whose Parquet file is among the stage's inputs) and that plan's content hash.
    /// </summary>
    public static Seq<TrainingOnPlan> Trainings(RunManifest run) =>
        run.Stages
            .Filter(s => s.Status == StageStatus.Completed && run.Artifacts.Exists(a => a.Stage == s.Name && a.Path == RunLayout.Training(s.Name).FoldMetrics))
            .Choose(s => run.FoldPlans.Find(p => s.Inputs.Exists(i => i.Path == p.Path))
                .Map(p => new TrainingOnPlan(s.Name, p.Name, p.ContentHash, RunLayout.Training(s.Name).FoldMetrics)));

    /// <summary>The training stages every run has, each trained on a fold plan with the same content hash in every
    /// run (so their outer folds hold the same rows and pair up), in the first run's order.</summary>
    public static Seq<TrainingOnPlan> SharedTrainings(Seq<RunManifest> runs)
    {
        if (runs.IsEmpty) return Seq<TrainingOnPlan>();
        var each = runs.Map(Trainings);
        return each.Head.Filter(t => each.Tail.ForAll(other => other.Exists(o => o.Stage == t.Stage && o.PlanHash == t.PlanHash)));
    }

    /// <summary>A fold metrics table (<c>metrics/folds.parquet</c>: repeat, outer_fold, variant, metric, value) as
    /// values; the production fold (outer_fold &lt; 0) and rows without a value are left out. A table without those
    /// columns, or with a column of another type, is RunCorrupted naming <paramref name="path"/>.</summary>
    public static Fin<Seq<FoldMetricValue>> FoldValues(Table table, string path) =>
        ColumnsOf(table) is { } values
            ? FinSucc(values)
            : FinFail<Seq<FoldMetricValue>>(new RunCorrupted(path, "a fold metrics table needs the columns repeat and outer_fold (integers), variant and metric (text) and value (numbers)"));

    static Seq<FoldMetricValue>? ColumnsOf(Table table)
    {
        if (table.Column("repeat").Case is not IntegerColumn repeat || table.Column("outer_fold").Case is not IntegerColumn outer
            || table.Column("variant").Case is not TextColumn variant || table.Column("metric").Case is not TextColumn metric
            || table.Column("value").Case is not NumberColumn value)
            return null;
        var rows = new List<FoldMetricValue>();
        for (var i = 0; i < table.RowCount; i++)
            if (repeat.Values[i] is { } r && outer.Values[i] is { } o && o >= 0 && metric.Values[i] is { } m && !double.IsNaN(value.Values[i]))
                rows.Add(new FoldMetricValue(r, o, variant.Values[i], m, value.Values[i]));
        return toSeq(rows.ToArray());
    }

    /// <summary>
    /// The fold-paired comparisons of every run with the baseline (<paramref name="folds"/>' first entry of each
    /// stage is taken from <paramref name="baseline"/>): for each training stage, variant and metric the baseline has,
    /// each other run's values paired with the baseline's by repeat, outer fold and variant. Runs are compared in the
    /// order given; a metric a run lacks on every fold is left out for that run.
    /// </summary>
    public static Seq<FoldPairedComparison> Paired(string baseline, Seq<TrainingFolds> folds)
    {
        var result = new List<FoldPairedComparison>();
        foreach (var stage in folds.Map(f => f.Stage).Distinct())
        {
            var ofStage = folds.Filter(f => f.Stage == stage);
            if (ofStage.Find(f => f.Run == baseline).Case is not TrainingFolds reference) continue;
            var variants = reference.Values.Map(v => v.Variant).Distinct().Count();
            var metrics = reference.Values.Map(v => (v.Variant, v.Metric)).Distinct();
            foreach (var other in ofStage.Filter(f => f.Run != baseline))
            {
                var theirs = other.Values.ToLookup(v => (v.Repeat, v.OuterFold, v.Variant, v.Metric));
                foreach (var (variant, metric) in metrics)
                {
                    var pairs = reference.Values.Filter(v => v.Variant == variant && v.Metric == metric)
                        .OrderBy(v => v.Repeat).ThenBy(v => v.OuterFold)
                        .SelectMany(v => theirs[(v.Repeat, v.OuterFold, v.Variant, v.Metric)].Take(1).Select(o => (X: v.Value, Y: o.Value)))
                        .ToArray();
                    if (pairs.Length == 0) continue;
                    var x = pairs.Select(p => p.X).ToArray();
                    var y = pairs.Select(p => p.Y).ToArray();
                    var t = PairedTTests.Of(x, y);
                    var w = WilcoxonSignedRank.Of(x, y);
                    result.Add(new FoldPairedComparison(stage, variants > 1 ? variant : null, metric, baseline, other.Run, pairs.Length,
                        x.Average(), y.Average(), t.MeanDelta, t.SdDelta, t.T, t.P, w.Statistic, w.P, w.Method, w.Zeros, reference.PlanHash));
                }
            }
        }
        return toSeq(result.ToArray());
    }
}
