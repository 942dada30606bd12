using System.Management.Automation;
using System.Text.Json;

namespace RunTools.Module.Tests;

public sealed class InvokeRunStageTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    /// <summary>Creates a run as $run and returns its directory.</summary>
    string NewRun(string extra = "")
    {
        var run = Expect.Single(ps.Run($"$run = New-Run -Name r {extra}; $run"), Expect.RunInfo);
        return run.Text("Path");
    }

    JsonElement Stage(string dir, string name)
    {
        using var manifest = Expect.Manifest(dir);
        return manifest.RootElement.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name).Clone();
    }

    string RunStatus(string dir)
    {
        using var manifest = Expect.Manifest(dir);
        return manifest.RootElement.GetProperty("status").GetString()!;
    }

    [Fact]
    public void A_piped_run_runs_the_script_block_and_registers_its_outputs()
    {
        var dir = NewRun();

        var result = ps.Run("""
            $run | Invoke-RunStage prepare {
                param($Run)
                'preparing'
                [IO.Directory]::CreateDirectory($Run.Resolve('out')) | Out-Null
                [IO.File]::WriteAllText($Run.Resolve('out/prepared.txt'), 'ready')
            } -Output out/prepared.txt
            """);

        var stage = Expect.Single(result, Expect.StageResult);
        Assert.Equal("prepare", stage.Text("Stage"));
        Assert.Equal(1, stage.Get("Attempt"));
        Assert.Equal("Completed", stage.Text("Status"));
        Assert.Equal(false, stage.Get("Skipped"));
        Assert.Equal("never ran", stage.Text("Reason"));
        Assert.Equal(dir, stage.Text("RunPath"));
        Assert.Equal("logs/prepare.log", stage.Text("Log"));
        Assert.Equal("ready", File.ReadAllText(Path.Combine(dir, "out", "prepared.txt")));
        var log = File.ReadAllText(Path.Combine(dir, "logs", "prepare.log"));
        Assert.Contains("preparing", log);
        Assert.Equal("running", RunStatus(dir));
        var recorded = Stage(dir, "prepare");
        Assert.Equal("completed", recorded.GetProperty("status").GetString());
        Assert.Equal("out/prepared.txt", recorded.GetProperty("outputs")[0].GetProperty("path").GetString());
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void The_stage_context_carries_config_as_nested_dictionaries_data_paths_and_a_guarded_Resolve()
    {
        ps.Write("data.csv", "x,label\n1,0\n");
        ps.Write("config.yaml", "model:\n  trees: 100\n  layers: [8, 4]\n");
        var dir = NewRun("-ConfigPath config.yaml -Set 'model.trees=250' -DataPath data.csv");

        var result = ps.Run("""
            $run | Invoke-RunStage look {
                param($Run)
                $refused = try { $Run.Resolve('../x'); 'accepted' } catch { $_.Exception.InnerException.GetType().Name + ': ' + $_.Exception.InnerException.Message }
                $lines = @(
                    "trees=$($Run.Config.model.trees)"
                    "type=$($Run.Config.model.trees.GetType().Name)"
                    "layers=$($Run.Config.model.layers -join ',')"
                    "data=$($Run.Data[0])"
                    "stage=$($Run.Stage) attempt=$($Run.Attempt) name=$($Run.Name)"
                    "config=$($Run.ConfigPath)"
                    "resolved=$($Run.Resolve('a/b.txt'))"
                    "refused=$refused"
                )
                [IO.File]::WriteAllLines($Run.Resolve('context.txt'), [string[]]$lines)
            } -Output context.txt
            """);

        Expect.Single(result, Expect.StageResult);
        var context = File.ReadAllLines(Path.Combine(dir, "context.txt"));
        Assert.Equal("trees=250", context[0]);
        Assert.Equal("type=Int64", context[1]);
        Assert.Equal("layers=8,4", context[2]);
        Assert.Equal("data=" + ps.PathOf("data.csv"), context[3]);
        Assert.Equal($"stage=look attempt=1 name={Path.GetFileName(dir)}", context[4]);
        Assert.Equal("config=" + Path.Combine(dir, "config_resolved.yaml"), context[5]);
        Assert.Equal("resolved=" + Path.Combine(dir, "a", "b.txt"), context[6]);
        Assert.StartsWith("refused=ArgumentException: The path '../x' resolves outside the run directory", context[7]);
    }

    [Fact]
    public void Inside_a_stage_Run_is_accepted_by_the_other_cmdlets()
    {
        var dir = NewRun();
        ps.Write("report.txt", "report");
        var report = ps.PathOf("report.txt");

        var result = ps.Run($$"""
            $run | Invoke-RunStage fit {
                param($Run)
                Write-RunMetric -Run $Run -Metric @{ auc = 0.7 } -Step 1 -Stage $Run.Stage
                Add-RunArtifact -Run $Run '{{report}}' -Destination reports/ | Out-Null
            }
            """);

        Assert.Equal("Completed", Expect.Single(result, Expect.StageResult).Text("Status"));
        var metric = Expect.Single(ps.Run("Get-RunMetric -Run $run"), Expect.MetricRecord);
        Assert.Equal("fit", metric.Text("Stage"));
        Assert.Equal("report", File.ReadAllText(Path.Combine(dir, "reports", "report.txt")));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_command_stage_runs_in_the_run_directory_with_the_run_in_its_environment()
    {
        var dir = NewRun();

        var result = ps.Run("""
            Invoke-RunStage -Run $run env -Command /bin/sh -ArgumentList '-c', 'pwd > where.txt; echo "$RUNTOOLS_STAGE $RUNTOOLS_RUN_NAME" > env.txt' -Output where.txt, env.txt
            """);

        Assert.Equal("Completed", Expect.Single(result, Expect.StageResult).Text("Status"));
        Assert.Equal(dir, File.ReadAllText(Path.Combine(dir, "where.txt")).Trim());
        Assert.Equal($"env {Path.GetFileName(dir)}", File.ReadAllText(Path.Combine(dir, "env.txt")).Trim());
    }

    [Fact]
    public void A_stage_that_throws_is_StageScriptFailed_fails_stage_and_run_and_keeps_the_log()
    {
        var dir = NewRun();

        var result = ps.Run("""
            $run | Invoke-RunStage fit { 'step one done'; throw 'diverged' }
            """);

        var error = Expect.Error(result, "StageScriptFailed", "InvokeRunStage", ErrorCategory.InvalidResult, "fit");
        Assert.Contains("diverged", error.Exception.Message);
        Assert.Empty(result.Output);
        Assert.Equal("failed", Stage(dir, "fit").GetProperty("status").GetString());
        Assert.Equal("failed", RunStatus(dir));
        var log = File.ReadAllText(Path.Combine(dir, "logs", "fit.log"));
        Assert.Contains("step one done", log);
        Assert.Contains("diverged", log);
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_non_terminating_error_in_the_stage_also_fails_it()
    {
        var dir = NewRun();

        var result = ps.Run("""
            $run | Invoke-RunStage fit { Get-Command No-Such-Command; 'not reached' }
            """);

        Expect.Error(result, "StageScriptFailed", "InvokeRunStage", ErrorCategory.InvalidResult, "fit");
        Assert.DoesNotContain("not reached", File.ReadAllText(Path.Combine(dir, "logs", "fit.log")));
        Assert.Equal("failed", RunStatus(dir));
    }

    [Fact]
    public void A_command_that_exits_non_zero_is_StageCommandFailed_and_its_log_has_stdout_and_stderr()
    {
        var dir = NewRun();

        var result = ps.Run("""
            $run | Invoke-RunStage shell -Command /bin/sh -ArgumentList '-c', 'echo out; echo err 1>&2; exit 3'
            """);

        var error = Expect.Error(result, "StageCommandFailed", "InvokeRunStage", ErrorCategory.InvalidResult, "shell");
        Assert.Contains("exited with code 3", error.Exception.Message);
        var bytes = File.ReadAllBytes(Path.Combine(dir, "logs", "shell.log"));
        Assert.False(bytes.AsSpan().StartsWith("\uFEFF"u8), "the log starts with a byte-order mark");
        var lines = File.ReadAllLines(Path.Combine(dir, "logs", "shell.log"));
        Assert.StartsWith("=== shell attempt 1 started", lines[0]);
        Assert.Contains("out", lines);
        Assert.Contains("stderr: err", lines);
        Assert.Equal("failed", Stage(dir, "shell").GetProperty("status").GetString());
        Assert.Equal("failed", RunStatus(dir));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void When_its_output_stops_the_pipeline_the_command_is_stopped_and_the_stage_recorded_as_cancelled()
    {
        var dir = NewRun();

        // With VerbosePreference Stop, relaying the command's first line throws: the stage must not stay 'running'
        // while the command runs on unwatched.
        var result = ps.Run("""
            $VerbosePreference = 'Stop'
            $run | Invoke-RunStage talk -Command /bin/sh -ArgumentList '-c', 'echo $$ > pid.txt; echo hello; exec sleep 600'
            """);

        Assert.StartsWith("ActionPreferenceStop,", Assert.Single(result.AllErrors).FullyQualifiedErrorId);
        // If the command started (the stop may come at the stage's first verbose message, before it), it (exec'd into
        // sleep, same pid) was killed before the cmdlet returned.
        var pidFile = Path.Combine(dir, "pid.txt");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            Assert.False(IsRunning(pid), $"the command (pid {pid}) is still running");
        // The preference stops the pipeline as Ctrl+C does: recorded as cancelled, like a stop.
        Assert.Equal("cancelled", Stage(dir, "talk").GetProperty("status").GetString());
        Assert.Equal("cancelled", RunStatus(dir));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_command_that_does_not_exist_is_StageCommandNotStarted()
    {
        var dir = NewRun();

        var result = ps.Run("""
            $run | Invoke-RunStage shell -Command /no/such/program -ArgumentList a
            """);

        var error = Expect.Error(result, "StageCommandNotStarted", "InvokeRunStage", ErrorCategory.ObjectNotFound, "/no/such/program");
        Assert.Contains("could not be started", error.Exception.Message);
        Assert.Equal("failed", Stage(dir, "shell").GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(dir, "logs", "shell.log")));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_declared_output_that_was_not_written_is_StageOutputMissing()
    {
        var dir = NewRun();

        var result = ps.Run("""
            $run | Invoke-RunStage fit { param($Run) [IO.File]::WriteAllText($Run.Resolve('a.txt'), 'a') } -Output a.txt, model.bin
            """);

        Expect.Error(result, "StageOutputMissing", "InvokeRunStage", ErrorCategory.ObjectNotFound, "model.bin");
        var stage = Stage(dir, "fit");
        Assert.Equal("failed", stage.GetProperty("status").GetString());
        Assert.Equal(new[] { "a.txt" }, stage.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("path").GetString()));
        Assert.Equal("failed", RunStatus(dir));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void Depending_on_a_stage_that_never_ran_is_StageDependencyNotCompleted_and_changes_nothing()
    {
        var dir = NewRun();
        var before = ps.Snapshot(dir);

        var result = ps.Run("""
            $run | Invoke-RunStage train -DependsOn prepare { param($Run) [IO.File]::WriteAllText($Run.Resolve('ran.txt'), 'x') }
            """);

        var error = Expect.Error(result, "StageDependencyNotCompleted", "InvokeRunStage", ErrorCategory.InvalidOperation, "prepare");
        Assert.Equal("Stage 'train' depends on 'prepare', which is pending, not completed.", error.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void Depending_on_a_failed_stage_is_StageDependencyNotCompleted()
    {
        NewRun();
        ps.Run("$run | Invoke-RunStage prepare { throw 'no' }");

        var result = ps.Run("$run | Invoke-RunStage train -DependsOn prepare { }");

        var error = Expect.Error(result, "StageDependencyNotCompleted", "InvokeRunStage", ErrorCategory.InvalidOperation, "prepare");
        Assert.Equal("Stage 'train' depends on 'prepare', which is failed, not completed.", error.Exception.Message);
    }

    [Theory]
    [InlineData("-Output ../escape.txt", "../escape.txt")]
    [InlineData("-Output a/../../escape.txt", "a/../../escape.txt")]
    [InlineData("-Input ../escape.txt", "../escape.txt")]
    public void A_path_that_leaves_the_run_is_PathOutsideRun_a_SecurityError(string parameter, string path)
    {
        var dir = NewRun();
        ps.Write("escape.txt", "outside");
        var before = ps.Snapshot();

        var result = ps.Run($$"""
            $run | Invoke-RunStage leak { param($Run) [IO.File]::WriteAllText([IO.Path]::Combine($Run.Path, '../escape.txt'), 'pwned') } {{parameter}}
            """);

        Expect.Error(result, "PathOutsideRun", "InvokeRunStage", ErrorCategory.SecurityError, path);
        Expect.Unchanged(before, ps.Snapshot());
        Assert.Equal("outside", File.ReadAllText(ps.PathOf("escape.txt")));
        Assert.Equal("pending", RunStatus(dir));
    }

    [Fact]
    public void An_invalid_stage_name_is_InvalidName()
    {
        var dir = NewRun();
        var before = ps.Snapshot(dir);

        var result = ps.Run("$run | Invoke-RunStage '../evil' { }");

        Expect.Error(result, "InvalidName", "InvokeRunStage", ErrorCategory.InvalidArgument, "../evil");
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void A_declared_input_that_does_not_exist_is_StageInputNotFound()
    {
        NewRun();

        var result = ps.Run("$run | Invoke-RunStage fit -Input features.parquet { }");

        Expect.Error(result, "StageInputNotFound", "InvokeRunStage", ErrorCategory.ObjectNotFound, "features.parquet");
    }

    [Fact]
    public void A_stage_of_a_completed_run_is_refused_as_IllegalTransition()
    {
        var dir = NewRun();
        ps.Run("Set-RunStatus -Run $run Running; Set-RunStatus -Run $run Completed").AssertNoErrors();
        var before = ps.Snapshot(dir);

        var result = ps.Run("$run | Invoke-RunStage late { }");

        var error = Expect.Error(result, "IllegalTransition", "InvokeRunStage", ErrorCategory.InvalidOperation, "late");
        Assert.Contains("'completed' to 'running'", error.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
