using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Evaluation;
using static RunTools.Tests.Evaluation.EvaluationKit;

namespace RunTools.Tests.Evaluation;

public sealed class MetricStatsTests
{
    [Fact]
    public void Hand_computed_summary()
    {
        // Mean 3, sd √2.5, half-width t(0.975, 4)·√2.5/√5 with t = 2.7764451051977934898.
        var stats = MetricStats.Summarise([1, 2, 3, 4, 5]);
        Assert.Equal(new MetricSummaryStats(5, 3.0, Math.Sqrt(2.5), stats.Lower95, stats.Upper95, 0), stats);
        Close(1.0367568385224428, stats.Lower95, 1e-12);
        Close(4.963243161477557, stats.Upper95, 1e-12);
    }

    [Fact]
    public void NaNs_are_skipped_and_counted()
    {
        var stats = MetricStats.Summarise([double.NaN, 1, 2, double.NaN, 3, 4, 5, double.NaN]);
        Assert.Equal(MetricStats.Summarise([1, 2, 3, 4, 5]) with { Skipped = 3 }, stats);
    }

    [Fact]
    public void Fewer_than_two_values_have_no_interval()
    {
        Assert.Equal(new MetricSummaryStats(0, double.NaN, double.NaN, double.NaN, double.NaN, 0), MetricStats.Summarise([]));
        Assert.Equal(new MetricSummaryStats(0, double.NaN, double.NaN, double.NaN, double.NaN, 2), MetricStats.Summarise([double.NaN, double.NaN]));
        Assert.Equal(new MetricSummaryStats(1, 0.25, double.NaN, double.NaN, double.NaN, 1), MetricStats.Summarise([double.NaN, 0.25]));
    }

    [Fact]
    public void Two_values_use_t_with_one_degree_of_freedom()
    {
        // Mean 1, sd √2, half-width 12.7062047361746933·√2/√2.
        var stats = MetricStats.Summarise([0, 2]);
        Close(1 - 12.706204736174693, stats.Lower95, 1e-12);
        Close(1 + 12.706204736174693, stats.Upper95, 1e-12);
    }

    [Fact]
    public void Infinite_values_are_not_skipped()
    {
        var stats = MetricStats.Summarise([1, double.PositiveInfinity, 2]);
        Assert.Equal((3, 0), (stats.N, stats.Skipped));
        Assert.False(double.IsFinite(stats.Mean) && double.IsFinite(stats.Sd));
    }

    static Gen<double> Value =>
        Gen.Frequency(
            (3, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1000.0)),
            (1, Gen.Elements(0.1, 1.0 / 3.0, 0.7, 1e-300, 1e300, -2.5e-8, 123456789.123, 0.0, -0.0)));

    [Property(MaxTest = 300)]
    public Property Constant_input_has_zero_sd_and_a_degenerate_interval() =>
        Prop.ForAll(Arb.From(Value), Arb.From(Gen.Choose(2, 200)), Arb.From(Gen.Choose(0, 5)), (c, n, nans) =>
        {
            var values = Enumerable.Repeat(c, n).Concat(Enumerable.Repeat(double.NaN, nans)).ToArray();
            Assert.Equal(new MetricSummaryStats(n, c, 0.0, c, c, nans), MetricStats.Summarise(values));
        });

    [Property(MaxTest = 300)]
    public Property Summary_matches_a_two_pass_computation_and_ignores_order() =>
        Prop.ForAll(Arb.From(Gen.Choose(2, 100).SelectMany(n => Gen.ArrayOf(Gen.Choose(-100_000, 100_000).Select(i => i / 997.0), n))), ArbMap.Default.ArbFor<ulong>(), (values, seed) =>
        {
            var stats = MetricStats.Summarise(values);
            var mean = values.Average();
            var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            var half = StudentT.InverseCdf(0.975, values.Length - 1) * sd / Math.Sqrt(values.Length);
            Assert.Equal(values.Length, stats.N);
            Close(mean, stats.Mean, 1e-10);
            Close(sd, stats.Sd, 1e-10);
            Close(mean - half, stats.Lower95, 1e-9);
            Close(mean + half, stats.Upper95, 1e-9);
            Assert.True(stats.Lower95 <= stats.Mean && stats.Mean <= stats.Upper95);

            var shuffled = MetricStats.Summarise(Permute(values, Permutation(values.Length, seed)));
            Close(stats.Mean, shuffled.Mean, 1e-10);
            Close(stats.Sd, shuffled.Sd, 1e-10);
        });
}

public sealed class StudentTTests
{
    [Theory]
    // References from mpmath (40 digits): findroot of ½·betainc(df/2, ½, 0, df/(df+t²)) = 1 − p.
    [InlineData(0.975, 1, 12.706204736174693314)]
    [InlineData(0.975, 4, 2.7764451051977934898)]
    [InlineData(0.975, 29, 2.0452296421327038745)]
    [InlineData(0.975, 1000, 1.9623390808264081039)]
    [InlineData(0.995, 10, 3.1692726726169507118)]
    [InlineData(0.9, 2, 1.8856180831641270225)]
    [InlineData(0.95, 3, 2.353363434801822899)]
    [InlineData(0.999, 5, 5.8934295313560089535)]
    [InlineData(0.6, 7, 0.26316686135202275215)]
    [InlineData(0.975, 2.5, 3.5746548420036817607)]
    [InlineData(0.75, 0.5, 1.5537739740300373073)]
    [InlineData(0.9999, 3, 22.203742273205002038)]
    [InlineData(0.975, 100000, 1.9599877075346092587)]
    public void Inverse_cdf_matches_high_precision_references(double p, double df, double expected)
    {
        Close(expected, StudentT.InverseCdf(p, df), 1e-10 * expected);
        Close(-expected, StudentT.InverseCdf(1 - p, df), 1e-10 * expected);
    }

    [Fact]
    public void Brief_values_to_1e_8()
    {
        Close(12.7062047362, StudentT.InverseCdf(0.975, 1), 1e-8);
        Close(2.7764451052, StudentT.InverseCdf(0.975, 4), 1e-8);
        Close(2.0452296421, StudentT.InverseCdf(0.975, 29), 1e-8);
        Close(1.9623390808, StudentT.InverseCdf(0.975, 1000), 1e-8);
    }

    [Fact]
    public void Edges_of_the_domain()
    {
        Assert.Equal(double.NegativeInfinity, StudentT.InverseCdf(0, 5));
        Assert.Equal(double.PositiveInfinity, StudentT.InverseCdf(1, 5));
        Assert.Equal(0.0, StudentT.InverseCdf(0.5, 5));
        Assert.True(double.IsNaN(StudentT.InverseCdf(1.1, 5)));
        Assert.True(double.IsNaN(StudentT.InverseCdf(-0.1, 5)));
        Assert.True(double.IsNaN(StudentT.InverseCdf(double.NaN, 5)));
        Assert.True(double.IsNaN(StudentT.InverseCdf(0.9, 0)));
        Assert.True(double.IsNaN(StudentT.InverseCdf(0.9, -1)));
        Assert.True(double.IsNaN(StudentT.InverseCdf(0.9, double.NaN)));
        Assert.True(double.IsNaN(StudentT.InverseCdf(0.9, double.PositiveInfinity)));
        Assert.Equal(0.5, StudentT.Cdf(0, 3));
        Assert.True(double.IsNaN(StudentT.Cdf(1, 0)));
    }

    [Fact]
    public void Extreme_tails_stay_finite_and_accurate()
    {
        // df = 1 is Cauchy: t = tan(π(p − ½)) = −1/tan(πp); for p = 1e-12 that is −3.183098861837907e11.
        Close(-1.0 / Math.Tan(Math.PI * 1e-12), StudentT.InverseCdf(1e-12, 1), 1e-12 * 3.2e11);
        // df = 2: t = (2p − 1)/√(2p(1 − p)).
        Close((2e-15 - 1) / Math.Sqrt(2e-15 * (1 - 1e-15)), StudentT.InverseCdf(1e-15, 2), 1e-11 * 2.3e7);
        Assert.True(double.IsFinite(StudentT.InverseCdf(1e-300, 3)));
    }

    static Gen<double> P => Gen.Choose(1, 999_999).Select(i => i / 1_000_000.0);

    [Property(MaxTest = 500)]
    public Property Cauchy_and_two_degrees_of_freedom_match_closed_forms() =>
        Prop.ForAll(Arb.From(P), p =>
        {
            var cauchy = Math.Tan(Math.PI * (p - 0.5));
            Close(cauchy, StudentT.InverseCdf(p, 1), 1e-11 * Math.Max(1, Math.Abs(cauchy)));
            var two = (2 * p - 1) / Math.Sqrt(2 * p * (1 - p));
            Close(two, StudentT.InverseCdf(p, 2), 1e-11 * Math.Max(1, Math.Abs(two)));
        });

    [Property(MaxTest = 500)]
    public Property Inverse_cdf_is_strictly_increasing_in_p() =>
        Prop.ForAll(Arb.From(P), Arb.From(P), Arb.From(Gen.Elements(0.3, 1.0, 2.0, 3.5, 4.0, 9.0, 29.0, 250.0, 1e4)), (a, b, df) =>
        {
            if (a == b) return;
            var (lo, hi) = a < b ? (a, b) : (b, a);
            Assert.True(StudentT.InverseCdf(lo, df) < StudentT.InverseCdf(hi, df), $"t({lo}) vs t({hi}), df {df}");
        });

    [Property(MaxTest = 500)]
    public Property Cdf_inverts_the_quantile_and_the_quantile_is_antisymmetric() =>
        Prop.ForAll(Arb.From(P), Arb.From(Gen.Choose(20, 4000).Select(i => i / 40.0)), (p, df) =>
        {
            var t = StudentT.InverseCdf(p, df);
            Close(p, StudentT.Cdf(t, df), 1e-13);
            Assert.Equal(-t, StudentT.InverseCdf(1 - p, df), 1e-9 * Math.Max(1, Math.Abs(t)));
        });

    [Property(MaxTest = 200)]
    public Property Quantile_decreases_towards_the_normal_as_df_grows() =>
        Prop.ForAll(Arb.From(Gen.Choose(500_001, 999_999).Select(i => i / 1_000_000.0)), Arb.From(Gen.Choose(1, 300)), (p, df) =>
            Assert.True(StudentT.InverseCdf(p, df) > StudentT.InverseCdf(p, df + 1)));
}
