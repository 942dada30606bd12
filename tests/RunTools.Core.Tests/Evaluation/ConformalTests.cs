using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Evaluation;
using RunTools.Randomness;
using RunTools.Tests.Config;
using static RunTools.Tests.Evaluation.EvaluationKit;

namespace RunTools.Tests.Evaluation;

public sealed class ConformalTests
{
    [Fact]
    public void Hand_computed_calibration()
    {
        // |residuals| sorted: 0.1 0.2 0.5 1 1.5 2 2.5 3 4; n = 9, α = 0.2 → rank ⌈10 · 0.8⌉ = 8 → 3.
        double[] actual = [10.5, 8, 11, 7, 10.1, 14, 7.5, 11.5, 9.8];
        double[] predicted = [10, 10, 10, 10, 10, 10, 10, 10, 10];
        var calibration = Expect.Succ(Conformal.Calibrate(actual, predicted, 0.2));
        Assert.Equal(new ConformalCalibration(9, 0.2, 3.0), calibration);
        Assert.Equal((2.0, 8.0), Conformal.Interval(5.0, calibration));
        // α = 0.5 → rank 5 → 1.5 (the median-ish score).
        Assert.Equal(1.5, Expect.Succ(Conformal.Calibrate(actual, predicted, 0.5)).Quantile);
    }

    [Theory]
    [InlineData(9, 0.2, 8)]
    [InlineData(19, 0.05, 19)]  // 20 · 0.95 is 19 up to rounding, not 20
    [InlineData(9, 0.1, 9)]
    [InlineData(99, 0.1, 90)]
    [InlineData(10, 0.1, 10)]   // ⌈9.9⌉
    [InlineData(3, 0.1, 4)]     // > n: infinite quantile
    [InlineData(1, 0.9, 1)]     // ⌈0.2⌉
    [InlineData(999, 0.3, 700)]
    [InlineData(1000, 0.3, 701)] // ⌈700.7⌉
    public void Rank_is_the_finite_sample_correction(int n, double alpha, int rank) =>
        Assert.Equal(rank, Conformal.Rank(n, alpha));

    [Fact]
    public void Too_few_calibration_rows_give_an_infinite_interval()
    {
        var calibration = Expect.Succ(Conformal.Calibrate([1, 2, 3, 4, 5], [1, 2, 3, 4, 6], 0.1));
        Assert.Equal(new ConformalCalibration(5, 0.1, double.PositiveInfinity), calibration);
        Assert.Equal((double.NegativeInfinity, double.PositiveInfinity), Conformal.Interval(3.0, calibration));
    }

    [Fact]
    public void Invalid_inputs_are_errors()
    {
        const string detail = "it must lie strictly between 0 and 1.";
        Expect.Error(new EvaluationArgumentInvalid("alpha", 0, detail), Conformal.Calibrate([1], [1], 0));
        Expect.Error(new EvaluationArgumentInvalid("alpha", 1, detail), Conformal.Calibrate([1], [1], 1));
        Expect.Error(new EvaluationArgumentInvalid("alpha", double.NaN, detail), Conformal.Calibrate([1], [1], double.NaN));
        Expect.Error(new EvaluationInputEmpty("actual"), Conformal.Calibrate([], [], 0.1));
        Expect.Error(new EvaluationLengthMismatch("predicted", 1, 2), Conformal.Calibrate([1], [1, 2], 0.1));
        Expect.Error(new EvaluationValueNotFinite("predicted", 0, double.NaN), Conformal.Calibrate([1], [double.NaN], 0.1));
    }

    // ---- properties -------------------------------------------------------------------------------------------

    static Gen<double[]> Residuals =>
        Gen.Choose(1, 80).SelectMany(n => Gen.ArrayOf(Gen.Choose(-10_000, 10_000).Select(i => i / 100.0), n));

    [Property(MaxTest = 300)]
    public Property Quantile_is_the_rank_th_smallest_absolute_residual() =>
        Prop.ForAll(Arb.From(Residuals), Arb.From(Gen.Choose(1, 99).Select(i => i / 100.0)), (residuals, alpha) =>
        {
            var predicted = residuals.Select((_, i) => (double)i).ToArray();
            var actual = residuals.Select((r, i) => i + r).ToArray();
            var q = Expect.Succ(Conformal.Calibrate(actual, predicted, alpha)).Quantile;
            var scores = actual.Zip(predicted, (a, p) => Math.Abs(a - p)).ToArray();
            var rank = Conformal.Rank(residuals.Length, alpha);
            Assert.InRange(rank, (residuals.Length + 1) * (1 - alpha) - 1e-6, (residuals.Length + 1) * (1 - alpha) + 1);
            if (rank > residuals.Length) Assert.Equal(double.PositiveInfinity, q);
            else
            {
                Assert.True(scores.Count(s => s <= q) >= rank);
                Assert.True(scores.Count(s => s < q) < rank);
            }
        });

    [Property(MaxTest = 300)]
    public Property Quantile_does_not_increase_with_alpha() =>
        Prop.ForAll(Arb.From(Residuals), Arb.From(Gen.Choose(1, 99)), Arb.From(Gen.Choose(1, 99)), (residuals, a, b) =>
        {
            var (small, large) = a <= b ? (a / 100.0, b / 100.0) : (b / 100.0, a / 100.0);
            var zeros = new double[residuals.Length];
            var qSmall = Expect.Succ(Conformal.Calibrate(residuals, zeros, small)).Quantile;
            var qLarge = Expect.Succ(Conformal.Calibrate(residuals, zeros, large)).Quantile;
            Assert.True(qSmall >= qLarge, $"q({small}) = {qSmall} < q({large}) = {qLarge}");
        });

    /// <summary>
    /// Exchangeable data: x ~ U(0, 10), y = 2x + 1 + noise, and a fixed, imperfect model 2.1x + 0.7. Over many
    /// seeds, the mean coverage of new points must be at least 1 − α (split-conformal's guarantee) and at most
    /// k/(n + 1), its exact expectation for continuous residuals (1 when k &gt; n) — the interval must not buy its
    /// coverage by being wider than the rank says. The standard error of the mean coverage over 400 × 50 points is
    /// at most about 0.007 here (n = 10, α = 0.3); the tolerance 0.04 is over 5 standard errors, while a rank off by
    /// one moves the expectation by 1/(n + 1).
    /// </summary>
    [Property(MaxTest = 24)]
    public Property Intervals_cover_new_exchangeable_points_at_the_promised_rate() =>
        Prop.ForAll(
            Arb.From(
                from alpha in Gen.Elements(0.05, 0.1, 0.2, 0.3)
                from n in Gen.Choose(10, 150)
                from noiseKind in Gen.Choose(0, 3)
                from seed in Gen.Choose(0, int.MaxValue)
                select (Alpha: alpha, N: n, NoiseKind: noiseKind, Seed: (ulong)seed)),
            setting =>
            {
                var (alpha, n, noiseKind, seed) = setting;
                const int repeats = 400, tests = 50;
                var covered = 0L;
                for (var r = 0; r < repeats; r++)
                {
                    var prng = Prng.Create(Prng.Derive(seed, r));
                    var (actual, predicted) = Draw(prng, n, noiseKind);
                    var calibration = Expect.Succ(Conformal.Calibrate(actual, predicted, alpha));
                    var (newActual, newPredicted) = Draw(prng, tests, noiseKind);
                    for (var i = 0; i < tests; i++)
                    {
                        var (lower, upper) = Conformal.Interval(newPredicted[i], calibration);
                        if (lower <= newActual[i] && newActual[i] <= upper) covered++;
                    }
                }
                var coverage = covered / (double)(repeats * tests);
                var rank = Conformal.Rank(n, alpha);
                Assert.True(coverage >= 1 - alpha - 0.04, $"coverage {coverage} < {1 - alpha} (n {n}, noise {noiseKind})");
                var expected = rank > n ? 1.0 : rank / (n + 1.0);
                Assert.True(coverage <= expected + 0.04, $"coverage {coverage} > {expected} (n {n}, noise {noiseKind})");
            });

    static (double[] Actual, double[] Predicted) Draw(Prng prng, int n, int noiseKind)
    {
        var actual = new double[n];
        var predicted = new double[n];
        for (var i = 0; i < n; i++)
        {
            var x = 10 * prng.NextDouble();
            var noise = noiseKind switch
            {
                0 => Normal(prng),
                1 => 4 * prng.NextDouble() - 2,
                2 => (prng.NextDouble() < 0.5 ? -1 : 1) * -Math.Log(1 - prng.NextDouble()), // Laplace
                _ => Normal(prng) * (0.2 + x / 5),                                            // heteroscedastic
            };
            actual[i] = 2 * x + 1 + noise;
            predicted[i] = 2.1 * x + 0.7;
        }
        return (actual, predicted);
    }
}
