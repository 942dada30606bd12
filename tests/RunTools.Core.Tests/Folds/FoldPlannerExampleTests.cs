using RunTools.Folds;
using RunTools.Randomness;
using RunTools.Tests.Config;
using static RunTools.Tests.Folds.F;

namespace RunTools.Tests.Folds;

/// <summary>Exact folds for tiny inputs, worked out by hand from the documented rules (unshuffled, so they do not
/// depend on the PRNG).</summary>
public sealed class FoldPlannerExampleTests
{
    private static Seq<Fold> Plan(FoldSpec spec, FoldData data) => Expect.Succ(FoldPlanner.Plan(spec, data)).Folds;

    [Fact]
    public void Kfold_cuts_rows_into_contiguous_parts_with_the_larger_parts_first()
    {
        // 7 rows, k = 3: sizes 3, 2, 2
        Assert.Equal(
            Seq(Outer(0, Rows(3, 4, 5, 6), Rows(0, 1, 2)),
                Outer(1, Rows(0, 1, 2, 5, 6), Rows(3, 4)),
                Outer(2, Rows(0, 1, 2, 3, 4), Rows(5, 6))),
            Plan(Spec(FoldKind.KFold, 3), Data(7)));
    }

    [Fact]
    public void Stratified_deals_each_class_round_robin_from_the_smallest_fold()
    {
        //            0    1    2    3    4    5    6    7    8
        string[] y = ["a", "b", "a", "a", "b", "a", "b", "b", "a"];
        // class a (rows 0 2 3 5 8) from fold 0: 0→0 2→1 3→0 5→1 8→0; sizes [3, 2]
        // class b (rows 1 4 6 7) from the smaller fold 1: 1→1 4→0 6→1 7→0
        Assert.Equal(
            Seq(Outer(0, Rows(1, 2, 5, 6), Rows(0, 3, 4, 7, 8)),
                Outer(1, Rows(0, 3, 4, 7, 8), Rows(1, 2, 5, 6))),
            Plan(Spec(FoldKind.Stratified, 2), Data(9, labels: y)));
    }

    [Fact]
    public void Stratified_starts_a_class_at_the_fold_with_fewest_rows()
    {
        // k = 3. class a (rows 0 1 2) → folds 0 1 2; class b (rows 3 4 5 6) from fold 0 → 0 1 2 0, sizes [3, 2, 2];
        // class c (rows 7 8 9) from the smallest, fold 1 → 1 2 0. Sizes 4, 3, 3.
        string[] y = ["a", "a", "a", "b", "b", "b", "b", "c", "c", "c"];
        var folds = Plan(Spec(FoldKind.Stratified, 3), Data(10, labels: y));
        Assert.Equal(Seq(Rows(0, 3, 6, 9), Rows(1, 4, 7), Rows(2, 5, 8)), folds.Map(f => f.Held));
    }

    [Fact]
    public void Group_puts_the_largest_groups_first_into_the_fold_with_fewest_rows()
    {
        //                 0     1     2     3     4     5     6
        string[] groups = ["g1", "g1", "g2", "g3", "g3", "g3", "g4"];
        // sizes g1 2, g2 1, g3 3, g4 1; largest first (ties in id order): g3 → 0, g1 → 1, g2 → 1 (2 < 3),
        // g4 → 0 (3 = 3: lowest index)
        Assert.Equal(
            Seq(Outer(0, Rows(0, 1, 2), Rows(3, 4, 5, 6)),
                Outer(1, Rows(3, 4, 5, 6), Rows(0, 1, 2))),
            Plan(Spec(FoldKind.Group, 2), Data(7, groups: groups)));
    }

    [Fact]
    public void Stratified_group_balances_class_proportions_group_by_group()
    {
        //                 0     1     2     3     4     5     6     7
        string[] groups = ["G1", "G1", "G2", "G2", "G3", "G3", "G4", "G5"];
        string[] labels = ["a", "a", "b", "b", "a", "b", "a", "b"];
        // spread order: G1 (a a), G2 (b b), G4 (a), G5 (b), G3 (a b).
        // G1 → 0 (tie, lowest index); G2 → 1 (tie, fewer rows); G4 → 1 (mean std .1875 < .3125);
        // G5 → 0 (.125 < .25); G3 → 0 (.125 both, 3 rows both: lowest index).
        Assert.Equal(
            Seq(Outer(0, Rows(2, 3, 6), Rows(0, 1, 4, 5, 7)),
                Outer(1, Rows(0, 1, 4, 5, 7), Rows(2, 3, 6))),
            Plan(Spec(FoldKind.StratifiedGroup, 2), Data(8, labels: labels, groups: groups)));
    }

    //                                    0  1  2  3  4  5  6  7  8  9
    private static readonly double[] Times = [1, 1, 2, 3, 4, 5, 5, 6, 7, 8];

    [Fact]
    public void Walk_forward_expanding_with_a_gap()
    {
        // 8 distinct times, k = 2, horizon 8 / 3 = 2, gap 1.
        // window 0: test times 5 6 (rows 5 6 7), time 4 in the gap, train times 1 2 3 (rows 0-3)
        // window 1: test times 7 8 (rows 8 9), time 6 in the gap, train times 1-5 (rows 0-6)
        Assert.Equal(
            Seq(Outer(0, Rows(0, 1, 2, 3), Rows(5, 6, 7)),
                Outer(1, Rows(0, 1, 2, 3, 4, 5, 6), Rows(8, 9))),
            Plan(Spec(FoldKind.WalkForward, 2, walkForward: Expanding(gap: 1)), Data(10, times: Times)));
    }

    [Fact]
    public void Walk_forward_sliding_window_with_a_set_horizon()
    {
        // horizon 3: windows are times 3 4 5 (rows 3-6) and 6 7 8 (rows 7-9); train on the 2 points before each
        Assert.Equal(
            Seq(Outer(0, Rows(0, 1, 2), Rows(3, 4, 5, 6)),
                Outer(1, Rows(4, 5, 6), Rows(7, 8, 9))),
            Plan(Spec(FoldKind.WalkForward, 2, walkForward: Sliding(trainSize: 2, horizon: 3)), Data(10, times: Times)));
    }

    [Fact]
    public void Walk_forward_sorts_by_time_whatever_the_row_order_and_keeps_equal_times_together()
    {
        double[] times = [3, 1, 2, 2, 1, 3];
        // distinct 1 2 3, k = 2, horizon 1: windows time 2 (rows 2 3) and time 3 (rows 0 5)
        Assert.Equal(
            Seq(Outer(0, Rows(1, 4), Rows(2, 3)),
                Outer(1, Rows(1, 2, 3, 4), Rows(0, 5))),
            Plan(Spec(FoldKind.WalkForward, 2, walkForward: Expanding(horizon: 1)), Data(6, times: times)));
    }

    [Fact]
    public void Nested_kfold_plans_inner_folds_over_each_outer_training_set_and_the_production_fold()
    {
        var folds = Plan(Spec(FoldKind.KFold, 2, inner: Inner(FoldKind.KFold, 2), production: true), Data(6));
        Assert.Equal(
            Seq(Outer(0, Rows(3, 4, 5), Rows(0, 1, 2)),
                InnerFold(0, 0, Rows(5), Rows(3, 4)),
                InnerFold(0, 1, Rows(3, 4), Rows(5)),
                Outer(1, Rows(0, 1, 2), Rows(3, 4, 5)),
                InnerFold(1, 0, Rows(2), Rows(0, 1)),
                InnerFold(1, 1, Rows(0, 1), Rows(2)),
                Outer(-1, Rows(0, 1, 2, 3, 4, 5), Rows()),
                InnerFold(-1, 0, Rows(3, 4, 5), Rows(0, 1, 2)),
                InnerFold(-1, 1, Rows(0, 1, 2), Rows(3, 4, 5))),
            folds);
    }

    [Fact]
    public void Nested_walk_forward_inside_walk_forward_splits_each_outer_training_window_by_time()
    {
        // times 1..12 (row i has time i + 1). Outer: k = 2, horizon 3, gap 1 → test 7-9 (train 1-5), test 10-12 (train 1-8).
        // Inner: k = 2, horizon 1 → over 1-5: test 4 (train 1-3), test 5 (train 1-4); over 1-8: test 7 (1-6), test 8 (1-7).
        var spec = Spec(FoldKind.WalkForward, 2, walkForward: Expanding(horizon: 3, gap: 1),
            inner: Inner(FoldKind.WalkForward, 2, walkForward: Expanding(horizon: 1)));
        Assert.Equal(
            Seq(Outer(0, Rows(0, 1, 2, 3, 4), Rows(6, 7, 8)),
                InnerFold(0, 0, Rows(0, 1, 2), Rows(3)),
                InnerFold(0, 1, Rows(0, 1, 2, 3), Rows(4)),
                Outer(1, Rows(0, 1, 2, 3, 4, 5, 6, 7), Rows(9, 10, 11)),
                InnerFold(1, 0, Rows(0, 1, 2, 3, 4, 5), Rows(6)),
                InnerFold(1, 1, Rows(0, 1, 2, 3, 4, 5, 6), Rows(7))),
            Plan(spec, Data(12, times: Enumerable.Range(1, 12).Select(t => (double)t).ToArray())));
    }

    [Fact]
    public void Nested_walk_forward_inside_stratified_uses_the_times_of_the_outer_training_rows()
    {
        string[] y = ["a", "b", "a", "b", "a", "b"];
        double[] times = [10, 20, 30, 40, 50, 60];
        // outer stratified k = 2 (unshuffled): a 0 2 4 → 0 1 0; b 1 3 5 from fold 1 → 1 0 1.
        // outer 0 holds 0 3 4, trains on 1 2 5 (times 20 30 60): inner horizon 1 → windows 30 | 60
        // outer 1 holds 1 2 5, trains on 0 3 4 (times 10 40 50): windows 40 | 50
        var folds = Plan(
            Spec(FoldKind.Stratified, 2, inner: Inner(FoldKind.WalkForward, 2, walkForward: Expanding(horizon: 1))),
            Data(6, labels: y, times: times));
        Assert.Equal(
            Seq(Outer(0, Rows(1, 2, 5), Rows(0, 3, 4)),
                InnerFold(0, 0, Rows(1), Rows(2)),
                InnerFold(0, 1, Rows(1, 2), Rows(5)),
                Outer(1, Rows(0, 3, 4), Rows(1, 2, 5)),
                InnerFold(1, 0, Rows(0), Rows(3)),
                InnerFold(1, 1, Rows(0, 3), Rows(4))),
            folds);
    }

    [Fact]
    public void Repeats_are_numbered_and_production_comes_last_as_repeat_0()
    {
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2, shuffle: true, repeats: 3, production: true), Data(10)));
        Assert.Equal(
            Seq((0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1), (0, -1)),
            plan.Folds.Map(f => (f.Repeat, f.Outer)));
        Assert.All(plan.Folds, f => Assert.Equal(-1, f.Inner));
    }

    [Fact]
    public void Seeds_derive_from_the_spec_seed_the_repeat_and_the_outer_fold()
    {
        var spec = Spec(FoldKind.Stratified, 3, shuffle: true, repeats: 2, production: true, inner: Inner(FoldKind.KFold, 2, shuffle: true));
        var labels = Enumerable.Range(0, 40).Select(i => i % 3 == 0 ? "x" : "y").ToArray();
        var data = Data(40, labels: labels);
        var plan = Expect.Succ(FoldPlanner.Plan(spec, data));
        var columns = FoldColumns.Of(data);
        var all = Enumerable.Range(0, 40).ToArray();
        Seq<(Seq<int>, Seq<int>)> Splits(FoldSpec s, int[] rows, ulong seed) =>
            toSeq(Expect.Succ(FoldSplits.Split(s, rows, seed, FoldScope.Outer, columns)).Select(x => (toSeq(x.Train), toSeq(x.Held))).ToArray());

        foreach (var r in new[] { 0, 1 })
        {
            Assert.Equal(Splits(spec, all, Prng.Derive(42, r)), plan.Outer(r).Map(f => (f.Train, f.Held)));
            foreach (var outer in plan.Outer(r))
                Assert.Equal(Splits(spec.Inner!, outer.Train.ToArray(), Prng.Derive(42, r, outer.Outer)),
                    plan.InnerOf(r, outer.Outer).Map(f => (f.Train, f.Held)));
        }
        Assert.Equal(Splits(spec.Inner!, all, Prng.Derive(42, 0, -1)), plan.InnerOf(0, -1).Map(f => (f.Train, f.Held)));
        Assert.NotEqual(plan.Outer(0).Map(f => f.Held), plan.Outer(1).Map(f => f.Held));
    }

    [Fact]
    public void Accessors_pick_outer_inner_and_production_folds()
    {
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2, inner: Inner(FoldKind.KFold, 2), production: true), Data(6)));
        Assert.Equal(Seq(Outer(0, Rows(3, 4, 5), Rows(0, 1, 2)), Outer(1, Rows(0, 1, 2), Rows(3, 4, 5))), plan.Outer(0));
        Assert.Equal(Seq<Fold>(), plan.Outer(1));
        Assert.Equal(Seq(InnerFold(1, 0, Rows(2), Rows(0, 1)), InnerFold(1, 1, Rows(0, 1), Rows(2))), plan.InnerOf(0, 1));
        Assert.Equal(Some(Outer(-1, Rows(0, 1, 2, 3, 4, 5), Rows())), plan.Production());
        Assert.Equal(2, plan.InnerOf(0, -1).Count);
        Assert.Equal(Option<Fold>.None, Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2), Data(6))).Production());
    }

    [Fact]
    public void Unshuffled_plans_do_not_depend_on_the_seed_but_shuffled_ones_do()
    {
        Assert.Equal(Plan(Spec(FoldKind.KFold, 3, seed: 1), Data(30)), Plan(Spec(FoldKind.KFold, 3, seed: 2), Data(30)));
        Assert.NotEqual(Plan(Spec(FoldKind.KFold, 3, shuffle: true, seed: 1), Data(30)), Plan(Spec(FoldKind.KFold, 3, shuffle: true, seed: 2), Data(30)));
    }
}
