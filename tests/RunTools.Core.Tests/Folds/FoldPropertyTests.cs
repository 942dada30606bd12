using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LanguageExt.Common;
using RunTools.Folds;
using RunTools.Tests.Config;

namespace RunTools.Tests.Folds;

/// <summary>
/// Invariants of every plan, on random data: each property plans a random case and either checks the error against
/// an independent oracle of what is too small, or checks the plan's invariants.
/// </summary>
public sealed class FoldPropertyTests
{
    private const int Tests = 400;

    // ---- the oracle -----------------------------------------------------------------------------------------

    /// <summary>The first error the planner must report for a valid spec and complete data, worked out from the
    /// counts alone (the outer folds it needs come from planning without the inner spec).</summary>
    private static Option<Error> ExpectedError(FoldSpec spec, FoldData data)
    {
        var all = toSeq(Enumerable.Range(0, data.RowKeys.Count).ToArray());
        var outer = TooSmall(spec, data, all, "folds", "the data");
        if (outer.IsSome || spec.Inner is not { } inner) return outer;
        var outerPlan = Expect.Succ(FoldPlanner.Plan(spec with { Inner = null, Production = false }, data));
        foreach (var fold in outerPlan.Folds)
        {
            var e = TooSmall(inner, data, fold.Train, "folds.inner", $"the training rows of outer fold {fold.Outer} (repeat {fold.Repeat})");
            if (e.IsSome) return e;
        }
        return spec.Production ? TooSmall(inner, data, all, "folds.inner", "all rows (the production fold)") : None;
    }

    private static Option<Error> TooSmall(FoldSpec spec, FoldData data, Seq<int> rows, string section, string where)
    {
        var k = spec.Folds;
        if (spec.Kind != FoldKind.WalkForward && rows.Count < k)
            return new TooFewRows(rows.Count, k, $"{section}.k", where);
        switch (spec.Kind)
        {
            case FoldKind.Stratified:
                var small = rows.GroupBy(r => data.Labels!.Value[r]).OrderBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() < k);
                return small is null ? None : new ClassTooSmall(small.Key, small.Count(), k, $"{section}.k", where);
            case FoldKind.Group or FoldKind.StratifiedGroup:
                var groups = rows.Map(r => data.Groups!.Value[r]).Distinct().Count();
                return groups < k ? new TooFewGroups(groups, k, $"{section}.k", where) : None;
            case FoldKind.WalkForward:
                var wf = spec.WalkForward ?? WalkForwardSpec.Default;
                var m = rows.Map(r => data.Times!.Value[r]).Distinct().Count();
                var h = wf.Horizon ?? m / (k + 1);
                // Needed and Detail are checked by the example tests; here only that it fails and where
                return h < 1 || m - k * h - wf.Gap < Math.Max(1, wf.MinTrain) ? new TooFewTimePoints(m, -1, section, where, "") : None;
            default:
                return None;
        }
    }

    /// <summary>Plans the case; on failure checks the error is exactly the oracle's and returns None.</summary>
    private static Option<FoldPlan> PlanChecked(FoldCase c)
    {
        var result = FoldPlanner.Plan(c.Spec, c.Data);
        var expected = ExpectedError(c.Spec, c.Data);
        return expected.Match(
            Some: e =>
            {
                var actual = Expect.Fail(result);
                if (e is TooFewTimePoints t)
                {
                    var a = Assert.IsType<TooFewTimePoints>(actual);
                    Assert.Equal((t.Points, t.Setting, t.Where), (a.Points, a.Setting, a.Where));
                    Assert.True(a.Needed > a.Points, $"needs {a.Needed}, more than the {a.Points} there are");
                }
                else
                    Assert.Equal(e, actual);
                return Option<FoldPlan>.None;
            },
            None: () => Some(Expect.Succ(result)));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static bool IsPartitioning(FoldKind kind) => kind != FoldKind.WalkForward;

    private static void AssertAscendingWithin(Seq<int> rows, int n)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.InRange(rows[i], 0, n - 1);
            if (i > 0) Assert.True(rows[i - 1] < rows[i], "rows are strictly ascending");
        }
    }

    /// <summary>The folds a split of <paramref name="rows"/> made, with the spec that made them.</summary>
    private static IEnumerable<(FoldSpec Spec, Seq<int> Rows, Seq<Fold> Folds)> Splits(FoldPlan plan, int n)
    {
        var all = toSeq(Enumerable.Range(0, n).ToArray());
        for (var r = 0; r < plan.Spec.Repeats; r++)
        {
            yield return (plan.Spec, all, plan.Outer(r));
            if (plan.Spec.Inner is { } inner)
                foreach (var outer in plan.Outer(r))
                    yield return (inner, outer.Train, plan.InnerOf(r, outer.Outer));
        }
        if (plan.Spec.Production && plan.Spec.Inner is { } i)
            yield return (i, all, plan.InnerOf(0, -1));
    }

    // ---- properties -----------------------------------------------------------------------------------------

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Fails_exactly_when_the_data_is_too_small_and_with_the_oracles_error(FoldCase c) =>
        _ = PlanChecked(c);

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Folds_come_in_plan_order_with_sorted_disjoint_rows(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var spec = c.Spec;
        var n = c.Data.RowKeys.Count;
        var inner = spec.Inner?.Folds ?? 0;
        var expected = Enumerable.Range(0, spec.Repeats)
            .SelectMany(r => Enumerable.Range(0, spec.Folds).SelectMany(o => Enumerable.Range(-1, inner + 1).Select(i => (r, o, i))))
            .Concat(spec.Production ? Enumerable.Range(-1, inner + 1).Select(i => (0, -1, i)) : []);
        Assert.Equal(expected, plan.Folds.Map(f => (f.Repeat, f.Outer, f.Inner)));
        Assert.Equal(spec, plan.Spec);
        Assert.Equal(c.Data.RowKeys, plan.RowKeys);
        foreach (var f in plan.Folds)
        {
            AssertAscendingWithin(f.Train, n);
            AssertAscendingWithin(f.Held, n);
            Assert.Empty(f.Train.Intersect(f.Held));
            Assert.NotEmpty(f.Train);
            if (!f.IsProduction || f.IsInner) Assert.NotEmpty(f.Held);
        }
        plan.Production().Iter(p =>
        {
            Assert.Equal(toSeq(Enumerable.Range(0, n).ToArray()), p.Train);
            Assert.Empty(p.Held);
        });
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Every_row_is_held_out_exactly_once_per_split_and_trains_in_the_other_folds(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        foreach (var (spec, rows, folds) in Splits(plan, c.Data.RowKeys.Count))
        {
            Assert.Equal(spec.Folds, folds.Count);
            if (!IsPartitioning(spec.Kind)) continue;
            Assert.Equal(rows.OrderBy(r => r), folds.Bind(f => f.Held).OrderBy(r => r));
            foreach (var f in folds)
                Assert.Equal(rows.Filter(r => !f.Held.Contains(r)), f.Train);
        }
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Inner_folds_use_only_their_outer_folds_training_rows(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        foreach (var outer in plan.Folds.Filter(f => !f.IsInner))
            foreach (var inner in plan.InnerOf(outer.Repeat, outer.Outer))
            {
                Assert.Empty(inner.Train.Except(outer.Train));
                Assert.Empty(inner.Held.Except(outer.Train));
            }
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Kfold_and_stratified_fold_sizes_differ_by_at_most_one(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        foreach (var (spec, rows, folds) in Splits(plan, c.Data.RowKeys.Count))
            if (spec.Kind is FoldKind.KFold or FoldKind.Stratified)
                Assert.All(folds, f => Assert.InRange(f.Held.Count, rows.Count / spec.Folds, (rows.Count + spec.Folds - 1) / spec.Folds));
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Stratified_folds_keep_each_class_within_one_row_of_its_share(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var labels = c.Data.Labels!.Value;
        foreach (var (spec, rows, folds) in Splits(plan, c.Data.RowKeys.Count))
        {
            if (spec.Kind != FoldKind.Stratified) continue;
            foreach (var cls in rows.GroupBy(r => labels[r]))
            {
                var total = cls.Count();
                Assert.All(folds, f =>
                {
                    var count = f.Held.Count(r => labels[r] == cls.Key);
                    Assert.InRange(count, total / spec.Folds, (total + spec.Folds - 1) / spec.Folds);
                });
            }
        }
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Groups_never_straddle_training_and_held_rows_and_every_group_fold_holds_rows(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var groups = c.Data.Groups!.Value;
        foreach (var (spec, _, folds) in Splits(plan, c.Data.RowKeys.Count))
        {
            if (spec.Kind is not (FoldKind.Group or FoldKind.StratifiedGroup)) continue;
            foreach (var f in folds)
            {
                Assert.NotEmpty(f.Held);
                Assert.Empty(f.Train.Map(r => groups[r]).Intersect(f.Held.Map(r => groups[r])));
            }
        }
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Walk_forward_never_trains_on_or_within_the_gap_before_the_test_window(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var times = c.Data.Times!.Value;
        foreach (var (spec, rows, folds) in Splits(plan, c.Data.RowKeys.Count))
        {
            if (spec.Kind != FoldKind.WalkForward) continue;
            var wf = spec.WalkForward ?? WalkForwardSpec.Default;
            var points = rows.Map(r => times[r]).Distinct().OrderBy(t => t).ToArray();
            var m = points.Length;
            var h = wf.Horizon ?? m / (spec.Folds + 1);
            int Point(int row) => System.Array.IndexOf(points, times[row]);
            for (var i = 0; i < folds.Count; i++)
            {
                var f = folds[i];
                var held = f.Held.Map(Point).Distinct().OrderBy(p => p).ToArray();
                var train = f.Train.Map(Point).Distinct().OrderBy(p => p).ToArray();
                var start = m - (spec.Folds - i) * h;
                // the test window is the i-th of the last k windows of h points, with every row of those times
                Assert.Equal(Enumerable.Range(start, h), held);
                Assert.Equal(rows.Filter(r => Point(r) >= start && Point(r) < start + h), f.Held);
                // no training point at or after test start − gap; training is every point before (expanding) or the last train_size
                Assert.True(train.Max() < start - wf.Gap, $"max training point {train.Max()} must be below {start} − {wf.Gap}");
                Assert.True(f.Train.Max(r => times[r]) < f.Held.Min(r => times[r]));
                Assert.True(points.Count(t => t > f.Train.Max(r => times[r]) && t < f.Held.Min(r => times[r])) >= wf.Gap);
                var end = start - wf.Gap;
                var first = wf.Window == WindowKind.Sliding ? Math.Max(0, end - wf.TrainSize!.Value) : 0;
                Assert.Equal(Enumerable.Range(first, end - first), train);
                Assert.Equal(rows.Filter(r => Point(r) >= first && Point(r) < end), f.Train);
                Assert.True(train.Length >= Math.Max(1, wf.MinTrain));
            }
        }
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Rows_lists_each_folds_rows_with_their_roles(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var keys = c.Data.RowKeys;
        var expected = plan.Folds.Bind(f =>
            f.Train.Map(r => (r, FoldRole.Train))
                .Concat(f.Held.Map(r => (r, f.IsInner ? FoldRole.Validation : FoldRole.Test)))
                .OrderBy(x => x.r)
                .Select(x => new FoldPlanRow(f.Repeat, f.Outer, f.Inner, x.r, keys[x.r], x.Item2))
                .ToArray());
        Assert.Equal(expected, plan.Rows());
        Assert.Equal(plan.CanonicalText().Count(), plan.Rows().Count() + 2);
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void The_same_spec_and_data_give_the_same_plan_and_hash(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var again = Expect.Succ(FoldPlanner.Plan(c.Spec, c.Data with { RowKeys = toSeq(c.Data.RowKeys.ToArray()) }));
        Assert.Equal(plan, again);
        Assert.NotSame(plan, again);
        Assert.Equal(plan.ContentHash, again.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", plan.ContentHash);
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Outer_folds_do_not_depend_on_the_inner_spec_or_production(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var plain = Expect.Succ(FoldPlanner.Plan(c.Spec with { Inner = null, Production = false }, c.Data));
        Assert.Equal(plain.Folds, plan.Folds.Filter(f => !f.IsInner && !f.IsProduction));
    });

    [Property(Arbitrary = [typeof(FoldArbitraries)], MaxTest = Tests)]
    public void Summary_counts_agree_with_the_folds(FoldCase c) => PlanChecked(c).Iter(plan =>
    {
        var summary = plan.Summary(c.Data);
        Assert.Equal(plan.ContentHash, summary.ContentHash);
        Assert.Equal(plan.Folds.Count, summary.Folds.Count);
        var groups = c.Data.Groups!.Value;
        foreach (var (f, s) in plan.Folds.Zip(summary.Folds))
        {
            Assert.Equal((f.Repeat, f.Outer, f.Inner), (s.Repeat, s.OuterFold, s.InnerFold));
            Assert.Equal((f.Train.Count, f.Held.Count), (s.Train.Rows, s.Held.Rows));
            Assert.Equal(f.Train.Count, s.Train.Classes.Sum(x => x.Rows));
            Assert.Equal(f.Held.Map(r => groups[r]).Distinct().Count(), s.Held.Groups);
            Assert.Equal(f.Train.Map(r => groups[r]).Intersect(f.Held.Map(r => groups[r])).Count(), s.SharedGroups);
        }
    });

    [Property(MaxTest = 200)]
    public void Different_seeds_give_different_shuffled_plans(ulong seed, PositiveInt extra, bool stratified)
    {
        var n = 30 + extra.Get % 200;
        var labels = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? "x" : "y").ToArray();
        var kind = stratified ? FoldKind.Stratified : FoldKind.KFold;
        var data = F.Data(n, labels: labels);
        var a = Expect.Succ(FoldPlanner.Plan(F.Spec(kind, 3, shuffle: true, seed: seed), data));
        var b = Expect.Succ(FoldPlanner.Plan(F.Spec(kind, 3, shuffle: true, seed: seed + 1), data));
        Assert.NotEqual(a.Folds, b.Folds);
        Assert.NotEqual(a.ContentHash, b.ContentHash);
    }

    [Fact]
    public void Most_generated_cases_plan_so_the_invariants_are_exercised()
    {
        // a fixed sample, so the counts are the same on every run
        var cases = Gen.Sample(FoldGen.Case, 1000, new Rnd(2026), 50);
        Assert.Equal(1000, cases.Length);
        var results = cases.Select(c => (Case: c, Planned: FoldPlanner.Plan(c.Spec, c.Data).IsSucc)).ToArray();
        var planned = results.Count(r => r.Planned);
        var nested = results.Count(r => r.Planned && r.Case.Spec.Inner is not null);
        var report = string.Join(", ", results.GroupBy(r => (r.Case.Spec.Kind, Inner: r.Case.Spec.Inner?.Kind))
            .OrderBy(g => g.Key.ToString()).Select(g => $"{g.Key}: {g.Count(r => r.Planned)}/{g.Count()}"));
        Assert.True(planned > 600, $"only {planned} of 1000 cases planned: {report}");
        Assert.True(nested > 350, $"only {nested} of 1000 cases planned nested folds: {report}");
        foreach (var kind in Enum.GetValues<FoldKind>())
        {
            Assert.True(results.Count(r => r.Planned && r.Case.Spec.Kind == kind) > 80, $"too few {kind} outer plans: {report}");
            Assert.True(results.Count(r => r.Planned && r.Case.Spec.Inner?.Kind == kind) > 50, $"too few {kind} inner plans: {report}");
        }
    }
}
