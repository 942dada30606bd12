using RunTools.Domain;
using RunTools.Tests.Config;
using static RunTools.Domain.RunStatus;

namespace RunTools.Tests.Domain;

public sealed class LifecycleTests
{
    // The rules as Lifecycle's documentation states them, written out independently of its tables.
    // Runs: pending → running | cancelled; running → completed | failed | cancelled; failed | cancelled → running
    // (resume); abandoned → running (take over) | failed | cancelled (close); completed is sealed.
    static readonly System.Collections.Generic.HashSet<(RunStatus, RunStatus)> DocumentedRun =
    [
        (Pending, Running), (Pending, Cancelled),
        (Running, Completed), (Running, Failed), (Running, Cancelled),
        (Failed, Running), (Cancelled, Running),
        (Abandoned, Running), (Abandoned, Failed), (Abandoned, Cancelled),
    ];

    // Stages: a first attempt starts (pending → running); each attempt ends running → completed | failed | cancelled;
    // a finished or abandoned stage can start a new attempt (→ running).
    static readonly System.Collections.Generic.HashSet<(StageStatus, StageStatus)> DocumentedStage =
    [
        (StageStatus.Pending, StageStatus.Running),
        (StageStatus.Running, StageStatus.Completed), (StageStatus.Running, StageStatus.Failed), (StageStatus.Running, StageStatus.Cancelled),
        (StageStatus.Completed, StageStatus.Running), (StageStatus.Failed, StageStatus.Running),
        (StageStatus.Cancelled, StageStatus.Running), (StageStatus.Abandoned, StageStatus.Running),
    ];

    public static TheoryData<RunStatus, RunStatus> RunPairs()
    {
        var data = new TheoryData<RunStatus, RunStatus>();
        foreach (var from in Enum.GetValues<RunStatus>())
        foreach (var to in Enum.GetValues<RunStatus>())
            data.Add(from, to);
        return data;
    }

    public static TheoryData<StageStatus, StageStatus> StagePairs()
    {
        var data = new TheoryData<StageStatus, StageStatus>();
        foreach (var from in Enum.GetValues<StageStatus>())
        foreach (var to in Enum.GetValues<StageStatus>())
            data.Add(from, to);
        return data;
    }

    [Fact]
    public void Every_status_pair_is_covered()
    {
        Assert.Equal(36, RunPairs().Count);
        Assert.Equal(36, StagePairs().Count);
    }

    [Theory]
    [MemberData(nameof(RunPairs))]
    public void Run_transition_is_legal_exactly_when_documented(RunStatus from, RunStatus to)
    {
        var result = Lifecycle.Transition("Run 'r1'", from, to);
        if (DocumentedRun.Contains((from, to)))
        {
            Assert.True(Lifecycle.IsLegal(from, to));
            Assert.Equal(to, Expect.Succ(result));
        }
        else
        {
            Assert.False(Lifecycle.IsLegal(from, to));
            Expect.Error(new IllegalTransition("Run 'r1'", from.ToString().ToLowerInvariant(), to.ToString().ToLowerInvariant()), result);
        }
    }

    [Theory]
    [MemberData(nameof(StagePairs))]
    public void Stage_transition_is_legal_exactly_when_documented(StageStatus from, StageStatus to)
    {
        var result = Lifecycle.Transition("Stage 'train'", from, to);
        if (DocumentedStage.Contains((from, to)))
        {
            Assert.True(Lifecycle.IsLegal(from, to));
            Assert.Equal(to, Expect.Succ(result));
        }
        else
        {
            Assert.False(Lifecycle.IsLegal(from, to));
            Expect.Error(new IllegalTransition("Stage 'train'", from.ToString().ToLowerInvariant(), to.ToString().ToLowerInvariant()), result);
        }
    }

    [Fact]
    public void The_tables_are_the_documented_rules_without_duplicates()
    {
        Assert.Equal(DocumentedRun.Count, Lifecycle.RunTransitions.Count);
        Assert.Equal(DocumentedRun, Lifecycle.RunTransitions.Select(t => (t.From, t.To)).ToHashSet());
        Assert.Equal(DocumentedStage.Count, Lifecycle.StageTransitions.Count);
        Assert.Equal(DocumentedStage, Lifecycle.StageTransitions.Select(t => (t.From, t.To)).ToHashSet());
    }

    [Fact]
    public void Nothing_leads_to_abandoned_or_pending_and_completed_runs_are_sealed()
    {
        Assert.DoesNotContain(Lifecycle.RunTransitions, t => t.To is Abandoned or Pending);
        Assert.DoesNotContain(Lifecycle.StageTransitions, t => t.To is StageStatus.Abandoned or StageStatus.Pending);
        Assert.DoesNotContain(Lifecycle.RunTransitions, t => t.From == Completed);
    }

    [Theory]
    [InlineData(Pending, false)]
    [InlineData(Running, false)]
    [InlineData(Completed, true)]
    [InlineData(Failed, true)]
    [InlineData(Cancelled, true)]
    [InlineData(Abandoned, false)]
    public void Finished_run_statuses(RunStatus status, bool finished) => Assert.Equal(finished, Lifecycle.IsFinished(status));

    [Theory]
    [InlineData(StageStatus.Pending, false)]
    [InlineData(StageStatus.Running, false)]
    [InlineData(StageStatus.Completed, true)]
    [InlineData(StageStatus.Failed, true)]
    [InlineData(StageStatus.Cancelled, true)]
    [InlineData(StageStatus.Abandoned, false)]
    public void Finished_stage_statuses(StageStatus status, bool finished) => Assert.Equal(finished, Lifecycle.IsFinished(status));

    [Fact]
    public void Status_text_is_the_lower_case_word()
    {
        Assert.Equal(["pending", "running", "completed", "failed", "cancelled", "abandoned"], Enum.GetValues<RunStatus>().Select(Lifecycle.Text));
        Assert.Equal(["pending", "running", "completed", "failed", "cancelled", "abandoned"], Enum.GetValues<StageStatus>().Select(Lifecycle.Text));
    }

    [Fact]
    public void An_illegal_transition_is_a_coded_invalid_operation_on_its_subject()
    {
        var error = Assert.IsType<IllegalTransition>(Expect.Fail(Lifecycle.Transition("Run 'r1'", Completed, Running)));
        Assert.Equal(1305, error.Code);
        Assert.Equal("Run 'r1' cannot change from 'completed' to 'running'.", error.Message);
        Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
        // No target of its own: the cmdlet reporting it names the offending input (the run's path, the stage name).
        Assert.Null(error.Target);
        Assert.Equal("IllegalTransition", error.ErrorId);
    }
}
