using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Evaluation;
using RunTools.Tests.Config;
using static RunTools.Tests.Evaluation.EvaluationKit;

namespace RunTools.Tests.Evaluation;

public sealed class RegressionMetricsTests
{
    static RegressionScores Scores(double[] actual, double[] predicted) =>
        Expect.Succ(RegressionMetrics.Compute(actual, predicted));

    [Fact]
    public void Matches_the_scikit_learn_documentation_example()
    {
        // actual [3, −0.5, 2, 7], predicted [2.5, 0, 2, 8]: MSE 0.375, MAE 0.5, R² 0.948608…
        var scores = Scores([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);
        Assert.Equal(new RegressionScores(4, Math.Sqrt(0.375), 0.5, scores.R2), scores);
        Close(0.9486081370449679, scores.R2, 1e-15);
        Close(0.6123724356957945, scores.Rmse, 1e-16);
    }

    [Fact]
    public void Hand_computed_example()
    {
        // Residuals 1, −2, 0 → SSE 5, SAE 3. Mean of actual 2 → SST 2.
        Assert.Equal(new RegressionScores(3, Math.Sqrt(5.0 / 3.0), 1.0, 1.0 - 5.0 / 2.0), Scores([1, 2, 3], [0, 4, 3]));
    }

    [Fact]
    public void R2_is_zero_for_the_mean_and_negative_for_worse()
    {
        Assert.Equal(0.0, Scores([1, 2, 3, 6], [3, 3, 3, 3]).R2);
        Assert.True(Scores([1, 2, 3, 6], [6, 3, 2, 1]).R2 < 0);
    }

    [Fact]
    public void R2_is_nan_when_the_actual_values_are_constant()
    {
        var scores = Scores([0.1, 0.1, 0.1], [0.1, 0.2, 0.0]);
        Assert.True(double.IsNaN(scores.R2));
        Close(Math.Sqrt(0.02 / 3), scores.Rmse, 1e-15);
    }

    [Fact]
    public void Invalid_inputs_are_errors()
    {
        Expect.Error(new EvaluationInputEmpty("actual"), RegressionMetrics.Compute([], []));
        Expect.Error(new EvaluationLengthMismatch("predicted", 2, 1), RegressionMetrics.Compute([1, 2], [1]));
        Expect.Error(new EvaluationValueNotFinite("actual", 1, double.NaN), RegressionMetrics.Compute([1, double.NaN], [1, 2]));
        Expect.Error(new EvaluationValueNotFinite("predicted", 0, double.PositiveInfinity), RegressionMetrics.Compute([1, 2], [double.PositiveInfinity, 2]));
    }

    static Gen<(double[] Actual, double[] Predicted)> Data =>
        from n in Gen.Choose(1, 60)
        from actual in Gen.ArrayOf(Gen.Choose(-100_000, 100_000).Select(i => i / 128.0), n)
        from noise in Gen.ArrayOf(Gen.Choose(-10_000, 10_000).Select(i => i / 100.0), n)
        select (actual, actual.Zip(noise, (a, e) => a + e).ToArray());

    [Property(MaxTest = 300)]
    public Property Scores_do_not_depend_on_row_order() =>
        Prop.ForAll(Arb.From(Data), ArbMap.Default.ArbFor<ulong>(), (d, seed) =>
        {
            var order = Permutation(d.Actual.Length, seed);
            var original = Scores(d.Actual, d.Predicted);
            var permuted = Scores(Permute(d.Actual, order), Permute(d.Predicted, order));
            Assert.Equal(original.Count, permuted.Count);
            Close(original.Rmse, permuted.Rmse, 1e-13 * Math.Max(1, original.Rmse));
            Close(original.Mae, permuted.Mae, 1e-13 * Math.Max(1, original.Mae));
            Assert.Equal(double.IsNaN(original.R2), double.IsNaN(permuted.R2));
            if (!double.IsNaN(original.R2)) Close(original.R2, permuted.R2, 1e-9 * Math.Max(1, Math.Abs(original.R2)));
        });

    [Property(MaxTest = 300)]
    public Property Scores_match_a_two_pass_computation_and_perfect_predictions_are_perfect() =>
        Prop.ForAll(Arb.From(Data), d =>
        {
            var scores = Scores(d.Actual, d.Predicted);
            var mean = d.Actual.Average();
            var sse = d.Actual.Zip(d.Predicted, (a, p) => (a - p) * (a - p)).Sum();
            var sst = d.Actual.Sum(a => (a - mean) * (a - mean));
            Close(Math.Sqrt(sse / d.Actual.Length), scores.Rmse, 1e-12 * Math.Max(1, scores.Rmse));
            Close(d.Actual.Zip(d.Predicted, (a, p) => Math.Abs(a - p)).Average(), scores.Mae, 1e-12 * Math.Max(1, scores.Mae));
            if (sst > 1e-6) Close(1 - sse / sst, scores.R2, 1e-9 * Math.Max(1, Math.Abs(scores.R2)));
            Assert.True(scores.Mae <= scores.Rmse * (1 + 1e-15));

            var perfect = Scores(d.Actual, d.Actual);
            Assert.Equal((0.0, 0.0), (perfect.Rmse, perfect.Mae));
            Assert.True(d.Actual.Distinct().Count() == 1 ? double.IsNaN(perfect.R2) : perfect.R2 == 1.0);
        });
}
