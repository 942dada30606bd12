namespace RunTools.Evaluation;

/// <summary>
/// The few special functions the Student-t distribution needs, written out so results do not depend on a
/// numerics library: log-gamma (Stirling series), log-beta (with the large-argument difference taken without
/// cancellation), log(1 + x), and the regularized incomplete beta function (continued fraction, modified Lentz).
/// </summary>
internal static class SpecialFunctions
{
    const double HalfLogTwoPi = 0.91893853320467274178032973640562;

    /// <summary>ln(1 + x), accurate for small x (Goldberg's trick: the rounding of 1 + x cancels out).</summary>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>ln Γ(x) for x &gt; 0. Below 15 the recurrence Γ(x) = Γ(x + m) / (x (x+1) … (x+m−1)) shifts the
    /// argument up; from 15 the Stirling series to the x⁻¹⁵ term is accurate to well below one ulp.</summary>
    public static double LogGamma(double x)
    {
        var shift = 0.0;
        if (x < 15.0)
        {
            var product = 1.0;
            while (x < 15.0)
            {
                product *= x;
                x += 1.0;
            }
            shift = Math.Log(product);
        }
        return (x - 0.5) * Math.Log(x) - x + HalfLogTwoPi + StirlingCorrection(x) - shift;
    }

    /// <summary>ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π] for x ≥ 15 (the Bernoulli-number series).</summary>
    static double StirlingCorrection(double x)
    {
        var z = 1.0 / (x * x);
        var series = 1.0 / 12 + z * (-1.0 / 360 + z * (1.0 / 1260 + z * (-1.0 / 1680 + z * (1.0 / 1188
            + z * (-691.0 / 360360 + z * (1.0 / 156 + z * (-3617.0 / 122400)))))));
        return series / x;
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). When the larger argument is big, ln Γ(big) −
    /// ln Γ(big + small) is formed from its expansion, avoiding the subtraction of two huge, nearly equal numbers
    /// (which would cost ~8 digits at df = 10⁷).</summary>
    public static double LogBeta(double a, double b)
    {
        var small = Math.Min(a, b);
        var big = Math.Max(a, b);
        if (big < 15.0) return LogGamma(a) + LogGamma(b) - LogGamma(a + b);
        var sum = big + small;
        var difference = -(big - 0.5) * Log1p(small / big) - small * Math.Log(sum) + small
            + StirlingCorrection(big) - StirlingCorrection(sum);
        return LogGamma(small) + difference;
    }

    /// <summary>
    /// The regularized incomplete beta function I_x(a, b) for 0 ≤ x ≤ 1, given x and y = 1 − x separately (and
    /// their logarithms) so that callers who know 1 − x more accurately than the subtraction would give it lose
    /// nothing. Uses the continued fraction directly when x &lt; (a+1)/(a+b+2) and the symmetry
    /// I_x(a, b) = 1 − I_y(b, a) otherwise, where the fraction converges quickly.
    /// </summary>
    public static double IncompleteBeta(double a, double b, double x, double y, double logX, double logY)
    {
        if (x <= 0.0) return 0.0;
        if (y <= 0.0) return 1.0;
        var front = Math.Exp(a * logX + b * logY - LogBeta(a, b));
        return x < (a + 1.0) / (a + b + 2.0)
            ? front * ContinuedFraction(a, b, x) / a
            : 1.0 - front * ContinuedFraction(b, a, y) / b;
    }

    /// <summary>The continued fraction of I_x(a, b) (Numerical Recipes' betacf, modified Lentz). It takes
    /// O(√max(a, b)) terms in the worst case.</summary>
    static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        const double epsilon = 4e-16;
        var qab = a + b;
        var qap = a + 1.0;
        var qam = a - 1.0;
        var c = 1.0;
        var d = 1.0 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1.0 / d;
        var h = d;
        var maxTerms = 1000 + (int)Math.Min(10_000_000, 20 * Math.Sqrt(Math.Max(a, b)));
        for (var m = 1; m <= maxTerms; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1.0 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1.0 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1.0 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1.0 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1.0 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1.0 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1.0) <= epsilon) break;
        }
        return h;
    }
}
