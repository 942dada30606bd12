using RunTools.Domain;
using RunTools.Manifests;
using static RunTools.Domain.RunStatus;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Manifests;

public sealed class LivenessTests
{
    static readonly TimeSpan Stale = TimeSpan.FromSeconds(90);
    static readonly DateTimeOffset Now = At(1000);

    static ObservedHeartbeat Beat(ProcessInfo p, ProcessState state, double ageSeconds, string? stage = null) =>
        new(new Heartbeat(p, Now.AddSeconds(-ageSeconds), stage), state);

    static RunManifest Stored(RunStatus status) => NewRun() with { Status = status };

    [Fact]
    public void The_default_stale_limit_is_ninety_seconds() => Assert.Equal(Stale, Liveness.DefaultStaleAfter);

    [Theory]
    [InlineData(ProcessState.Alive, 5000, Running)]      // a live local process, however old its heartbeat
    [InlineData(ProcessState.Gone, 0, Abandoned)]        // a dead local process, however fresh its heartbeat
    [InlineData(ProcessState.Remote, 10, Running)]       // a remote process with a fresh heartbeat
    [InlineData(ProcessState.Remote, 90, Running)]       // exactly at the limit still counts
    [InlineData(ProcessState.Remote, 90.001, Abandoned)] // a remote process with a stale heartbeat
    public void A_running_run_is_running_only_while_some_process_is_live(ProcessState state, double age, RunStatus expected) =>
        Assert.Equal(expected, Liveness.Observe(Stored(Running), Seq1(Beat(Me, state, age)), Now, Stale));

    [Fact]
    public void A_running_run_without_heartbeats_is_abandoned() =>
        Assert.Equal(Abandoned, Liveness.Observe(Stored(Running), Seq<ObservedHeartbeat>(), Now, Stale));

    [Fact]
    public void One_live_process_among_dead_ones_is_enough() =>
        Assert.Equal(Running, Liveness.Observe(Stored(Running),
            Seq(Beat(Me, ProcessState.Gone, 1), Beat(Other, ProcessState.Remote, 500), Beat(Other with { Pid = 9 }, ProcessState.Remote, 30)), Now, Stale));

    [Theory]
    [InlineData(Pending)]
    [InlineData(Completed)]
    [InlineData(Failed)]
    [InlineData(Cancelled)]
    public void Statuses_other_than_running_are_reported_as_stored(RunStatus stored)
    {
        Assert.Equal(stored, Liveness.Observe(Stored(stored), Seq<ObservedHeartbeat>(), Now, Stale));
        Assert.Equal(stored, Liveness.Observe(Stored(stored), Seq1(Beat(Me, ProcessState.Alive, 1)), Now, Stale));
    }

    [Fact]
    public void Live_processes_are_the_alive_and_the_fresh_remote_ones_in_order()
    {
        var third = new ProcessInfo(5, "host-c", T0);
        Assert.Equal(
            Seq(Me, third),
            Liveness.LiveProcesses(Seq(Beat(Me, ProcessState.Alive, 999), Beat(Other, ProcessState.Remote, 91), Beat(Other, ProcessState.Gone, 0),
                Beat(third, ProcessState.Remote, 0)), Now, Stale));
    }

    // ---- stages ---------------------------------------------------------------------------------------------

    static StageRecord Stage(StageStatus status, ProcessInfo by) =>
        new("train", 1, status, At(1), null, Seq<string>(), Seq<FileHash>(), Seq<FileHash>(), null, by, "cmd", "logs/train.log");

    [Fact]
    public void A_running_stage_whose_process_is_live_is_running() =>
        Assert.Equal(StageStatus.Running, Liveness.Observe(Stage(StageStatus.Running, Me), Seq(Other, Me)));

    [Fact]
    public void A_running_stage_whose_process_is_not_live_is_abandoned()
    {
        Assert.Equal(StageStatus.Abandoned, Liveness.Observe(Stage(StageStatus.Running, Me), Seq1(Other)));
        Assert.Equal(StageStatus.Abandoned, Liveness.Observe(Stage(StageStatus.Running, Me), Seq<ProcessInfo>()));
    }

    [Fact]
    public void A_process_that_reused_the_pid_later_does_not_keep_a_stage_alive() =>
        Assert.Equal(StageStatus.Abandoned, Liveness.Observe(Stage(StageStatus.Running, Me), Seq1(Me with { StartedAt = Me.StartedAt.AddMinutes(3) })));

    [Theory]
    [InlineData(StageStatus.Pending)]
    [InlineData(StageStatus.Completed)]
    [InlineData(StageStatus.Failed)]
    [InlineData(StageStatus.Cancelled)]
    public void Finished_stages_are_reported_as_stored(StageStatus status) =>
        Assert.Equal(status, Liveness.Observe(Stage(status, Me), Seq<ProcessInfo>()));

    // ---- SameProcess ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(4242, "host-a", 0, true)]
    [InlineData(4242, "HOST-A", 0, true)]           // host names compare without case
    [InlineData(4242, "host-a", 999, true)]         // start times within a second are the same start
    [InlineData(4242, "host-a", -999, true)]
    [InlineData(4242, "host-a", 1000, false)]       // a second apart is another process
    [InlineData(4242, "host-a", -1000, false)]
    [InlineData(4243, "host-a", 0, false)]
    [InlineData(4242, "host-b", 0, false)]
    public void Same_process_is_same_host_pid_and_start_to_the_second(int pid, string host, int startDeltaMs, bool same)
    {
        var other = new ProcessInfo(pid, host, Me.StartedAt.AddMilliseconds(startDeltaMs));
        Assert.Equal(same, Liveness.SameProcess(Me, other));
        Assert.Equal(same, Liveness.SameProcess(other, Me));
    }

    [Fact]
    public void Same_process_compares_instants_not_offsets() =>
        Assert.True(Liveness.SameProcess(Me, Me with { StartedAt = Me.StartedAt.ToOffset(TimeSpan.FromHours(-7)) }));
}
