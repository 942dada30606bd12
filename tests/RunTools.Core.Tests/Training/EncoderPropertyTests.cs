using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Training;

namespace RunTools.Tests.Training;

/// <summary>Random features (numeric with missing values, categorical with missing and rare categories) and a random
/// subset of rows to fit on. Printed in full when a property fails.</summary>
public sealed record EncoderCase(Seq<FeatureSource> Features, int[] Train, int[] Other)
{
    public override string ToString() =>
        string.Join("\n", Features.Map(f => f switch
        {
            NumericSource n => $"{n.Name}: {string.Join(" ", n.Values)}",
            CategoricalSource c => $"{c.Name}: {string.Join(" ", c.Values.Select(v => v ?? "<null>"))}",
            _ => f.Name,
        })) + $"\ntrain: {string.Join(" ", Train)}\nother: {string.Join(" ", Other)}";
}

public static class EncoderArbitraries
{
    static Gen<double> Value =>
        Gen.Frequency(
            (1, Gen.Constant(double.NaN)),
            (4, Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1000.0)),
            (1, Gen.Elements(0.0, -0.0, 1e30, -1e30, 1e-30)));

    static Gen<string?> Category => Gen.Elements<string?>(null, "", "a", "b", "B", "é", "10");

    static Gen<EncoderCase> Cases =>
        from rows in Gen.Choose(1, 30)
        from count in Gen.Choose(0, 5)
        from numeric in Gen.ArrayOf(Gen.Elements(true, false), count)
        from values in Gen.ArrayOf(Value, rows * count)
        from categories in Gen.ArrayOf(Category, rows * count)
        from inTrain in Gen.ArrayOf(Gen.Elements(true, false), rows)
        let features = Enumerable.Range(0, count).Select(i => numeric[i]
            ? (FeatureSource)new NumericSource($"n{i}", values.Skip(i * rows).Take(rows).ToImmutableArray())
            : new CategoricalSource($"c{i}", categories.Skip(i * rows).Take(rows).ToImmutableArray())).ToArray()
        let train = Enumerable.Range(0, rows).Where(r => inTrain[r]).ToArray()
        let other = Enumerable.Range(0, rows).Where(r => !inTrain[r]).ToArray()
        select new EncoderCase(toSeq(features), train, other);

    public static Arbitrary<EncoderCase> Encoder() => Arb.From(Cases);
}

public sealed class EncoderPropertyTests
{
    const int Tests = 300;

    [Property(Arbitrary = [typeof(EncoderArbitraries)], MaxTest = Tests)]
    public void Transform_of_the_training_rows_is_finite_with_Width_columns(EncoderCase c)
    {
        var state = FeatureEncoder.Fit(c.Features, c.Train);
        var matrix = FeatureEncoder.Transform(state, c.Features, c.Train);

        Assert.Equal(c.Train.Length * state.Width, matrix.Length);
        Assert.Equal(state.Width, state.OutputNames.Count);
        Assert.All(matrix, v => Assert.True(float.IsFinite(v), $"{v} is not finite"));
    }

    [Property(Arbitrary = [typeof(EncoderArbitraries)], MaxTest = Tests)]
    public void Any_row_transforms_to_Width_finite_values_with_at_most_one_hot_per_categorical(EncoderCase c)
    {
        var state = FeatureEncoder.Fit(c.Features, c.Train);
        var all = c.Train.Concat(c.Other).ToArray();
        var matrix = FeatureEncoder.Transform(state, c.Features, all);

        Assert.Equal(all.Length * state.Width, matrix.Length);
        Assert.All(matrix, v => Assert.True(float.IsFinite(v), $"{v} is not finite"));
        var offset = 0;
        foreach (var encoding in state.Features)
        {
            for (var i = 0; i < all.Length; i++)
            {
                var cells = matrix.AsSpan(i * state.Width + offset, encoding.Width).ToArray();
                if (encoding is OneHotEncoding)
                {
                    Assert.All(cells, v => Assert.True(v is 0f or 1f));
                    Assert.True(cells.Sum() <= 1f);
                }
                else if (encoding is NumericEncoding { Indicator: true })
                    Assert.True(cells[1] is 0f or 1f);
            }
            offset += encoding.Width;
        }
    }

    [Property(Arbitrary = [typeof(EncoderArbitraries)], MaxTest = Tests)]
    public void The_fit_depends_only_on_the_training_rows(EncoderCase c)
    {
        // Replace every value outside the training rows: the fitted state must not change.
        var other = new System.Collections.Generic.HashSet<int>(c.Other);
        var scrambled = c.Features.Map(f => f switch
        {
            NumericSource n => (FeatureSource)new NumericSource(n.Name, n.Values.Select((v, r) => other.Contains(r) ? (r % 2 == 0 ? double.NaN : 12345.0) : v).ToImmutableArray()),
            CategoricalSource s => new CategoricalSource(s.Name, s.Values.Select((v, r) => other.Contains(r) ? $"unseen{r}" : v).ToImmutableArray()),
            _ => f,
        });
        Assert.Equal(FeatureEncoder.Fit(c.Features, c.Train), FeatureEncoder.Fit(scrambled, c.Train));
    }
}
