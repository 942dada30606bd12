using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Evaluation;
using RunTools.Tests.Config;
using static RunTools.Tests.Evaluation.EvaluationKit;

namespace RunTools.Tests.Evaluation;

public sealed class BinaryMetricsTests
{
    static BinaryScores Scores(bool[] labels, double[] probabilities, double threshold = 0.5) =>
        Expect.Succ(BinaryMetrics.Compute(labels, probabilities, threshold));

    static bool[] B(params int[] bits) => bits.Select(b => b == 1).ToArray();

    [Fact]
    public void Hand_computed_example_with_tied_scores()
    {
        // Pairs (positive, negative): 0.9 vs {0.9 tie, 0.4, 0.2, 0.1} = 3.5; 0.7 vs {…} = 3; 0.4 vs {0.4 tie, 0.2, 0.1} = 2.5 twice.
        // AUC = 11.5 / 16. At 0.5: TP 2, FP 1, FN 2, TN 3.
        var labels = B(1, 0, 1, 1, 0, 0, 1, 0);
        double[] p = [0.9, 0.9, 0.7, 0.4, 0.4, 0.2, 0.4, 0.1];
        var scores = Scores(labels, p);
        Assert.Equal(new BinaryScores(8, 4, 0.71875, 0.625, 0.625, 4.0 / 7.0, 4.0 / Math.Sqrt(240.0), scores.LogLoss, scores.Brier), scores);
        Close(0.6795664633846177, scores.LogLoss, 1e-15);
        Close(0.23, scores.Brier, 1e-16);
        Close(0.2581988897471611, scores.Mcc, 1e-16);
    }

    [Fact]
    public void Auc_matches_the_scikit_learn_documentation_example() =>
        Assert.Equal(0.75, Scores(B(0, 0, 1, 1), [0.1, 0.4, 0.35, 0.8]).Auc);

    [Fact]
    public void Auc_of_all_tied_scores_is_one_half() =>
        Assert.Equal(0.5, Scores(B(1, 0, 1, 0, 0), [0.3, 0.3, 0.3, 0.3, 0.3]).Auc);

    [Fact]
    public void Auc_is_one_for_a_perfect_ranking_and_zero_for_a_reversed_one()
    {
        Assert.Equal(1.0, Scores(B(0, 0, 1, 1), [0.1, 0.2, 0.3, 0.4]).Auc);
        Assert.Equal(0.0, Scores(B(1, 1, 0, 0), [0.1, 0.2, 0.3, 0.4]).Auc);
    }

    [Fact]
    public void Log_loss_matches_the_scikit_learn_documentation_example() =>
        Close(0.21616187468057912, Scores(B(1, 0, 0, 1), [0.9, 0.1, 0.2, 0.65]).LogLoss, 1e-15);

    [Fact]
    public void Mcc_matches_the_scikit_learn_documentation_example()
    {
        // y_true [+1, +1, +1, −1], y_pred [+1, −1, +1, +1] → −1/3.
        var scores = Scores(B(1, 1, 1, 0), [0.9, 0.1, 0.8, 0.7]);
        Close(-1.0 / 3.0, scores.Mcc, 1e-15);
        Assert.Equal(0.5, scores.Accuracy);
        Assert.Equal(2.0 / 3.0, scores.F1);
        Assert.Equal(1.0 / 3.0, scores.BalancedAccuracy); // (2/3 + 0) / 2
    }

    [Fact]
    public void The_threshold_is_inclusive_and_moves_the_confusion_matrix()
    {
        var labels = B(1, 0, 1, 0);
        double[] p = [0.6, 0.2, 0.3, 0.2];
        Assert.Equal(0.75, Scores(labels, p, 0.6).Accuracy);  // 0.6 ≥ 0.6 → row 0 positive: TP 1, TN 2, FN 1
        Assert.Equal(0.5, Scores(labels, p, 0.61).Accuracy);  // nothing positive: TN 2, FN 2
        Assert.Equal(1.0, Scores(labels, p, 0.25).Accuracy);  // rows 0 and 2 positive
        Assert.Equal(0.5, Scores(labels, p, 0.0).Accuracy);   // everything positive
        Assert.Equal(2.0 / 3.0, Scores(labels, p, 0.6).F1);    // 2·1 / (2·1 + 0 + 1)
    }

    [Fact]
    public void Log_loss_clips_probabilities_of_zero_and_one()
    {
        Assert.Equal(-Math.Log(1e-15), Scores(B(1, 0), [0.0, 0.0]).LogLoss * 2);
        Assert.Equal(-Math.Log(1.0 - (1.0 - 1e-15)), Scores(B(0, 1), [1.0, 1.0]).LogLoss * 2);
        Assert.Equal(34.538776394910684, -Math.Log(1e-15));
        Assert.Equal(1.0, Scores(B(1, 0), [0.0, 1.0]).Brier);
    }

    [Fact]
    public void A_single_class_has_no_auc_and_zero_mcc()
    {
        var negatives = Scores(B(0, 0, 0), [0.1, 0.7, 0.2]);
        Assert.Equal(new BinaryScores(3, 0, double.NaN, 2.0 / 3.0, 2.0 / 3.0, 0.0, 0.0, negatives.LogLoss, negatives.Brier), negatives);
        Assert.True(double.IsNaN(negatives.Auc));

        var positives = Scores(B(1, 1), [0.9, 0.8]);
        Assert.Equal(new BinaryScores(2, 2, double.NaN, 1.0, 1.0, 1.0, 0.0, positives.LogLoss, positives.Brier), positives);

        // No positive labels and no positive predictions: F1 undefined → 0.
        Assert.Equal(0.0, Scores(B(0, 0), [0.1, 0.2]).F1);
    }

    [Fact]
    public void Invalid_inputs_are_errors()
    {
        Expect.Error(new EvaluationInputEmpty("labels"), BinaryMetrics.Compute([], []));
        Expect.Error(new EvaluationLengthMismatch("probabilities", 2, 3), BinaryMetrics.Compute(B(1, 0), [0.1, 0.2, 0.3]));
        Expect.Error(new EvaluationProbabilityInvalid("probabilities", 1, 1.5), BinaryMetrics.Compute(B(1, 0), [0.1, 1.5]));
        Expect.Error(new EvaluationProbabilityInvalid("probabilities", 0, -0.1), BinaryMetrics.Compute(B(1, 0), [-0.1, 0.5]));
        Expect.Error(new EvaluationProbabilityInvalid("probabilities", 0, double.NaN), BinaryMetrics.Compute(B(1, 0), [double.NaN, 0.5]));
        Expect.Error(new EvaluationArgumentInvalid("threshold", double.NaN, "it must lie in [0, 1]."), BinaryMetrics.Compute(B(1, 0), [0.1, 0.5], double.NaN));
        Expect.Error(new EvaluationArgumentInvalid("threshold", 1.5, "it must lie in [0, 1]."), BinaryMetrics.Compute(B(1, 0), [0.1, 0.5], 1.5));
        var error = Assert.IsType<EvaluationProbabilityInvalid>(Expect.Fail(BinaryMetrics.Compute(B(1, 0), [0.1, 1.5])));
        Assert.Equal(1703, error.Code);
        Assert.Equal("probabilities[1] is 1.5; a probability must be a number in [0, 1].", error.Message);
    }

    [Fact]
    public void Auc_on_a_large_fold_matches_the_pairwise_definition()
    {
        var prng = Randomness.Prng.Create(7);
        var n = 3000;
        var labels = new bool[n];
        var p = new double[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = prng.NextDouble() < 0.2;
            p[i] = Math.Round(Math.Clamp((labels[i] ? 0.6 : 0.4) + 0.25 * Normal(prng), 0, 1), 2); // coarse: many ties
        }
        Assert.Equal(PairwiseAuc(labels, p), Scores(labels, p).Auc);
    }

    // ---- properties -------------------------------------------------------------------------------------------

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Auc_lies_in_the_unit_interval_and_equals_the_pairwise_definition(BinaryCase c)
    {
        var auc = Scores(c.Labels, c.Probabilities).Auc;
        Assert.InRange(auc, 0.0, 1.0);
        Assert.Equal(PairwiseAuc(c.Labels, c.Probabilities), auc);
    }

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Auc_of_complemented_probabilities_is_one_minus_auc(BinaryCase c)
    {
        // Holds with ties too, as long as 1 − p keeps distinct values distinct (true away from the ulp scale).
        var flipped = c.Probabilities.Select(p => 1.0 - p).ToArray();
        if (flipped.Distinct().Count() != c.Probabilities.Distinct().Count()) return;
        Close(1.0 - Scores(c.Labels, c.Probabilities).Auc, Scores(c.Labels, flipped).Auc, 1e-15);
    }

    [Property(MaxTest = 300)]
    public Property Auc_of_complemented_probabilities_without_ties_is_one_minus_auc() =>
        Prop.ForAll(Arb.From(EvaluationGen.BinaryWithoutTies), c =>
        {
            var flipped = c.Probabilities.Select(p => 1.0 - p).ToArray();
            Close(1.0 - Scores(c.Labels, c.Probabilities).Auc, Scores(c.Labels, flipped).Auc, 1e-15);
        });

    static readonly Func<double, double>[] Increasing =
    [
        p => p * p,
        Math.Sqrt,
        p => 0.5 * p + 0.25,
        p => (Math.Exp(3 * p) - 1) / (Math.Exp(3) - 1),
        p => p / (p + 1),
    ];

    [Property(MaxTest = 300)]
    public Property Auc_is_invariant_under_strictly_increasing_transforms() =>
        Prop.ForAll(Arb.From(EvaluationGen.Binary(Gen.Choose(0, 1000).Select(i => i / 1000.0))), Arb.From(Gen.Choose(0, Increasing.Length - 1)), (c, f) =>
        {
            var transformed = c.Probabilities.Select(Increasing[f]).ToArray();
            Assert.Equal(c.Probabilities.Distinct().Count(), transformed.Distinct().Count()); // the transform kept every value apart
            Assert.Equal(Scores(c.Labels, c.Probabilities).Auc, Scores(c.Labels, transformed).Auc);
        });

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Scores_do_not_depend_on_row_order(BinaryCase c, ulong seed)
    {
        var order = Permutation(c.Labels.Length, seed);
        var original = Scores(c.Labels, c.Probabilities, 0.3);
        var permuted = Scores(Permute(c.Labels, order), Permute(c.Probabilities, order), 0.3);
        Assert.Equal(original with { LogLoss = 0, Brier = 0 }, permuted with { LogLoss = 0, Brier = 0 });
        Close(original.LogLoss, permuted.LogLoss, 1e-14 * Math.Max(1, original.LogLoss));
        Close(original.Brier, permuted.Brier, 1e-15);
    }

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Perfect_predictions_minimise_log_loss_and_brier(BinaryCase c)
    {
        var perfect = Scores(c.Labels, c.Labels.Select(l => l ? 1.0 : 0.0).ToArray());
        var any = Scores(c.Labels, c.Probabilities);
        Assert.Equal(0.0, perfect.Brier);
        Assert.True(perfect.LogLoss <= any.LogLoss, $"perfect {perfect.LogLoss} vs {any.LogLoss}");
        Assert.True(perfect.Brier <= any.Brier);
        Assert.True(perfect.LogLoss < 1.2e-15, $"{perfect.LogLoss}");
        Assert.Equal((1.0, 1.0, 1.0, 1.0, 1.0), (perfect.Auc, perfect.Accuracy, perfect.BalancedAccuracy, perfect.F1, perfect.Mcc));
    }

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Threshold_scores_match_a_direct_count(BinaryCase c)
    {
        var threshold = 0.5;
        var predicted = c.Probabilities.Select(p => p >= threshold).ToArray();
        double tp = c.Labels.Zip(predicted).Count(x => x.Item1 && x.Item2), tn = c.Labels.Zip(predicted).Count(x => !x.Item1 && !x.Item2);
        double fp = c.Labels.Zip(predicted).Count(x => !x.Item1 && x.Item2), fn = c.Labels.Zip(predicted).Count(x => x.Item1 && !x.Item2);
        var scores = Scores(c.Labels, c.Probabilities, threshold);
        Assert.Equal((tp + tn) / c.Labels.Length, scores.Accuracy);
        Assert.Equal((tp / (tp + fn) + tn / (tn + fp)) / 2, scores.BalancedAccuracy, 15);
        Assert.Equal(2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn), scores.F1, 15);
        var margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
        Assert.Equal(margins == 0 ? 0 : (tp * tn - fp * fn) / Math.Sqrt(margins), scores.Mcc, 14);
        Assert.InRange(scores.Mcc, -1.0, 1.0);
        var logLoss = c.Labels.Zip(c.Probabilities).Average(x => -Math.Log(x.Item1 ? Math.Clamp(x.Item2, 1e-15, 1 - 1e-15) : 1 - Math.Clamp(x.Item2, 1e-15, 1 - 1e-15)));
        Close(logLoss, scores.LogLoss, 1e-13 * Math.Max(1, logLoss));
    }
}
