using FsCheck.Xunit;
using RunTools.Evaluation;
using RunTools.Tests.Config;
using static RunTools.Tests.Evaluation.EvaluationKit;

namespace RunTools.Tests.Evaluation;

public sealed class MulticlassMetricsTests
{
    static MulticlassScores Scores(int[] labels, double[] probabilities, int classes) =>
        Expect.Succ(MulticlassMetrics.Compute(labels, probabilities, classes));

    [Fact]
    public void Hand_computed_imbalanced_three_class_example()
    {
        // Six rows of class 0, three of class 1, one of class 2. Rows 7 and 9 have tied maxima and go to class 0.
        int[] labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2];
        double[] p =
        [
            0.7, 0.2, 0.1, //  0 → 0
            0.5, 0.3, 0.2, //  0 → 0
            0.6, 0.3, 0.1, //  0 → 0
            0.8, 0.1, 0.1, //  0 → 0
            0.3, 0.6, 0.1, //  0 → 1
            0.2, 0.3, 0.5, //  0 → 2
            0.1, 0.8, 0.1, //  1 → 1
            0.4, 0.4, 0.2, //  1 → 0 (tie)
            0.2, 0.7, 0.1, //  1 → 1
            0.45, 0.1, 0.45, // 2 → 0 (tie)
        ];
        // Class 0: TP 4, 6 true, 6 predicted → 8/12. Class 1: TP 2, 3 true, 3 predicted → 4/6. Class 2: TP 0 → 0.
        var scores = Scores(labels, p, 3);
        Assert.Equal(new MulticlassScores(10, 3, 0.6, 4.0 / 9.0, scores.LogLoss, Seq<double?>(8.0 / 12.0, 4.0 / 6.0, 0.0)), scores);
        Close(4.0 / 9.0, scores.MacroF1, 1e-16);
        Close(0.6891818939683783, scores.LogLoss, 1e-15);
    }

    [Fact]
    public void Macro_f1_averages_over_classes_seen_in_labels_or_predictions()
    {
        // Four classes. Class 3 never appears: NaN and left out. Class 2 is predicted once but never true: F1 0, counted.
        int[] labels = [0, 0, 1, 1];
        double[] p =
        [
            0.9, 0.1, 0.0, 0.0, // 0 → 0
            0.1, 0.2, 0.7, 0.0, // 0 → 2
            0.2, 0.8, 0.0, 0.0, // 1 → 1
            0.1, 0.9, 0.0, 0.0, // 1 → 1
        ];
        // Class 0: TP 1, 2 true, 1 predicted → 2/3. Class 1: TP 2, 2 true, 2 predicted → 1. Class 2: 0.
        var scores = Scores(labels, p, 4);
        Assert.Equal(new MulticlassScores(4, 4, 0.75, (2.0 / 3.0 + 1.0 + 0.0) / 3.0, scores.LogLoss, Seq<double?>(2.0 / 3.0, 1.0, 0.0, null)), scores);
        Assert.Null(scores.ClassF1[3]);
        // Row 1's true class has probability 0.1 although class 2 won.
        Close((-Math.Log(0.9) - Math.Log(0.1) - Math.Log(0.8) - Math.Log(0.9)) / 4, scores.LogLoss, 1e-15);
    }

    [Fact]
    public void Log_loss_clips_a_zero_probability_for_the_true_class() =>
        Close(-Math.Log(1e-15) / 2, Scores([0, 1], [1.0, 0.0, 1.0, 0.0], 2).LogLoss, 1e-14);

    [Fact]
    public void Two_classes_agree_with_the_binary_metrics()
    {
        int[] labels = [1, 0, 1, 1, 0, 0, 1, 0];
        double[] p1 = [0.9, 0.9, 0.7, 0.4, 0.4, 0.2, 0.4, 0.1];
        var flat = p1.SelectMany(p => new[] { 1 - p, p }).ToArray();
        var multi = Scores(labels, flat, 2);
        var binary = Expect.Succ(BinaryMetrics.Compute(labels.Select(l => l == 1).ToArray(), p1, 0.5));
        Assert.Equal(binary.Accuracy, multi.Accuracy);
        Assert.Equal(binary.F1, multi.ClassF1[1]);
        Close(binary.LogLoss, multi.LogLoss, 1e-15);
    }

    [Fact]
    public void Invalid_inputs_are_errors()
    {
        Expect.Error(new EvaluationArgumentInvalid("classes", 1, "at least 2 classes are needed."), MulticlassMetrics.Compute([0], [1.0], 1));
        Expect.Error(new EvaluationInputEmpty("labels"), MulticlassMetrics.Compute([], [], 3));
        Expect.Error(new EvaluationLengthMismatch("probabilities", 6, 5), MulticlassMetrics.Compute([0, 1], [0.5, 0.5, 0, 0.5, 0.5], 3));
        Expect.Error(new EvaluationLabelOutOfRange("labels", 1, 3, 3), MulticlassMetrics.Compute([0, 3], [1, 0, 0, 1, 0, 0], 3));
        Expect.Error(new EvaluationLabelOutOfRange("labels", 0, -1, 3), MulticlassMetrics.Compute([-1, 0], [1, 0, 0, 1, 0, 0], 3));
        Expect.Error(new EvaluationProbabilityInvalid("probabilities", 4, double.NaN), MulticlassMetrics.Compute([0, 1], [1, 0, 0, 1, double.NaN, 0], 3));
    }

    // ---- properties -------------------------------------------------------------------------------------------

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Scores_do_not_depend_on_row_order(MulticlassCase c, ulong seed)
    {
        var order = Permutation(c.Labels.Length, seed);
        var original = Scores(c.Labels, c.Probabilities, c.Classes);
        var permuted = Scores(Permute(c.Labels, order), PermuteRows(c.Probabilities, c.Classes, order), c.Classes);
        Assert.Equal(original with { LogLoss = 0 }, permuted with { LogLoss = 0 });
        Close(original.LogLoss, permuted.LogLoss, 1e-14 * Math.Max(1, original.LogLoss));
    }

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Scores_match_a_direct_computation(MulticlassCase c)
    {
        var k = c.Classes;
        var predicted = c.Labels.Select((_, i) =>
        {
            var row = c.Probabilities.Skip(i * k).Take(k).ToArray();
            return System.Array.IndexOf(row, row.Max()); // first maximum = lowest class on ties
        }).ToArray();
        var scores = Scores(c.Labels, c.Probabilities, k);
        Assert.Equal(c.Labels.Zip(predicted).Count(x => x.Item1 == x.Item2) / (double)c.Labels.Length, scores.Accuracy);
        var f1 = Enumerable.Range(0, k).Select(cls =>
        {
            var tp = c.Labels.Zip(predicted).Count(x => x.Item1 == cls && x.Item2 == cls);
            var support = c.Labels.Count(l => l == cls) + predicted.Count(p => p == cls);
            return support == 0 ? (double?)null : 2.0 * tp / support;
        }).ToArray();
        Assert.Equal(toSeq(f1), scores.ClassF1);
        Close(f1.Where(x => x is not null).Average()!.Value, scores.MacroF1, 1e-15);
        var logLoss = c.Labels.Select((l, i) => -Math.Log(Math.Clamp(c.Probabilities[i * k + l], 1e-15, 1 - 1e-15))).Average();
        Close(logLoss, scores.LogLoss, 1e-13 * Math.Max(1, logLoss));
    }

    [Property(Arbitrary = [typeof(EvaluationArbitraries)], MaxTest = 300)]
    public void Perfect_predictions_minimise_log_loss(MulticlassCase c)
    {
        var perfect = c.Labels.SelectMany(l => Enumerable.Range(0, c.Classes).Select(cls => cls == l ? 1.0 : 0.0)).ToArray();
        var best = Scores(c.Labels, perfect, c.Classes);
        Assert.True(best.LogLoss <= Scores(c.Labels, c.Probabilities, c.Classes).LogLoss);
        Assert.Equal((1.0, 1.0), (best.Accuracy, best.MacroF1));
    }
}
