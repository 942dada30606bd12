using FsCheck;
using FsCheck.Fluent;
using RunTools.Folds;

namespace RunTools.Tests.Folds;

/// <summary>A spec with data to plan it over. Printed in full when a property fails.</summary>
public sealed record FoldCase(FoldSpec Spec, FoldData Data)
{
    public override string ToString() =>
        $"{FoldSpecs.Canonical(Spec)}\n  keys:   {string.Join(" ", Data.RowKeys)}" +
        (Data.Labels is { } l ? $"\n  labels: {string.Join(" ", l)}" : "") +
        (Data.Groups is { } g ? $"\n  groups: {string.Join(" ", g)}" : "") +
        (Data.Times is { } t ? $"\n  times:  {string.Join(" ", t.Map(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)))}" : "");
}

/// <summary>Random fold cases: every kind, nested or not, repeats, production; imbalanced classes (names that sort
/// differently by culture and ordinally), skewed group sizes, times with many ties, fractions and negatives. Specs
/// are always valid; data may be too small for the spec, which the properties check against an oracle.</summary>
public static class FoldGen
{
    private static readonly string[] ClassNames = ["b", "A", "a", "é", "10", "9"];

    private static Gen<ulong> Seed =>
        Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
            .Select(t => ((ulong)(uint)t.Item1 << 32) | (uint)t.Item2);

    private static Gen<WalkForwardSpec> WalkForward =>
        from window in Gen.Elements(WindowKind.Expanding, WindowKind.Sliding)
        from horizon in Gen.Frequency((1, Gen.Constant<int?>(null)), (2, Gen.Choose(1, 5).Select(h => (int?)h)))
        from gap in Gen.Frequency((2, Gen.Constant(0)), (3, Gen.Choose(1, 3)))
        from minTrain in Gen.Choose(0, 3)
        from trainSize in Gen.Choose(Math.Max(1, minTrain), 12)
        select new WalkForwardSpec(window, horizon, gap, window == WindowKind.Sliding ? trainSize : null, minTrain);

    private static Gen<FoldSpec> Level(bool inner, ulong seed) =>
        from kind in Gen.Elements(Enum.GetValues<FoldKind>())
        from k in inner ? Gen.Choose(2, 4) : Gen.Choose(2, 6)
        from shuffle in kind == FoldKind.WalkForward ? Gen.Constant(false) : Gen.Elements(true, false)
        from repeats in shuffle && !inner ? Gen.Choose(1, 3) : Gen.Constant(1)
        from walkForward in kind == FoldKind.WalkForward ? WalkForward.Select(w => (WalkForwardSpec?)w) : Gen.Constant<WalkForwardSpec?>(null)
        from production in inner ? Gen.Constant(false) : Gen.Elements(true, false)
        select new FoldSpec(kind, k, repeats, seed, shuffle, walkForward, null, production);

    public static Gen<FoldSpec> Spec =>
        from seed in Seed
        from outer in Level(false, seed)
        from inner in Gen.Frequency((1, Gen.Constant<FoldSpec?>(null)), (2, Level(true, seed).Select(s => (FoldSpec?)s)))
        select outer with { Inner = inner };

    public static Gen<FoldData> Data =>
        from n in Gen.Frequency((1, Gen.Choose(0, 12)), (6, Gen.Choose(13, 160)))
        from classes in Gen.Frequency((3, Gen.Choose(1, 3)), (1, Gen.Choose(4, ClassNames.Length)))
        from weights in Gen.ArrayOf(Gen.Elements(1, 1, 2, 3, 5, 20), classes)
        from labels in Gen.ArrayOf(Gen.Frequency(weights.Select((w, c) => (w, Gen.Constant(ClassNames[c])))), n)
        from groupCount in Gen.Choose(1, Math.Max(1, n))
        from groups in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, groupCount - 1), Gen.Choose(0, groupCount - 1)).Select(t => Math.Min(t.Item1, t.Item2)), n)
        from timeLevels in Gen.Choose(1, Math.Max(1, n))
        from times in Gen.ArrayOf(Gen.Choose(0, timeLevels - 1), n)
        from scale in Gen.Elements(1.0, 0.25, -1.5)
        select new FoldData(
            F.Keys(n),
            toSeq(labels),
            toSeq(groups.Select(g => $"g{g}").ToArray()),
            toSeq(times.Select(t => t * scale).ToArray()));

    public static Gen<FoldCase> Case => Gen.Zip(Spec, Data).Select(t => new FoldCase(t.Item1, t.Item2));

    /// <summary>Smaller cases: without the inner spec, repeats or production; with fewer rows.</summary>
    public static IEnumerable<FoldCase> Shrink(FoldCase c)
    {
        var spec = c.Spec;
        if (spec.Inner is not null) yield return c with { Spec = spec with { Inner = null } };
        if (spec.Repeats > 1) yield return c with { Spec = spec with { Repeats = 1 } };
        if (spec.Production) yield return c with { Spec = spec with { Production = false } };
        var n = c.Data.RowKeys.Count;
        if (n == 0) yield break;
        yield return c with { Data = Take(c.Data, Enumerable.Range(0, n / 2)) };
        yield return c with { Data = Take(c.Data, Enumerable.Range(n / 2, n - n / 2)) };
        foreach (var i in Enumerable.Range(0, Math.Min(n, 12)))
            yield return c with { Data = Take(c.Data, Enumerable.Range(0, n).Where(j => j != i)) };
    }

    private static FoldData Take(FoldData d, IEnumerable<int> rows)
    {
        var keep = rows.ToArray();
        Seq<T>? Pick<T>(Seq<T>? column) => column is { } c ? toSeq(keep.Select(i => c[i]).ToArray()) : null;
        return new FoldData(toSeq(keep.Select((_, i) => $"r{i}").ToArray()), Pick(d.Labels), Pick(d.Groups), Pick(d.Times));
    }
}

public static class FoldArbitraries
{
    public static Arbitrary<FoldCase> Cases() => Arb.From(FoldGen.Case, FoldGen.Shrink);
}
