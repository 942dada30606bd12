namespace RunTools.Evaluation;

/// <summary>
/// Scores of a regression model on one set of rows: root mean squared error, mean absolute error and
/// R² = 1 − SSE/SST (SST around the mean of the actual values). R² is NaN when SST = 0 (constant actual values:
/// the ratio is undefined); it is negative when the model is worse than predicting the mean.
/// </summary>
public sealed record RegressionScores(int Count, double Rmse, double Mae, double R2);

public static class RegressionMetrics
{
    /// <summary>
    /// One pass, no allocation. SST is accumulated with Welford's update, so constant actual values give SST = 0
    /// exactly (and R² = NaN) instead of a rounding residue.
    /// Errors: <see cref="EvaluationInputEmpty"/>, <see cref="EvaluationLengthMismatch"/>,
    /// <see cref="EvaluationValueNotFinite"/> (NaN or ±∞ in either input).
    /// </summary>
    public static Fin<RegressionScores> Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        var error = EvaluationInput.NotEmpty("actual", actual.Length)
            ?? EvaluationInput.SameLength("predicted", actual.Length, predicted.Length)
            ?? EvaluationInput.Finite("actual", actual)
            ?? EvaluationInput.Finite("predicted", predicted);
        if (error is not null) return FinFail<RegressionScores>(error);

        var squared = new CompensatedSum();
        var absolute = new CompensatedSum();
        double mean = 0, sst = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var y = actual[i];
            var residual = y - predicted[i];
            squared.Add(residual * residual);
            absolute.Add(Math.Abs(residual));
            var delta = y - mean;
            mean += delta / (i + 1);
            sst += delta * (y - mean);
        }

        var n = actual.Length;
        return new RegressionScores(
            Count: n,
            Rmse: Math.Sqrt(squared.Value / n),
            Mae: absolute.Value / n,
            R2: sst == 0 ? double.NaN : 1.0 - squared.Value / sst);
    }
}
