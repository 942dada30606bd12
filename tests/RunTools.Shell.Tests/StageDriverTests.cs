using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Training;
using RunTools.Stages;

namespace RunTools.Shell.Tests;

/// <summary>A caller of the stage driver: records what it is shown, answers ShouldProcess, and can stop (as Ctrl+C
/// does) at the first message that matches.</summary>
sealed class TestHost(bool confirm = true, Func<StageMessage, bool>? stopAt = null) : IStageHost
{
    public List<StageMessage> Shown { get; } = [];
    public List<string> Asked { get; } = [];

    public bool ShouldProcess(string target, string action)
    {
        Asked.Add(action);
        return confirm;
    }

    public void Write(StageMessage message)
    {
        if (stopAt?.Invoke(message) == true) throw new OperationStoppedException();
        Shown.Add(message);
    }

    public bool IsStop(Exception e) => e is OperationStoppedException;

    public CancellationTokenSource Stopping { get; } = new();

    public sealed class OperationStoppedException : Exception;
}

/// <summary>A small trained run (binary, 5 folds, logistic regression with a production model), made once.</summary>
public sealed class SmallTraining : IDisposable
{
    public TempDirectory Temp { get; } = new();
    public string Root => Temp.File("runs");
    public string Data { get; }
    public string Config { get; }
    public string Run { get; }

    public SmallTraining()
    {
        var random = new Random(7);
        var csv = new StringBuilder("id,x1,x2,label\n");
        for (var i = 0; i < 200; i++)
        {
            double x1 = random.NextDouble() * 2 - 1, x2 = random.NextDouble() * 2 - 1;
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-3 * (x1 + x2))) ? 1 : 0;
            csv.Append(CultureInfo.InvariantCulture, $"{i},{x1:R},{x2:R},{label}\n");
        }
        Data = Temp.Write("small.csv", csv.ToString());
        Config = Temp.Write("config.yaml", """
            data: { label: label, id: id }
            folds: { kind: stratified, k: 5, seed: 3, production: true }
            training:
              task: binary
              candidates:
                - { trainer: lbfgs, grid: { l2: [1.0] } }
            """);
        Run = NewRun(Root, Seq1((Config, Config)), Seq1((Data, Data)));
        Stages.PlanFolds(Run, new TestHost());
        Stages.Train(Run, new TestHost());
    }

    public static string NewRun(string root, Seq<(string, string)> configs, Seq<(string, string)> data, string? from = null, Seq<RunTools.Config.ConfigOverride> overrides = default) =>
        Expect.Succ(RunFactory.Plan(new NewRunRequest(root, "small", configs, overrides, data, [], [], root, "7.6.9") { From = from }).Bind(RunFactory.Execute)).Path!;

    public void Dispose() => Temp.Dispose();
}

/// <summary>The built-in stages as their cmdlets drive them.</summary>
static class Stages
{
    public static StageRun PlanFolds(string run, IStageHost host, bool force = false)
    {
        var manifest = Expect.Succ(RunStore.Read(run));
        return StageDriver.Run(new StageJob(run, Expect.Succ(FoldPlanWorkflow.Spec(manifest, "folds", [], force)), "plan folds",
            new PreparedBody(() => FoldPlanWorkflow.Prepare(manifest, "folds", []).Map(s => (StageBody)FoldPlanWorkflow.Body(s)))), host);
    }

    public static StageRun Train(string run, IStageHost host, bool force = false)
    {
        var manifest = Expect.Succ(RunStore.Read(run));
        return StageDriver.Run(new StageJob(run, Expect.Succ(TrainingWorkflow.Spec(manifest, "folds", "train", force)), "train",
            new PreparedBody(() => TrainingWorkflow.Prepare(manifest, "folds").Map(s => (StageBody)TrainingWorkflow.Body(s)))), host);
    }
}

public sealed class StageDriverTests(SmallTraining trained) : IClassFixture<SmallTraining>, IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    string EmptyRun() => SmallTraining.NewRun(temp.File("runs"), [], []);

    static StageJob Job(string run, string stage, Func<StageAttempt, StageBodyResult> body, params string[] outputs) =>
        new(run, new StageSpec(stage, [], [], toSeq(outputs), false, $"test {stage}"), $"Run stage '{stage}'", new CallerBody(body));

    static StageBodyResult Write(StageAttempt attempt, string file, string text)
    {
        File.WriteAllText(Path.Combine(attempt.RunDirectory, file), text);
        return StageBodyResult.Of(new StageSucceeded());
    }

    [Fact]
    public void A_stage_that_runs_is_finished_and_one_that_did_not_change_is_skipped()
    {
        var run = EmptyRun();
        var host = new TestHost();
        var finished = Assert.IsType<StageRun.Finished>(StageDriver.Run(Job(run, "s", a => Write(a, "o.txt", "x"), "o.txt"), host));
        Assert.Equal((StageStatus.Completed, "never ran"), (finished.Stage.Status, finished.Reason));
        Assert.Contains(host.Asked, a => a == "Run stage 's' (never ran)");
        var skipped = Assert.IsType<StageRun.Skipped>(StageDriver.Run(Job(run, "s", a => throw new InvalidOperationException("must not run"), "o.txt"), host));
        Assert.Equal("completed with the same inputs and outputs", skipped.Reason);
    }

    [Fact]
    public void A_declined_stage_writes_nothing()
    {
        var run = EmptyRun();
        var before = File.ReadAllBytes(Path.Combine(run, RunLayout.Events));
        Assert.IsType<StageRun.Declined>(StageDriver.Run(Job(run, "s", a => Write(a, "o.txt", "x"), "o.txt"), new TestHost(confirm: false)));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, RunLayout.Events)));
        Assert.False(File.Exists(Path.Combine(run, "o.txt")));
    }

    [Fact]
    public void A_body_that_throws_fails_the_stage_and_the_run_never_stays_running()
    {
        var run = EmptyRun();
        var failed = Assert.IsType<StageRun.Failed>(StageDriver.Run(Job(run, "s", _ => throw new InvalidOperationException("boom")), new TestHost()));
        Assert.Contains("boom", failed.Error.Message);
        var m = Expect.Succ(RunStore.Read(run));
        Assert.Equal((StageStatus.Failed, RunStatus.Failed), (m.Stage("s")!.Status, m.Status));
    }

    [Fact]
    public void A_caller_that_stops_before_the_body_starts_cancels_the_stage_without_running_it()
    {
        var run = EmptyRun();
        var ran = false;
        var host = new TestHost(stopAt: m => m is StageVerbose);
        Assert.IsType<StageRun.Cancelled>(StageDriver.Run(Job(run, "s", a => { ran = true; return Write(a, "o.txt", "x"); }), host));
        Assert.False(ran);
        var m = Expect.Succ(RunStore.Read(run));
        Assert.Equal((StageStatus.Cancelled, RunStatus.Cancelled), (m.Stage("s")!.Status, m.Status));
    }

    [Fact]
    public void A_training_reports_progress_through_the_host_and_notes_into_the_run()
    {
        var run = SmallTraining.NewRun(temp.File("runs"), Seq1((trained.Config, trained.Config)), Seq1((trained.Data, trained.Data)));
        var host = new TestHost();
        Assert.IsType<StageRun.Finished>(Stages.PlanFolds(run, host, force: true));
        Assert.IsType<StageRun.Finished>(Stages.Train(run, host, force: true));
        Assert.Contains(host.Shown, m => m is StageProgress { Percent: > 0 and < 100 });
        Assert.Contains(host.Shown, m => m is StageProgress { Status: "done" });
        Assert.Contains(host.Shown, m => m is StageVerbose v && v.Text.Contains("outer fold", StringComparison.Ordinal));
    }

    // ---- inference through the driver --------------------------------------------------------------------------

    InferencePlan PlanInference(string output)
    {
        var request = new InferenceRequest(trained.Run, trained.Data, trained.Data, output, false, "production", "train", null, temp.File("inference"),
            temp.Path, "7.6.9");
        return Expect.Succ(InferenceWorkflow.Plan(request));
    }

    [Fact]
    public void Inference_shows_progress_and_completes_its_run()
    {
        var host = new TestHost();
        var (stopped, done) = Expect.Succ(InferenceWorkflow.Execute(PlanInference(temp.File("p.parquet")), host));
        Assert.False(stopped);
        Assert.Equal(RunStatus.Completed, done!.Run.Status);
        Assert.Contains(host.Shown, m => m is StageProgress { Activity: var a } && a.StartsWith("predict:", StringComparison.Ordinal));
        Assert.Empty(host.Asked); // confirmed once, by the cmdlet, for the whole inference
    }

    [Fact]
    public void Stopping_an_inference_records_its_stage_and_run_as_cancelled_and_writes_no_predictions()
    {
        var output = temp.File("stopped.parquet");
        var host = new TestHost(stopAt: m => m is StageProgress);
        var (stopped, done) = Expect.Succ(InferenceWorkflow.Execute(PlanInference(output), host));
        Assert.True(stopped);
        Assert.Null(done);
        var run = Assert.Single(Directory.GetDirectories(temp.File("inference")), d => !Path.GetFileName(d).StartsWith('.'));
        var m = Expect.Succ(RunStore.Read(run));
        Assert.Equal((StageStatus.Cancelled, RunStatus.Cancelled), (m.Stage(RunLayout.InferenceStage)!.Status, m.Status));
        Assert.False(File.Exists(output));
    }

    // ---- derived runs reuse a training ------------------------------------------------------------------------

    [Fact]
    public void A_derived_run_reuses_the_fold_plan_and_the_training_with_identical_files_and_metrics()
    {
        var parent = Expect.Succ(RunStore.Read(trained.Run));
        var child = SmallTraining.NewRun(trained.Root, [], [], from: trained.Run);
        var folds = Assert.IsType<StageRun.Finished>(Stages.PlanFolds(child, new TestHost()));
        var train = Assert.IsType<StageRun.Finished>(Stages.Train(child, new TestHost()));
        Assert.Equal($"{parent.Name}/folds/1", folds.Stage.ReusedFrom);
        Assert.Equal($"{parent.Name}/train/1", train.Stage.ReusedFrom);
        var m = Expect.Succ(RunStore.Read(child));
        foreach (var output in parent.Stage("train")!.Outputs.Concat(parent.Stage("folds")!.Outputs))
            Assert.Equal(output.Sha256, Sha256(Path.Combine(child, output.Path)));
        Assert.Equal(parent.Metrics.Filter(x => x.Stage == "train").Map(x => (x.Name, x.Last)), m.Metrics.Filter(x => x.Stage == "train").Map(x => (x.Name, x.Last)));
        Assert.NotNull(m.FoldPlan("folds"));
        Assert.All(Expect.Succ(RunInspection.Verify(child, lineage: true)), c => Assert.True(c.Passed, c.ToString() + " " + c.Detail));
        Assert.All(Expect.Succ(RunInspection.Verify(trained.Run, lineage: false)), c => Assert.True(c.Passed, c.ToString() + " " + c.Detail));
        // The derived run's own inference works from the reused production model.
        Assert.True(m.Artifacts.Exists(a => a.Path == "models/production/model.json"));
    }

    [Fact]
    public void A_derived_run_with_a_changed_training_setting_trains_again_and_says_why()
    {
        var child = SmallTraining.NewRun(trained.Root, [], [], from: trained.Run,
            overrides: Seq1(Expect.Succ(RunTools.Config.ConfigOverrides.Parse("training.metric=accuracy"))));
        var folds = Assert.IsType<StageRun.Finished>(Stages.PlanFolds(child, new TestHost()));
        Assert.NotNull(folds.Stage.ReusedFrom);
        var train = Assert.IsType<StageRun.Finished>(Stages.Train(child, new TestHost()));
        Assert.Null(train.Stage.ReusedFrom);
        Assert.Equal("never ran", train.Reason);
        // Within the run, a second invocation with the same setting is skipped; the record carries the config keys read.
        Assert.Contains(train.Stage.Fingerprint!.ConfigKeys, k => k.Name == "training");
    }

    static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}

/// <summary>One stage driver: no other code builds a stage's start or end, or records one.</summary>
public sealed class OneStageEngineTests
{
    static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RunTools.sln"))) return dir.FullName;
        throw new InvalidOperationException("no repository root above " + AppContext.BaseDirectory);
    }

    static IEnumerable<(string File, string Text)> Sources() =>
        new[] { "src", "module" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Path.GetRelativePath(Root, f).Replace('\\', '/'), File.ReadAllText(f)));

    static string[] FilesMatching(string pattern) =>
        Sources().Where(s => Regex.IsMatch(s.Text, pattern)).Select(s => s.File).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Stage_start_and_end_events_are_built_only_by_the_planner_and_read_back_only_by_the_serializer() =>
        Assert.Equal(["src/RunTools.Core/Serialization/RunJson.cs", "src/RunTools.Core/Stages/StagePlanner.cs"],
            FilesMatching(@"new\s+Stage(Started|Ended)\s*\("));

    [Fact]
    public void Only_the_driver_records_a_stage_start_reuse_or_end() =>
        Assert.Equal(["module/RunTools.Shell/Stages/StageDriver.cs"], FilesMatching(@"StageRunner\.(Begin|Finish|Reuse)\s*\("));

    [Fact]
    public void Cmdlets_and_workflows_do_not_read_the_clock_the_shell_has_one() =>
        Assert.Equal(["module/RunTools.Shell/Hosting/Clock.cs"],
            FilesMatching(@"DateTime(Offset)?\.(Utc)?Now\b").Where(f => f.StartsWith("module/", StringComparison.Ordinal)).ToArray());
}
