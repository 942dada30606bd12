using System.Globalization;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tests.Config;
using static RunTools.Domain.RunStatus;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Manifests;

public sealed class RunCommandsTests
{
    static readonly string Subject = $"Run '{RunName}'";

    static RunManifest WithStatus(RunStatus stored) => NewRun() with { Status = stored };

    // ---- ChangeStatus ---------------------------------------------------------------------------------------

    [Fact]
    public void A_legal_status_change_is_one_event_carrying_everything()
    {
        var error = new ErrorInfo("SetRunStatus", "marked failed", null, At(5));
        Assert.Equal(
            Seq1<RunEvent>(new RunStatusChanged(At(5), Running, Failed, Other, "marked failed", error)),
            Expect.Succ(RunCommands.ChangeStatus(StartedRun(), Running, Failed, Other, At(5), "marked failed", error)));
    }

    [Theory]
    [InlineData(Pending, Completed)]
    [InlineData(Pending, Failed)]
    [InlineData(Running, Pending)]
    [InlineData(Completed, Running)]
    [InlineData(Completed, Failed)]
    [InlineData(Failed, Completed)]
    [InlineData(Running, Abandoned)]
    [InlineData(Completed, Cancelled)]
    public void An_illegal_status_change_is_refused(RunStatus observed, RunStatus to) =>
        Expect.Error(new IllegalTransition(Subject, Lifecycle.Text(observed), Lifecycle.Text(to)),
            RunCommands.ChangeStatus(StartedRun(), observed, to, Me, At(5), null, null));

    [Fact]
    public void The_observed_status_decides_not_the_stored_one()
    {
        // Stored running, observed abandoned: it can be closed (failed, cancelled), not completed (nobody knows whether
        // its work finished) and not left pending.
        var m = StartedRun();
        Assert.Equal(
            Seq1<RunEvent>(new RunStatusChanged(At(5), Abandoned, Cancelled, Other, null, null)),
            Expect.Succ(RunCommands.ChangeStatus(m, Abandoned, Cancelled, Other, At(5), null, null)));
        Expect.Error(new IllegalTransition(Subject, "abandoned", "completed"), RunCommands.ChangeStatus(m, Abandoned, Completed, Other, At(5), null, null));
        Expect.Error(new IllegalTransition(Subject, "abandoned", "pending"), RunCommands.ChangeStatus(m, Abandoned, Pending, Other, At(5), null, null));
    }

    [Fact]
    public void Closing_an_abandoned_run_ends_its_abandoned_stages_so_none_stays_running()
    {
        var m = Apply(StartedRun(), Started(2, "train", by: Other));
        var log = File("logs/train.log", 'l', 300);
        var events = Expect.Succ(RunCommands.SetStatus(m, Abandoned, Seq<ProcessInfo>(), Failed, Me, At(5), "gave up", null, Map(("train", log))));

        var ended = Assert.IsType<StageEnded>(events[0]);
        Assert.Equal(("train", 1, StageStatus.Failed, "StageAbandoned", log), (ended.Stage, ended.Attempt, ended.Status, ended.Error!.Type, ended.Log));
        Assert.Equal(new RunStatusChanged(At(5), Abandoned, Failed, Me, "gave up", null), events[1]);
        var closed = Apply(m, events.ToArray());
        Assert.Equal((Failed, StageStatus.Failed), (closed.Status, closed.Stage("train")!.Status));
    }

    [Fact]
    public void A_run_with_an_abandoned_stage_cannot_be_completed_even_when_its_owner_is_alive()
    {
        var m = Apply(StartedRun(), Started(2, "train", by: Other));
        // The run's owner (Me) is alive, so the run is running; the stage's process (Other) is gone.
        Expect.Error(new IllegalTransition(Subject, "running", "completed while stage 'train' is abandoned (its process is gone); run the stage again, or mark the run failed"),
            RunCommands.SetStatus(m, Running, Seq1(Me), Completed, Me, At(5), null, null));
    }

    [Fact]
    public void An_abandoned_completion_recorded_by_an_older_version_still_replays()
    {
        var m = Apply(StartedRun(), new RunStatusChanged(At(5), Abandoned, Completed, Other, null, null));
        Assert.Equal(Completed, m.Status);
    }

    [Theory]
    [InlineData(Pending)]
    [InlineData(Running)]
    [InlineData(Completed)]
    [InlineData(Failed)]
    [InlineData(Cancelled)]
    public void Asking_for_the_status_a_run_already_has_changes_nothing(RunStatus status) =>
        Assert.Equal(Seq<RunEvent>(), Expect.Succ(RunCommands.ChangeStatus(StartedRun(), status, status, Me, At(5), null, null)));

    // ---- EnsureRunning --------------------------------------------------------------------------------------

    [Fact]
    public void EnsureRunning_starts_a_pending_run() =>
        Assert.Equal(
            Seq1<RunEvent>(new RunStatusChanged(At(5), Pending, Running, Me, null, null)),
            Expect.Succ(RunCommands.EnsureRunning(NewRun(), Pending, Me, At(5))));

    [Fact]
    public void EnsureRunning_does_nothing_for_a_running_run() =>
        Assert.Equal(Seq<RunEvent>(), Expect.Succ(RunCommands.EnsureRunning(StartedRun(), Running, Me, At(5))));

    [Theory]
    [InlineData(Failed, "resumed after failed")]
    [InlineData(Cancelled, "resumed after cancelled")]
    public void EnsureRunning_resumes_a_failed_or_cancelled_run(RunStatus observed, string message) =>
        Assert.Equal(
            Seq1<RunEvent>(new RunStatusChanged(At(5), observed, Running, Me, message, null)),
            Expect.Succ(RunCommands.EnsureRunning(WithStatus(observed), observed, Me, At(5))));

    [Fact]
    public void EnsureRunning_takes_over_an_abandoned_run() =>
        Assert.Equal(
            Seq1<RunEvent>(new RunStatusChanged(At(5), Abandoned, Running, Other, "taken over: the previous process is gone", null)),
            Expect.Succ(RunCommands.EnsureRunning(StartedRun(), Abandoned, Other, At(5))));

    [Fact]
    public void EnsureRunning_refuses_a_completed_run() =>
        Expect.Error(new IllegalTransition(Subject, "completed", "running"), RunCommands.EnsureRunning(WithStatus(Completed), Completed, Me, At(5)));

    [Theory]
    [InlineData(Pending)]
    [InlineData(Failed)]
    [InlineData(Cancelled)]
    public void What_EnsureRunning_returns_applies_to_the_stored_run(RunStatus stored)
    {
        var m = Apply(NewRun(), stored == Pending
            ? []
            : [Status(1, Pending, Running), Status(2, Running, stored)]);
        var events = Expect.Succ(RunCommands.EnsureRunning(m, stored, Other, At(5)));
        Assert.Equal((Running, Other, (DateTimeOffset?)null), Apply(m, events.ToArray()) is var r ? (r.Status, r.Owner!, r.EndedAt) : default);
    }

    [Fact]
    public void What_EnsureRunning_returns_for_an_abandoned_run_applies_to_the_stored_running_run()
    {
        var m = StartedRun();
        var taken = Apply(m, Expect.Succ(RunCommands.EnsureRunning(m, Abandoned, Other, At(5))).ToArray());
        Assert.Equal((Running, Other, (DateTimeOffset?)At(1)), (taken.Status, taken.Owner, taken.StartedAt));
    }

    // ---- AddArtifact ----------------------------------------------------------------------------------------

    static readonly Artifact Model = new("model.zip", Sha('m'), 100, ArtifactKind.Model, "train", At(3));

    [Fact]
    public void A_new_artifact_is_one_event_at_its_own_time() =>
        Assert.Equal(Seq1<RunEvent>(new ArtifactAdded(At(3), Model)), Expect.Succ(RunCommands.AddArtifact(StartedRun(), Model, replace: false, Me)));

    [Fact]
    public void An_existing_artifact_path_is_refused_without_replace()
    {
        var m = Apply(StartedRun(), new ArtifactAdded(At(3), Model));
        var again = Model with { Sha256 = Sha('n'), AddedAt = At(4) };
        Expect.Error(new ArtifactExists("model.zip"), RunCommands.AddArtifact(m, again, replace: false, Me));
        var error = Assert.IsType<ArtifactExists>(Expect.Fail(RunCommands.AddArtifact(m, again, replace: false, Me)));
        Assert.Equal((1502, ErrorKind.ResourceExists), (error.Code, error.Kind));
    }

    [Fact]
    public void An_existing_artifact_path_is_replaced_with_replace()
    {
        var m = Apply(StartedRun(), new ArtifactAdded(At(3), Model));
        var again = Model with { Sha256 = Sha('n'), AddedAt = At(4) };
        Assert.Equal(Seq1<RunEvent>(new ArtifactAdded(At(4), again)), Expect.Succ(RunCommands.AddArtifact(m, again, replace: true, Me)));
    }

    [Fact]
    public void An_artifact_added_to_a_pending_run_starts_it_first_owned_by_the_writer()
    {
        var events = Expect.Succ(RunCommands.AddArtifact(NewRun(), Model, replace: false, Other));

        Assert.Equal(Seq<RunEvent>(new RunStatusChanged(At(3), Pending, Running, Other, null, null), new ArtifactAdded(At(3), Model)), events);
        var started = Apply(NewRun(), events.ToArray());
        Assert.Equal((Running, Other, (DateTimeOffset?)At(3)), (started.Status, started.Owner, started.StartedAt));
    }

    [Fact]
    public void A_refused_artifact_does_not_start_a_pending_run()
    {
        var m = Apply(NewRun(), new ArtifactAdded(At(3), Model));
        Expect.Error(new ArtifactExists("model.zip"), RunCommands.AddArtifact(m, Model with { AddedAt = At(4) }, replace: false, Me));
    }

    // ---- WriteMetrics ---------------------------------------------------------------------------------------

    [Fact]
    public void Metric_points_become_events_in_order()
    {
        var points = Seq(new MetricPoint("auc", 0.9, 3, "train"), new MetricPoint("val/loss", -1.5, null, null));
        Assert.Equal(
            Seq<RunEvent>(new MetricWritten(At(7), "auc", 0.9, 3, "train"), new MetricWritten(At(7), "val/loss", -1.5, null, null)),
            Expect.Succ(RunCommands.WriteMetrics(points, At(7))));
    }

    [Fact]
    public void No_points_are_no_events() => Assert.Equal(Seq<RunEvent>(), Expect.Succ(RunCommands.WriteMetrics(Seq<MetricPoint>(), At(7))));

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Non_finite_values_are_refused(double value, string shown)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            Expect.Error(new MetricInvalid("auc", $"{shown} is not a finite number"),
                RunCommands.WriteMetrics(Seq(new MetricPoint("loss", 1, null, null), new MetricPoint("auc", value, null, null)), At(7)));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_bad_metric_name_is_refused_and_no_events_are_returned() =>
        Expect.Error(new InvalidName("metric name", "val auc", "use 1-128 letters, digits, '.', '_', '-', ':' or '/', starting with a letter or digit"),
            RunCommands.WriteMetrics(Seq(new MetricPoint("auc", 1, null, null), new MetricPoint("val auc", 1, null, null)), At(7)));

    [Fact]
    public void The_first_bad_point_is_the_error()
    {
        var error = Expect.Fail(RunCommands.WriteMetrics(
            Seq(new MetricPoint("/x", 1, null, null), new MetricPoint("auc", double.NaN, null, null)), At(7)));
        Assert.IsType<InvalidName>(error);
    }

    [Fact]
    public void A_metric_written_to_a_pending_run_starts_it_first_owned_by_the_writer()
    {
        var points = Seq(new MetricPoint("auc", 0.9, null, null), new MetricPoint("f1", 0.8, 2, null));

        var events = Expect.Succ(RunCommands.WriteMetrics(NewRun(), points, Other, At(7)));

        Assert.Equal(
            Seq<RunEvent>(new RunStatusChanged(At(7), Pending, Running, Other, null, null),
                new MetricWritten(At(7), "auc", 0.9, null, null), new MetricWritten(At(7), "f1", 0.8, 2, null)),
            events);
        var started = Apply(NewRun(), events.ToArray());
        Assert.Equal((Running, Other, (DateTimeOffset?)At(7)), (started.Status, started.Owner, started.StartedAt));
        // ... so it can be completed with no Set-RunStatus Running in between.
        Assert.Equal(Seq1<RunEvent>(new RunStatusChanged(At(8), Running, Completed, Other, null, null)),
            Expect.Succ(RunCommands.SetStatus(started, Running, Seq1(Other), Completed, Other, At(8), null, null)));
    }

    [Theory]
    [InlineData(Running)]
    [InlineData(Completed)]
    [InlineData(Failed)]
    [InlineData(Cancelled)]
    public void A_metric_leaves_a_run_that_is_not_pending_in_its_status(RunStatus stored)
    {
        var m = Apply(NewRun(), stored == Running ? [Status(1, Pending, Running)] : [Status(1, Pending, Running), Status(2, Running, stored)]);
        Assert.Equal(Seq1<RunEvent>(new MetricWritten(At(7), "auc", 0.9, null, null)),
            Expect.Succ(RunCommands.WriteMetrics(m, Seq1(new MetricPoint("auc", 0.9, null, null)), Me, At(7))));
    }

    [Fact]
    public void No_points_or_a_bad_point_leave_a_pending_run_pending()
    {
        Assert.Equal(Seq<RunEvent>(), Expect.Succ(RunCommands.WriteMetrics(NewRun(), Seq<MetricPoint>(), Me, At(7))));
        Assert.IsType<MetricInvalid>(Expect.Fail(RunCommands.WriteMetrics(NewRun(), Seq1(new MetricPoint("auc", double.NaN, null, null)), Me, At(7))));
    }

    // ---- DirectoryName --------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, "20260301_120000_baseline")]
    [InlineData(1, "20260301_120000_baseline")]
    [InlineData(2, "20260301_120000_baseline-2")]
    [InlineData(3, "20260301_120000_baseline-3")]
    [InlineData(11, "20260301_120000_baseline-11")]
    public void Directory_names_are_utc_time_key_and_attempt(int attempt, string expected) =>
        Assert.Equal(expected, RunCommands.DirectoryName(T0, Key(), attempt));

    [Fact]
    public void Directory_names_use_utc_whatever_the_offset()
    {
        var local = new DateTimeOffset(2026, 3, 2, 1, 5, 9, TimeSpan.FromHours(13));
        Assert.Equal("20260301_120509_baseline", RunCommands.DirectoryName(local, Key(), 1));
        Assert.Equal("20251231_235959_k", RunCommands.DirectoryName(new DateTimeOffset(2026, 1, 1, 0, 59, 59, TimeSpan.FromHours(1)), Key("k"), 1));
    }

    [Theory]
    [InlineData("th-TH")]
    [InlineData("ar-SA")]
    [InlineData("fa-IR")]
    [InlineData("ja-JP")]
    public void Directory_names_do_not_depend_on_the_culture(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            Assert.Equal("20260301_120000_baseline-2", RunCommands.DirectoryName(T0, Key(), 2));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
