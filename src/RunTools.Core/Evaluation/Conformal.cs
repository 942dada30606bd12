using System.Buffers;

namespace RunTools.Evaluation;

/// <summary>
/// A split-conformal calibration for regression: <see cref="Quantile"/> is the half-width of the prediction
/// interval that covers a new exchangeable point with probability at least 1 − <see cref="Alpha"/>. It is +∞ when
/// the calibration set is too small for that level (see <see cref="Conformal.Rank"/>).
/// </summary>
public sealed record ConformalCalibration(int N, double Alpha, double Quantile);

public static class Conformal
{
    /// <summary>
    /// Calibrates from out-of-fold (or held-out) predictions: the nonconformity scores are the absolute residuals
    /// |actual − predicted|, and the quantile is the k-th smallest of them with the finite-sample rank
    /// k = ⌈(n + 1)(1 − α)⌉ (<see cref="Rank"/>). When k &gt; n — fewer than 1/α − 1 calibration rows — no finite
    /// width guarantees the coverage, and the quantile is +∞ (the interval is the whole line), which is the honest
    /// answer rather than an error. The residuals must come from a model that did not see these rows.
    /// O(n log n) (one sort of a pooled copy).
    /// Errors: <see cref="EvaluationArgumentInvalid"/> (alpha not in (0, 1)), <see cref="EvaluationInputEmpty"/>,
    /// <see cref="EvaluationLengthMismatch"/>, <see cref="EvaluationValueNotFinite"/>.
    /// </summary>
    public static Fin<ConformalCalibration> Calibrate(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, double alpha)
    {
        var error = EvaluationInput.OpenUnit("alpha", alpha)
            ?? EvaluationInput.NotEmpty("actual", actual.Length)
            ?? EvaluationInput.SameLength("predicted", actual.Length, predicted.Length)
            ?? EvaluationInput.Finite("actual", actual)
            ?? EvaluationInput.Finite("predicted", predicted);
        if (error is not null) return FinFail<ConformalCalibration>(error);

        var n = actual.Length;
        var rank = Rank(n, alpha);
        if (rank > n) return new ConformalCalibration(n, alpha, double.PositiveInfinity);

        var scores = ArrayPool<double>.Shared.Rent(n);
        try
        {
            for (var i = 0; i < n; i++) scores[i] = Math.Abs(actual[i] - predicted[i]);
            System.Array.Sort(scores, 0, n);
            return new ConformalCalibration(n, alpha, scores[rank - 1]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scores);
        }
    }

    /// <summary>
    /// The 1-based rank k = ⌈(n + 1)(1 − α)⌉ of the calibration score used as the quantile. A product within 1e-9
    /// (relative) of an integer is taken as that integer, so that e.g. n = 19, α = 0.05 gives 19 and not 20 when
    /// 0.95 is not exactly representable.
    /// </summary>
    public static int Rank(int n, double alpha)
    {
        var product = (n + 1.0) * (1.0 - alpha);
        var nearest = Math.Round(product);
        var rank = Math.Abs(product - nearest) <= 1e-9 * Math.Max(1.0, product) ? nearest : Math.Ceiling(product);
        return (int)Math.Max(1.0, rank);
    }

    /// <summary>The interval prediction ± quantile (the whole real line when the quantile is +∞).</summary>
    public static (double Lower, double Upper) Interval(double prediction, ConformalCalibration calibration) =>
        (prediction - calibration.Quantile, prediction + calibration.Quantile);
}
