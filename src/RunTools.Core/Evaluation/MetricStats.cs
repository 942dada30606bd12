namespace RunTools.Evaluation;

/// <summary>
/// A summary of one metric over repeats or folds: the number of values used (<see cref="N"/>), their mean, the
/// sample standard deviation (divisor n − 1), and the 95% t-interval for the mean,
/// mean ± t(0.975, n − 1) · sd / √n. <see cref="Skipped"/> counts the NaN values that were left out (a fold whose
/// AUC is undefined, say).
/// Edge cases: N = 0 gives NaN everywhere; N = 1 gives the value as the mean and NaN sd and bounds; constant values
/// give sd = 0 and both bounds equal to the mean, exactly. Infinite values are not skipped: they make the mean
/// ±∞ (or NaN) and the sd NaN, which is what such a run deserves to show.
/// </summary>
public sealed record MetricSummaryStats(int N, double Mean, double Sd, double Lower95, double Upper95, int Skipped);

public static class MetricStats
{
    /// <summary>One pass (Welford's update, which keeps constant input exact), no allocation.</summary>
    public static MetricSummaryStats Summarise(ReadOnlySpan<double> values)
    {
        var n = 0;
        var skipped = 0;
        double mean = 0, m2 = 0;
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                skipped++;
                continue;
            }
            n++;
            var delta = value - mean;
            mean += delta / n;
            m2 += delta * (value - mean);
        }

        if (n == 0) return new MetricSummaryStats(0, double.NaN, double.NaN, double.NaN, double.NaN, skipped);
        if (n == 1) return new MetricSummaryStats(1, mean, double.NaN, double.NaN, double.NaN, skipped);
        var sd = Math.Sqrt(m2 / (n - 1));
        var half = StudentT.InverseCdf(0.975, n - 1) * sd / Math.Sqrt(n);
        return new MetricSummaryStats(n, mean, sd, mean - half, mean + half, skipped);
    }
}
