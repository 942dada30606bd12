using System.Diagnostics;

namespace RunTools.Module.Tests;

/// <summary>Tests that start runtools processes. They run alone (not beside the other test classes), so their
/// timing depends on the processes under test and not on the rest of the suite.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "runtools processes";
}

[Collection(ProcessCollection.Name)]
public sealed class ConcurrentCreationTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    /// <summary>Starts <paramref name="count"/> runtools processes that each announce themselves, wait for a gate
    /// file, then run <paramref name="body"/> (with $N, the process's number): all of them start their work within
    /// milliseconds of each other. Asserts that every process exits 0.</summary>
    async Task RunAllAtOnce(int count, string body)
    {
        var gate = ps.PathOf("go");
        var processes = Enumerable.Range(0, count).Select(n => RuntoolsProcess.Start(ps.Directory, "-Command", $$"""
            $N = {{n}}
            [IO.File]::WriteAllText("{{ps.PathOf("ready-")}}$PID", '')
            while (-not [IO.File]::Exists('{{gate}}')) { [Threading.Thread]::Sleep(2) }
            {{body}}
            """)).ToList();
        try
        {
            var errors = processes.Select(p => p.StandardError.ReadToEndAsync()).ToList();
            processes.ForEach(p => p.StandardOutput.ReadToEndAsync());
            Expect.Eventually(() => Directory.GetFiles(ps.Directory, "ready-*").Length == count || processes.Any(p => p.HasExited),
                TimeSpan.FromMinutes(3), "every process to be ready");
            File.WriteAllText(gate, "");
            foreach (var (p, i) in processes.Select((p, i) => (p, i)))
            {
                Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), $"process {i} did not finish");
                if (p.ExitCode != 0) Assert.Fail($"process {i} exited with {p.ExitCode}: {await errors[i]}");
            }
        }
        finally
        {
            foreach (var p in processes.Where(p => !p.HasExited)) p.Kill(entireProcessTree: true);
            processes.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Sixteen_processes_creating_the_same_run_at_once_get_sixteen_distinct_complete_runs()
    {
        const int count = 16;
        var root = ps.PathOf("shared");
        // Most of the 16 New-Run calls want the same directory name.
        await RunAllAtOnce(count, $"New-Run -Name same -Root '{root}' | Out-Null");

        var directories = Expect.RunDirectories(root);
        Assert.Equal(count, directories.Length);
        var ids = new HashSet<string>();
        foreach (var dir in directories)
        {
            using var manifest = Expect.Manifest(dir);
            var name = manifest.RootElement.GetProperty("name").GetString();
            Assert.Equal(Path.GetFileName(dir), name);
            Assert.Equal("same", manifest.RootElement.GetProperty("key").GetString());
            Assert.True(ids.Add(manifest.RootElement.GetProperty("run_id").GetString()!), "run ids are distinct");
            Assert.Equal(1, Expect.EventLines(dir));
        }
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, ".runtools", "staging")));
        Assert.All(Expect.All(ps.Run($"Get-Run -Root '{root}' | Test-Run -Quiet"), "System.Boolean"), ok => Assert.True((bool)ok.BaseObject));
    }

    [Fact]
    public async Task Processes_writing_to_one_run_at_once_queue_on_its_lock_and_lose_no_event()
    {
        const int count = 4, points = 25;
        var run = ps.Run("(New-Run -Name shared).Path").Output.Single().ToString();
        // Every point is one locked update of the run: the processes contend for the lock all the time.
        await RunAllAtOnce(count, $"foreach ($step in 1..{points}) {{ Write-RunMetric -Run '{run}' -Name \"loss$N\" -Value ($step / 10) -Step $step }}");

        Assert.Equal(2 + count * points, Expect.EventLines(run)); // created, started by the first write, the values
        var history = ps.Run($"Get-RunMetric -Run '{run}'").Output;
        Assert.Equal(count * points, history.Count);
        for (var n = 0; n < count; n++)
            Assert.Equal(Enumerable.Range(1, points).Select(s => (long)s), history.Where(m => m.Text("Name") == $"loss{n}").Select(m => Convert.ToInt64(m.Properties["Step"].Value)));
        Assert.All(Expect.All(ps.Run($"Test-Run '{run}' -Quiet"), "System.Boolean"), ok => Assert.True((bool)ok.BaseObject));
    }
}

[Collection(ProcessCollection.Name)]
public sealed class AbandonedRunTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    static void Succeeds(RuntoolsProcess.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");

    [Fact]
    public void A_running_run_whose_process_exited_is_Abandoned_while_one_of_this_live_process_is_Running()
    {
        Succeeds(RuntoolsProcess.Run(ps.Directory, "-Command", "$r = New-Run -Name gone; Set-RunStatus -Run $r Running"));
        ps.Run("$alive = New-Run -Name alive; Set-RunStatus -Run $alive Running").AssertNoErrors();

        var runs = Expect.All(ps.Run("Get-Run"), Expect.RunInfo).ToDictionary(r => r.Text("Key"));

        Assert.Equal("Abandoned", runs["gone"].Text("Status"));
        Assert.Equal("Running", runs["alive"].Text("Status"));
        using var stored = Expect.Manifest(runs["gone"].Text("Path"));
        Assert.Equal("running", stored.RootElement.GetProperty("status").GetString());
        Assert.Equal(new[] { "gone" }, Expect.All(ps.Run("Get-Run -Status Abandoned"), Expect.RunInfo).Select(r => r.Text("Key")));
    }

    [Fact]
    public void Writing_a_metric_to_an_abandoned_run_does_not_make_it_look_alive()
    {
        Succeeds(RuntoolsProcess.Run(ps.Directory, "-Command", "$r = New-Run -Name gone; Set-RunStatus -Run $r Running"));

        ps.Run("Write-RunMetric -Run (Get-Run gone) -Name late -Value 1").AssertNoErrors();

        var run = Expect.Single(ps.Run("Get-Run gone"), Expect.RunInfo);
        Assert.Equal("Abandoned", run.Text("Status"));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(run.Text("Path"), ".heartbeats")), f => f.EndsWith($"-{Environment.ProcessId}.json", StringComparison.Ordinal));
    }

    [Fact]
    public void An_abandoned_run_can_be_closed_as_failed()
    {
        Succeeds(RuntoolsProcess.Run(ps.Directory, "-Command", "$r = New-Run -Name gone; Set-RunStatus -Run $r Running"));

        var run = Expect.Single(ps.Run("Get-Run gone | Set-RunStatus Failed 'the machine rebooted' -PassThru"), Expect.RunInfo);

        Assert.Equal("Failed", run.Text("Status"));
    }

    [Fact]
    public void A_stage_whose_process_died_is_Abandoned_and_the_next_invocation_takes_the_run_over()
    {
        // The stage body ends the process without letting the stage finish: as if it was killed.
        var died = RuntoolsProcess.Run(ps.Directory, "-Command", "New-Run -Name crash | Invoke-RunStage fit { [Environment]::Exit(9) }");
        Assert.Equal(9, died.ExitCode);

        var before = Expect.Single(ps.Run("$crashed = Get-Run crash; $crashed"), Expect.RunInfo);
        Assert.Equal("Abandoned", before.Text("Status"));
        Assert.Equal("Abandoned", ((System.Collections.IDictionary)before.Get("Stages")!)["fit"]!.ToString());

        var stage = Expect.Single(ps.Run("$crashed | Invoke-RunStage fit { 'fine now' }"), Expect.StageResult);

        Assert.Equal(2, stage.Get("Attempt"));
        Assert.Equal("Completed", stage.Text("Status"));
        Assert.Equal("the last attempt is abandoned", stage.Text("Reason"));
        var after = Expect.Single(ps.Run("Get-Run crash"), Expect.RunInfo);
        Assert.Equal("Running", after.Text("Status"));
        using var manifest = Expect.Manifest(after.Text("Path"));
        Assert.Equal("taken over: the previous process is gone", manifest.RootElement.GetProperty("status_message").GetString());
    }
}

[Collection(ProcessCollection.Name)]
public sealed class KillMidWriteTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    [Fact]
    public async Task Killing_a_writer_at_any_moment_leaves_a_readable_run_whose_manifest_matches_its_events()
    {
        var dir = Expect.Single(ps.Run("New-Run -Name hammered"), Expect.RunInfo).Text("Path");
        var random = new Random(20261124);

        for (var round = 1; round <= 4; round++)
        {
            var start = Expect.EventLines(dir);
            using var writer = RuntoolsProcess.Start(ps.Directory, "-Command", $"while ($true) {{ Write-RunMetric -Run '{dir}' loss {round} -Step {round} }}");
            var stderr = writer.StandardError.ReadToEndAsync();
            Expect.Eventually(() => Expect.EventLines(dir) >= start + 5 || writer.HasExited, TimeSpan.FromMinutes(1), "the writer to be writing");
            if (writer.HasExited) Assert.Fail("the writer stopped by itself: " + await stderr);
            Thread.Sleep(random.Next(0, 500)); // a different moment of the write cycle each round
            writer.Kill(entireProcessTree: true);
            writer.WaitForExit();

            using (var json = Expect.Manifest(dir)) // run.json is always whole: it is only replaced by rename
                Assert.True(json.RootElement.GetProperty("event_count").GetInt64() <= Expect.EventLines(dir));
            var manifest = Expect.Single(ps.Run($"Get-RunManifest '{dir}'"), Expect.RunManifest);
            Assert.Equal((long)Expect.EventLines(dir), manifest.Get("EventCount"));
            // Every event but the creation and the start (by the first write) is a value.
            Assert.Equal(Expect.EventLines(dir) - 2, Expect.All(ps.Run($"Get-RunMetric -Run '{dir}'"), Expect.MetricRecord).Count);
        }

        ps.Run($"Write-RunMetric -Run '{dir}' loss 0").AssertNoErrors();
        Expect.AllOk(ps.Run($"Test-Run '{dir}'"));
        Assert.EndsWith("\n", File.ReadAllText(Path.Combine(dir, "events.jsonl")));
    }
}
