using System.Collections.Immutable;
using System.Globalization;
using RunTools.Evaluation;
using RunTools.Folds;
using RunTools.Training;

namespace RunTools.MachineLearning.Tests;

/// <summary>A dataset built in memory: features, label (and parent label) for every row, and row keys.</summary>
public sealed record Dataset(Seq<FeatureSource> Features, FeatureSource Label, FeatureSource? Parent, Seq<string> Keys)
{
    public int Rows => Keys.Count;

    /// <summary>The same data with the label values permuted (seeded): no feature says anything about the label.</summary>
    public Dataset Shuffled(int seed)
    {
        var order = Enumerable.Range(0, Rows).ToArray();
        new Random(seed).Shuffle(order);
        return this with
        {
            Label = Label switch
            {
                NumericSource n => new NumericSource(n.Name, order.Select(i => n.Values[i]).ToImmutableArray()),
                CategoricalSource c => new CategoricalSource(c.Name, order.Select(i => c.Values[i]).ToImmutableArray()),
                _ => Label,
            },
        };
    }
}

/// <summary>
/// Small synthetic datasets with known signal (seeded, so every test sees the same rows), fold plans through the
/// real planner, and a one-call training run.
/// </summary>
public static class Kit
{
    static double Normal(Random random, double mean = 0, double sd = 1)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Sin(2.0 * Math.PI * u2);
    }

    static Seq<string> Keys(int n) => toSeq(Enumerable.Range(0, n).Select(i => $"r{i}").ToArray());

    static NumericSource Num(string name, IEnumerable<double> values) => new(name, values.ToImmutableArray());

    static CategoricalSource Cat(string name, IEnumerable<string?> values) => new(name, values.ToImmutableArray());

    /// <summary>Binary: logit = intercept + 2 x1 − 1.5 x2 + [c = a]; x3 is noise with about 5% missing; label 0/1.
    /// The intercept sets the positive rate (−1.2: about 30%; −2.5: about 12%).</summary>
    public static Dataset Binary(int n, int seed = 1, double intercept = -1.2)
    {
        var random = new Random(seed);
        var x1 = new double[n];
        var x2 = new double[n];
        var x3 = new double[n];
        var c = new string?[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x1[i] = Normal(random);
            x2[i] = Normal(random);
            x3[i] = random.NextDouble() < 0.05 ? double.NaN : Normal(random);
            c[i] = random.Next(3) switch { 0 => "a", 1 => "b", _ => "c" };
            var logit = intercept + 2 * x1[i] - 1.5 * x2[i] + (c[i] == "a" ? 1 : 0);
            y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
        }
        return new Dataset(toSeq(new FeatureSource[] { Num("x1", x1), Num("x2", x2), Num("x3", x3), Cat("c", c) }), Num("label", y), null, Keys(n));
    }

    /// <summary>Four well-separated classes in (x1, x2) — a1, a2 under parent alpha, b1, b2 under beta — plus a noise
    /// feature x3 and a category. With <paramref name="branchQuirks"/>, x3 is missing only in some alpha rows and the
    /// category 'rare' only occurs in beta rows: what one branch's rows have, the other's lack.</summary>
    public static Dataset Multiclass(int n, int seed = 2, bool branchQuirks = false)
    {
        var random = new Random(seed);
        var classes = new[] { "a1", "a2", "b1", "b2" };
        var centres = new[] { (0.0, 0.0), (0.0, 4.0), (4.0, 0.0), (4.0, 4.0) };
        var x1 = new double[n];
        var x2 = new double[n];
        var x3 = new double[n];
        var tag = new string?[n];
        var y = new string?[n];
        var parent = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var k = i % 4;
            y[i] = classes[k];
            parent[i] = k < 2 ? "alpha" : "beta";
            x1[i] = Normal(random, centres[k].Item1, 0.6);
            x2[i] = Normal(random, centres[k].Item2, 0.6);
            x3[i] = branchQuirks && k < 2 && random.NextDouble() < 0.2 ? double.NaN : Normal(random);
            tag[i] = branchQuirks && k >= 2 && random.NextDouble() < 0.2 ? "rare" : random.Next(2) == 0 ? "p" : "q";
        }
        return new Dataset(toSeq(new FeatureSource[] { Num("x1", x1), Num("x2", x2), Num("x3", x3), Cat("tag", tag) }),
            Cat("species", y), Cat("family", parent), Keys(n));
    }

    /// <summary>Regression: y = 10 + 3 x1 − 2 x2 + N(0, 1); x3 is noise.</summary>
    public static Dataset Regression(int n, int seed = 3)
    {
        var random = new Random(seed);
        var x1 = new double[n];
        var x2 = new double[n];
        var x3 = new double[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x1[i] = Normal(random);
            x2[i] = Normal(random);
            x3[i] = Normal(random);
            y[i] = 10 + 3 * x1[i] - 2 * x2[i] + Normal(random);
        }
        return new Dataset(toSeq(new FeatureSource[] { Num("x1", x1), Num("x2", x2), Num("x3", x3) }), Num("y", y), null, Keys(n));
    }

    // ---- candidates and specs -------------------------------------------------------------------------------

    public static Candidate Lgbm(string id = "lightgbm#1", int iterations = 30, int leaves = 8) =>
        new(id, TrainerKind.LightGbm, Map(("iterations", (double)iterations), ("leaves", (double)leaves), ("min_leaf", 5.0)));

    public static Candidate Lbfgs(string id = "lbfgs#1", double l1 = 0, double l2 = 0.1) =>
        new(id, TrainerKind.Lbfgs, Map(("l1", l1), ("l2", l2)));

    public static TrainingSpec Spec(TrainingTask task, params Candidate[] candidates) =>
        new(task, TrainingMode.Direct,
            task switch { TrainingTask.Binary => "auc", TrainingTask.Multiclass => "macro_f1", _ => "rmse" },
            toSeq(candidates.Length == 0 ? [Lgbm()] : candidates), 0, 42, SmoteMode.None, 5, 0.1, null, null);

    // ---- plans ----------------------------------------------------------------------------------------------

    /// <summary>Stratified (classification) or k-fold (regression) outer folds, optionally with inner folds of the
    /// same kind and a production fold.</summary>
    public static FoldPlan Plan(Dataset data, int k = 4, int? inner = 3, bool production = false, ulong seed = 7, bool stratified = true)
    {
        var kind = stratified ? FoldKind.Stratified : FoldKind.KFold;
        var innerSpec = inner is { } i ? new FoldSpec(kind, i, 1, seed, true, null, null, false) : null;
        var spec = new FoldSpec(kind, k, 1, seed, true, null, innerSpec, production);
        var labels = stratified ? toSeq(Labels.Texts(data.Label).Select(t => t ?? "").ToArray()) : (Seq<string>?)null;
        return Expect(FoldPlanner.Plan(spec, new FoldData(data.Keys, labels, null, null)));
    }

    public static T Expect<T>(Fin<T> result) =>
        result.Match(Succ: v => v, Fail: e => throw new Xunit.Sdk.XunitException($"Expected success, got the error: {e}"));

    public static TrainingInput Input(TrainingSpec spec, Dataset data, FoldPlan plan) =>
        new(spec, data.Features,
            Expect(Labels.Encode(spec.Task, data.Label, spec.PositiveClass)),
            spec.Mode == TrainingMode.Hierarchical ? Expect(Labels.Encode(TrainingTask.Multiclass, data.Parent!, null)) : null,
            plan);

    /// <summary>Runs nested cross-validation; the folds come back in the order the engine reported them.</summary>
    public static TrainingSummary Train(TrainingInput input, CancellationToken cancel = default)
    {
        var reported = new List<FoldOutcome>();
        var summary = Expect(new NestedCrossValidation(input, reported.Add, _ => { }, cancel).Run());
        Assert.Equal(reported, summary.Folds.ToList());
        return summary;
    }

    public static TrainingSummary Train(TrainingSpec spec, Dataset data, FoldPlan plan) => Train(Input(spec, data, plan));

    /// <summary>Runs nested cross-validation on an input it must refuse: the errors, after no fold was trained.</summary>
    public static Seq<RunTools.Domain.RunError> Refused(TrainingSpec spec, Dataset data, FoldPlan plan)
    {
        var reported = new List<FoldOutcome>();
        var error = new NestedCrossValidation(Input(spec, data, plan), reported.Add, _ => { }, default).Run()
            .Match(Succ: _ => throw new Xunit.Sdk.XunitException("Expected the training to be refused"), Fail: e => e);
        Assert.Empty(reported);
        return RunTools.Domain.Failures.Flatten(error).Map(e => Assert.IsAssignableFrom<RunTools.Domain.RunError>(e));
    }

    // ---- reading results ------------------------------------------------------------------------------------

    public static Seq<FoldOutcome> Evaluated(this TrainingSummary summary, string variant = "none") =>
        summary.Folds.Filter(f => f.Outer >= 0 && f.Variant == variant);

    /// <summary>The mean over outer folds of a metric, as the summary reports it.</summary>
    public static double Mean(this TrainingSummary summary, string metric, string variant = "none") =>
        summary.Metrics.Find(m => m.Variant == variant && m.Metric == metric).Map(m => m.Stats.Mean)
            .IfNone(() => throw new Xunit.Sdk.XunitException($"no summary for {variant}/{metric}"));

    /// <summary>Every out-of-fold prediction of a variant as (row, value): binary P(positive), regression the
    /// prediction.</summary>
    public static IEnumerable<(int Row, double Score)> OutOfFold(this TrainingSummary summary, string variant = "none") =>
        summary.Evaluated(variant).SelectMany(f => f.TestRows.Select((row, i) => (row, f.Test.Scores[i])));

    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Outer-fold AUC recomputed from the fold's predictions on the given rows.</summary>
    public static double Auc(FoldOutcome fold, EncodedLabels labels, Func<int, bool> include)
    {
        var picked = fold.TestRows.Select((row, i) => (row, i)).Where(x => include(x.row)).ToArray();
        var actual = picked.Select(x => labels.Classes[x.row] == 1).ToArray();
        var scores = picked.Select(x => fold.Test.Scores[x.i]).ToArray();
        return Expect(BinaryMetrics.Compute(actual, scores)).Auc;
    }
}
