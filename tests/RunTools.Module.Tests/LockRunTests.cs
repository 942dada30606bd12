using System.Management.Automation;

namespace RunTools.Module.Tests;

public sealed class LockRunTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    [Fact]
    public void Lock_Run_records_the_lock_as_an_event_and_Get_Run_shows_it()
    {
        var dir = Expect.Single(ps.Run("$run = New-Run a; $run"), Expect.RunInfo).Text("Path");
        var events = Expect.EventLines(dir);

        var locked = Expect.Single(ps.Run("Lock-Run $run 'in the paper' -PassThru"), Expect.RunInfo);

        Assert.Equal((true, dir), ((bool)locked.Get("Locked")!, locked.Text("Path")));
        Assert.Equal(events + 1, Expect.EventLines(dir));
        using (var manifest = Expect.Manifest(dir))
            Assert.Equal((true, "in the paper"), (manifest.RootElement.GetProperty("locked").GetBoolean(), manifest.RootElement.GetProperty("lock_reason").GetString()));
        Assert.True((bool)Expect.Single(ps.Run("Get-Run a"), Expect.RunInfo).Get("Locked")!);
        Assert.Equal("in the paper", Expect.Single(ps.Run("$run | Get-RunManifest"), Expect.RunManifest).Text("LockReason"));
    }

    [Fact]
    public void Locking_a_locked_run_again_changes_nothing_unless_the_reason_is_new()
    {
        var dir = Expect.Single(ps.Run("$run = New-Run a; Lock-Run $run 'first'; $run"), Expect.RunInfo).Text("Path");
        var events = Expect.EventLines(dir);

        ps.Run("Lock-Run $run 'first'; Lock-Run $run").AssertNoErrors();
        Assert.Equal(events, Expect.EventLines(dir));

        ps.Run("Lock-Run $run 'second'").AssertNoErrors();
        Assert.Equal(events + 1, Expect.EventLines(dir));
        Assert.Equal("second", Expect.Single(ps.Run("$run | Get-RunManifest"), Expect.RunManifest).Text("LockReason"));
    }

    [Fact]
    public void Unlock_Run_records_an_event_and_clears_the_reason()
    {
        var dir = Expect.Single(ps.Run("$run = New-Run a; Lock-Run $run 'why'; $run"), Expect.RunInfo).Text("Path");
        var events = Expect.EventLines(dir);

        var unlocked = Expect.Single(ps.Run("$run | Unlock-Run -PassThru"), Expect.RunInfo);

        Assert.False((bool)unlocked.Get("Locked")!);
        Assert.Equal(events + 1, Expect.EventLines(dir));
        Assert.Equal("", Expect.Single(ps.Run("$run | Get-RunManifest"), Expect.RunManifest).Text("LockReason"));
        ps.Run("Unlock-Run $run").AssertNoErrors();
        Assert.Equal(events + 1, Expect.EventLines(dir));
    }

    [Fact]
    public void Lock_Run_locks_every_run_piped_to_it()
    {
        ps.Run("New-Run a | Out-Null; New-Run b | Out-Null").AssertNoErrors();

        var locked = Expect.All(ps.Run("Get-Run | Lock-Run -Reason 'release 1.0' -PassThru"), Expect.RunInfo);

        Assert.Equal(2, locked.Count);
        Assert.All(Expect.All(ps.Run("Get-Run"), Expect.RunInfo), r => Assert.True((bool)r.Get("Locked")!));
    }

    [Fact]
    public void Lock_Run_of_a_directory_that_is_not_a_run_is_RunNotFound_and_creates_nothing()
    {
        ps.Write("runs/notarun/keep.txt", "x");
        var before = ps.Snapshot();

        var result = ps.Run("Lock-Run runs/notarun 'x'");

        Expect.Error(result, "RunNotFound", "LockRun", ErrorCategory.ObjectNotFound, ps.PathOf("runs", "notarun"));
        Expect.Unchanged(before, ps.Snapshot());
    }
}
