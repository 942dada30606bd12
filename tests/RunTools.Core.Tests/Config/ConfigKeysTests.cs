using LanguageExt.Common;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Manifests;
using RunTools.Training;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Config;

/// <summary>
/// Unknown keys in the config sections RunTools owns, as rows of the bad-input catalogue: a config (YAML) and the
/// errors it must give, in order.
/// </summary>
public static class UnknownKeyCases
{
    public static readonly Seq<string> Data = Seq("label", "features", "id", "group", "time", "exclude", "input");
    public static readonly Seq<string> Folds = Seq("kind", "k", "repeats", "seed", "shuffle", "production", "walk_forward", "inner");
    public static readonly Seq<string> Training = Seq("task", "mode", "metric", "threads", "seed", "smote", "smote_k", "conformal_alpha",
        "positive_class", "parent", "candidates");
    public static readonly Seq<string> Candidate = Seq("trainer", "grid");
    public static readonly Seq<string> Lbfgs = Seq("l1", "l2", "C", "iterations");
    public static readonly Seq<string> LightGbm = Seq("iterations", "leaves", "learning_rate", "min_leaf", "l2");
    public static readonly Seq<string> FastForest = Seq("trees", "leaves", "min_leaf", "feature_fraction");
    public static readonly Seq<string> AnyTrainer = Seq("l1", "l2", "C", "iterations", "trees", "leaves", "learning_rate", "min_leaf", "feature_fraction");

    /// <summary>One misspelt key per place RunTools reads keys, and the error it gives.</summary>
    public static TheoryData<string, ConfigKeyUnknown> OneUnknownKey => new()
    {
        { "data: { labl: y }", new("data.labl", "data.label", Data) },
        { "data: { label: y, Features: [x1] }", new("data.Features", "data.features", Data) },
        { "data: { label: y, excluded: [x1] }", new("data.excluded", "data.exclude", Data) },
        { "folds: { kind: kfold, seeed: 3 }", new("folds.seeed", "folds.seed", Folds) },
        { "training: { metirc: auc }", new("training.metirc", "training.metric", Training) },
        { "training: { candidtes: [ { trainer: lbfgs } ] }", new("training.candidtes", "training.candidates", Training) },
        { "training: { smoteK: 3 }", new("training.smoteK", "training.smote_k", Training) },
        { "training: { colour: red }", new("training.colour", null, Training) },
        { "training: { candidates: [ { trainer: lbfgs }, { trainer: lightgbm, grdi: { leaves: [8] } } ] }",
            new("training.candidates[1].grdi", "training.candidates[1].grid", Candidate) },
        { "training: { candidates: [ { trainer: lbfgs, weight: 2 } ] }", new("training.candidates[0].weight", null, Candidate) },
        { "training: { candidates: [ { trainer: lbfgs }, { trainer: sdca }, { trainer: lightgbm, grid: { leavs: [8] } } ] }",
            new("training.candidates[2].grid.leavs", "training.candidates[2].grid.leaves", LightGbm, "lightgbm has no parameter 'leavs'") },
        { "training: { candidates: [ { trainer: lbfgs, grid: { trees: [10] } } ] }",
            new("training.candidates[0].grid.trees", null, Lbfgs, "lbfgs has no parameter 'trees'; fasttree and fastforest take it") },
        { "training: { candidates: [ { trainer: fast_forest, grid: { learning_rate: [0.1] } } ] }",
            new("training.candidates[0].grid.learning_rate", null, FastForest, "fastforest has no parameter 'learning_rate'; fasttree and lightgbm take it") },
        { "training: { candidates: [ { trainer: lightgbm, grid: { feature_fraction: [0.5] } } ] }",
            new("training.candidates[0].grid.feature_fraction", null, LightGbm, "lightgbm has no parameter 'feature_fraction'; fastforest takes it") },
        { "training: { candidates: [ { trainer: xgboost, grid: { depth: [3] } } ] }", new("training.candidates[0].grid.depth", null, AnyTrainer) },
    };
}

public sealed class ConfigKeysTests
{
    static ConfigValue Yaml(string text) => Expect.Succ(ConfigParser.Parse(text, "test.yaml", ConfigFormat.Yaml));

    // ---- the check and its suggestions ----------------------------------------------------------------------

    [Theory]
    [InlineData("metric", "metric", 0)]
    [InlineData("metirc", "metric", 1)]   // two neighbours swapped: one edit
    [InlineData("grdi", "grid", 1)]
    [InlineData("Label", "label", 0)]     // case is ignored when suggesting
    [InlineData("candidtes", "candidates", 1)]
    [InlineData("smotek", "smote_k", 0)]  // and the separators '_' and '-'
    [InlineData("smote-k", "smote_k", 0)]
    [InlineData("smoteks", "smote_k", 1)]
    [InlineData("trees", "l1", 5)]
    [InlineData("", "kind", 4)]
    [InlineData("abc", "ca", 3)]          // optimal string alignment: a substring is not edited twice
    public void Distance_counts_insertions_deletions_substitutions_and_swaps(string a, string b, int distance)
    {
        Assert.Equal(distance, ConfigKeys.Distance(a, b));
        Assert.Equal(distance, ConfigKeys.Distance(b, a));
    }

    [Theory]
    [InlineData("metirc", "metric")]
    [InlineData("mtric", "metric")]
    [InlineData("metrics_", "metric")]           // two edits in a six-letter key
    [InlineData("grdi", "grid")]
    [InlineData("kk", "k")]                       // one edit is always allowed
    [InlineData("seeed", "seed")]
    [InlineData("sed", "seed")]
    [InlineData("threds", "threads")]
    [InlineData("smote-k", "smote_k")]
    [InlineData("smoteK", "smote_k")]       // not 'smote', one letter away
    [InlineData("positiveclass", "positive_class")]
    public void Closest_suggests_the_known_key_within_two_edits_and_a_third_of_its_length(string key, string suggestion) =>
        Assert.Equal(Some(suggestion), ConfigKeys.Closest(key, UnknownKeyCases.Training.Concat(Seq("k", "grid"))));

    [Theory]
    [InlineData("colour")]
    [InlineData("sd")]        // two edits from 'seed', more than a third of it
    [InlineData("xyz")]
    [InlineData("")]
    public void Closest_suggests_nothing_when_no_known_key_is_close(string key) =>
        Assert.Equal(Option<string>.None, ConfigKeys.Closest(key, UnknownKeyCases.Training));

    [Fact]
    public void Closest_prefers_the_nearest_key_and_on_a_tie_the_first_known()
    {
        Assert.Equal(Some("leaves"), ConfigKeys.Closest("leavs", Seq("learning_rate", "leaves")));
        Assert.Equal(Some("l1"), ConfigKeys.Closest("l3", Seq("l1", "l2")));
        Assert.Equal(Some("l2"), ConfigKeys.Closest("l3", Seq("l2", "l1")));
    }

    [Fact]
    public void Unknown_keeps_the_maps_order_and_gives_each_key_its_full_path_suggestion_and_note()
    {
        var entries = Seq(new ConfigEntry("b", new ConfigInt(1)), new ConfigEntry("zz", new ConfigInt(2)), new ConfigEntry("aa", new ConfigInt(3)));
        Assert.Equal(
            Seq<RunError>(new ConfigKeyUnknown("x[0].zz", null, Seq("a", "b"), "no zz here"), new ConfigKeyUnknown("x[0].aa", "x[0].a", Seq("a", "b"), "no aa here")),
            ConfigKeys.Unknown(entries, "x[0]", Seq("a", "b"), key => $"no {key} here"));
        Assert.Equal(Seq1<RunError>(new ConfigKeyUnknown("zz", null, Seq1("b"))), ConfigKeys.Unknown(entries.Take(2).ToSeq(), "", Seq1("b")));
    }

    [Fact]
    public void Report_is_success_one_error_or_all_of_them()
    {
        var a = new ConfigKeyUnknown("a.x", null, Seq1("y"));
        var b = new ConfigKeyUnknown("a.z", null, Seq1("y"));
        Assert.True(ConfigKeys.Report(Seq<RunError>()).IsSucc);
        Expect.Error(a, ConfigKeys.Report(Seq1<RunError>(a)));
        Assert.Equal(Seq<Error>(a, b), Assert.IsType<ManyErrors>(Expect.Fail(ConfigKeys.Report(Seq<RunError>(a, b)))).Errors);
    }

    // ---- the error --------------------------------------------------------------------------------------------

    [Fact]
    public void The_error_names_the_key_the_suggestion_and_the_known_keys_and_targets_the_key()
    {
        var error = new ConfigKeyUnknown("training.metirc", "training.metric", UnknownKeyCases.Training);
        Assert.Equal(
            "The config key 'training.metirc' is not known; did you mean 'training.metric'? (known: task, mode, metric, threads, seed, smote, "
            + "smote_k, conformal_alpha, positive_class, parent, candidates)",
            error.Message);
        Assert.Equal(("ConfigKeyUnknown", 1106, ErrorKind.InvalidData, (object?)"training.metirc"), (error.ErrorId, error.Code, error.Kind, error.Target));
        Assert.Equal("The config key 'training.colour' is not known (known: trainer, grid)",
            new ConfigKeyUnknown("training.colour", null, UnknownKeyCases.Candidate).Message);
        Assert.Equal(
            "The config key 'training.candidates[0].grid.trees' is not known: lbfgs has no parameter 'trees'; fasttree and fastforest take it "
            + "(known: l1, l2, C, iterations)",
            new ConfigKeyUnknown("training.candidates[0].grid.trees", null, UnknownKeyCases.Lbfgs, "lbfgs has no parameter 'trees'; fasttree and fastforest take it").Message);
    }

    // ---- the sections -------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(UnknownKeyCases.OneUnknownKey), MemberType = typeof(UnknownKeyCases))]
    public void One_unknown_key_is_reported_by_the_sections_reader_and_by_the_check_New_Run_makes(string yaml, ConfigKeyUnknown error)
    {
        var config = Yaml(yaml);
        Expect.Error(error, ConfigSections.CheckKeys(config));
        Expect.Error(error, RunCommands.Create(Spec(config), RunName, T0));
        // The section's reader reports it first, with any bad value besides (xgboost is not a trainer).
        var read = error.Key.Split('.')[0] switch
        {
            "data" => DataSchema.Resolve(config, Seq1(Train)).Map(_ => unit),
            "folds" => FoldSpecs.FromConfig(config).Map(_ => unit),
            _ => TrainingSpecs.FromConfig(config).Map(_ => unit),
        };
        Assert.Equal(error, Failures.Flatten(Expect.Fail(read)).Head);
    }

    [Fact]
    public void Every_unknown_key_of_every_section_is_reported_together_in_the_configs_order()
    {
        var config = Yaml("""
            data: { labl: y, id: id, grup: site }
            model: { anything: 1 }
            folds: { kind: kfold, seeed: 3, inner: { kind: kfold, kk: 2 } }
            training:
              metirc: auc
              task: binary
              candidates:
                - { trainer: lbfgs, grid: { l2: [1], trees: [10] } }
                - { trainer: lightgbm, grdi: { leaves: [8] } }
            """);
        var expected = Seq<Error>(
            new ConfigKeyUnknown("data.labl", "data.label", UnknownKeyCases.Data),
            new ConfigKeyUnknown("data.grup", "data.group", UnknownKeyCases.Data),
            new ConfigKeyUnknown("folds.seeed", "folds.seed", UnknownKeyCases.Folds),
            new ConfigKeyUnknown("folds.inner.kk", "folds.inner.k", Seq("kind", "k", "shuffle", "walk_forward")),
            new ConfigKeyUnknown("training.metirc", "training.metric", UnknownKeyCases.Training),
            new ConfigKeyUnknown("training.candidates[0].grid.trees", null, UnknownKeyCases.Lbfgs, "lbfgs has no parameter 'trees'; fasttree and fastforest take it"),
            new ConfigKeyUnknown("training.candidates[1].grdi", "training.candidates[1].grid", UnknownKeyCases.Candidate));

        Assert.Equal(expected, Assert.IsType<ManyErrors>(Expect.Fail(ConfigSections.CheckKeys(config))).Errors);
        Assert.Equal(expected, Assert.IsType<ManyErrors>(Expect.Fail(RunCommands.Create(Spec(config), RunName, T0))).Errors);
        // Each reader reports every unknown key of its own section.
        Assert.Equal(expected.Take(2), Assert.IsType<ManyErrors>(Expect.Fail(DataSchema.Resolve(config, Seq1(Train)))).Errors);
        Assert.Equal(expected.Skip(2).Take(2), Assert.IsType<ManyErrors>(Expect.Fail(FoldSpecs.FromConfig(config))).Errors);
        Assert.Equal(expected.Skip(4), Assert.IsType<ManyErrors>(Expect.Fail(TrainingSpecs.FromConfig(config))).Errors);
    }

    [Fact]
    public void Other_top_level_sections_are_free()
    {
        var config = Yaml("""
            model: { kind: naive_bayes, features: [f1], threshold: 0.5, trheshold: 1 }
            mine: { anything: { goes: [1, 2] } }
            data: { label: y }
            """);
        Assert.Equal(Seq<RunError>(), ConfigSections.UnknownKeys(config));
        Assert.True(RunCommands.Create(Spec(config), RunName, T0).IsSucc);
    }

    [Fact]
    public void A_key_written_with_a_dot_at_the_root_is_checked_as_a_key_of_its_section()
    {
        // ConfigPaths.Get reads "training.metric" at the root as training.metric, so a typo there is a typo too.
        var config = Expect.FromJson("""{ "training.metirc": "auc", "training.metric": "auc", "data.label": "y" }""");
        Expect.Error(new ConfigKeyUnknown("training.metirc", "training.metric", UnknownKeyCases.Training), ConfigSections.CheckKeys(config));
    }

    [Fact]
    public void A_section_that_is_not_a_map_is_reported_as_its_readers_report_it()
    {
        Expect.Error(new ConfigValueInvalid("training", "expected a map of training settings, found '5'"), ConfigSections.CheckKeys(Yaml("training: 5")));
        Expect.Error(new ConfigValueInvalid("training", "expected a map of training settings, found '5'"), TrainingSpecs.FromConfig(Yaml("training: 5")));
        Expect.Error(new ConfigValueInvalid("data", "expected a map of the data's roles (label, features, id, group, time, exclude, input), found '[y]'"),
            DataSchema.Resolve(Yaml("data: [y]"), Seq1(Train)));
        Expect.Error(new FoldSpecInvalid("folds", "expected a map of fold settings, found 'kfold'"), ConfigSections.CheckKeys(Yaml("folds: kfold")));
        Assert.True(ConfigSections.CheckKeys(Yaml("data: null\nfolds:\ntraining: null")).IsSucc);
    }

    /// <summary>A known key is one its reader reads: a value of the wrong shape at each known key is an error naming
    /// that key, so no key is accepted here and then ignored. (data.input is read by the shell's data loader.)</summary>
    [Fact]
    public void Every_known_data_and_training_key_is_read()
    {
        foreach (var key in UnknownKeyCases.Data.Filter(k => k != "input"))
            Assert.Equal($"data.{key}", Assert.IsType<ConfigValueInvalid>(Expect.Fail(DataSchema.Resolve(Yaml($"data: {{ {key}: {{ v: 1 }} }}"), Seq1(Train)))).Key);
        foreach (var key in UnknownKeyCases.Training)
            Assert.Equal($"training.{key}", Assert.IsType<ConfigValueInvalid>(Expect.Fail(TrainingSpecs.FromConfig(Yaml($"training: {{ {key}: {{ v: 1 }} }}")))).Key);
        Assert.Equal("training.candidates[0].trainer",
            Assert.IsType<ConfigValueInvalid>(Expect.Fail(TrainingSpecs.FromConfig(Yaml("training: { candidates: [ { trainer: [1] } ] }")))).Key);
        Assert.Equal("training.candidates[0].grid",
            Assert.IsType<ConfigValueInvalid>(Expect.Fail(TrainingSpecs.FromConfig(Yaml("training: { candidates: [ { trainer: lbfgs, grid: [1] } ] }")))).Key);
    }

    [Fact]
    public void The_known_keys_are_the_ones_the_sections_declare()
    {
        Assert.Equal(UnknownKeyCases.Data, DataSchema.Keys);
        Assert.Equal(UnknownKeyCases.Folds, FoldSpecs.OuterKeys);
        Assert.Equal(UnknownKeyCases.Training, TrainingSpecs.Keys);
        Assert.Equal(UnknownKeyCases.Candidate, TrainingSpecs.CandidateKeys);
        Assert.Equal(UnknownKeyCases.AnyTrainer, TrainerParameters.All);
    }
}
