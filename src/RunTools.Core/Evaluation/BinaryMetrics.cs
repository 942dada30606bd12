using System.Buffers;

namespace RunTools.Evaluation;

/// <summary>
/// Scores of a binary classifier on one set of rows.
/// <list type="bullet">
/// <item><see cref="Auc"/>: area under the ROC curve from the ranks of the probabilities (Mann–Whitney U / (P·N));
/// tied probabilities share their average rank, so a tie between a positive and a negative counts one half.
/// NaN when the rows hold only one class (P = 0 or N = 0): the ROC curve is not defined.</item>
/// <item><see cref="Accuracy"/>, <see cref="BalancedAccuracy"/>, <see cref="F1"/>, <see cref="Mcc"/>: from the
/// confusion matrix at the threshold (a row is predicted positive when its probability is ≥ the threshold).
/// Balanced accuracy is the mean recall over the classes present in the labels (with one class, that class's
/// recall). F1 is 0 when it is undefined (no positive labels and no positive predictions). MCC is 0 when any
/// margin of the confusion matrix is 0 (the usual convention).</item>
/// <item><see cref="LogLoss"/>: mean negative log-likelihood with each probability clipped to
/// [1e-15, 1 − 1e-15], so a confident mistake costs about 34.5, not infinity.</item>
/// <item><see cref="Brier"/>: mean squared difference between the probability and the 0/1 label (unclipped).</item>
/// </list>
/// </summary>
public sealed record BinaryScores(
    int Count, int Positives, double Auc, double Accuracy, double BalancedAccuracy, double F1, double Mcc,
    double LogLoss, double Brier);

public static class BinaryMetrics
{
    /// <summary>Probabilities are clipped to [Clip, 1 − Clip] for the log-loss.</summary>
    public const double Clip = 1e-15;

    /// <summary>
    /// All binary scores in one pass plus one sort (O(n log n) time; two pooled buffers of n values for the AUC).
    /// Errors: <see cref="EvaluationInputEmpty"/> (no rows), <see cref="EvaluationLengthMismatch"/> (probabilities
    /// and labels differ in length), <see cref="EvaluationArgumentInvalid"/> (threshold NaN or outside [0, 1]),
    /// <see cref="EvaluationProbabilityInvalid"/> (a probability NaN or outside [0, 1]).
    /// </summary>
    public static Fin<BinaryScores> Compute(ReadOnlySpan<bool> labels, ReadOnlySpan<double> probabilities, double threshold = 0.5)
    {
        var error = EvaluationInput.NotEmpty("labels", labels.Length)
            ?? EvaluationInput.SameLength("probabilities", labels.Length, probabilities.Length)
            ?? (threshold >= 0.0 && threshold <= 1.0
                ? null
                : new EvaluationArgumentInvalid("threshold", threshold, "it must lie in [0, 1]."))
            ?? EvaluationInput.Probabilities("probabilities", probabilities);
        if (error is not null) return FinFail<BinaryScores>(error);

        long tp = 0, fp = 0, tn = 0, fn = 0;
        var logLoss = new CompensatedSum();
        var brier = new CompensatedSum();
        for (var i = 0; i < labels.Length; i++)
        {
            var p = probabilities[i];
            var clipped = Math.Clamp(p, Clip, 1.0 - Clip);
            var predicted = p >= threshold;
            if (labels[i])
            {
                if (predicted) tp++; else fn++;
                logLoss.Add(-Math.Log(clipped));
                brier.Add((1.0 - p) * (1.0 - p));
            }
            else
            {
                if (predicted) fp++; else tn++;
                logLoss.Add(-Math.Log(1.0 - clipped));
                brier.Add(p * p);
            }
        }

        var n = labels.Length;
        var positives = tp + fn;
        var negatives = tn + fp;
        var balanced = positives == 0 ? (double)tn / negatives
            : negatives == 0 ? (double)tp / positives
            : 0.5 * ((double)tp / positives + (double)tn / negatives);
        var f1Denominator = 2 * tp + fp + fn;
        var mccDenominator = (double)(tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);

        return new BinaryScores(
            Count: n,
            Positives: (int)positives,
            Auc: Auc(labels, probabilities, positives, negatives),
            Accuracy: (double)(tp + tn) / n,
            BalancedAccuracy: balanced,
            F1: f1Denominator == 0 ? 0.0 : 2.0 * tp / f1Denominator,
            Mcc: mccDenominator == 0 ? 0.0 : ((double)tp * tn - (double)fp * fn) / Math.Sqrt(mccDenominator),
            LogLoss: logLoss.Value / n,
            Brier: brier.Value / n);
    }

    /// <summary>
    /// Mann–Whitney AUC: sort the probabilities, walk the groups of equal values, and count for each positive the
    /// negatives strictly below it plus half the negatives tied with it. Counting in halves keeps the sum exact
    /// (no rank sums of order n²), and the result does not depend on the sort being stable.
    /// </summary>
    static double Auc(ReadOnlySpan<bool> labels, ReadOnlySpan<double> probabilities, long positives, long negatives)
    {
        if (positives == 0 || negatives == 0) return double.NaN;
        var n = labels.Length;
        var keys = ArrayPool<double>.Shared.Rent(n);
        var flags = ArrayPool<bool>.Shared.Rent(n);
        try
        {
            probabilities.CopyTo(keys);
            labels.CopyTo(flags);
            System.Array.Sort(keys, flags, 0, n);
            double u = 0;
            long negativesBelow = 0;
            for (var start = 0; start < n;)
            {
                var end = start;
                long groupPositives = 0;
                while (end < n && keys[end] == keys[start])
                {
                    if (flags[end]) groupPositives++;
                    end++;
                }
                var groupNegatives = end - start - groupPositives;
                u += groupPositives * (negativesBelow + 0.5 * groupNegatives);
                negativesBelow += groupNegatives;
                start = end;
            }
            return u / ((double)positives * negatives);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(keys);
            ArrayPool<bool>.Shared.Return(flags);
        }
    }
}
