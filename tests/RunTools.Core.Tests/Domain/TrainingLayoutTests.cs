using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Domain;

namespace RunTools.Tests.Domain;

/// <summary>What RunTools' own stages write, as the core names it: fold ids, summary metric names, the files and
/// folders of a training stage and of a fold plan.</summary>
public sealed class TrainingLayoutTests
{
    // ---- fold ids ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, 2, SmoteVariant.None, "r0_f2")]
    [InlineData(3, 10, SmoteVariant.None, "r3_f10")]
    [InlineData(0, 2, SmoteVariant.Smote, "r0_f2_smote")]
    [InlineData(0, -1, SmoteVariant.None, "production")]
    [InlineData(0, -1, SmoteVariant.Smote, "production_smote")]
    public void A_fold_id_is_written_and_read_back(int repeat, int outer, string variant, string text)
    {
        var id = new FoldId(repeat, outer, variant);

        Assert.Equal((text, Some(id)), (id.ToString(), FoldId.Parse(text)));
    }

    [Property(MaxTest = 500)]
    public Property Every_fold_id_round_trips() =>
        Prop.ForAll(
            Arb.From(from repeat in Gen.Choose(0, 1_000_000)
                     from outer in Gen.Choose(-1, 1_000_000)
                     from variant in Gen.Elements(SmoteVariant.None, SmoteVariant.Smote)
                     select outer < 0 ? FoldId.Production(variant) : new FoldId(repeat, outer, variant)),
            id => FoldId.Parse(id.ToString()) == Some(id));

    [Theory]
    [InlineData("")]
    [InlineData("r0")]
    [InlineData("r0_f")]
    [InlineData("r01_f2")]
    [InlineData("r0_f02")]
    [InlineData("R0_F2")]
    [InlineData("r-1_f2")]
    [InlineData("r0_f2_none")]
    [InlineData("r0_f2_")]
    [InlineData("production_none")]
    [InlineData("Production")]
    [InlineData("r0_f2/model.json")]
    public void Text_that_no_fold_id_writes_is_not_a_fold_id(string text) => Assert.True(FoldId.Parse(text).IsNone);

    [Fact]
    public void The_production_fold_is_named_production_and_has_repeat_zero() =>
        Assert.Equal((FoldId.ProductionName, true, 0), (FoldId.Production().ToString(), FoldId.Production().IsProduction, FoldId.Production(SmoteVariant.Smote).Repeat));

    // ---- summary metrics --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("train", null, "auc", SummaryStatistic.Mean, "cv/auc")]
    [InlineData("train", null, "auc", SummaryStatistic.Sd, "cv/auc/sd")]
    [InlineData("train", null, "rmse", SummaryStatistic.Lower95, "cv/rmse/lower95")]
    [InlineData("train", "smote", "auc", SummaryStatistic.Upper95, "cv/smote/auc/upper95")]
    [InlineData("other", null, "auc", SummaryStatistic.Mean, "other/cv/auc")]
    [InlineData("other", "none", "macro_f1", SummaryStatistic.Sd, "other/cv/none/macro_f1/sd")]
    public void A_summary_metric_name_is_written_and_read_back(string stage, string? variant, string metric, SummaryStatistic statistic, string name)
    {
        var parsed = new CvMetricName(stage, variant, metric, statistic);

        Assert.Equal((name, Some(parsed), name), (parsed.ToString(), CvMetricName.Parse(name), RunLayout.Training(stage).Metric(metric, variant, statistic)));
    }

    [Theory]
    [InlineData("auc")]
    [InlineData("val/auc")]
    [InlineData("cv")]
    [InlineData("cv/")]
    [InlineData("cv/sd")]
    [InlineData("train/cv/auc")] // the default stage's metrics have no stage part
    [InlineData("a/b/cv/auc")]
    [InlineData("cv/a/b/auc")]
    public void Other_metric_names_are_not_summary_metrics(string name) => Assert.True(CvMetricName.Parse(name).IsNone);

    [Fact]
    public void A_summary_metric_name_without_its_stage_prefix_is_its_local_name() =>
        Assert.Equal(("auc", "smote/auc/sd"), (new CvMetricName("other", null, "auc").Local, new CvMetricName("train", "smote", "auc", SummaryStatistic.Sd).Local));

    // ---- training files ----------------------------------------------------------------------------------------

    [Fact]
    public void The_default_training_stage_writes_at_the_top_of_the_run()
    {
        var layout = RunLayout.Training(RunLayout.DefaultTrainingStage);

        Assert.Equal(
            ("", "models", "models/r0_f2", "models/r0_f2/model.json", "models/production/model.zip", "inner/r0_f2.parquet", "conformal/r0_f2.parquet",
                "smote/r0_f2_smote.parquet", "predictions/oof.parquet", "metrics/folds.parquet", "metrics/summary.parquet", "best_models.json",
                "training.json", "cv/"),
            (layout.Folder, layout.Models, layout.Model("r0_f2"), layout.ModelJson("r0_f2"), layout.ModelPart("production", "model.zip"),
                layout.Inner("r0_f2"), layout.Conformal("r0_f2"), layout.Smote("r0_f2_smote"), layout.Predictions, layout.FoldMetrics,
                layout.SummaryMetrics, layout.BestModels, layout.Settings, layout.MetricPrefix));
        Assert.Equal(Seq("models", "inner", "conformal", "smote", "predictions", "metrics"), layout.Folders);
    }

    [Fact]
    public void Another_training_stage_writes_everything_under_its_own_folder()
    {
        var layout = RunLayout.Training("other");

        Assert.Equal(
            ("other/", "other/models/r0_f2/model.json", "other/inner/r0_f2.parquet", "other/predictions/oof.parquet", "other/metrics/summary.parquet",
                "other/training.json", "other/cv/"),
            (layout.Folder, layout.ModelJson("r0_f2"), layout.Inner("r0_f2"), layout.Predictions, layout.SummaryMetrics, layout.Settings, layout.MetricPrefix));
        Assert.Equal(Seq("other/models", "other/inner", "other/conformal", "other/smote", "other/predictions", "other/metrics"), layout.Folders);
        Assert.All(layout.Folders.Concat(Seq(layout.Predictions, layout.FoldMetrics, layout.SummaryMetrics, layout.BestModels, layout.Settings)),
            path => Assert.StartsWith("other/", path));
    }

    [Fact]
    public void Two_layouts_of_the_same_stage_are_equal() =>
        Assert.Equal(RunLayout.Training("other"), RunLayout.Training("other"));

    [Theory]
    [InlineData("train", "models/production/model.json", "production")]
    [InlineData("train", "models/r1_f0_smote/model.json", "r1_f0_smote")]
    [InlineData("train", "models/production/model.zip", null)]
    [InlineData("train", "other/models/production/model.json", null)]
    [InlineData("train", "models/model.json", null)]
    [InlineData("train", "models/a/b/model.json", null)]
    [InlineData("other", "other/models/r0_f2/model.json", "r0_f2")]
    [InlineData("other", "models/r0_f2/model.json", null)]
    public void A_model_is_named_by_the_folder_of_its_model_json(string stage, string path, string? model) =>
        Assert.Equal(model, RunLayout.Training(stage).ModelOf(path));

    // ---- fold plans ---------------------------------------------------------------------------------------------

    [Fact]
    public void The_default_fold_plan_is_made_by_the_stage_folds_and_another_by_its_own_stage()
    {
        var plan = RunLayout.FoldPlan(RunLayout.DefaultFoldPlan);
        var other = RunLayout.FoldPlan("time");

        Assert.Equal(("folds/folds.parquet", "folds/folds.json", "folds"), (plan.Parquet, plan.Summary, plan.Stage));
        Assert.Equal(("folds/time.parquet", "folds/time.json", "folds-time", Seq("folds/time.parquet", "folds/time.json")),
            (other.Parquet, other.Summary, other.Stage, other.Files));
    }

    // ---- the run's own files --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("run.json")]
    [InlineData("RUN.JSON")]
    [InlineData("events.jsonl")]
    [InlineData("events.jsonl.")]
    [InlineData("config_resolved.yaml")]
    [InlineData("config_overrides.yaml")]
    [InlineData("logs/train.log")]
    [InlineData("Logs/other.txt")]
    [InlineData("sidecars/x.json")]
    [InlineData(".lock")]
    [InlineData(".lock.queue/1.ticket")]
    [InlineData(".heartbeats/h-1.json")]
    [InlineData(".hidden")]
    public void The_run_s_own_files_are_reserved(string path) => Assert.True(RunLayout.IsReserved(path));

    [Theory]
    [InlineData("artifacts/model.zip")]
    [InlineData("models/production/model.json")]
    [InlineData("predictions/oof.parquet")]
    [InlineData("predictions.parquet")]
    [InlineData("folds/folds.parquet")]
    [InlineData("other/logs/x.log")]
    [InlineData("run.json.bak")]
    public void What_stages_write_is_not_reserved(string path) => Assert.False(RunLayout.IsReserved(path));

    [Fact]
    public void Sidecars_and_heartbeats_are_named_by_their_content_and_their_writer() =>
        Assert.Equal(("sidecars/abc.json", "sidecars/abc.jsonl", ".heartbeats/build.box_1-42.json"),
            (RunLayout.Sidecar("abc"), RunLayout.Sidecar("abc", ".jsonl"), RunLayout.HeartbeatFor("build.box/1", 42)));
}
