using RunTools.Comparison;
using RunTools.Config;
using RunTools.Manifests;
using RunTools.Tests.Config;
using static RunTools.Tests.Config.V;
using static RunTools.Tests.Evaluation.EvaluationKit;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Comparison;

public sealed class RunMeasureTests
{
    static MeasuredRun Run(string name, string trainer, long trees, string status, params (string Metric, double Value)[] metrics) =>
        new(NewRun() with
        {
            Name = name,
            Config = M(("model", M(("trainer", S(trainer)), ("trees", I(trees))))),
            Metrics = toSeq(metrics.Select(m => new MetricSummary(m.Metric, m.Value, null, m.Value, m.Value, 1, null, T0)).ToArray()),
        }, status);

    static readonly Seq<MeasuredRun> Runs = Seq(
        Run("a", "lbfgs", 100, "Completed", ("auc", 0.80), ("loss", 0.5)),
        Run("b", "sdca", 100, "Completed", ("auc", 0.70)),
        Run("c", "lbfgs", 200, "Completed", ("auc", 0.84)),
        Run("d", "sdca", 200, "Failed", ("auc", 0.75)),
        Run("e", "lbfgs", 300, "Completed", ("auc", 0.86), ("loss", double.NaN)));

    static Seq<RunMeasurement> Measure(Seq<string> groupBy, Func<string, bool>? metric = null) =>
        Expect.Succ(RunMeasure.Measure(Runs, groupBy, metric ?? (_ => true)));

    [Fact]
    public void Groups_by_a_config_key_and_summarises_each_metric_as_by_hand()
    {
        var rows = Measure(Seq1("model.trainer"));
        Assert.Equal(["lbfgs: auc", "lbfgs: loss", "sdca: auc"], rows.Map(r => $"{r.Group["model.trainer"]}: {r.Metric}").ToArray());

        // lbfgs auc: 0.80, 0.84, 0.86. Mean 0.8333…, sd √(((−1/30)² + (1/150)² + (2/75)²)/2) = 0.030550504633…,
        // half-width t(0.975, 2) · sd / √3. For 2 degrees of freedom the quantile has a closed form,
        // t = (2p − 1) · √(2 / (4p(1 − p))) = 0.95 · √(2 / 0.0975) = 4.3026527297494638… (SciPy 1.10's t.ppf gives
        // 4.302652729911275, 4e-11 off).
        var auc = rows[0];
        Assert.Equal("model.trainer=lbfgs", auc.GroupName);
        Assert.Equal(3, auc.Count);
        Assert.Equal(["a", "c", "e"], auc.Runs);
        Close(0.8333333333333334, auc.Mean!.Value, 1e-15);
        Close(0.0305505046330389, auc.SD!.Value, 1e-15);
        Assert.Equal(0.80, auc.Min);
        Assert.Equal(0.86, auc.Max);
        var half = 0.95 * Math.Sqrt(2 / 0.0975) * 0.0305505046330389 / Math.Sqrt(3);
        Close(0.8333333333333334 - half, auc.Lower!.Value, 1e-14);
        Close(0.8333333333333334 + half, auc.Upper!.Value, 1e-14);

        // sdca auc: 0.70, 0.75: sd 0.05/√2, and for 1 degree of freedom t(0.975, 1) = tan(0.475π).
        var sdca = rows[2];
        Assert.Equal(2, sdca.Count);
        Close(0.725, sdca.Mean!.Value, 1e-15);
        var sdcaHalf = Math.Tan(0.475 * Math.PI) * (0.05 / Math.Sqrt(2)) / Math.Sqrt(2);
        Close(0.725 - sdcaHalf, sdca.Lower!.Value, 1e-13);
        Close(0.725 + sdcaHalf, sdca.Upper!.Value, 1e-13);
    }

    [Fact]
    public void One_value_has_no_sd_or_interval_and_NaN_is_not_counted()
    {
        var loss = Measure(Seq1("model.trainer"))[1];
        Assert.Equal(new RunMeasurement(loss.Group, "model.trainer=lbfgs", "loss", 1, 0.5, null, 0.5, 0.5, null, null, loss.Runs), loss);
        Assert.Equal(["a"], loss.Runs);
    }

    [Fact]
    public void Without_group_keys_every_run_is_one_group()
    {
        var auc = Measure(Seq<string>()).Find(r => r.Metric == "auc").IfNone(() => throw new InvalidOperationException());
        Assert.Equal(RunMeasure.AllRuns, auc.GroupName);
        Assert.Empty(auc.Group);
        Assert.Equal(5, auc.Count);
        Close((0.80 + 0.70 + 0.84 + 0.75 + 0.86) / 5, auc.Mean!.Value, 1e-15);
    }

    [Fact]
    public void Groups_by_several_keys_and_run_properties_sorted_by_value()
    {
        var rows = Measure(Seq("Status", "model.trees"), m => m == "auc");
        Assert.Equal(
            ["Status=Completed, model.trees=100", "Status=Completed, model.trees=200", "Status=Completed, model.trees=300", "Status=Failed, model.trees=200"],
            rows.Map(r => r.GroupName).ToArray());
        // Numbers sort by value (100 < 200 < 300), not as text.
        Assert.Equal([100L, 200L, 300L, 200L], rows.Map(r => r.Group["model.trees"]).ToArray());
        Assert.Equal([2, 1, 1, 1], rows.Map(r => r.Count).ToArray());
    }

    [Fact]
    public void A_run_without_the_config_key_is_in_the_null_group_sorted_last()
    {
        var runs = Runs.Add(new MeasuredRun(NewRun() with { Name = "f", Config = M(("other", I(1))), Metrics = Seq1(new MetricSummary("auc", 0.5, null, 0.5, 0.5, 1, null, T0)) }, "Completed"));
        var rows = Expect.Succ(RunMeasure.Measure(runs, Seq1("model.trainer"), m => m == "auc"));
        Assert.Equal(["model.trainer=lbfgs", "model.trainer=sdca", "model.trainer=null"], rows.Map(r => r.GroupName).ToArray());
        Assert.Null(rows[2].Group["model.trainer"]);
        Assert.True(rows[2].Group.ContainsKey("model.trainer"));
    }

    [Fact]
    public void A_group_key_no_run_has_is_GroupKeyNotFound_with_near_matches()
    {
        var error = Expect.Fail(RunMeasure.Measure(Runs, Seq("trainer", "model.trees", "nope"), _ => true));
        var errors = RunTools.Domain.Failures.Flatten(error).Map(e => (GroupKeyNotFound)e);
        Assert.Equal([new GroupKeyNotFound("trainer", Seq1("model.trainer")), new GroupKeyNotFound("nope", Seq<string>())], errors.ToArray());
    }

    [Fact]
    public void A_group_whose_values_are_all_NaN_counts_none()
    {
        var row = RunMeasure.Summarise(RunTools.Views.ValueMap<object?>.Empty, "g", "m", [double.NaN], []);
        Assert.Equal(new RunMeasurement(row.Group, "g", "m", 0, null, null, null, null, null, null, row.Runs), row);
    }
}
