namespace RunTools.Evaluation;

/// <summary>
/// A paired t-test of y − x (scipy.stats.ttest_rel(y, x), two-sided): <see cref="N"/> pairs, the mean and sample
/// standard deviation of the differences, t = mean / (sd / √n) with n − 1 degrees of freedom, and its two-sided
/// p-value. Fewer than two pairs give null t and p. Differences that are all equal give sd = 0, and then, as scipy
/// does, t = ±∞ and p = 0 when the mean is not 0, null t and p (scipy: NaN) when every difference is 0.
/// </summary>
public sealed record PairedTTest(int N, double MeanDelta, double? SdDelta, double? T, double? P);

/// <summary>
/// The Wilcoxon signed-rank test of y − x, with scipy.stats.wilcoxon's defaults (zero_method='wilcox',
/// correction=False, alternative='two-sided', method='auto'): zero differences are dropped (<see cref="Zeros"/>
/// counts them), the absolute differences are ranked with ties given their mean rank, and the statistic is
/// min(R+, R−). The p-value is <see cref="Method"/> "exact" (the exact null distribution of R+) when there are at most
/// <see cref="WilcoxonSignedRank.ExactLimit"/> pairs, no zeros and no ties; otherwise "normal": the normal
/// approximation with the tie correction of the variance and no continuity correction. No non-zero difference gives
/// null statistic and p (scipy raises an error).
/// </summary>
/// <param name="N">Pairs used (non-zero differences).</param>
public sealed record WilcoxonTest(int N, int Zeros, double? Statistic, double? Z, double? P, string Method);

public static class PairedTTests
{
    /// <summary>The paired t-test of the pairs (x[i], y[i]); pairs where either value is NaN are left out.</summary>
    public static PairedTTest Of(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} values and y {y.Length}; a paired test needs pairs.", nameof(y));
        var differences = PairedDifferences.Of(x, y);
        var stats = MetricStats.Summarise(differences);
        if (stats.N == 0) return new PairedTTest(0, double.NaN, null, null, null);
        if (stats.N < 2) return new PairedTTest(stats.N, stats.Mean, null, null, null);
        var sd = stats.Sd;
        if (sd == 0.0)
            return stats.Mean == 0.0
                ? new PairedTTest(stats.N, 0.0, 0.0, null, null)
                : new PairedTTest(stats.N, stats.Mean, 0.0, stats.Mean > 0 ? double.PositiveInfinity : double.NegativeInfinity, 0.0);
        var t = stats.Mean / (sd / Math.Sqrt(stats.N));
        var p = 2.0 * StudentT.Cdf(-Math.Abs(t), stats.N - 1);
        return new PairedTTest(stats.N, stats.Mean, sd, t, Math.Min(1.0, p));
    }
}

public static class WilcoxonSignedRank
{
    /// <summary>The largest number of pairs with an exact p-value (scipy's method='auto' threshold).</summary>
    public const int ExactLimit = 50;

    public const string Exact = "exact", Normal = "normal";

    /// <summary>The test of the pairs (x[i], y[i]); pairs where either value is NaN are left out.</summary>
    public static WilcoxonTest Of(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"x has {x.Length} values and y {y.Length}; a paired test needs pairs.", nameof(y));
        var all = PairedDifferences.Of(x, y);
        var zeros = all.Count(d => d == 0.0);
        var d = all.Where(v => v != 0.0).ToArray();
        var n = d.Length;
        var exact = n <= ExactLimit && zeros == 0;
        if (n == 0) return new WilcoxonTest(0, zeros, null, null, null, exact ? Exact : Normal);

        // Mean ranks of |d| (ties share the mean of the ranks they span), and the tie term Σ (t³ − t).
        var order = Enumerable.Range(0, n).OrderBy(i => Math.Abs(d[i])).ToArray();
        var ranks = new double[n];
        var tieTerm = 0.0;
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && Math.Abs(d[order[end]]) == Math.Abs(d[order[start]])) end++;
            var mean = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++) ranks[order[k]] = mean;
            var t = (double)(end - start);
            tieTerm += t * t * t - t;
            start = end;
        }
        var rPlus = 0.0;
        var rMinus = 0.0;
        for (var i = 0; i < n; i++)
            if (d[i] > 0) rPlus += ranks[i]; else rMinus += ranks[i];
        var statistic = Math.Min(rPlus, rMinus);

        if (exact && tieTerm == 0.0)
            return new WilcoxonTest(n, zeros, statistic, null, ExactP(n, (int)rPlus), Exact);

        var expected = n * (n + 1.0) / 4.0;
        var variance = (n * (n + 1.0) * (2.0 * n + 1.0) - tieTerm / 2.0) / 24.0;
        var z = (statistic - expected) / Math.Sqrt(variance);
        return new WilcoxonTest(n, zeros, statistic, z, NormalDistribution.TwoSidedP(z), Normal);
    }

    /// <summary>The exact two-sided p-value of R+ = <paramref name="rPlus"/> among n ranks 1..n with random signs:
    /// 2 · min(P(R+ ≤ r), P(R+ ≥ r)), capped at 1, and 1 when r is ⌊n(n+1)/4⌋, the centre (as scipy).</summary>
    static double ExactP(int n, int rPlus)
    {
        var max = n * (n + 1) / 2;
        // counts[s]: the number of subsets of {1..n} whose sum is s; at most 2⁵⁰ for n ≤ 50, exact in a double.
        var counts = new double[max + 1];
        counts[0] = 1;
        for (var k = 1; k <= n; k++)
            for (var s = k * (k + 1) / 2; s >= k; s--)
                counts[s] += counts[s - k];
        if (rPlus == max / 2) return 1.0;
        double below = 0, above = 0;
        for (var s = 0; s <= rPlus; s++) below += counts[s];
        for (var s = rPlus; s <= max; s++) above += counts[s];
        var total = Math.Pow(2.0, n);
        return Math.Min(1.0, 2.0 * Math.Min(below, above) / total);
    }
}

/// <summary>The standard normal distribution's tails, written out (no numerics library): erfc by its power series
/// below 1.5 and by its continued fraction (modified Lentz) above, each to about 1e-15 relative.</summary>
public static class NormalDistribution
{
    /// <summary>P(|Z| ≥ |z|) = erfc(|z| / √2).</summary>
    public static double TwoSidedP(double z) => double.IsNaN(z) ? double.NaN : Erfc(Math.Abs(z) / Math.Sqrt(2.0));

    /// <summary>The complementary error function erfc(x) = 1 − erf(x).</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2.0 - Erfc(-x);
        if (x < 1.5) return 1.0 - Erf(x);
        if (x > 27.3) return 0.0;
        // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))): a_k = k/2, b = x.
        const double tiny = 1e-300;
        var f = x;
        var c = x;
        var dd = 0.0;
        for (var k = 1; k < 1000; k++)
        {
            var a = k / 2.0;
            dd = x + a * dd;
            if (Math.Abs(dd) < tiny) dd = tiny;
            c = x + a / c;
            if (Math.Abs(c) < tiny) c = tiny;
            dd = 1.0 / dd;
            var delta = c * dd;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>erf(x) for 0 ≤ x &lt; 1.5 by the series 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms
    /// are all positive (no cancellation).</summary>
    static double Erf(double x)
    {
        var term = x;
        var sum = x;
        for (var n = 1; n < 200; n++)
        {
            term *= 2.0 * x * x / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }
}

/// <summary>The differences y[i] − x[i] of the pairs where neither value is NaN, in order.</summary>
static class PairedDifferences
{
    public static double[] Of(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var result = new List<double>(x.Length);
        for (var i = 0; i < x.Length; i++)
            if (!double.IsNaN(x[i]) && !double.IsNaN(y[i])) result.Add(y[i] - x[i]);
        return result.ToArray();
    }
}
