using RunTools.Randomness;

namespace RunTools.Folds;

/// <summary>
/// Plans folds: a pure function of the spec and the data (the seed is in the spec). Repeat r splits with seed
/// <c>Prng.Derive(Seed, r)</c>; the inner folds of outer fold o in repeat r with <c>Prng.Derive(Seed, r, o)</c>,
/// over that outer fold's training rows only; the production fold's inner folds with <c>Prng.Derive(Seed, 0, -1)</c>
/// over all rows. Folds come in the order: repeat 0's outer fold 0, its inner folds, outer fold 1, its inner folds,
/// …, then the next repeat, and last the production fold and its inner folds.
/// </summary>
public static class FoldPlanner
{
    public static Fin<FoldPlan> Plan(FoldSpec spec, FoldData data) =>
        from valid in FoldSpecs.Validate(spec)
        from _ in Check(valid, data)
        let columns = FoldColumns.Of(data)
        from folds in Folds(valid, columns)
        select new FoldPlan(valid, data.RowKeys, folds);

    internal static Fin<Seq<Fold>> Folds(FoldSpec spec, FoldColumns data)
    {
        var all = Enumerable.Range(0, data.Rows).ToArray();
        var repeats = toSeq(Enumerable.Range(0, spec.Repeats).ToArray())
            .Map(r => FoldSplits.Split(spec, all, Prng.Derive(spec.Seed, r), FoldScope.Outer, data)
                .Bind(outer => toSeq(outer.Select((split, o) => Nested(spec, data, r, o, split)).ToArray()).Sequence()))
            .Sequence()
            .Map(r => r.Bind(outer => outer.Bind(folds => folds)));
        var production = spec.Production
            ? Nested(spec, data, 0, -1, new FoldSplit(all, []))
            : FinSucc(Seq<Fold>());
        return from r in repeats
               from p in production
               select toSeq(r.Concat(p).ToArray()); // strict, so the plan holds values and not pending work
    }

    /// <summary>An outer (or the production) fold followed by its inner folds.</summary>
    private static Fin<Seq<Fold>> Nested(FoldSpec spec, FoldColumns data, int repeat, int outer, FoldSplit split)
    {
        var fold = new Fold(repeat, outer, -1, toSeq(split.Train), toSeq(split.Held));
        return spec.Inner is { } inner
            ? FoldSplits.Split(inner, split.Train, Prng.Derive(spec.Seed, repeat, outer), FoldScope.InnerOf(repeat, outer), data)
                .Map(splits => Seq1(fold).Concat(toSeq(splits.Select((s, i) => new Fold(repeat, outer, i, toSeq(s.Train), toSeq(s.Held))).ToArray())))
            : FinSucc(Seq1(fold));
    }

    // ---- the data -------------------------------------------------------------------------------------------

    private sealed record Column(string Name, int? Length, Func<FoldKind, bool> NeededBy);

    /// <summary>Columns the kinds need are given; every given column has one value per row; row keys are present
    /// and unique; the needed columns have no missing values.</summary>
    internal static Fin<Unit> Check(FoldSpec spec, FoldData data)
    {
        var kinds = spec.Inner is { } inner ? Seq(spec.Kind, inner.Kind) : Seq1(spec.Kind);
        var keys = data.RowKeys.ToArray();
        var columns = Seq(
            new Column("label", data.Labels?.Count, k => k is FoldKind.Stratified or FoldKind.StratifiedGroup),
            new Column("group", data.Groups?.Count, k => k is FoldKind.Group or FoldKind.StratifiedGroup),
            new Column("time", data.Times?.Count, k => k is FoldKind.WalkForward));
        var needed = columns.Filter(c => kinds.Exists(c.NeededBy));
        var absent = needed.Find(c => c.Length is null);
        var wrongLength = columns.Find(c => c.Length is { } n && n != keys.Length);
        return absent.Match(
                Some: c => FinFail<Unit>(new FoldColumnMissing(c.Name, FoldSpecs.Text(kinds.Find(c.NeededBy).IfNone(spec.Kind)))),
                None: () => wrongLength.Match(
                    Some: c => FinFail<Unit>(new FoldColumnLength(c.Name, c.Length!.Value, keys.Length)),
                    None: () => FinSucc(unit)))
            .Bind(_ => Missing("row key", keys, string.IsNullOrEmpty, keys))
            .Bind(_ => Duplicates(keys))
            .Bind(_ => needed.Fold(FinSucc(unit), (acc, c) => acc.Bind(_ => c.Name switch
            {
                "label" => Missing(c.Name, data.Labels!.Value.ToArray(), string.IsNullOrEmpty, keys),
                "group" => Missing(c.Name, data.Groups!.Value.ToArray(), string.IsNullOrEmpty, keys),
                _ => Missing(c.Name, data.Times!.Value.ToArray(), t => !double.IsFinite(t), keys),
            })));
    }

    /// <summary>MissingValues naming the count and the first row: by key, or by position (#n, 1-based) when that
    /// row has no key.</summary>
    private static Fin<Unit> Missing<T>(string column, T[] values, Func<T, bool> missing, string[] keys)
    {
        int count = 0, first = -1;
        for (var i = 0; i < values.Length; i++)
            if (missing(values[i]))
            {
                count++;
                if (first < 0) first = i;
            }
        return count == 0
            ? FinSucc(unit)
            : FinFail<Unit>(new MissingValues(column, count, string.IsNullOrEmpty(keys[first]) ? $"#{first + 1}" : $"'{keys[first]}'"));
    }

    /// <summary>DuplicateRowKey for the first key (in row order) that more than one row has.</summary>
    private static Fin<Unit> Duplicates(string[] keys)
    {
        var seen = new System.Collections.Generic.HashSet<string>(keys.Length, StringComparer.Ordinal);
        var repeated = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
            if (!seen.Add(key)) repeated.Add(key);
        if (repeated.Count == 0) return FinSucc(unit);
        var first = keys.First(repeated.Contains);
        return FinFail<Unit>(new DuplicateRowKey(first, keys.Count(k => string.Equals(k, first, StringComparison.Ordinal))));
    }
}
