using RunTools.Domain;

namespace RunTools.Evaluation;

/// <summary>
/// The input checks shared by the evaluation functions. Each returns the first problem as an error value, or null
/// when the input is fine, so a caller chains them with <c>??</c> before doing any arithmetic (spans cannot be
/// captured by lambdas, which rules out the applicative <c>Validation</c> style here).
/// </summary>
internal static class EvaluationInput
{
    public static RunError? NotEmpty(string what, int length) =>
        length == 0 ? new EvaluationInputEmpty(what) : null;

    public static RunError? SameLength(string what, int expected, int actual) =>
        expected == actual ? null : new EvaluationLengthMismatch(what, expected, actual);

    public static RunError? Probabilities(string what, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var p = values[i];
            if (!(p >= 0.0 && p <= 1.0)) return new EvaluationProbabilityInvalid(what, i, p);
        }
        return null;
    }

    public static RunError? Finite(string what, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return new EvaluationValueNotFinite(what, i, values[i]);
        return null;
    }

    public static RunError? Labels(string what, ReadOnlySpan<int> labels, int classes)
    {
        for (var i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes) return new EvaluationLabelOutOfRange(what, i, labels[i], classes);
        return null;
    }

    /// <summary>An argument that must lie strictly between 0 and 1.</summary>
    public static RunError? OpenUnit(string parameter, double value) =>
        value > 0.0 && value < 1.0 ? null : new EvaluationArgumentInvalid(parameter, value, "it must lie strictly between 0 and 1.");
}

/// <summary>
/// Neumaier's compensated sum: the rounding error of each addition is carried separately, so the total of 100k
/// per-row losses is accurate to a few ulps and (nearly) independent of the row order.
/// </summary>
internal struct CompensatedSum
{
    double sum, compensation;

    public void Add(double x)
    {
        var t = sum + x;
        compensation += Math.Abs(sum) >= Math.Abs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }

    public readonly double Value => sum + compensation;
}
