using RunTools.Config;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Tests.Config;
using static RunTools.Tests.Folds.F;

namespace RunTools.Tests.Folds;

public sealed class FoldSpecsTests
{
    private static ConfigValue Yaml(string text) => Expect.Succ(ConfigParser.Parse(text, "test.yaml", ConfigFormat.Yaml));

    private static Fin<FoldSpec> Read(string yaml, string path = "folds") => FoldSpecs.FromConfig(Yaml(yaml), path);

    [Fact]
    public void Reads_the_documented_example()
    {
        const string yaml = """
            folds:
              kind: walk_forward
              k: 5
              repeats: 1
              seed: 42
              shuffle: false
              production: true
              walk_forward: { window: sliding, horizon: 30, gap: 7, train_size: 365, min_train: 30 }
              inner: { kind: stratified, k: 3, shuffle: true }
            """;
        Assert.Equal(
            new FoldSpec(FoldKind.WalkForward, 5, 1, 42, false, new WalkForwardSpec(WindowKind.Sliding, 30, 7, 365, 30),
                new FoldSpec(FoldKind.Stratified, 3, 1, 42, true, null, null, false), true),
            Expect.Succ(Read(yaml)));
    }

    [Fact]
    public void Nested_stratified_group_with_an_inner_kind_that_inherits_seed_and_shuffle()
    {
        const string yaml = """
            folds:
              kind: stratified_group
              k: 5
              seed: 7
              shuffle: true
              production: true
              inner: { kind: stratified, k: 3 }
            """;
        Assert.Equal(
            new FoldSpec(FoldKind.StratifiedGroup, 5, 1, 7, true, null, new FoldSpec(FoldKind.Stratified, 3, 1, 7, true, null, null, false), true),
            Expect.Succ(Read(yaml)));
    }

    [Fact]
    public void Defaults_k_5_one_repeat_seed_0_shuffle_except_for_walk_forward_no_production()
    {
        Assert.Equal(Spec(FoldKind.KFold, 5, shuffle: true, seed: 0), Expect.Succ(Read("folds: { kind: kfold }")));
        Assert.Equal(Spec(FoldKind.WalkForward, 5, shuffle: false, seed: 0, walkForward: WalkForwardSpec.Default),
            Expect.Succ(Read("folds: { kind: walk_forward }")));
        Assert.Equal(new WalkForwardSpec(WindowKind.Expanding, null, 2, null, 1),
            Expect.Succ(Read("folds: { kind: walk_forward, walk_forward: { gap: 2 } }")).WalkForward);
    }

    [Theory]
    [InlineData("kfold", FoldKind.KFold)]
    [InlineData("stratified", FoldKind.Stratified)]
    [InlineData("group", FoldKind.Group)]
    [InlineData("stratified_group", FoldKind.StratifiedGroup)]
    [InlineData("StratifiedGroup", FoldKind.StratifiedGroup)]
    [InlineData("stratified-group", FoldKind.StratifiedGroup)]
    [InlineData("walk_forward", FoldKind.WalkForward)]
    [InlineData("WalkForward", FoldKind.WalkForward)]
    [InlineData("KFold", FoldKind.KFold)]
    public void Kind_names_ignore_case_underscores_and_hyphens(string text, FoldKind kind)
    {
        Assert.Equal(Some(kind), FoldSpecs.ParseKind(text));
        Assert.Equal(kind, Expect.Succ(Read($"folds: {{ kind: {text} }}")).Kind);
    }

    [Fact]
    public void Every_kind_round_trips_through_its_text() =>
        Assert.All(Enum.GetValues<FoldKind>(), k => Assert.Equal(Some(k), FoldSpecs.ParseKind(FoldSpecs.Text(k))));

    [Fact]
    public void The_inner_walk_forward_section_defaults_to_the_outer_one_and_inner_walk_forward_does_not_shuffle()
    {
        var spec = Expect.Succ(Read("""
            folds:
              kind: walk_forward
              walk_forward: { horizon: 10, gap: 3 }
              inner: { kind: walk_forward, k: 3 }
            """));
        Assert.Equal(new FoldSpec(FoldKind.WalkForward, 3, 1, 0, false, new WalkForwardSpec(WindowKind.Expanding, 10, 3, null, 1), null, false), spec.Inner);

        var own = Expect.Succ(Read("""
            folds:
              kind: stratified
              inner: { kind: walk_forward, k: 3, walk_forward: { gap: 1 } }
            """));
        Assert.Equal(new FoldSpec(FoldKind.WalkForward, 3, 1, 0, false, new WalkForwardSpec(WindowKind.Expanding, null, 1, null, 1), null, false), own.Inner);
    }

    [Fact]
    public void Inner_shuffle_can_differ_from_the_outer_one() =>
        Assert.False(Expect.Succ(Read("folds: { kind: kfold, shuffle: true, inner: { kind: kfold, shuffle: false } }")).Inner!.Shuffle);

    [Fact]
    public void Reads_from_another_path() =>
        Assert.Equal(Spec(FoldKind.Group, 3, shuffle: true, seed: 0), Expect.Succ(Read("cv:\n  outer: { kind: group, k: 3 }", "cv.outer")));

    [Fact]
    public void Reads_a_file_of_fold_settings_at_the_root()
    {
        Assert.Equal(Spec(FoldKind.Stratified, 4, shuffle: true, seed: 3), Expect.Succ(Read("kind: stratified\nk: 4\nseed: 3", "")));
        Expect.Error(new FoldSpecInvalid("inner.k", "must be at least 2, got 1"), Read("kind: kfold\ninner: { kind: kfold, k: 1 }", ""));
    }

    public static TheoryData<string, string, string> BadConfigs => new()
    {
        { "other: 1", "folds", "there are no fold settings here; add at least 'kind'" },
        { "folds: 5", "folds", "expected a map of fold settings, found '5'" },
        { "folds: { k: 3 }", "folds.kind", "is required; use one of kfold, stratified, group, stratified_group, walk_forward" },
        { "folds: { kind: loo }", "folds.kind", "'loo' is not a fold kind; use one of kfold, stratified, group, stratified_group, walk_forward" },
        { "folds: { kind: kfold, seed: -1 }", "folds.seed", "must be 0 or more, got -1" },
        { "folds: { kind: kfold, k: 1 }", "folds.k", "must be at least 2, got 1" },
        { "folds: { kind: kfold, k: 9999999999 }", "folds.k", "9999999999 is out of range" },
        { "folds: { kind: kfold, repeats: 3, shuffle: false }", "folds.repeats", "without shuffle every repeat gives the same folds; use shuffle: true or repeats: 1" },
        { "folds: { kind: walk_forward, shuffle: true }", "folds.shuffle", "walk-forward folds keep time order; use shuffle: false" },
        { "folds: { kind: kfold, walk_forward: { gap: 1 } }", "folds.walk_forward", "only used when kind is walk_forward, and kind is kfold" },
        { "folds: { kind: walk_forward, walk_forward: 3 }", "folds.walk_forward", "expected a map of fold settings, found '3'" },
        { "folds: { kind: walk_forward, walk_forward: { window: rolling } }", "folds.walk_forward.window", "'rolling' is not a window; use expanding or sliding" },
        { "folds: { kind: walk_forward, walk_forward: { window: sliding } }", "folds.walk_forward.train_size", "is required for window: sliding (the number of time points to train on)" },
        { "folds: { kind: walk_forward, walk_forward: { horizon: 0 } }", "folds.walk_forward.horizon", "must be at least 1 time point, got 0" },
        { "folds: { kind: kfold, inner: { k: 3 } }", "folds.inner.kind", "is required; use one of kfold, stratified, group, stratified_group, walk_forward" },
        { "folds: { kind: kfold, inner: { kind: kfold, k: 1 } }", "folds.inner.k", "must be at least 2, got 1" },
        { "folds: { kind: kfold, inner: { kind: walk_forward, shuffle: true } }", "folds.inner.shuffle", "walk-forward folds keep time order; use shuffle: false" },
        { "folds: { kind: kfold, inner: [1] }", "folds.inner", "expected a map of fold settings, found '[1]'" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Bad_settings_are_FoldSpecInvalid_naming_the_full_key(string yaml, string key, string detail) =>
        Expect.Error(new FoldSpecInvalid(key, detail), Read(yaml));

    static readonly Seq<string> Outer = Seq("kind", "k", "repeats", "seed", "shuffle", "production", "walk_forward", "inner");
    static readonly Seq<string> InnerLevel = Seq("kind", "k", "shuffle", "walk_forward");
    static readonly Seq<string> WalkForward = Seq("window", "horizon", "gap", "train_size", "min_train");

    /// <summary>Unknown fold settings, at every level; a setting of the outer level under inner says why it is not
    /// taken there. (Rows of the bad-input catalogue: yaml, then the error.)</summary>
    public static TheoryData<string, ConfigKeyUnknown> UnknownSettings => new()
    {
        { "folds: { kind: kfold, shufle: true }", new("folds.shufle", "folds.shuffle", Outer) },
        { "folds: { kind: walk_forward, walk_forward: { lag: 1 } }", new("folds.walk_forward.lag", null, WalkForward) },
        { "folds: { kind: walk_forward, walk_forward: { minTrain: 1 } }", new("folds.walk_forward.minTrain", "folds.walk_forward.min_train", WalkForward) },
        { "folds: { kind: kfold, inner: { kind: walk_forward, walk_forward: { horizn: 2 } } }", new("folds.inner.walk_forward.horizn", "folds.inner.walk_forward.horizon", WalkForward) },
        { "folds: { kind: kfold, inner: { kind: kfold, seed: 3 } }", new("folds.inner.seed", null, InnerLevel,
            "inner folds take their seeds from the outer seed (with the repeat and outer fold), so set seed on the outer level only") },
        { "folds: { kind: kfold, inner: { kind: kfold, repeats: 2 } }", new("folds.inner.repeats", null, InnerLevel,
            "repeats apply to the outer folds; each outer fold gets one set of inner folds") },
        { "folds: { kind: kfold, inner: { kind: kfold, production: true } }", new("folds.inner.production", null, InnerLevel,
            "production applies to the outer plan; when it is on, the production fold gets inner folds too") },
        { "folds: { kind: kfold, inner: { kind: kfold, inner: { kind: kfold } } }", new("folds.inner.inner", null, InnerLevel, "only one level of nesting is supported") },
        { "folds: { kind: kfold, inner: { kind: kfold, q: 1 } }", new("folds.inner.q", "folds.inner.k", InnerLevel) },
        { "folds: { kind: kfold, Seed: 3 }", new("folds.Seed", "folds.seed", Outer) },
    };

    [Theory]
    [MemberData(nameof(UnknownSettings))]
    public void Unknown_settings_are_ConfigKeyUnknown_with_the_full_key_and_the_closest_setting(string yaml, ConfigKeyUnknown error)
    {
        Expect.Error(error, Read(yaml));
        Assert.Equal(Seq1<RunError>(error), FoldSpecs.UnknownKeys(Yaml(yaml)));
    }

    /// <summary>Unknown keys first, in the config's order, then every value that cannot be read, each key once (the
    /// walk_forward list is not a map, found by both checks).</summary>
    [Fact]
    public void Every_unknown_setting_and_every_bad_value_is_reported_at_once()
    {
        var errors = Assert.IsType<LanguageExt.Common.ManyErrors>(Expect.Fail(Read(
            "folds: { kind: loo, k: 1, seed: -1, seeed: 3, inner: { kind: kfold, kk: 2, walk_forward: { gapp: 1 } }, walk_forward: [1] }")));
        Assert.Equal(
            Seq<LanguageExt.Common.Error>(
                new ConfigKeyUnknown("folds.seeed", "folds.seed", Outer),
                new FoldSpecInvalid("folds.walk_forward", "expected a map of fold settings, found '[1]'"),
                new ConfigKeyUnknown("folds.inner.kk", "folds.inner.k", InnerLevel),
                new ConfigKeyUnknown("folds.inner.walk_forward.gapp", "folds.inner.walk_forward.gap", WalkForward),
                new FoldSpecInvalid("folds.kind", "'loo' is not a fold kind; use one of kfold, stratified, group, stratified_group, walk_forward"),
                new FoldSpecInvalid("folds.k", "must be at least 2, got 1"),
                new FoldSpecInvalid("folds.seed", "must be 0 or more, got -1"),
                new FoldSpecInvalid("folds.inner.walk_forward", "only used when kind is walk_forward, and kind is kfold")),
            errors.Errors);
    }

    [Fact]
    public void Three_bad_values_are_three_errors_each_naming_its_key()
    {
        var errors = Assert.IsType<LanguageExt.Common.ManyErrors>(Expect.Fail(Read("folds: { kind: kfold, k: 1, repeats: 0, shuffle: maybe }")));
        Assert.Equal(
            Seq<LanguageExt.Common.Error>(
                new FoldSpecInvalid("folds.k", "must be at least 2, got 1"),
                new FoldSpecInvalid("folds.repeats", "must be at least 1, got 0"),
                new ConfigValueInvalid("folds.shuffle", "expected a boolean (true or false), found 'maybe'")),
            errors.Errors);
    }

    [Theory]
    [InlineData("folds: { kind: kfold, k: three }", "folds.k", "expected an integer, found 'three'")]
    [InlineData("folds: { kind: kfold, shuffle: 1 }", "folds.shuffle", "expected a boolean (true or false), found '1'")]
    [InlineData("folds: { kind: [kfold] }", "folds.kind", "expected a string, found the list [kfold]")]
    [InlineData("folds: { kind: walk_forward, walk_forward: { gap: 1.5 } }", "folds.walk_forward.gap", "expected an integer, found '1.5'")]
    [InlineData("folds: { kind: walk_forward, walk_forward: { horizon: x } }", "folds.walk_forward.horizon", "expected an integer, found 'x'")]
    public void Values_of_the_wrong_type_are_ConfigValueInvalid(string yaml, string key, string detail) =>
        Expect.Error(new ConfigValueInvalid(key, detail), Read(yaml));

    [Fact]
    public void Null_values_take_the_default() =>
        Assert.Equal(Spec(FoldKind.KFold, 5, shuffle: true, seed: 0), Expect.Succ(Read("folds: { kind: kfold, k: null, inner: null, walk_forward: null }")));

    [Fact]
    public void Canonical_text_spells_out_every_setting()
    {
        Assert.Equal("kind=kfold k=5 repeats=1 seed=42 shuffle=true production=false walk_forward=none inner=none",
            FoldSpecs.Canonical(Spec(FoldKind.KFold, 5, shuffle: true)));
        Assert.Equal(
            "kind=walk_forward k=3 repeats=1 seed=42 shuffle=false production=true walk_forward=(window=sliding horizon=none gap=2 train_size=10 min_train=4) " +
            "inner=(kind=stratified_group k=2 repeats=1 seed=42 shuffle=true production=false walk_forward=none inner=none)",
            FoldSpecs.Canonical(Spec(FoldKind.WalkForward, 3, walkForward: Sliding(10, gap: 2, minTrain: 4), production: true,
                inner: Inner(FoldKind.StratifiedGroup, 2, shuffle: true))));
    }

    [Fact]
    public void Settings_use_the_config_names()
    {
        var spec = Spec(FoldKind.WalkForward, 3, walkForward: Sliding(10, horizon: 5, gap: 2, minTrain: 4), production: true,
            inner: Inner(FoldKind.StratifiedGroup, 2, shuffle: true));
        Assert.Equal(
            new FoldSettings("walk_forward", 3, 1, 42, false, true, new WalkForwardSettings("sliding", 5, 2, 10, 4),
                new FoldSettings("stratified_group", 2, 1, 42, true, false, null, null)),
            FoldSpecs.Settings(spec));
    }

    [Fact]
    public void Fold_errors_are_coded_run_errors_targeting_what_to_fix()
    {
        RunError[] errors =
        [
            new FoldSpecInvalid("folds.k", "x"), new FoldColumnMissing("label", "stratified"), new FoldColumnLength("time", 1, 2),
            new DuplicateRowKey("a", 2), new MissingValues("group", 1, "'a'"), new TooFewRows(1, 2, "folds.k", "the data"),
            new TooFewGroups(1, 2, "folds.inner.k", "w"), new ClassTooSmall("cat", 1, 2, "folds.k", "the data"),
            new TooFewTimePoints(1, 3, "folds", "the data", "d"),
        ];
        Assert.Equal(Enumerable.Range(1601, 9), errors.Select(e => e.Code));
        Assert.Equal(["folds.k", "label", "time", "a", "group", "folds.k", "folds.inner.k", "cat", "folds"], errors.Select(e => e.Target));
        Assert.Equal(
            [ErrorKind.InvalidArgument, ErrorKind.InvalidArgument, ErrorKind.InvalidData, ErrorKind.InvalidData, ErrorKind.InvalidData,
             ErrorKind.InvalidData, ErrorKind.InvalidData, ErrorKind.InvalidData, ErrorKind.InvalidData],
            errors.Select(e => e.Kind));
        Assert.Equal(
            ["FoldSpecInvalid", "FoldColumnMissing", "FoldColumnLength", "DuplicateRowKey", "MissingValues", "TooFewRows", "TooFewGroups", "ClassTooSmall", "TooFewTimePoints"],
            errors.Select(e => e.ErrorId));
    }
}
