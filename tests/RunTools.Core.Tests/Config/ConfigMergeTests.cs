using RunTools.Config;
using RunTools.Domain;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

public sealed class ConfigMergeTests
{
    private static ConfigOverride O(string text) => Expect.Succ(ConfigOverrides.Parse(text));

    [Fact]
    public void Maps_merge_deeply_keeping_base_order_and_appending_new_keys() =>
        Assert.Equal(
            M(("model", M(("trees", I(200)), ("depth", I(6)), ("lr", F(0.1)))), ("data", M(("path", S("a.csv")))), ("seed", I(1))),
            ConfigMerge.Merge(
                M(("model", M(("trees", I(100)), ("depth", I(6)))), ("data", M(("path", S("a.csv"))))),
                M(("seed", I(1)), ("model", M(("lr", F(0.1)), ("trees", I(200)))))));

    [Fact]
    public void Lists_are_replaced_not_concatenated() =>
        Assert.Equal(
            M(("seeds", L(I(4)))),
            ConfigMerge.Merge(M(("seeds", L(I(1), I(2), I(3)))), M(("seeds", L(I(4))))));

    [Fact]
    public void An_explicit_null_sets_null() =>
        Assert.Equal(
            M(("model", Null), ("keep", I(1))),
            ConfigMerge.Merge(M(("model", M(("trees", I(100)))), ("keep", I(1))), M(("model", Null))));

    [Fact]
    public void A_map_replaces_a_scalar_and_a_scalar_replaces_a_map() =>
        Assert.Equal(
            M(("a", M(("b", I(2)))), ("c", S("flat"))),
            ConfigMerge.Merge(M(("a", I(1)), ("c", M(("d", I(1))))), M(("a", M(("b", I(2)))), ("c", S("flat")))));

    [Fact]
    public void Scalars_and_non_map_roots_are_replaced()
    {
        Assert.Equal(I(2), ConfigMerge.Merge(I(1), I(2)));
        Assert.Equal(M(("a", I(1))), ConfigMerge.Merge(L(I(1)), M(("a", I(1)))));
        Assert.Equal(Null, ConfigMerge.Merge(M(("a", I(1))), Null));
    }

    [Fact]
    public void Apply_creates_missing_maps_along_the_path() =>
        Assert.Equal(
            M(("x", I(0)), ("a", M(("b", M(("c", I(1))))))),
            Expect.Succ(ConfigMerge.Apply(M(("x", I(0))), Seq1(O("a.b.c=1")))));

    [Fact]
    public void Apply_replaces_in_place_and_later_overrides_win() =>
        Assert.Equal(
            M(("a", I(3)), ("b", M(("c", S("x")), ("d", L(I(1)))))),
            Expect.Succ(ConfigMerge.Apply(
                M(("a", I(1)), ("b", M(("c", I(2)), ("d", L(I(9)))))),
                Seq(O("a=2"), O("b.c=x"), O("a=3"), O("b.d=[1]")))));

    [Fact]
    public void Apply_sets_a_whole_map_value() =>
        Assert.Equal(
            M(("model", I(5))),
            Expect.Succ(ConfigMerge.Apply(M(("model", M(("trees", I(100))))), Seq1(O("model=5")))));

    [Fact]
    public void Apply_through_a_scalar_is_a_path_conflict_naming_the_key() =>
        Expect.Error(
            new ConfigPathConflict("model.trees.depth", "'model.trees' is the integer 200, not a map"),
            ConfigMerge.Apply(M(("model", M(("trees", I(200))))), Seq1(O("model.trees.depth=3"))));

    [Fact]
    public void Apply_through_null_or_a_list_is_a_path_conflict()
    {
        Expect.Error(new ConfigPathConflict("a.b", "'a' is null, not a map"), ConfigMerge.Apply(M(("a", Null)), Seq1(O("a.b=1"))));
        Expect.Error(new ConfigPathConflict("a.b.c", "'a.b' is a list, not a map"),
            ConfigMerge.Apply(M(("a", M(("b", L())))), Seq1(O("a.b.c=1"))));
    }

    [Fact]
    public void Apply_stops_at_the_first_conflict() =>
        Expect.Error(
            new ConfigPathConflict("s.x", "'s' is the string 'text', not a map"),
            ConfigMerge.Apply(M(("s", S("text"))), Seq(O("ok=1"), O("s.x=1"), O("n.y.z=2"))));

    [Fact]
    public void Apply_on_a_root_that_is_not_a_map_is_a_conflict() =>
        Expect.Error(new ConfigPathConflict("a", "the config root is the integer 1, not a map"), ConfigMerge.Apply(I(1), Seq1(O("a=1"))));

    [Fact]
    public void Apply_with_no_overrides_is_the_identity() =>
        Assert.Equal(M(("a", I(1))), Expect.Succ(ConfigMerge.Apply(M(("a", I(1))), Seq<ConfigOverride>())));

    [Fact]
    public void Resolve_merges_layers_left_to_right_then_applies_overrides()
    {
        var defaults = M(
            ("seed", I(0)),
            ("model", M(("kind", S("gbm")), ("trees", I(100)), ("lr", F(0.1)))),
            ("data", M(("path", S("train.csv")), ("exclude", L(S("id"))))));
        var experiment = M(
            ("model", M(("trees", I(500)), ("leaves", I(31)))),
            ("data", M(("exclude", L(S("id"), S("ts"))))),
            ("notes", S("try more trees")));
        var expected = M(
            ("seed", I(42)),
            ("model", M(("kind", S("gbm")), ("trees", I(500)), ("lr", F(0.05)), ("leaves", I(31)))),
            ("data", M(("path", S("train.csv")), ("exclude", L(S("id"), S("ts"))))),
            ("notes", S("try more trees")),
            ("tags", M(("owner", S("me")))));

        Assert.Equal(expected, Expect.Succ(ConfigMerge.Resolve(
            Seq<ConfigValue>(defaults, experiment),
            Seq(O("model.lr=0.05"), O("seed=42"), O("tags.owner=me")))));
    }

    [Fact]
    public void Resolve_with_no_layers_starts_from_an_empty_map() =>
        Assert.Equal(M(("a", I(1))), Expect.Succ(ConfigMerge.Resolve(Seq<ConfigValue>(), Seq1(O("a=1")))));
}
