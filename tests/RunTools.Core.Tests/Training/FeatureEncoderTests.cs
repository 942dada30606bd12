using System.Collections.Immutable;
using RunTools.Training;

namespace RunTools.Tests.Training;

/// <summary>Short constructors for feature columns.</summary>
internal static class Sources
{
    public static NumericSource Num(string name, params double[] values) => new(name, values.ToImmutableArray());

    public static CategoricalSource Cat(string name, params string?[] values) => new(name, values.ToImmutableArray());

    public static Seq<FeatureSource> Features(params FeatureSource[] features) => toSeq(features);
}

public sealed class FeatureEncoderTests
{
    const double NaN = double.NaN;

    static EncoderState Fit(Seq<FeatureSource> features, params int[] rows) => FeatureEncoder.Fit(features, rows);

    // ---- fit: only the given rows ---------------------------------------------------------------------------

    [Fact]
    public void The_fill_is_the_mean_of_the_training_rows_present_values()
    {
        var x = Sources.Num("x", 1, NaN, 3, 100, 5);
        Assert.Equal(new NumericEncoding("x", 3, true), Assert.Single(Fit(Sources.Features(x), 0, 1, 2, 4).Features));
    }

    [Fact]
    public void A_missing_value_only_in_other_rows_gives_no_indicator_and_does_not_move_the_fill()
    {
        var x = Sources.Num("x", 2, 4, NaN, 1000);
        Assert.Equal(new NumericEncoding("x", 3, false), Assert.Single(Fit(Sources.Features(x), 0, 1).Features));
    }

    [Fact]
    public void A_feature_missing_in_every_training_row_fills_with_zero_and_has_an_indicator()
    {
        var x = Sources.Num("x", NaN, NaN, 7);
        Assert.Equal(new NumericEncoding("x", 0, true), Assert.Single(Fit(Sources.Features(x), 0, 1).Features));
    }

    [Fact]
    public void Categories_are_those_of_the_training_rows_in_ordinal_order_without_missing_ones()
    {
        var site = Sources.Cat("site", "b", "B", null, "a", "", "only-in-test", "b");
        var state = Fit(Sources.Features(site), 0, 1, 2, 3, 4, 6);
        Assert.Equal(new OneHotEncoding("site", Seq("B", "a", "b")), Assert.Single(state.Features));
    }

    [Fact]
    public void Nothing_about_rows_outside_the_training_set_reaches_the_state()
    {
        var features = Sources.Features(Sources.Num("x", 1, 3, NaN, 99), Sources.Cat("c", "p", "q", "secret", null));
        var fromTrain = Fit(features, 0, 1);
        var otherRowsChanged = Sources.Features(Sources.Num("x", 1, 3, 42, -7), Sources.Cat("c", "p", "q", "other", "more"));
        Assert.Equal(fromTrain, Fit(otherRowsChanged, 0, 1));
        Assert.Equal(new EncoderState(Seq<FeatureEncoding>(new NumericEncoding("x", 2, false), new OneHotEncoding("c", Seq("p", "q")))), fromTrain);
    }

    [Fact]
    public void Width_and_output_names_follow_the_encodings_in_feature_order()
    {
        var state = new EncoderState(Seq<FeatureEncoding>(
            new NumericEncoding("a", 0, true), new OneHotEncoding("c", Seq("x", "y", "z")), new NumericEncoding("b", 0, false)));
        Assert.Equal(6, state.Width);
        Assert.Equal(Seq("a", "a__missing", "c=x", "c=y", "c=z", "b"), state.OutputNames);
        Assert.Equal(0, new OneHotEncoding("empty", Seq<string>()).Width);
    }

    // ---- transform ------------------------------------------------------------------------------------------

    [Fact]
    public void Transform_lays_out_rows_in_the_given_order_with_fill_indicator_and_one_hot()
    {
        var features = Sources.Features(
            Sources.Num("x", 1, NaN, 5, NaN),
            Sources.Cat("c", "b", "a", null, "new"),
            Sources.Num("y", 10, 20, 30, 40));
        var state = Fit(features, 0, 1, 2);   // x: fill 3 with indicator; c: [a, b]; y: no indicator

        var matrix = FeatureEncoder.Transform(state, features, new[] { 3, 0, 2, 1 });

        Assert.Equal(new float[]
        {
            // x  x__missing  c=a  c=b   y
               3, 1,          0,   0,    40,   // row 3: missing x, unseen category → zeros
               1, 0,          0,   1,    10,   // row 0
               5, 0,          0,   0,    30,   // row 2: missing category → zeros
               3, 1,          1,   0,    20,   // row 1
        }, matrix);
    }

    [Fact]
    public void An_unseen_category_and_a_missing_one_encode_as_all_zeros()
    {
        var features = Sources.Features(Sources.Cat("c", "a", "b", "c", null, ""));
        var state = Fit(features, 0, 1);
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0 }, FeatureEncoder.Transform(state, features, new[] { 2, 3, 4 }));
    }

    [Fact]
    public void Transform_of_no_rows_is_empty() =>
        Assert.Empty(FeatureEncoder.Transform(Fit(Sources.Features(Sources.Num("x", 1)), 0), Sources.Features(Sources.Num("x", 1)), ReadOnlySpan<int>.Empty));

    [Fact]
    public void A_feature_of_another_kind_than_it_was_fitted_as_is_refused()
    {
        var state = Fit(Sources.Features(Sources.Num("x", 1, 2)), 0, 1);
        var e = Assert.Throws<ArgumentException>(() => FeatureEncoder.Transform(state, Sources.Features(Sources.Cat("x", "1", "2")), new[] { 0 }));
        Assert.Contains("'x'", e.Message);
    }
}
