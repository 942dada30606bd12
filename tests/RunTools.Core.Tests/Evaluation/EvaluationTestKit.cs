using FsCheck;
using FsCheck.Fluent;
using RunTools.Randomness;

namespace RunTools.Tests.Evaluation;

/// <summary>Labels and probabilities for a binary property; both classes present.</summary>
public sealed record BinaryCase(bool[] Labels, double[] Probabilities)
{
    public override string ToString() =>
        $"labels [{string.Join(",", Labels.Select(l => l ? 1 : 0))}] p [{string.Join(",", Probabilities.Select(p => p.ToString("R")))}]";
}

/// <summary>Labels in 0..Classes−1 and a flat row-major probability matrix (rows sum to 1).</summary>
public sealed record MulticlassCase(int[] Labels, double[] Probabilities, int Classes)
{
    public override string ToString() =>
        $"classes {Classes} labels [{string.Join(",", Labels)}] p [{string.Join(",", Probabilities.Select(p => p.ToString("R")))}]";
}

/// <summary>Feature rows with a class per row, for SMOTE.</summary>
public sealed record SmoteCase(double[][] Features, int[] Classes, int K, double Ratio, ulong Seed)
{
    public override string ToString() =>
        $"k {K} ratio {Ratio} seed {Seed} rows [{string.Join("; ", Features.Select((f, i) => $"{Classes[i]}:({string.Join(",", f)})"))}]";
}

public static class EvaluationGen
{
    /// <summary>Probabilities: a coarse grid (many ties), a fine grid, or (nearly) continuous values, with the
    /// endpoints 0 and 1 mixed in.</summary>
    public static Gen<double> Probability =>
        Gen.Frequency(
            (2, Gen.Choose(0, 10).Select(i => i / 10.0)),
            (2, Gen.Choose(0, 1000).Select(i => i / 1000.0)),
            (2, Gen.Choose(0, int.MaxValue).Select(i => i / (double)int.MaxValue)),
            (1, Gen.Elements(0.0, 1.0, 1e-300, 1e-16, 1 - 1e-16)));

    public static Gen<BinaryCase> Binary(Gen<double> probability) =>
        from n in Gen.Choose(2, 80)
        from labels in Gen.ArrayOf(Gen.Elements(true, false), n)
        from probabilities in Gen.ArrayOf(probability, n)
        from i in Gen.Choose(0, n - 1)
        from j in Gen.Choose(0, n - 2)
        let negative = j >= i ? j + 1 : j
        select new BinaryCase(Both(labels, i, negative), probabilities);

    /// <summary>Distinct probabilities (a shuffled sample of a fine grid): no ties.</summary>
    public static Gen<BinaryCase> BinaryWithoutTies =>
        from n in Gen.Choose(2, 80)
        from labels in Gen.ArrayOf(Gen.Elements(true, false), n)
        from seed in Gen.Choose(0, int.MaxValue)
        from i in Gen.Choose(0, n - 1)
        from j in Gen.Choose(0, n - 2)
        let negative = j >= i ? j + 1 : j
        select new BinaryCase(
            Both(labels, i, negative),
            Prng.Create((ulong)seed).Shuffled(Enumerable.Range(0, 10_000)).Take(n).Select(k => (k + 0.5) / 10_000).ToArray());

    static bool[] Both(bool[] labels, int positive, int negative)
    {
        var copy = (bool[])labels.Clone();
        copy[positive] = true;
        copy[negative] = false;
        return copy;
    }

    public static Gen<MulticlassCase> Multiclass =>
        from classes in Gen.Choose(2, 5)
        from n in Gen.Choose(1, 60)
        from labels in Gen.ArrayOf(Gen.Choose(0, classes - 1), n)
        from weights in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(0, 10)), (1, Gen.Choose(0, 1000))), n * classes)
        select new MulticlassCase(labels, Normalise(weights, classes), classes);

    static double[] Normalise(int[] weights, int classes)
    {
        var probabilities = new double[weights.Length];
        for (var row = 0; row < weights.Length / classes; row++)
        {
            var total = 0;
            for (var c = 0; c < classes; c++) total += weights[row * classes + c];
            for (var c = 0; c < classes; c++)
                probabilities[row * classes + c] = total == 0 ? 1.0 / classes : weights[row * classes + c] / (double)total;
        }
        return probabilities;
    }

    /// <summary>Small data sets with 1–4 classes of 1–25 rows, coordinates on a coarse grid (so distance ties
    /// happen) or continuous.</summary>
    public static Gen<SmoteCase> SmoteData =>
        from classCount in Gen.Choose(1, 4)
        from sizes in Gen.ArrayOf(Gen.Frequency((1, Gen.Choose(1, 3)), (4, Gen.Choose(2, 25))), classCount)
        from labelOffset in Gen.Choose(-2, 3)
        from width in Gen.Choose(1, 4)
        from coarse in Gen.Elements(true, false)
        from values in Gen.ArrayOf(
            coarse ? Gen.Choose(-3, 3).Select(v => (double)v) : Gen.Choose(-100_000, 100_000).Select(v => v / 997.0),
            sizes.Sum() * width)
        from k in Gen.Choose(1, 7)
        from ratio in Gen.Elements(1.0, 1.0, 0.75, 0.5, 0.3)
        from seed in Gen.Choose(0, int.MaxValue)
        from shuffleSeed in Gen.Choose(0, int.MaxValue)
        let classes = Prng.Create((ulong)shuffleSeed).Shuffled(sizes.SelectMany((size, c) => Enumerable.Repeat(c + labelOffset, size)))
        select new SmoteCase(
            Enumerable.Range(0, classes.Length).Select(r => values.Skip(r * width).Take(width).ToArray()).ToArray(),
            classes, k, ratio, (ulong)seed);
}

public static class EvaluationArbitraries
{
    public static Arbitrary<BinaryCase> Binary() => Arb.From(EvaluationGen.Binary(EvaluationGen.Probability));
    public static Arbitrary<MulticlassCase> Multiclass() => Arb.From(EvaluationGen.Multiclass);
    public static Arbitrary<SmoteCase> Smote() => Arb.From(EvaluationGen.SmoteData);
}

public static class EvaluationKit
{
    /// <summary>AUC by definition: over all positive–negative pairs, 1 when the positive scores higher, ½ on a tie.</summary>
    public static double PairwiseAuc(bool[] labels, double[] probabilities)
    {
        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < labels.Length; i++)
            for (var j = 0; j < labels.Length; j++)
            {
                if (!labels[i] || labels[j]) continue;
                pairs++;
                wins += probabilities[i] > probabilities[j] ? 1 : probabilities[i] == probabilities[j] ? 0.5 : 0;
            }
        return wins / pairs;
    }

    /// <summary>A permutation of 0..n−1 from a seed.</summary>
    public static int[] Permutation(int n, ulong seed) => Prng.Create(seed).Shuffled(Enumerable.Range(0, n));

    public static T[] Permute<T>(T[] items, int[] order) => order.Select(i => items[i]).ToArray();

    /// <summary>Rows of a flat row-major matrix moved by a permutation of the rows.</summary>
    public static double[] PermuteRows(double[] matrix, int columns, int[] order) =>
        order.SelectMany(i => matrix.Skip(i * columns).Take(columns)).ToArray();

    /// <summary>A standard normal draw (Box–Muller) from the core generator.</summary>
    public static double Normal(Prng prng)
    {
        var u = 1.0 - prng.NextDouble();
        var v = prng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    public static void Close(double expected, double actual, double tolerance)
    {
        if (!(Math.Abs(expected - actual) <= tolerance))
            throw new Xunit.Sdk.XunitException($"Expected {expected:R} ± {tolerance:R}, got {actual:R} (off by {Math.Abs(expected - actual):R}).");
    }
}
