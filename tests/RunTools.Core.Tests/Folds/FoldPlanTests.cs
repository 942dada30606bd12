using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RunTools.Folds;
using RunTools.Tests.Config;
using static RunTools.Tests.Folds.F;

namespace RunTools.Tests.Folds;

/// <summary>The plan as a table, its content hash and its summary.</summary>
public sealed class FoldPlanTests
{
    private static FoldPlan NestedPlan() =>
        Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2, inner: Inner(FoldKind.KFold, 2), production: true), Data(4)));

    [Fact]
    public void Rows_lists_every_fold_in_plan_order_and_its_rows_in_row_order_with_their_roles()
    {
        const FoldRole T = FoldRole.Train, X = FoldRole.Test, V = FoldRole.Validation;
        Assert.Equal(
            [
                new(0, 0, -1, 0, "r0", X), new(0, 0, -1, 1, "r1", X), new(0, 0, -1, 2, "r2", T), new(0, 0, -1, 3, "r3", T),
                new(0, 0, 0, 2, "r2", V), new(0, 0, 0, 3, "r3", T),
                new(0, 0, 1, 2, "r2", T), new(0, 0, 1, 3, "r3", V),
                new(0, 1, -1, 0, "r0", T), new(0, 1, -1, 1, "r1", T), new(0, 1, -1, 2, "r2", X), new(0, 1, -1, 3, "r3", X),
                new(0, 1, 0, 0, "r0", V), new(0, 1, 0, 1, "r1", T),
                new(0, 1, 1, 0, "r0", T), new(0, 1, 1, 1, "r1", V),
                new(0, -1, -1, 0, "r0", T), new(0, -1, -1, 1, "r1", T), new(0, -1, -1, 2, "r2", T), new(0, -1, -1, 3, "r3", T),
                new(0, -1, 0, 0, "r0", V), new(0, -1, 0, 1, "r1", V), new(0, -1, 0, 2, "r2", T), new(0, -1, 0, 3, "r3", T),
                new FoldPlanRow(0, -1, 1, 0, "r0", T), new(0, -1, 1, 1, "r1", T), new(0, -1, 1, 2, "r2", V), new(0, -1, 1, 3, "r3", V),
            ],
            NestedPlan().Rows());
    }

    [Fact]
    public void Rows_leaves_out_rows_a_walk_forward_fold_does_not_use()
    {
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.WalkForward, 1 + 1, walkForward: Expanding(horizon: 1, gap: 1)), Data(4, times: [1, 2, 3, 4])));
        Assert.Equal(
            [new(0, 0, -1, 0, "r0", FoldRole.Train), new(0, 0, -1, 2, "r2", FoldRole.Test),
             new(0, 1, -1, 0, "r0", FoldRole.Train), new FoldPlanRow(0, 1, -1, 1, "r1", FoldRole.Train), new(0, 1, -1, 3, "r3", FoldRole.Test)],
            plan.Rows());
    }

    [Fact]
    public void Canonical_text_is_a_header_the_spec_and_one_tab_separated_line_per_row()
    {
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2), new FoldData(Seq("a", "tab\there", "back\\slash", "line\nfeed\r"), null, null, null)));
        Assert.Equal(
            [
                "runtools-fold-plan 1",
                "kind=kfold k=2 repeats=1 seed=42 shuffle=false production=false walk_forward=none inner=none",
                "0\t0\t-1\ttest\ta", "0\t0\t-1\ttest\ttab\\there", "0\t0\t-1\ttrain\tback\\\\slash", "0\t0\t-1\ttrain\tline\\nfeed\\r",
                "0\t1\t-1\ttrain\ta", "0\t1\t-1\ttrain\ttab\\there", "0\t1\t-1\ttest\tback\\\\slash", "0\t1\t-1\ttest\tline\\nfeed\\r",
            ],
            plan.CanonicalText());
    }

    [Fact]
    public void Content_hash_is_the_sha256_of_the_canonical_text_in_utf8()
    {
        var keys = Seq("é", "日本", "tab\tkey", "back\\slash", "cr\r\nlf", "😀");
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.Stratified, 2, shuffle: true, production: true, inner: Inner(FoldKind.KFold, 2)),
            new FoldData(keys, Seq("a", "b", "a", "b", "a", "b"), null, null)));
        var text = string.Concat(plan.CanonicalText().Select(l => l + "\n"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), plan.ContentHash);
    }

    [Fact]
    public void Content_hash_of_a_fixed_plan_is_fixed()
    {
        // A change here means a seed no longer gives the plans it gave before: the PRNG, an algorithm, the order in
        // which randomness is drawn, the order of folds or rows, or the canonical text changed. If that is intended,
        // say so in the release notes; bump the version in the canonical text's first line only when the text itself
        // changes (plans stored by earlier versions must still verify). Last change: Prng.Derive mixes every step of
        // its path (it used to give equal seeds for different paths).
        var plans = FixedPlans();
        Assert.Equal("824b7f7ac54fdcdcfd8a7363c954fb3a98194b75955b2519bd8bcdc2fdda82a0", plans[0].ContentHash);
        Assert.Equal("c7afc120d4235d4a250e5063794e16357919ccce950e772caef524afbc0e339b", plans[1].ContentHash);
    }

    [Fact]
    public void A_fixed_seed_gives_fixed_shuffled_folds()
    {
        // the readable part of the pinned plans above: repeat 0 of the shuffled stratified plan and its inner folds
        var plan = FixedPlans()[0];
        Assert.Equal(
            Seq(Outer(0, Rows(0, 3, 5, 6, 7, 8, 9, 10), Rows(1, 2, 4, 11)),
                InnerFold(0, 0, Rows(0, 5, 7, 10), Rows(3, 6, 8, 9)),
                InnerFold(0, 1, Rows(3, 6, 8, 9), Rows(0, 5, 7, 10)),
                Outer(1, Rows(1, 2, 3, 4, 6, 8, 10, 11), Rows(0, 5, 7, 9)),
                InnerFold(1, 0, Rows(1, 4, 6, 11), Rows(2, 3, 8, 10)),
                InnerFold(1, 1, Rows(2, 3, 8, 10), Rows(1, 4, 6, 11)),
                Outer(2, Rows(0, 1, 2, 4, 5, 7, 9, 11), Rows(3, 6, 8, 10)),
                InnerFold(2, 0, Rows(4, 7, 9, 11), Rows(0, 1, 2, 5)),
                InnerFold(2, 1, Rows(0, 1, 2, 5), Rows(4, 7, 9, 11))),
            plan.Folds.Filter(f => f.Repeat == 0 && f.Outer >= 0));
        Assert.Equal(
            Seq(Outer(0, Rows(2, 6, 7, 9, 10, 11), Rows(0, 1, 3, 4, 5, 8)), Outer(1, Rows(0, 1, 3, 4, 5, 8), Rows(2, 6, 7, 9, 10, 11))),
            FixedPlans()[1].Outer(0));
    }

    /// <summary>Small shuffled plans of every kind, nested, repeated and with production folds.</summary>
    internal static FoldPlan[] FixedPlans()
    {
        string[] labels = ["a", "b", "a", "b", "a", "c", "a", "b", "c", "a", "b", "c"];
        string[] groups = ["g1", "g1", "g2", "g3", "g3", "g4", "g5", "g5", "g6", "g7", "g8", "g8"];
        double[] times = [1, 2, 2, 3, 4, 5, 6, 6, 7, 8, 9, 10];
        var data = Data(12, labels, groups, times);
        return
        [
            Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.Stratified, 3, shuffle: true, seed: 2026, repeats: 2, production: true,
                inner: new FoldSpec(FoldKind.KFold, 2, 1, 2026, true, null, null, false)), data)),
            Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.StratifiedGroup, 2, shuffle: true, seed: 7, inner: Inner(FoldKind.Group, 2, shuffle: true) with { Seed = 7 }), data)),
        ];
    }

    [Fact]
    public void Content_hash_is_cached_per_instance_and_independent_of_equality_or_with()
    {
        var plan = NestedPlan();
        Assert.Same(plan.ContentHash, plan.ContentHash);
        var other = plan with { Spec = plan.Spec with { Seed = 1 } };
        Assert.NotEqual(plan.ContentHash, other.ContentHash);
        Assert.Equal(plan.ContentHash, NestedPlan().ContentHash);
        Assert.Equal(plan, NestedPlan());
    }

    [Fact]
    public void Content_hash_changes_with_the_spec_even_when_the_folds_do_not()
    {
        var a = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2, seed: 1), Data(4)));
        var b = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2, seed: 2), Data(4)));
        Assert.Equal(a.Folds, b.Folds);
        Assert.NotEqual(a.ContentHash, b.ContentHash);
    }

    [Fact]
    public void Summary_counts_rows_classes_groups_and_times_per_fold_side()
    {
        string[] labels = ["a", "b", "a", "b", "a", "b"];
        string[] groups = ["g1", "g1", "g2", "g2", "g3", "g3"];
        double[] times = [1, 2, 3, 4, 5, 5];
        var data = Data(6, labels, groups, times);
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.KFold, 2, production: true), data));
        ClassCount A(int n) => new("a", n);
        ClassCount B(int n) => new("b", n);
        Assert.Equal(
            new FoldSummary(
                new FoldSettings("kfold", 2, 1, 42, false, true, null, null),
                plan.ContentHash,
                6,
                Seq("a", "b"),
                3,
                new TimeRange(1, 5, 5),
                Seq(
                    // fold 0 holds rows 0 1 2 (g1 g1 g2), trains on 3 4 5 (g2 g3 g3): g2 straddles
                    new FoldStats(0, 0, -1,
                        new FoldSide("train", 3, Seq(A(1), B(2)), 2, new TimeRange(4, 5, 2)),
                        new FoldSide("test", 3, Seq(A(2), B(1)), 2, new TimeRange(1, 3, 3)), 1),
                    new FoldStats(0, 1, -1,
                        new FoldSide("train", 3, Seq(A(2), B(1)), 2, new TimeRange(1, 3, 3)),
                        new FoldSide("test", 3, Seq(A(1), B(2)), 2, new TimeRange(4, 5, 2)), 1),
                    new FoldStats(0, -1, -1,
                        new FoldSide("train", 6, Seq(A(3), B(3)), 3, new TimeRange(1, 5, 5)),
                        new FoldSide("test", 0, Seq(A(0), B(0)), 0, null), 0))),
            plan.Summary(data));
    }

    [Fact]
    public void Summary_without_columns_has_no_classes_groups_or_times_and_names_validation_sides()
    {
        var plan = NestedPlan();
        var summary = plan.Summary(Data(4));
        Assert.Equal(Seq<string>(), summary.Classes);
        Assert.Null(summary.Groups);
        Assert.Null(summary.Times);
        Assert.Equal(
            new FoldStats(0, 0, 1, new FoldSide("train", 1, Seq<ClassCount>(), null, null), new FoldSide("validation", 1, Seq<ClassCount>(), null, null), null),
            summary.Folds[2]);
        Assert.Equal(plan.Folds.Count, summary.Folds.Count);
    }

    [Fact]
    public void Summary_refuses_data_that_is_not_the_plans()
    {
        var plan = NestedPlan();
        Assert.Throws<ArgumentException>(() => plan.Summary(Data(5)));
        Assert.Throws<ArgumentException>(() => plan.Summary(new FoldData(Seq("r0", "r1", "r3", "r2"), null, null, null)));
        Assert.Throws<ArgumentException>(() => plan.Summary(Data(4, labels: ["a"])));
    }

    [Fact]
    public void Summary_serialises_with_System_Text_Json_as_plain_objects_and_arrays()
    {
        var data = Data(4, labels: ["a", "b", "a", "b"], times: [1, 2, 3, 4]);
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.WalkForward, 2, walkForward: Expanding(horizon: 1)), data));
        var json = JsonSerializer.Serialize(plan.Summary(data));
        Assert.Equal(
            "{\"Spec\":{\"Kind\":\"walk_forward\",\"K\":2,\"Repeats\":1,\"Seed\":42,\"Shuffle\":false,\"Production\":false," +
            "\"WalkForward\":{\"Window\":\"expanding\",\"Horizon\":1,\"Gap\":0,\"TrainSize\":null,\"MinTrain\":1},\"Inner\":null}," +
            $"\"ContentHash\":\"{plan.ContentHash}\",\"Rows\":4,\"Classes\":[\"a\",\"b\"],\"Groups\":null," +
            "\"Times\":{\"First\":1,\"Last\":4,\"Points\":4},\"Folds\":[" +
            "{\"Repeat\":0,\"OuterFold\":0,\"InnerFold\":-1," +
            "\"Train\":{\"Role\":\"train\",\"Rows\":2,\"Classes\":[{\"Class\":\"a\",\"Rows\":1},{\"Class\":\"b\",\"Rows\":1}],\"Groups\":null,\"Times\":{\"First\":1,\"Last\":2,\"Points\":2}}," +
            "\"Held\":{\"Role\":\"test\",\"Rows\":1,\"Classes\":[{\"Class\":\"a\",\"Rows\":1},{\"Class\":\"b\",\"Rows\":0}],\"Groups\":null,\"Times\":{\"First\":3,\"Last\":3,\"Points\":1}}," +
            "\"SharedGroups\":null}," +
            "{\"Repeat\":0,\"OuterFold\":1,\"InnerFold\":-1," +
            "\"Train\":{\"Role\":\"train\",\"Rows\":3,\"Classes\":[{\"Class\":\"a\",\"Rows\":2},{\"Class\":\"b\",\"Rows\":1}],\"Groups\":null,\"Times\":{\"First\":1,\"Last\":3,\"Points\":3}}," +
            "\"Held\":{\"Role\":\"test\",\"Rows\":1,\"Classes\":[{\"Class\":\"a\",\"Rows\":0},{\"Class\":\"b\",\"Rows\":1}],\"Groups\":null,\"Times\":{\"First\":4,\"Last\":4,\"Points\":1}}," +
            "\"SharedGroups\":null}]}",
            json);
    }
}
