using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Views;
using static RunTools.Domain.RunStatus;
using static RunTools.Tests.Config.V;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Views;

public sealed class RunInfoTests
{
    const string RunPath = "/runs/20260301_120000_baseline";

    /// <summary>A run with a completed 'prepare', a 'train' still stored as running by Other, and two metrics.</summary>
    static RunManifest Sample() => Apply(
        Manifest.Start(Created(BaseConfig.With("grid", M(("depths", L(I(2), I(4))), ("none", Null))))),
        Status(1, Pending, Running),
        Started(2, "prepare"), Ended(3, "prepare", 1, StageStatus.Completed),
        Started(4, "train", by: Other),
        new MetricWritten(At(5), "auc", 0.75, 1, "train"),
        new MetricWritten(At(6), "val/loss", 0.5, null, null),
        new MetricWritten(At(7), "auc", 0.875, 2, "train"));

    [Fact]
    public void RunInfo_shows_the_observed_status_flattened_params_metrics_and_observed_stages()
    {
        var m = Sample();
        var info = RunInfo.Of(m, RunPath, Abandoned, Seq1(Me));

        Assert.Equal(
            new RunInfo(RunName, RunId, "baseline", "Abandoned", false, T0, At(1), null, null, info.Params, info.Metrics, info.Stages, RunPath,
                m with { Path = RunPath }),
            info);
        Assert.Equal(
            [
                new("data.label", "y"), new("data.id", "id"), new("model.trees", 200L), new("model.lr", 0.5),
                new("grid.depths", info.Params["grid.depths"]), new KeyValuePair<string, object?>("grid.none", null),
            ],
            info.Params.ToArray());
        Assert.Equal([new("auc", 0.875), new KeyValuePair<string, double>("val/loss", 0.5)], info.Metrics.ToArray());
        Assert.Equal([new("prepare", "Completed"), new KeyValuePair<string, string>("train", "Abandoned")], info.Stages.ToArray());
        Assert.Equal(200L, info.Params["model.trees"]);
        Assert.Equal("[2, 4]", info.Params["grid.depths"]!.ToString());
        Assert.Equal(new object?[] { 2L, 4L }, ((ValueList)info.Params["grid.depths"]!).ToArray());
        Assert.Equal(RunPath, info.Manifest.Path);
        Assert.Equal(RunName, info.ToString());
        Assert.Null(info.ScoreMetric);
    }

    [Fact]
    public void A_stage_whose_process_is_live_is_running()
    {
        var info = RunInfo.Of(Sample(), RunPath, Running, Seq1(Other));
        Assert.Equal(("Running", "Running"), (info.Status, (string?)info.Stages["train"]));
    }

    [Fact]
    public void A_finished_run_has_its_duration()
    {
        var m = Apply(Sample(), Ended(8, "train", 1, StageStatus.Completed), Status(10, Running, Completed));
        var info = RunInfo.Of(m, RunPath, Completed, Seq<ProcessInfo>());
        Assert.Equal(((DateTimeOffset?)At(10), (TimeSpan?)TimeSpan.FromSeconds(9)), (info.EndedAt, info.Duration));
    }

    [Fact]
    public void A_run_locked_against_removal_shows_as_locked_until_it_is_unlocked()
    {
        var locked = Apply(Sample(), new RetentionLockChanged(At(8), true, "in the paper"));
        var unlocked = Apply(locked, new RetentionLockChanged(At(9), false, null));

        Assert.Equal((true, "in the paper"), (RunInfo.Of(locked, RunPath, Running, Seq1(Other)).Locked, locked.LockReason));
        Assert.False(RunInfo.Of(unlocked, RunPath, Running, Seq1(Other)).Locked);
    }

    [Fact]
    public void Param_and_metric_keys_are_case_sensitive()
    {
        var m = Manifest.Start(Created(M(("Lr", I(1)), ("lr", I(2)))));
        var info = RunInfo.Of(m, RunPath, Pending, Seq<ProcessInfo>());
        Assert.Equal((1L, 2L), ((long)info.Params["Lr"]!, (long)info.Params["lr"]!));
        Assert.False(info.Params.ContainsKey("LR"));
    }

    [Fact]
    public void StageResult_describes_an_attempt()
    {
        var m = Apply(Sample(), Ended(8, "train", 1, StageStatus.Completed, Seq1(File("model.zip", 'm', 5))));
        var stage = m.Stage("train")!;
        var result = StageResult.Of(m, stage, RunPath, skipped: true, "completed with the same inputs and outputs");

        Assert.Equal(
            new StageResult(RunName, "train", 1, "Completed", true, "completed with the same inputs and outputs", At(4), At(8),
                TimeSpan.FromSeconds(4), result.Outputs, "logs/train.log", null, RunPath),
            result);
        Assert.Equal([File("model.zip", 'm', 5)], result.Outputs);
    }

    [Fact]
    public void ArtifactRecord_resolves_the_full_path()
    {
        var a = new Artifact("models/model.zip", Sha('m'), 5, ArtifactKind.Model, "train", At(3));
        Assert.Equal(
            new ArtifactRecord(RunName, "models/model.zip", Path.Combine(RunPath, "models/model.zip"), Sha('m'), 5, "Model", "train", At(3), RunPath),
            ArtifactRecord.Of(NewRun(), a, RunPath));
    }
}

public sealed class SelectionMetricTests
{
    const string RunPath = "/runs/20260301_120000_baseline";

    static RunInfo Info(ConfigValue config, params (string Name, double Value)[] metrics)
    {
        var m = Apply(Manifest.Start(Created(config)), Status(1, Pending, Running));
        var seq = 2;
        foreach (var (name, value) in metrics) m = Apply(m, new MetricWritten(At(seq++), name, value, null, null));
        return RunInfo.Of(m, RunPath, Running, Seq<ProcessInfo>());
    }

    [Fact]
    public void The_score_is_the_cross_validated_training_metric()
    {
        var info = Info(M(("training", M(("metric", S("accuracy"))))), ("cv/auc", 0.9), ("cv/accuracy", 0.8), ("cv/accuracy/sd", 0.01));
        Assert.Equal(("cv/accuracy", (double?)0.8), (info.ScoreMetric, info.Score));
    }

    [Fact]
    public void Without_a_metric_the_task_default_is_the_score()
    {
        var info = Info(M(("training", M(("task", S("regression"))))), ("cv/mae", 2), ("other/cv/rmse", 3));
        Assert.Equal(("other/cv/rmse", (double?)3), (info.ScoreMetric, info.Score));
    }

    [Fact]
    public void A_run_without_a_training_section_or_without_the_metric_has_no_score()
    {
        Assert.Null(Info(M(("model", I(1))), ("cv/auc", 0.9)).Score);
        Assert.Null(Info(M(("training", M(("metric", S("auc"))))), ("auc", 0.9)).ScoreMetric);
    }
}
