using LanguageExt.Common;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Tests.Config;
using RunTools.Training;

namespace RunTools.Tests.Training;

public sealed class TrainingSpecTests
{
    static ConfigValue Yaml(string text) => Expect.Succ(ConfigParser.Parse(text, "test.yaml", ConfigFormat.Yaml));

    static Fin<TrainingSpec> Read(string yaml) => TrainingSpecs.FromConfig(Yaml(yaml));

    static ConfigValueInvalid Invalid(string yaml) => Assert.IsType<ConfigValueInvalid>(Expect.Fail(Read(yaml)));

    static Candidate C(string id, TrainerKind trainer, params (string Key, double Value)[] parameters) =>
        new(id, trainer, toMap(parameters));

    // ---- defaults -------------------------------------------------------------------------------------------

    [Fact]
    public void An_empty_config_gives_binary_direct_auc_all_cores_seed_42_no_smote_alpha_0_1_and_one_LightGbm()
    {
        Assert.Equal(
            new TrainingSpec(TrainingTask.Binary, TrainingMode.Direct, "auc", Seq1(C("lightgbm#1", TrainerKind.LightGbm)), 0, 42,
                SmoteMode.None, 5, 0.1, null, null),
            Expect.Succ(TrainingSpecs.FromConfig(ConfigMap.Empty)));
    }

    [Theory]
    [InlineData("binary", "auc")]
    [InlineData("multiclass", "macro_f1")]
    [InlineData("regression", "rmse")]
    public void The_default_metric_follows_the_task(string task, string metric) =>
        Assert.Equal(metric, Expect.Succ(Read($"training: {{ task: {task} }}")).Metric);

    [Fact]
    public void The_seed_defaults_to_the_fold_seed_and_training_seed_wins_over_it()
    {
        Assert.Equal(7UL, Expect.Succ(Read("folds: { seed: 7 }")).Seed);
        Assert.Equal(11UL, Expect.Succ(Read("folds: { seed: 7 }\ntraining: { seed: 11 }")).Seed);
    }

    [Fact]
    public void Every_setting_is_read()
    {
        const string yaml = """
            training:
              task: multiclass
              mode: hierarchical
              metric: accuracy
              threads: 2
              seed: 3
              smote: both
              smote_k: 4
              conformal_alpha: 0.2
              positive_class: yes
              parent: family
              candidates: [ { trainer: fast_tree, grid: { trees: 20 } } ]
            """;
        Assert.Equal(
            new TrainingSpec(TrainingTask.Multiclass, TrainingMode.Hierarchical, "accuracy", Seq1(C("fasttree#1", TrainerKind.FastTree, ("trees", 20))),
                2, 3, SmoteMode.Both, 4, 0.2, "yes", "family"),
            Expect.Succ(Read(yaml)));
    }

    [Theory]
    [InlineData("none", new[] { "none" })]
    [InlineData("smote", new[] { "smote" })]
    [InlineData("both", new[] { "none", "smote" })]
    public void The_SMOTE_setting_gives_the_variants_in_order(string smote, string[] variants) =>
        Assert.Equal(toSeq(variants), Expect.Succ(Read($"training: {{ smote: {smote} }}")).Variants);

    [Fact]
    public void Names_ignore_case_and_underscores()
    {
        var spec = Expect.Succ(Read("training: { task: MultiClass, mode: Meta, candidates: [ { trainer: Fast_Forest }, { trainer: LIGHT_GBM } ] }"));
        Assert.Equal((TrainingTask.Multiclass, TrainingMode.Meta), (spec.Task, spec.Mode));
        Assert.Equal(Seq("fastforest#1", "lightgbm#1"), spec.Candidates.Map(c => c.Id));
    }

    // ---- errors, each naming its key --------------------------------------------------------------------------

    [Theory]
    [InlineData("training: { task: ranking }", "training.task")]
    [InlineData("training: { mode: stacked }", "training.mode")]
    [InlineData("training: { mode: meta }", "training.mode")]
    [InlineData("training: { task: regression, mode: hierarchical, parent: p }", "training.mode")]
    [InlineData("training: { metric: rmse }", "training.metric")]
    [InlineData("training: { task: regression, metric: auc }", "training.metric")]
    [InlineData("training: { task: multiclass, metric: auc }", "training.metric")]
    [InlineData("training: { threads: -1 }", "training.threads")]
    [InlineData("training: { threads: many }", "training.threads")]
    [InlineData("training: { seed: 1.5 }", "training.seed")]
    [InlineData("folds: { seed: x }", "folds.seed")]
    [InlineData("training: { smote: sometimes }", "training.smote")]
    [InlineData("training: { task: regression, smote: smote }", "training.smote")]
    [InlineData("training: { task: regression, smote: both }", "training.smote")]
    [InlineData("training: { smote_k: 0 }", "training.smote_k")]
    [InlineData("training: { conformal_alpha: 0 }", "training.conformal_alpha")]
    [InlineData("training: { conformal_alpha: 1 }", "training.conformal_alpha")]
    [InlineData("training: { conformal_alpha: -0.1 }", "training.conformal_alpha")]
    [InlineData("training: { conformal_alpha: high }", "training.conformal_alpha")]
    [InlineData("training: { positive_class: [a, b] }", "training.positive_class")]
    [InlineData("training: { task: multiclass, mode: hierarchical }", "training.parent")]
    [InlineData("training: { candidates: [] }", "training.candidates")]
    [InlineData("training: { candidates: lightgbm }", "training.candidates")]
    [InlineData("training: { candidates: [ lightgbm ] }", "training.candidates[0]")]
    [InlineData("training: { candidates: [ { trainer: lbfgs }, { trainer: xgboost } ] }", "training.candidates[1].trainer")]
    [InlineData("training: { candidates: [ { grid: { l2: [1] } } ] }", "training.candidates[0].trainer")]
    [InlineData("training: { candidates: [ { trainer: lbfgs, grid: [1, 2] } ] }", "training.candidates[0].grid")]
    [InlineData("training: { candidates: [ { trainer: lbfgs, grid: { l2: [] } } ] }", "training.candidates[0].grid.l2")]
    [InlineData("training: { candidates: [ { trainer: lbfgs, grid: { l2: [0.1, big] } } ] }", "training.candidates[0].grid.l2")]
    [InlineData("training: { candidates: [ { trainer: lbfgs, grid: { l2: { a: 1 } } } ] }", "training.candidates[0].grid.l2")]
    [InlineData("training: { candidates: [ { trainer: lbfgs }, { trainer: lbfgs, grid: { l2: [2] } } ] }", "training.candidates")]
    [InlineData("training: { candidates: [ { trainer: lbfgs, grid: { C: [1, 0] } } ] }", "training.candidates[0].grid.C")]
    [InlineData("training: { candidates: [ { trainer: sdca, grid: { C: -1 } } ] }", "training.candidates[0].grid.C")]
    [InlineData("training: { candidates: [ { trainer: lbfgs, grid: { C: [.inf] } } ] }", "training.candidates[0].grid.C")]
    [InlineData("training: { candidates: [ { trainer: lightgbm }, { trainer: sdca, grid: { C: [1], l2: [0.1] } } ] }", "training.candidates[1].grid.C")]
    public void Every_invalid_setting_is_a_ConfigValueInvalid_naming_its_key(string yaml, string key)
    {
        var error = Invalid(yaml);
        Assert.Equal(key, error.Key);
        Assert.Equal(key, error.Target);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains($"'{key}'", error.Message);
    }

    [Theory]
    [InlineData("training: { task: 1 }", "training.task")]
    [InlineData("training: { task: '2' }", "training.task")]
    [InlineData("training: { task: 'binary, regression' }", "training.task")]
    [InlineData("training: { task: multiclass, mode: 2, parent: p }", "training.mode")]
    [InlineData("training: { smote: 1 }", "training.smote")]
    public void Enum_settings_accept_names_only_not_numbers_or_combinations(string yaml, string key) =>
        Assert.Equal(key, Invalid(yaml).Key);

    [Fact]
    public void An_unknown_trainer_lists_the_trainers()
    {
        Assert.Equal(
            new ConfigValueInvalid("training.candidates[0].trainer", "'xgboost' is not a trainer; use one of lbfgs, sdca, fasttree, fastforest, lightgbm"),
            Invalid("training: { candidates: [ { trainer: xgboost } ] }"));
    }

    [Fact]
    public void An_unknown_parameter_names_the_trainer_the_trainers_that_take_it_and_lists_its_parameters()
    {
        Expect.Error(
            new ConfigKeyUnknown("training.candidates[0].grid.trees", null, Seq("l1", "l2", "C", "iterations"),
                "lbfgs has no parameter 'trees'; fasttree and fastforest take it"),
            Read("training: { candidates: [ { trainer: lbfgs, grid: { trees: [10] } } ] }"));
        Expect.Error(
            new ConfigKeyUnknown("training.candidates[0].grid.l1", "training.candidates[0].grid.l2", Seq("iterations", "leaves", "learning_rate", "min_leaf", "l2"),
                "lightgbm has no parameter 'l1'; lbfgs and sdca take it"),
            Read("training: { candidates: [ { trainer: lightgbm, grid: { l1: [1] } } ] }"));
    }

    /// <summary>Independent settings are checked independently: three bad values are three errors, each naming its
    /// key (so each becomes its own ErrorRecord), in the section's order, with the unknown keys first.</summary>
    [Fact]
    public void Three_bad_values_are_three_errors_each_naming_its_key()
    {
        var errors = Assert.IsType<ManyErrors>(Expect.Fail(Read("training: { threads: -1, smote_k: 0, conformal_alpha: 2 }"))).Errors;

        Assert.Equal(
            Seq<Error>(
                new ConfigValueInvalid("training.threads", "must be 0 (all cores) to 4096"),
                new ConfigValueInvalid("training.smote_k", "must be 1 to 1000"),
                new ConfigValueInvalid("training.conformal_alpha", "must be between 0 and 1")),
            errors);
    }

    [Fact]
    public void Unknown_keys_bad_values_and_bad_candidates_are_reported_together()
    {
        var errors = Assert.IsType<ManyErrors>(Expect.Fail(Read("""
            training:
              task: binary
              metirc: auc
              metric: rmse
              candidates:
                - { trainer: xgboost }
                - { trainer: lbfgs, grid: { l2: [] } }
            """))).Errors;

        Assert.Equal(
            Seq("training.metirc", "training.metric", "training.candidates[0].trainer", "training.candidates[1].grid.l2"),
            errors.Map(e => (string)((RunError)e).Target!));
        Assert.IsType<ConfigKeyUnknown>(errors.Head);
    }

    /// <summary>A check that needs another setting is made only when that setting could be read: a bad task is one
    /// error, not also a metric that does not fit it.</summary>
    [Fact]
    public void A_bad_task_is_not_also_a_metric_or_mode_that_does_not_fit_it() =>
        Assert.Equal("training.task", Assert.IsType<ConfigValueInvalid>(Expect.Fail(Read("training: { task: ranking, metric: ndcg, mode: meta, smote: smote }"))).Key);

    [Fact]
    public void A_metric_of_another_task_lists_the_tasks_metrics() =>
        Assert.Equal(
            new ConfigValueInvalid("training.metric", "'rmse' is not a binary metric; use one of auc, accuracy, balanced_accuracy, f1, mcc, log_loss, brier"),
            Invalid("training: { metric: rmse }"));

    [Fact]
    public void Meta_and_hierarchical_modes_are_for_multiclass_only() =>
        Assert.Equal(new ConfigValueInvalid("training.mode", "'meta' is only for multiclass tasks"), Invalid("training: { task: binary, mode: meta }"));

    [Fact]
    public void The_section_can_live_under_another_path()
    {
        var config = Yaml("experiment: { training: { task: regression, threads: -2 } }");
        Assert.Equal("experiment.training.threads", Assert.IsType<ConfigValueInvalid>(Expect.Fail(TrainingSpecs.FromConfig(config, "experiment.training"))).Key);
    }

    // ---- candidate grids ----------------------------------------------------------------------------------------

    [Fact]
    public void A_grid_expands_to_the_cartesian_product_with_the_first_parameter_varying_slowest()
    {
        var spec = Expect.Succ(Read("training: { candidates: [ { trainer: lightgbm, grid: { leaves: [8, 16], learning_rate: [0.1, 0.05, 0.01] } } ] }"));
        Assert.Equal(
            Seq(
                C("lightgbm#1", TrainerKind.LightGbm, ("leaves", 8), ("learning_rate", 0.1)),
                C("lightgbm#2", TrainerKind.LightGbm, ("leaves", 8), ("learning_rate", 0.05)),
                C("lightgbm#3", TrainerKind.LightGbm, ("leaves", 8), ("learning_rate", 0.01)),
                C("lightgbm#4", TrainerKind.LightGbm, ("leaves", 16), ("learning_rate", 0.1)),
                C("lightgbm#5", TrainerKind.LightGbm, ("leaves", 16), ("learning_rate", 0.05)),
                C("lightgbm#6", TrainerKind.LightGbm, ("leaves", 16), ("learning_rate", 0.01))),
            spec.Candidates);
    }

    [Fact]
    public void Candidates_keep_their_config_order_and_number_within_each_trainer()
    {
        var spec = Expect.Succ(Read("""
            training:
              candidates:
                - { trainer: lbfgs, grid: { l2: [0.1, 1.0] } }
                - { trainer: lightgbm, grid: { iterations: 50, leaves: [8] } }
                - { trainer: sdca }
            """));
        Assert.Equal(
            Seq(
                C("lbfgs#1", TrainerKind.Lbfgs, ("l2", 0.1)),
                C("lbfgs#2", TrainerKind.Lbfgs, ("l2", 1.0)),
                C("lightgbm#1", TrainerKind.LightGbm, ("iterations", 50), ("leaves", 8)),
                C("sdca#1", TrainerKind.Sdca)),
            spec.Candidates);
    }

    [Fact]
    public void Every_trainer_accepts_each_of_its_known_parameters()
    {
        // C and l2 are one setting in two scales: a grid gives one of them, so each is tried without the other.
        foreach (var (trainer, known) in TrainerParameters.Known)
        foreach (var parameters in known.Contains(TrainerSettings.C) ? Seq(known.Filter(p => p != "l2"), known.Filter(p => p != TrainerSettings.C)) : Seq1(known))
        {
            var grid = string.Join(", ", parameters.Map(p => $"{p}: [0.5]"));
            var spec = Expect.Succ(Read($"training: {{ candidates: [ {{ trainer: {TrainerParameters.Name(trainer)}, grid: {{ {grid} }} }} ] }}"));
            var candidate = Assert.Single(spec.Candidates);
            Assert.Equal(trainer, candidate.Trainer);
            Assert.Equal(parameters.Order(), candidate.Parameters.Keys.ToSeq().Order());
        }
    }

    [Fact]
    public void C_and_l2_together_are_refused_naming_both_keys()
    {
        var error = Invalid("training: { candidates: [ { trainer: lbfgs, grid: { l2: [1], C: [0.1, 1] } } ] }");
        Assert.Equal("training.candidates[0].grid.C", error.Target);
        Assert.Contains("'training.candidates[0].grid.l2'", error.Message);
    }

    [Fact]
    public void C_is_a_grid_parameter_of_the_linear_trainers_only()
    {
        var spec = Expect.Succ(Read("training: { candidates: [ { trainer: lbfgs, grid: { C: [0.1, 1, 10] } } ] }"));
        Assert.Equal(Seq(0.1, 1.0, 10.0), spec.Candidates.Map(c => c.Parameters[TrainerSettings.C]));
        Assert.Equal("lbfgs#1 (C=0.1)", spec.Candidates.Head.Describe());
        Expect.Error(
            new ConfigKeyUnknown("training.candidates[0].grid.C", null, Seq("iterations", "leaves", "learning_rate", "min_leaf", "l2"),
                "lightgbm has no parameter 'C'; lbfgs and sdca take it"),
            Read("training: { candidates: [ { trainer: lightgbm, grid: { C: [1] } } ] }"));
    }

    [Fact]
    public void A_candidate_describes_itself_with_its_parameters()
    {
        Assert.Equal("lbfgs#2 (l1=0, l2=0.5)", C("lbfgs#2", TrainerKind.Lbfgs, ("l2", 0.5), ("l1", 0)).Describe());
        Assert.Equal("lightgbm#1", C("lightgbm#1", TrainerKind.LightGbm).Describe());
    }

    [Theory]
    [InlineData("auc", true)]
    [InlineData("accuracy", true)]
    [InlineData("macro_f1", true)]
    [InlineData("r2", true)]
    [InlineData("log_loss", false)]
    [InlineData("brier", false)]
    [InlineData("rmse", false)]
    [InlineData("mae", false)]
    public void Loss_metrics_are_lower_is_better(string metric, bool higher) => Assert.Equal(higher, TrainingSpecs.HigherIsBetter(metric));
}
