using RunTools.Comparison;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tables;
using RunTools.Tests.Config;
using static RunTools.Tests.Config.V;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Comparison;

public sealed class RunTableTests
{
    static RunManifest Run(string name, long trees, double rate, double? auc) =>
        NewRun() with
        {
            Name = name,
            Config = M(("model", M(("trees", I(trees)), ("rate", F(rate))))),
            Metrics = auc is { } v ? Seq1(new MetricSummary("auc", v, null, v, v, 1, null, T0)) : Seq<MetricSummary>(),
        };

    [Fact]
    public void One_row_per_differing_key_with_one_value_per_run()
    {
        var table = RunTable.Of(Seq(Run("a", 100, 0.1, 0.8), Run("b", 300, 0.1, 0.9), Run("c", 100, 0.1, null)), all: false);
        Assert.Equal(["a", "b", "c"], table.Columns);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(("config", "model.trees"), (table.Rows[0].Section, table.Rows[0].Key));
        Assert.Equal([100L, 300L, 100L], table.Rows[0].Values);
        // A key one run lacks differs, and is null there.
        Assert.Equal(("metrics", "auc"), (table.Rows[1].Section, table.Rows[1].Key));
        Assert.Equal([0.8, 0.9, null], table.Rows[1].Values);
        Assert.All(table.Rows, r => Assert.True(r.Differs));
    }

    [Fact]
    public void All_keeps_the_equal_keys_marked_as_not_differing()
    {
        var table = RunTable.Of(Seq(Run("a", 100, 0.1, 0.8), Run("b", 300, 0.1, 0.8)), all: true);
        var rate = table.Rows.Find(r => r.Key == "model.rate").IfNone(() => throw new InvalidOperationException());
        Assert.False(rate.Differs);
        Assert.Equal([0.1, 0.1], rate.Values);
        Assert.Contains(table.Rows, r => r.Section == "environment");
        Assert.Equal(["model.trees"], table.Rows.Filter(r => r.Differs).Map(r => r.Key).ToArray());
    }

    [Fact]
    public void The_pairwise_comparison_and_the_table_agree_on_what_differs()
    {
        var a = Run("a", 100, 0.1, 0.8);
        var b = Run("b", 300, 0.2, null);
        var pairwise = RunDiff.Between(a, b).Map(d => (d.Section, d.Key));
        Assert.Equal(pairwise, RunTable.Of(Seq(a, b), all: false).Rows.Map(r => (r.Section, r.Key)));
    }

    [Fact]
    public void Runs_with_the_same_name_get_distinct_columns() =>
        Assert.Equal(["x", "y", "X (2)", "x (3)"], RunTable.Columns(Seq("x", "y", "X", "x")));

    const string PlanPath = "folds/folds.parquet";

    static RunManifest Trained(string name, string planHash, bool completed = true, string stage = "train") =>
        Apply(NewRun(), Status(1, RunStatus.Pending, RunStatus.Running),
            new FoldPlanRecorded(At(2), new FoldPlanRecord("folds", "stratified", 5, 1, false, false, 100, planHash, PlanPath, "folds/folds.json", "folds")),
            Started(3, stage, inputs: Seq(File("/data/train.csv", 'd'), File(PlanPath, 'p'))),
            new ArtifactAdded(At(4), new Artifact(RunLayout.Training(stage).FoldMetrics, Sha('m'), 10, ArtifactKind.Metrics, stage, At(4))),
            Ended(5, stage, 1, completed ? StageStatus.Completed : StageStatus.Failed)) with { Name = name };

    [Fact]
    public void A_training_is_on_the_plan_whose_file_it_read()
    {
        Assert.Equal([new TrainingOnPlan("train", "folds", "h1", "metrics/folds.parquet")], RunTable.Trainings(Trained("a", "h1")).ToArray());
        Assert.Empty(RunTable.Trainings(Trained("a", "h1", completed: false)));
    }

    [Fact]
    public void Trainings_are_shared_only_when_every_run_has_them_on_the_same_plan()
    {
        Assert.Equal(["train"], RunTable.SharedTrainings(Seq(Trained("a", "h1"), Trained("b", "h1"))).Map(t => t.Stage).ToArray());
        Assert.Empty(RunTable.SharedTrainings(Seq(Trained("a", "h1"), Trained("b", "h2"))));
        Assert.Empty(RunTable.SharedTrainings(Seq(Trained("a", "h1"), Trained("b", "h1", stage: "train2"))));
        Assert.Empty(RunTable.SharedTrainings(Seq(Trained("a", "h1"), NewRun())));
    }

    static Seq<FoldMetricValue> Folds(string metric, params double[] values) =>
        toSeq(values.Select((v, i) => new FoldMetricValue(0, i, "none", metric, v)).ToArray());

    [Fact]
    public void Fold_paired_comparison_pairs_folds_and_tests_the_deltas()
    {
        double[] x = [0.80, 0.82, 0.78, 0.85, 0.81], y = [0.83, 0.85, 0.78, 0.88, 0.86];
        var rows = RunTable.Paired("a", Seq(
            new TrainingFolds("a", "train", "h1", Folds("auc", x)),
            // b's folds in another order, and a fold a does not have: pairs are by repeat and fold, unmatched folds left out.
            new TrainingFolds("b", "train", "h1", toSeq(Folds("auc", y).Reverse()).Add(new FoldMetricValue(0, 9, "none", "auc", 0.1)))));
        var row = Assert.Single(rows);
        var t = RunTools.Evaluation.PairedTTests.Of(x, y);
        var w = RunTools.Evaluation.WilcoxonSignedRank.Of(x, y);
        Assert.Equal(new FoldPairedComparison("train", null, "auc", "a", "b", 5, x.Average(), y.Average(), t.MeanDelta, t.SdDelta, t.T, t.P,
            w.Statistic, w.P, w.Method, 1, "h1"), row);
        Assert.Equal("normal", row.WilcoxonMethod); // one zero delta: the normal approximation, as scipy
    }

    [Fact]
    public void Each_run_is_compared_with_the_baseline_for_each_metric()
    {
        var rows = RunTable.Paired("b", Seq(
            new TrainingFolds("a", "train", "h1", Folds("auc", 0.8, 0.7, 0.9).Concat(Folds("loss", 0.5, 0.6, 0.4))),
            new TrainingFolds("b", "train", "h1", Folds("auc", 0.7, 0.7, 0.8).Concat(Folds("loss", 0.6, 0.6, 0.5))),
            new TrainingFolds("c", "train", "h1", Folds("auc", 0.9, 0.8, 0.9))));
        Assert.Equal([("a", "auc"), ("a", "loss"), ("c", "auc")], rows.Map(r => (r.Run, r.Metric)).ToArray());
        Assert.All(rows, r => Assert.Equal("b", r.Baseline));
    }

    [Fact]
    public void A_fold_metrics_table_is_read_without_the_production_fold_and_missing_values()
    {
        var table = Expect.Succ(Table.Create(
            new IntegerColumn("repeat", [0, 0, 0]), new IntegerColumn("outer_fold", [0, 1, -1]), new TextColumn("variant", ["none", "none", "none"]),
            new TextColumn("metric", ["auc", "auc", "auc"]), new NumberColumn("value", [0.8, double.NaN, 0.9])));
        Assert.Equal([new FoldMetricValue(0, 0, "none", "auc", 0.8)], Expect.Succ(RunTable.FoldValues(table, "m.parquet")).ToArray());
        var wrong = Expect.Succ(Table.Create(new TextColumn("repeat", ["0"])));
        Assert.IsType<RunCorrupted>(Expect.Fail(RunTable.FoldValues(wrong, "m.parquet")));
    }
}
