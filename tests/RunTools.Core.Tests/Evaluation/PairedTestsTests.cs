using RunTools.Evaluation;
using static RunTools.Tests.Evaluation.EvaluationKit;

namespace RunTools.Tests.Evaluation;

/// <summary>
/// The paired t-test and the Wilcoxon signed-rank test against SciPy 1.10.1 (scipy.stats.ttest_rel(y, x) and
/// scipy.stats.wilcoxon(y, x), defaults), computed once by paired_tests_reference.py beside this file; its output,
/// inputs included, is paired_tests_reference.json, copied here. The tie cases were computed with method='approx'
/// (the script says why).
/// </summary>
public sealed class PairedTestsTests
{
    public sealed record Case(string Name, double[] X, double[] Y, double T, double TP, double W, double WP, int Zeros, string Method)
    {
        public override string ToString() => Name;
    }

    public static readonly TheoryData<Case> Cases = new(
        new("ten folds, no ties", [0.818964, 0.899987, 0.858666, 0.88351, 0.826571, 0.811248, 0.878603, 0.851994, 0.893626, 0.864449],
            [0.809449, 0.908403, 0.861353, 0.897607, 0.840995, 0.811969, 0.879271, 0.847294, 0.895749, 0.877643],
            T: 1.631597927355254, TP: 0.13720023394425185, W: 12.0, WP: 0.130859375, Zeros: 0, Method: "exact"),
        new("five folds, all better", [0.81, 0.83, 0.79, 0.85, 0.8],
            [0.82, 0.85, 0.82, 0.89, 0.85],
            T: 4.242640687119276, TP: 0.013235599563682783, W: 0.0, WP: 0.0625, Zeros: 0, Method: "exact"),
        new("ties in |d|", [0.5, 0.5859375, 0.6640625, 0.7421875, 0.8203125, 0.5, 0.5859375, 0.6640625, 0.7421875, 0.8203125],
            [0.51953125, 0.56640625, 0.6953125, 0.7734375, 0.8671875, 0.49609375, 0.6171875, 0.67578125, 0.72265625, 0.8515625],
            T: 2.184962520971437, TP: 0.05671399873963693, W: 9.0, WP: 0.05703080526939997, Zeros: 0, Method: "normal"),
        new("zero differences and ties", [0.703125, 0.7109375, 0.71875, 0.7265625, 0.734375, 0.7421875, 0.75, 0.7578125, 0.765625, 0.7734375, 0.78125, 0.7890625],
            [0.703125, 0.73046875, 0.71875, 0.74609375, 0.73046875, 0.76953125, 0.75, 0.77734375, 0.74609375, 0.8046875, 0.78125, 0.8203125],
            T: 2.207254475211025, TP: 0.04945531300514162, W: 4.5, WP: 0.05531569013519519, Zeros: 4, Method: "normal"),
        new("sixty folds", [0.69338, 0.664633, 0.61281, 0.692219, 0.689796, 0.634565, 0.688548, 0.627839, 0.669348, 0.605459, 0.632187, 0.629504, 0.692315, 0.614735, 0.622088, 0.646733, 0.699064, 0.654635, 0.605907, 0.650169, 0.649172, 0.607201, 0.643265, 0.653116, 0.636422, 0.631552, 0.67776, 0.663588, 0.669109, 0.687583, 0.667384, 0.64844, 0.637421, 0.630759, 0.603432, 0.60459, 0.669922, 0.666284, 0.633016, 0.646874, 0.694808, 0.694203, 0.616103, 0.675637, 0.609213, 0.678039, 0.650122, 0.638068, 0.672623, 0.655566, 0.679764, 0.682814, 0.629111, 0.671611, 0.621809, 0.650245, 0.632263, 0.643918, 0.677533, 0.642629],
            [0.669352, 0.67914, 0.587533, 0.699734, 0.685531, 0.624535, 0.691609, 0.616333, 0.653909, 0.613357, 0.670811, 0.609549, 0.715418, 0.636366, 0.599686, 0.650538, 0.709545, 0.636418, 0.627491, 0.667727, 0.683141, 0.614998, 0.662186, 0.689358, 0.640482, 0.621548, 0.648742, 0.669317, 0.643765, 0.709537, 0.670327, 0.664661, 0.640675, 0.655526, 0.594305, 0.605591, 0.697924, 0.641118, 0.636867, 0.666379, 0.673537, 0.680209, 0.591105, 0.699252, 0.605425, 0.671736, 0.621871, 0.616792, 0.691154, 0.651777, 0.671746, 0.698652, 0.610994, 0.703879, 0.614445, 0.639984, 0.62696, 0.644665, 0.691556, 0.628652],
            T: 0.46469922316513496, TP: 0.643857276618945, W: 877.0, WP: 0.7796762860884908, Zeros: 0, Method: "normal"),
        new("centre of the exact distribution", [0.0, 0.0, 0.0, 0.0, 0.0],
            [0.1, -0.2, 0.3, -0.4, 0.05],
            T: -0.2457695761557122, TP: 0.8179561787814597, W: 7.0, WP: 1.0, Zeros: 0, Method: "exact")    );

    [Theory]
    [MemberData(nameof(Cases))]
    public void Paired_t_test_matches_scipy(Case c)
    {
        var result = PairedTTests.Of(c.X, c.Y);
        Assert.Equal(c.X.Length, result.N);
        Close(c.T, result.T!.Value, 1e-9 * Math.Abs(c.T));
        Close(c.TP, result.P!.Value, 1e-10 * c.TP + 1e-15);
        Close(c.Y.Zip(c.X, (y, x) => y - x).Average(), result.MeanDelta, 1e-15);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wilcoxon_signed_rank_test_matches_scipy(Case c)
    {
        var result = WilcoxonSignedRank.Of(c.X, c.Y);
        Assert.Equal(c.Method, result.Method);
        Assert.Equal(c.Zeros, result.Zeros);
        Assert.Equal(c.X.Length - c.Zeros, result.N);
        Assert.Equal(c.W, result.Statistic);
        Close(c.WP, result.P!.Value, 1e-12 * c.WP + 1e-15);
    }

    [Fact]
    public void Ties_use_the_normal_approximation_with_the_tie_correction()
    {
        // d = 1, −1, 2, 2, 3: |d| ranks 1.5, 1.5, 3.5, 3.5, 5; R− = 1.5, T = 1.5. Var = (5·6·11 − (6 + 6)/2)/24 = 13.5.
        var result = WilcoxonSignedRank.Of([0, 0, 0, 0, 0], [1, -1, 2, 2, 3]);
        Assert.Equal(WilcoxonSignedRank.Normal, result.Method);
        Assert.Equal(1.5, result.Statistic);
        var z = (1.5 - 7.5) / Math.Sqrt(13.5);
        Close(z, result.Z!.Value, 1e-15);
        Close(NormalDistribution.TwoSidedP(z), result.P!.Value, 0);
    }

    [Fact]
    public void Exact_p_value_by_hand()
    {
        // Four positive differences: R+ = 10, the largest sum; P(R+ ≥ 10) = 1/16, two-sided 1/8.
        var result = WilcoxonSignedRank.Of([0, 0, 0, 0], [1, 2, 3, 4]);
        Assert.Equal(new WilcoxonTest(4, 0, 0.0, null, 0.125, WilcoxonSignedRank.Exact), result);
    }

    [Fact]
    public void All_zero_differences_have_no_p_value()
    {
        Assert.Equal(new WilcoxonTest(0, 3, null, null, null, WilcoxonSignedRank.Normal), WilcoxonSignedRank.Of([1, 2, 3], [1, 2, 3]));
        Assert.Equal(new PairedTTest(3, 0.0, 0.0, null, null), PairedTTests.Of([1, 2, 3], [1, 2, 3]));
    }

    [Fact]
    public void Constant_non_zero_differences_give_an_infinite_t_and_p_zero_as_scipy()
    {
        Assert.Equal(new PairedTTest(3, 0.5, 0.0, double.PositiveInfinity, 0.0), PairedTTests.Of([1, 2, 3], [1.5, 2.5, 3.5]));
    }

    [Fact]
    public void Pairs_with_a_NaN_are_left_out()
    {
        Assert.Equal(PairedTTests.Of([1, 2, 4], [1.5, 2.1, 4.9]), PairedTTests.Of([1, double.NaN, 2, 3, 4], [1.5, 7, 2.1, double.NaN, 4.9]));
        Assert.Equal(new PairedTTest(1, 0.5, null, null, null), PairedTTests.Of([1], [1.5]));
    }

    [Fact]
    public void Unequal_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PairedTTests.Of([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => WilcoxonSignedRank.Of([1, 2], [1]));
    }

    [Theory]
    // Reference values: scipy.special.erfc (SciPy 1.10.1).
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028516)]
    [InlineData(1.4999, 0.033906748337704726)]
    [InlineData(1.5, 0.03389485352468927)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(3.0, 2.2090496998585445e-05)]
    [InlineData(6.0, 2.1519736712498913e-17)]
    [InlineData(-1.0, 1.8427007929497148)]
    public void Erfc_matches_scipy(double x, double expected) =>
        Close(expected, NormalDistribution.Erfc(x), 1e-14 * expected);
}
