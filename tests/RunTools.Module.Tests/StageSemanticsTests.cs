using System.Text.Json;

namespace RunTools.Module.Tests;

/// <summary>When a stage runs again and when it is skipped; resuming a failed run.</summary>
public sealed class StageSemanticsTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    /// <summary>$stage runs the 'fit' stage: it reads input.txt, appends a line to count.txt (outside the run, so
    /// the test can tell how often the body ran) and writes model.txt.</summary>
    public StageSemanticsTests()
    {
        ps.Write("count.txt", "");
        dir = Expect.Single(ps.Run("""
            $run = New-Run -Name r
            $counter = "$PWD/count.txt"
            [IO.File]::WriteAllText([IO.Path]::Combine($run.Path, 'input.txt'), 'v1')
            $fit = { param($Run) [IO.File]::AppendAllText($counter, "ran`n"); [IO.File]::WriteAllText($Run.Resolve('model.txt'), 'model of ' + [IO.File]::ReadAllText($Run.Resolve('input.txt'))) }
            $run
            """), Expect.RunInfo).Text("Path");
    }

    public void Dispose() => ps.Dispose();

    int BodyRuns => File.ReadAllLines(ps.PathOf("count.txt")).Length;

    Outcome Fit(string extra = "") => new(Expect.Single(ps.Run($"$run | Invoke-RunStage fit $fit -Input input.txt -Output model.txt {extra}"), Expect.StageResult));

    sealed record Outcome(System.Management.Automation.PSObject O)
    {
        public bool Skipped => (bool)O.Get("Skipped")!;
        public int Attempt => (int)O.Get("Attempt")!;
        public string Reason => O.Text("Reason");
        public string Status => O.Text("Status");
    }

    [Fact]
    public void A_completed_stage_with_unchanged_inputs_is_skipped_with_a_reason()
    {
        var first = Fit();
        var eventsBefore = Expect.EventLines(dir);
        var second = Fit();

        Assert.False(first.Skipped);
        Assert.True(second.Skipped);
        Assert.Equal("completed with the same inputs and outputs", second.Reason);
        Assert.Equal(1, second.Attempt);
        Assert.Equal("Completed", second.Status);
        Assert.Equal(1, BodyRuns);
        Assert.Equal(eventsBefore, Expect.EventLines(dir));
    }

    [Fact]
    public void Skipping_says_why_in_a_verbose_message()
    {
        Fit();

        var result = ps.Run("$run | Invoke-RunStage fit $fit -Input input.txt -Output model.txt -Verbose");

        Assert.Contains(result.Verbose, v => v.Contains("skipped") && v.Contains("-Force"));
    }

    [Fact]
    public void A_changed_input_file_runs_the_stage_again()
    {
        Fit();
        File.WriteAllText(Path.Combine(dir, "input.txt"), "v2");

        var again = Fit();

        Assert.False(again.Skipped);
        Assert.Equal(2, again.Attempt);
        Assert.Equal("inputs changed: input.txt", again.Reason);
        Assert.Equal(2, BodyRuns);
        Assert.Equal("model of v2", File.ReadAllText(Path.Combine(dir, "model.txt")));
    }

    [Fact]
    public void A_changed_input_outside_the_run_runs_the_stage_again()
    {
        var data = ps.Write("external.csv", "a\n1\n");
        var script = $"$run | Invoke-RunStage read {{ }} -Input '{data}'";
        ps.Run(script).AssertNoErrors();
        Assert.True((bool)Expect.Single(ps.Run(script), Expect.StageResult).Get("Skipped")!);

        File.WriteAllText(data, "a\n2\n");
        var again = Expect.Single(ps.Run(script), Expect.StageResult);

        Assert.False((bool)again.Get("Skipped")!);
        Assert.Equal($"inputs changed: {data}", again.Text("Reason"));
    }

    [Fact]
    public void Force_runs_a_stage_that_would_be_skipped()
    {
        Fit();

        var forced = Fit("-Force");

        Assert.False(forced.Skipped);
        Assert.Equal("forced", forced.Reason);
        Assert.Equal(2, forced.Attempt);
        Assert.Equal(2, BodyRuns);
    }

    [Fact]
    public void A_changed_script_block_runs_the_stage_again()
    {
        Fit();

        var result = ps.Run("""
            $run | Invoke-RunStage fit { param($Run) [IO.File]::AppendAllText($counter, "ran`n"); [IO.File]::WriteAllText($Run.Resolve('model.txt'), 'a better model') } -Input input.txt -Output model.txt
            """);

        var again = Expect.Single(result, Expect.StageResult);
        Assert.False((bool)again.Get("Skipped")!);
        Assert.Equal("the stage's command changed", again.Text("Reason"));
        Assert.Equal(2, BodyRuns);
        Assert.Equal("a better model", File.ReadAllText(Path.Combine(dir, "model.txt")));
    }

    [Fact]
    public void A_deleted_output_runs_the_stage_again()
    {
        Fit();
        File.Delete(Path.Combine(dir, "model.txt"));

        var again = Fit();

        Assert.False(again.Skipped);
        Assert.Equal("outputs missing or changed: model.txt", again.Reason);
        Assert.True(File.Exists(Path.Combine(dir, "model.txt")));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void An_edited_output_runs_the_stage_again()
    {
        Fit();
        File.WriteAllText(Path.Combine(dir, "model.txt"), "tampered");

        var again = Fit();

        Assert.False(again.Skipped);
        Assert.Equal("outputs missing or changed: model.txt", again.Reason);
        Assert.Equal("model of v1", File.ReadAllText(Path.Combine(dir, "model.txt")));
    }

    [Fact]
    public void After_a_failed_stage_the_next_invocation_runs_attempt_2_and_the_run_is_running_again()
    {
        var failed = ps.Run("""
            $run | Invoke-RunStage fit { param($Run) [IO.File]::AppendAllText($counter, "ran`n"); throw 'out of memory' } -Input input.txt -Output model.txt
            """);
        Assert.Equal("StageScriptFailed", failed.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("Failed", Expect.Single(ps.Run("Get-Run -Path $run"), Expect.RunInfo).Text("Status"));

        var resumed = Fit();

        Assert.False(resumed.Skipped);
        Assert.Equal(2, resumed.Attempt);
        Assert.Equal("Completed", resumed.Status);
        Assert.Equal("the last attempt is failed", resumed.Reason);
        var run = Expect.Single(ps.Run("Get-Run -Path $run"), Expect.RunInfo);
        Assert.Equal("Running", run.Text("Status"));
        Assert.Equal("Completed", ((System.Collections.IDictionary)run.Get("Stages")!)["fit"]!.ToString());
        using var manifest = Expect.Manifest(dir);
        Assert.Equal("resumed after failed", manifest.RootElement.GetProperty("status_message").GetString());
        Assert.Equal(2, manifest.RootElement.GetProperty("stages")[0].GetProperty("attempt").GetInt32());
        var log = File.ReadAllText(Path.Combine(dir, "logs", "fit.log"));
        Assert.Contains("=== fit attempt 1 started", log);
        Assert.Contains("out of memory", log);
        Assert.Contains("=== fit attempt 2 started", log);
        Assert.Equal(2, BodyRuns);
    }

    [Fact]
    public void Stages_depending_on_completed_stages_run_and_the_dependency_is_recorded()
    {
        Fit();

        var result = ps.Run("""
            $run | Invoke-RunStage evaluate -DependsOn fit -Input model.txt { param($Run) [IO.File]::WriteAllText($Run.Resolve('score.txt'), '0.9') } -Output score.txt
            """);

        Assert.Equal("Completed", Expect.Single(result, Expect.StageResult).Text("Status"));
        using var manifest = Expect.Manifest(dir);
        var evaluate = manifest.RootElement.GetProperty("stages")[1];
        Assert.Equal(new[] { "fit" }, evaluate.GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("model.txt", evaluate.GetProperty("inputs")[0].GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.String, evaluate.GetProperty("inputs")[0].GetProperty("sha256").ValueKind);
    }
}
