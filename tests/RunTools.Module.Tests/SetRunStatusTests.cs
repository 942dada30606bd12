using System.Management.Automation;

namespace RunTools.Module.Tests;

public sealed class SetRunStatusTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    public SetRunStatusTests() => dir = Expect.Single(ps.Run("$run = New-Run -Name r; $run"), Expect.RunInfo).Text("Path");

    public void Dispose() => ps.Dispose();

    [Fact]
    public void Walks_the_lifecycle_and_PassThru_returns_the_updated_run()
    {
        var result = ps.Run("""
            Set-RunStatus -Run $run Running
            $run | Set-RunStatus Completed 'all folds done' -PassThru
            """);

        var run = Expect.Single(result, Expect.RunInfo);
        Assert.Equal("Completed", run.Text("Status"));
        Assert.NotNull(run.Get("StartedAt"));
        Assert.NotNull(run.Get("EndedAt"));
        using var manifest = Expect.Manifest(dir);
        Assert.Equal("completed", manifest.RootElement.GetProperty("status").GetString());
        Assert.Equal("all folds done", manifest.RootElement.GetProperty("status_message").GetString());
        Assert.Equal(3, Expect.EventLines(dir));
        Assert.False(Directory.Exists(Path.Combine(dir, ".heartbeats")) && Directory.GetFiles(Path.Combine(dir, ".heartbeats")).Length > 0,
            "a finished run keeps no heartbeat");
    }

    [Fact]
    public void Without_PassThru_it_writes_nothing_to_the_pipeline()
    {
        var result = ps.Run("Set-RunStatus -Run $run Running");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Failing_a_run_keeps_the_message_as_its_last_error()
    {
        ps.Run("Set-RunStatus -Run $run Running; Set-RunStatus -Run $run Failed 'disk full'").AssertNoErrors();

        using var manifest = Expect.Manifest(dir);
        var error = manifest.RootElement.GetProperty("last_error");
        Assert.Equal("disk full", error.GetProperty("message").GetString());
    }

    [Fact]
    public void Completed_to_Running_is_IllegalTransition_and_leaves_the_run_unchanged()
    {
        ps.Run("Set-RunStatus -Run $run Running; Set-RunStatus -Run $run Completed").AssertNoErrors();
        var before = ps.Snapshot(dir);

        var result = ps.Run("Set-RunStatus -Run $run Running");

        var error = Expect.Error(result, "IllegalTransition", "SetRunStatus", ErrorCategory.InvalidOperation, dir);
        Assert.Contains("from 'completed' to 'running'", error.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot(dir));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void Pending_to_Completed_is_IllegalTransition()
    {
        var result = ps.Run("Set-RunStatus -Run $run Completed");

        Expect.Error(result, "IllegalTransition", "SetRunStatus", ErrorCategory.InvalidOperation, dir);
        using var manifest = Expect.Manifest(dir);
        Assert.Equal("pending", manifest.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void A_status_outside_the_set_is_refused_by_parameter_validation()
    {
        var result = ps.Run("Set-RunStatus -Run $run Abandoned");

        Assert.Equal("ParameterArgumentValidationError,RunTools.Module.Commands.SetRunStatusCommand", result.SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void An_unknown_run_is_RunNotFound_with_the_path_as_target()
    {
        var result = ps.Run("Set-RunStatus -Run runs/nothing-here Running");

        Expect.Error(result, "RunNotFound", "SetRunStatus", ErrorCategory.ObjectNotFound, ps.PathOf("runs", "nothing-here"));
        Assert.False(Directory.Exists(ps.PathOf("runs", "nothing-here")));
    }
}
