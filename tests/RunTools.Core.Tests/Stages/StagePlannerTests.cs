using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Stages;
using RunTools.Tests.Config;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Stages;

public sealed class StagePlannerDecideTests
{
    static readonly DateTimeOffset Now = At(100);
    static readonly FileHash TrainCsv = File("data/train.csv", 'd', 4096);
    static readonly FileHash Prepared = File("prepared.parquet", 'p', 2048);
    const string Command = "scriptblock sha256:11";

    static StageName Name(string stage) => Expect.Succ(Names.StageName(stage));

    /// <summary>A running run whose 'prepare' stage completed (attempt 1) reading train.csv and writing prepared.parquet.</summary>
    static RunManifest Prepared_() => Apply(StartedRun(),
        Started(2, "prepare", 1, Seq1(TrainCsv), command: Command),
        Ended(3, "prepare", 1, StageStatus.Completed, Seq1(Prepared)));

    static StageRequest Request(string stage = "prepare", Seq<string> dependsOn = default, Seq<FileHash>? inputs = null,
        Seq<string>? outputs = null, Seq<(string, FileHash?)>? recorded = null, bool force = false, string command = Command) =>
        new(Name(stage), dependsOn, inputs ?? Seq1(TrainCsv), outputs ?? Seq1("prepared.parquet"),
            recorded ?? Seq1<(string, FileHash?)>(("prepared.parquet", Prepared)), force, command);

    static StageStarted StartEvent(string stage, int attempt, Seq<string> dependsOn = default, Seq<FileHash>? inputs = null, string command = Command,
        string reason = "never ran") =>
        new(Now, stage, attempt, dependsOn, inputs ?? Seq1(TrainCsv), Me, command, $"logs/{stage}.log", Reason: reason);

    static Fin<StageDecision> Decide(RunManifest m, StageRequest r, RunStatus? observed = null, Seq<ProcessInfo>? live = null) =>
        StagePlanner.Decide(m, observed ?? m.Status, live ?? Seq1(Me), r, Me, Now);

    [Fact]
    public void A_first_run_starts_the_pending_run_and_the_stage()
    {
        var decision = Expect.Succ(Decide(NewRun(), Request(recorded: Seq<(string, FileHash?)>())));
        Assert.Equal(
            new StartStage(1, "never ran", Seq<RunEvent>(new RunStatusChanged(Now, RunStatus.Pending, RunStatus.Running, Me, null, null), StartEvent("prepare", 1))),
            decision);
    }

    [Fact]
    public void A_first_run_in_a_running_run_only_starts_the_stage() =>
        Assert.Equal(
            new StartStage(1, "never ran", Seq1<RunEvent>(StartEvent("train", 1, Seq1("prepare"), Seq1(Prepared), "train.ps1"))),
            Expect.Succ(Decide(Prepared_(), Request("train", Seq1("prepare"), Seq1(Prepared), Seq1("model.zip"), command: "train.ps1"))));

    [Fact]
    public void A_stage_that_completed_with_the_same_inputs_outputs_and_command_is_skipped()
    {
        var m = Prepared_();
        Assert.Equal(new SkipStage(m.Stage("prepare")!, "completed with the same inputs and outputs"), Expect.Succ(Decide(m, Request())));
    }

    [Fact]
    public void Skipping_needs_no_running_run()
    {
        var m = Apply(Prepared_(), Status(4, RunStatus.Running, RunStatus.Completed));
        Assert.IsType<SkipStage>(Expect.Succ(Decide(m, Request())));
    }

    [Fact]
    public void Fewer_declared_outputs_than_recorded_still_skip() =>
        Assert.IsType<SkipStage>(Expect.Succ(Decide(Prepared_(), Request(outputs: Seq<string>()))));

    public static TheoryData<string, StageRequest> Reruns() => new()
    {
        { "inputs changed: data/train.csv", Request(inputs: Seq1(TrainCsv with { Sha256 = Sha('e') })) },
        { "inputs changed: data/extra.csv", Request(inputs: Seq(TrainCsv, File("data/extra.csv", 'x'))) },
        { "inputs changed: data/train.csv", Request(inputs: Seq<FileHash>()) },
        { "inputs changed: data/b.csv, data/train.csv", Request(inputs: Seq1(File("data/b.csv", 'b'))) },
        { "the stage's command changed", Request(command: "scriptblock sha256:22") },
        { "new outputs declared: report.html, plot.png", Request(outputs: Seq("prepared.parquet", "report.html", "plot.png")) },
        { "outputs missing or changed: prepared.parquet", Request(recorded: Seq1<(string, FileHash?)>(("prepared.parquet", null))) },
        { "outputs missing or changed: prepared.parquet", Request(recorded: Seq1<(string, FileHash?)>(("prepared.parquet", Prepared with { Sha256 = Sha('q') }))) },
        { "outputs missing or changed: prepared.parquet", Request(recorded: Seq<(string, FileHash?)>()) },
        { "forced", Request(force: true) },
    };

    [Theory]
    [MemberData(nameof(Reruns))]
    public void A_completed_stage_runs_again_when_something_changed(string reason, StageRequest request) =>
        Assert.Equal(
            new StartStage(2, reason, Seq1<RunEvent>(StartEvent("prepare", 2, request.DependsOn, request.Inputs, request.Command, reason))),
            Expect.Succ(Decide(Prepared_(), request)));

    [Fact]
    public void Inputs_are_checked_before_the_command_and_the_command_before_outputs() =>
        Assert.Equal("inputs changed: data/train.csv",
            Assert.IsType<StartStage>(Expect.Succ(Decide(Prepared_(), Request(inputs: Seq1(TrainCsv with { Sha256 = Sha('e') }), command: "x",
                recorded: Seq<(string, FileHash?)>())))).Reason);

    [Theory]
    [InlineData(StageStatus.Failed, "the last attempt is failed")]
    [InlineData(StageStatus.Cancelled, "the last attempt is cancelled")]
    public void A_stage_whose_last_attempt_did_not_complete_runs_again(StageStatus ended, string reason)
    {
        var m = Apply(StartedRun(), Started(2, "prepare", 1, Seq1(TrainCsv), command: Command), Ended(3, "prepare", 1, ended, Seq1(Prepared)));
        Assert.Equal(new StartStage(2, reason, Seq1<RunEvent>(StartEvent("prepare", 2, reason: reason))), Expect.Succ(Decide(m, Request())));
    }

    [Fact]
    public void A_stage_left_running_by_a_dead_process_runs_again()
    {
        var m = Apply(StartedRun(), Started(2, "prepare", 1, Seq1(TrainCsv), command: Command, by: Other));
        var decision = Assert.IsType<StartStage>(Expect.Succ(Decide(m, Request(), live: Seq1(Me))));
        Assert.Equal((2, "the last attempt is abandoned"), (decision.Attempt, decision.Reason));
        Assert.Equal(2, Apply(m, decision.Events.ToArray()).Stage("prepare")!.Attempt);
    }

    [Fact]
    public void A_stage_still_running_in_a_live_process_is_refused_even_with_force()
    {
        var m = Apply(StartedRun(), Started(2, "prepare", 1, Seq1(TrainCsv), command: Command, by: Other));
        var expected = new IllegalTransition("Stage 'prepare'", "running", "running again (process 777 on host-b is still running it)");
        Expect.Error(expected, Decide(m, Request(), live: Seq(Me, Other)));
        Expect.Error(expected, Decide(m, Request(force: true), live: Seq1(Other)));
    }

    [Fact]
    public void A_dependency_that_never_ran_is_refused()
    {
        Expect.Error(new StageDependencyNotCompleted("train", "prepare", "pending"), Decide(StartedRun(), Request("train", Seq1("prepare"))));
        var error = Assert.IsType<StageDependencyNotCompleted>(Expect.Fail(Decide(StartedRun(), Request("train", Seq1("prepare")))));
        Assert.Equal("Stage 'train' depends on 'prepare', which is pending, not completed.", error.Message);
        Assert.Equal((1401, ErrorKind.InvalidOperation, (object?)"prepare"), (error.Code, error.Kind, error.Target));
    }

    [Theory]
    [InlineData(StageStatus.Failed, "failed")]
    [InlineData(StageStatus.Cancelled, "cancelled")]
    public void A_dependency_that_did_not_complete_is_refused(StageStatus ended, string text)
    {
        var m = Apply(StartedRun(), Started(2, "prepare"), Ended(3, "prepare", 1, ended));
        Expect.Error(new StageDependencyNotCompleted("train", "prepare", text), Decide(m, Request("train", Seq1("prepare"), force: true)));
    }

    [Fact]
    public void A_running_dependency_is_reported_as_observed()
    {
        var m = Apply(StartedRun(), Started(2, "prepare", by: Other));
        Expect.Error(new StageDependencyNotCompleted("train", "prepare", "running"), Decide(m, Request("train", Seq1("prepare")), live: Seq1(Other)));
        Expect.Error(new StageDependencyNotCompleted("train", "prepare", "abandoned"), Decide(m, Request("train", Seq1("prepare")), live: Seq1(Me)));
    }

    [Fact]
    public void The_first_dependency_that_is_not_completed_is_the_error()
    {
        var m = Prepared_();
        Expect.Error(new StageDependencyNotCompleted("report", "train", "pending"),
            Decide(m, Request("report", Seq("prepare", "train", "eval"))));
    }

    [Fact]
    public void Dependencies_are_checked_before_skipping()
    {
        // 'prepare' completed, then 'train' completed, then 'prepare' failed on a rerun: 'train' cannot be skipped.
        var m = Apply(Prepared_(),
            Started(4, "train", 1, Seq1(Prepared), Seq1("prepare"), "t"), Ended(5, "train", 1, StageStatus.Completed),
            Started(6, "prepare", 2, Seq1(TrainCsv), command: Command), Ended(7, "prepare", 2, StageStatus.Failed));
        Expect.Error(new StageDependencyNotCompleted("train", "prepare", "failed"),
            Decide(m, Request("train", Seq1("prepare"), Seq1(Prepared), Seq<string>(), Seq<(string, FileHash?)>(), command: "t")));
    }

    [Fact]
    public void A_stage_in_a_completed_run_cannot_start() =>
        Expect.Error(new IllegalTransition($"Run '{RunName}'", "completed", "running"),
            Decide(Apply(Prepared_(), Status(4, RunStatus.Running, RunStatus.Completed)), Request("train")));

    [Theory]
    [InlineData(RunStatus.Failed, "resumed after failed")]
    [InlineData(RunStatus.Cancelled, "resumed after cancelled")]
    public void A_stage_resumes_a_failed_or_cancelled_run(RunStatus status, string message)
    {
        var m = Apply(Prepared_(), Status(4, RunStatus.Running, status));
        Assert.Equal(
            new StartStage(1, "never ran", Seq<RunEvent>(new RunStatusChanged(Now, status, RunStatus.Running, Me, message, null), StartEvent("train", 1))),
            Expect.Succ(Decide(m, Request("train", recorded: Seq<(string, FileHash?)>()))));
    }

    [Fact]
    public void A_stage_takes_over_an_abandoned_run()
    {
        var m = Prepared_();
        var decision = Expect.Succ(Decide(m, Request("train", recorded: Seq<(string, FileHash?)>()), RunStatus.Abandoned, Seq<ProcessInfo>()));
        Assert.Equal(
            new StartStage(1, "never ran", Seq<RunEvent>(
                new RunStatusChanged(Now, RunStatus.Abandoned, RunStatus.Running, Me, "taken over: the previous process is gone", null),
                StartEvent("train", 1))),
            decision);
        Assert.Equal(RunStatus.Running, Apply(m, ((StartStage)decision).Events.ToArray()).Status);
    }
}

public sealed class StagePlannerEndTests
{
    static readonly DateTimeOffset Now = At(50);
    static readonly FileHash ModelZip = File("model.zip", 'm', 777);
    static readonly FileHash Metrics = File("reports/metrics.json", 'j', 12);

    /// <summary>A running run in which 'train' attempt 2 is running.</summary>
    static RunManifest Training() => Apply(StartedRun(),
        Started(2, "train"), Ended(3, "train", 1, StageStatus.Failed), Status(4, RunStatus.Running, RunStatus.Failed),
        Status(5, RunStatus.Failed, RunStatus.Running), Started(6, "train", 2));

    static Seq<RunEvent> End(StageOutcome outcome, params (string, FileHash?)[] outputs) =>
        StagePlanner.End(Training(), "train", 2, outcome, toSeq(outputs), Me, Now);

    static ArtifactAdded ArtifactFor(FileHash h, ArtifactKind kind) => new(Now, new Artifact(h.Path, h.Sha256, h.Bytes, kind, "train", Now));

    [Fact]
    public void Success_with_every_output_completes_the_stage_and_registers_the_outputs()
    {
        var events = End(new StageSucceeded(), ("model.zip", ModelZip), ("reports/metrics.json", Metrics));
        Assert.Equal(
            Seq<RunEvent>(ArtifactFor(ModelZip, ArtifactKind.Model), ArtifactFor(Metrics, ArtifactKind.File),
                new StageEnded(Now, "train", 2, StageStatus.Completed, Seq(ModelZip, Metrics), null)),
            events);

        var m = Apply(Training(), events.ToArray());
        Assert.Equal(RunStatus.Running, m.Status);
        Assert.Equal(
            new StageRecord("train", 2, StageStatus.Completed, At(6), Now, Seq<string>(), Seq<FileHash>(), Seq(ModelZip, Metrics), null, Me,
                "scriptblock sha256:aa", "logs/train.log"),
            m.Stage("train"));
        Assert.Equal(Seq("model.zip", "reports/metrics.json"), m.Artifacts.Map(a => a.Path));
    }

    [Fact]
    public void Success_without_declared_outputs_is_just_the_end() =>
        Assert.Equal(Seq1<RunEvent>(new StageEnded(Now, "train", 2, StageStatus.Completed, Seq<FileHash>(), null)), End(new StageSucceeded()));

    [Fact]
    public void Success_with_a_missing_declared_output_fails_the_stage_and_the_run_keeping_what_was_written()
    {
        var error = new ErrorInfo("StageOutputMissing", "Stage 'train' declared the output 'reports/metrics.json' but did not write it.", "train", Now);
        var events = End(new StageSucceeded(), ("model.zip", ModelZip), ("reports/metrics.json", null), ("plot.png", null));

        Assert.Equal(
            Seq<RunEvent>(ArtifactFor(ModelZip, ArtifactKind.Model),
                new StageEnded(Now, "train", 2, StageStatus.Failed, Seq1(ModelZip), error),
                new RunStatusChanged(Now, RunStatus.Running, RunStatus.Failed, Me, "stage 'train' failed", error)),
            events);

        var m = Apply(Training(), events.ToArray());
        Assert.Equal((RunStatus.Failed, error, StageStatus.Failed), (m.Status, m.LastError, m.Stage("train")!.Status));
        Assert.Equal(Seq1("model.zip"), m.Artifacts.Map(a => a.Path));
    }

    [Fact]
    public void An_error_fails_the_stage_and_the_run_with_the_error_and_keeps_partial_outputs()
    {
        var failure = new StageCommandFailed("train", "python train.py", 3);
        var error = new ErrorInfo("NativeCommandExitException", "Stage 'train': 'python train.py' exited with code 3.", "train", Now);
        var events = End(new StageErrored(failure, "NativeCommandExitException"), ("model.zip", null), ("reports/metrics.json", Metrics));

        Assert.Equal(
            Seq<RunEvent>(ArtifactFor(Metrics, ArtifactKind.File),
                new StageEnded(Now, "train", 2, StageStatus.Failed, Seq1(Metrics), error),
                new RunStatusChanged(Now, RunStatus.Running, RunStatus.Failed, Me, "stage 'train' failed", error)),
            events);
        var m = Apply(Training(), events.ToArray());
        Assert.Equal((RunStatus.Failed, (DateTimeOffset?)Now, error), (m.Status, m.EndedAt, m.LastError));
    }

    [Fact]
    public void Cancellation_cancels_the_stage_and_the_run()
    {
        var error = new ErrorInfo("StageCancelled", "Stage 'train' was cancelled.", "train", Now);
        var events = End(new StageWasCancelled(), ("model.zip", null));

        Assert.Equal(
            Seq<RunEvent>(
                new StageEnded(Now, "train", 2, StageStatus.Cancelled, Seq<FileHash>(), error),
                new RunStatusChanged(Now, RunStatus.Running, RunStatus.Cancelled, Me, "stage 'train' was cancelled", error)),
            events);
        var m = Apply(Training(), events.ToArray());
        Assert.Equal((RunStatus.Cancelled, StageStatus.Cancelled, error), (m.Status, m.Stage("train")!.Status, m.LastError));
    }

    [Fact]
    public void A_stage_that_fails_in_a_run_no_longer_running_leaves_the_run_status_alone()
    {
        var m = Apply(Training(), Status(7, RunStatus.Running, RunStatus.Cancelled));
        var failure = new StageScriptFailed("train", "System.Exception", "boom");
        var events = StagePlanner.End(m, "train", 2, new StageErrored(failure, "System.Exception"), Seq<(string, FileHash?)>(), Me, Now);

        Assert.Equal(
            Seq1<RunEvent>(new StageEnded(Now, "train", 2, StageStatus.Failed, Seq<FileHash>(), new ErrorInfo("System.Exception", "Stage 'train' failed: boom", "train", Now))),
            events);
        Assert.Equal(RunStatus.Cancelled, Apply(m, events.ToArray()).Status);
    }

    [Fact]
    public void ErrorOf_is_the_error_an_attempt_surfaces()
    {
        var failure = new StageScriptFailed("train", "System.Exception", "boom");
        var outputs = Seq<(string, FileHash?)>(("model.zip", ModelZip), ("a.csv", null), ("b.csv", null));
        Assert.Equal(failure, StagePlanner.ErrorOf(new StageErrored(failure, "System.Exception"), "train", outputs));
        Assert.Equal(new StageCancelled("train"), StagePlanner.ErrorOf(new StageWasCancelled(), "train", outputs));
        Assert.Equal(new StageOutputMissing("train", "a.csv"), StagePlanner.ErrorOf(new StageSucceeded(), "train", outputs));
        Assert.Null(StagePlanner.ErrorOf(new StageSucceeded(), "train", outputs.Take(1).ToSeq()));
    }

    [Theory]
    [InlineData("model.zip", ArtifactKind.Model)]
    [InlineData("m/model.ONNX", ArtifactKind.Model)]
    [InlineData("data.parquet", ArtifactKind.Table)]
    [InlineData("a.csv", ArtifactKind.Table)]
    [InlineData("a.tsv", ArtifactKind.Table)]
    [InlineData("p.png", ArtifactKind.Plot)]
    [InlineData("p.svg", ArtifactKind.Plot)]
    [InlineData("p.jpg", ArtifactKind.Plot)]
    [InlineData("logs/train.log", ArtifactKind.Log)]
    [InlineData("c.yaml", ArtifactKind.Config)]
    [InlineData("c.yml", ArtifactKind.Config)]
    [InlineData("metrics.json", ArtifactKind.File)]
    [InlineData("noext", ArtifactKind.File)]
    public void Artifact_kinds_follow_the_extension(string path, ArtifactKind kind) => Assert.Equal(kind, StagePlanner.KindOf(path));

    [Fact]
    public void Logs_live_under_logs() => Assert.Equal("logs/train.log", RunLayout.LogFor("train"));
}
