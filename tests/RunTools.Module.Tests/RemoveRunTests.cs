using System.Management.Automation;

namespace RunTools.Module.Tests;

public sealed class RemoveRunTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    [Fact]
    public void Removes_the_piped_runs_without_a_prompt_when_Confirm_is_false()
    {
        ps.Run("New-Run a | Out-Null; New-Run b | Out-Null; New-Run keep | Out-Null").AssertNoErrors();

        var result = ps.Run("Get-Run a, b | Remove-Run -Confirm:$false");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        var left = Expect.RunDirectories(ps.PathOf("runs"));
        Assert.EndsWith("_keep", Assert.Single(left));
        var trash = ps.PathOf("runs", ".runtools", "trash");
        Assert.True(!Directory.Exists(trash) || Directory.GetFileSystemEntries(trash).Length == 0);
        Assert.Equal("keep", Expect.Single(ps.Run("Get-Run"), Expect.RunInfo).Text("Key"));
    }

    [Fact]
    public void Removes_a_run_given_by_relative_path()
    {
        var name = Expect.Single(ps.Run("New-Run a"), Expect.RunInfo).Text("Name");

        ps.Run($"Remove-Run runs/{name} -Confirm:$false").AssertNoErrors();

        Assert.Empty(Expect.RunDirectories(ps.PathOf("runs")));
    }

    [Fact]
    public void Removes_a_run_given_with_a_trailing_separator_as_tab_completion_writes_it()
    {
        var name = Expect.Single(ps.Run("New-Run a"), Expect.RunInfo).Text("Name");

        ps.Run($"Remove-Run runs/{name}/ -Confirm:$false").AssertNoErrors();

        Assert.Empty(Expect.RunDirectories(ps.PathOf("runs")));
        Assert.Empty(Directory.GetFileSystemEntries(ps.PathOf("runs/.runtools/trash")));
    }

    [Fact]
    public void A_run_this_process_is_running_needs_Force()
    {
        var dir = Expect.Single(ps.Run("$run = New-Run a; Set-RunStatus -Run $run Running; $run"), Expect.RunInfo).Text("Path");

        var refused = ps.Run("Remove-Run $run -Confirm:$false");

        Expect.Error(refused, "IllegalTransition", "RemoveRun", ErrorCategory.InvalidOperation, dir);
        Assert.True(Directory.Exists(dir));

        ps.Run("Remove-Run $run -Force -Confirm:$false").AssertNoErrors();
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void An_unknown_run_is_RunNotFound()
    {
        var result = ps.Run("Remove-Run runs/nope -Confirm:$false");

        Expect.Error(result, "RunNotFound", "RemoveRun", ErrorCategory.ObjectNotFound, ps.PathOf("runs", "nope"));
    }

    [Fact]
    public void A_plain_directory_that_is_not_a_run_is_not_removed()
    {
        ps.Write("runs/notarun/precious.txt", "keep me");

        var result = ps.Run("Remove-Run runs/notarun -Confirm:$false");

        Expect.Error(result, "RunNotFound", "RemoveRun", ErrorCategory.ObjectNotFound, ps.PathOf("runs", "notarun"));
        Assert.Equal("keep me", File.ReadAllText(ps.PathOf("runs", "notarun", "precious.txt")));
    }

    [Fact]
    public void A_locked_run_is_not_removed_even_with_Force_and_nothing_changes_until_it_is_unlocked()
    {
        var dir = Expect.Single(ps.Run("$run = New-Run a; Lock-Run $run 'in the paper'; $run"), Expect.RunInfo).Text("Path");
        var before = ps.Snapshot();

        var refused = ps.Run("Remove-Run $run -Force -Confirm:$false");

        var error = Expect.Error(refused, "RunRetentionLocked", "RemoveRun", ErrorCategory.InvalidOperation, dir);
        Assert.Contains("in the paper", error.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot());

        ps.Run("Unlock-Run $run; Remove-Run $run -Confirm:$false").AssertNoErrors();
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_run_another_run_references_needs_Force_and_the_error_names_the_referencing_run()
    {
        var names = ps.Run("$train = New-Run train; $infer = New-Run infer -Upstream $train; $train.Path; $infer.Name");
        names.AssertNoErrors();
        var (dir, referencing) = (names.Output[0].ToString(), names.Output[1].ToString());
        var before = ps.Snapshot();

        var refused = ps.Run("Remove-Run $train -Confirm:$false");

        var error = Expect.Error(refused, "RunReferenced", "RemoveRun", ErrorCategory.InvalidOperation, dir);
        Assert.Contains($"'{referencing}'", error.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot());

        ps.Run("Remove-Run $train -Force -Confirm:$false").AssertNoErrors();
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_run_goes_together_with_the_runs_derived_from_it_and_after_them()
    {
        ps.Run("$train = New-Run train; $infer = New-Run infer -Upstream $train").AssertNoErrors();

        var decisions = Expect.All(ps.Run("$train, $infer | Remove-Run -PassThru -Confirm:$false"), Expect.RetentionDecision);

        Assert.Equal(["infer Remove Requested True", "train Remove Requested True"],
            decisions.Select(d => $"{d.Text("Key")} {d.Text("Action")} {d.Text("Reason")} {d.Text("Removed")}"));
        Assert.Empty(Expect.RunDirectories(ps.PathOf("runs")));
    }
}
