using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunTools.Module.Tests;

/// <summary>Repair-Run mends what can be mended from what the run holds, loses nothing, and says what it did.</summary>
public sealed class RepairRunTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    public RepairRunTests()
    {
        dir = Expect.Single(ps.Run("""
            $run = New-Run -Name r -Set 'model.trees=10'
            $run | Invoke-RunStage prep { param($Run) [IO.File]::WriteAllText($Run.Resolve('out.txt'), 'hello'); 'prepared' } -Output out.txt | Out-Null
            Write-RunMetric -Run $run loss 0.5 -Step 1
            Write-RunMetric -Run $run loss 0.4 -Step 2
            Write-RunMetric -Run $run loss 0.3 -Step 3
            $run
            """), Expect.RunInfo).Text("Path");
    }

    public void Dispose() => ps.Dispose();

    string Events => Path.Combine(dir, "events.jsonl");

    string[] Lines() => File.ReadAllLines(Events);

    void WriteLines(IEnumerable<string> lines) => File.WriteAllText(Events, string.Join('\n', lines) + "\n");

    string[] Actions(ScriptResult result) => Expect.All(result, "RunTools.Views.RepairRecord").Select(r => r.Text("Action")).ToArray();

    static string Sha(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    [Fact]
    public void A_run_that_needs_nothing_gets_nothing()
    {
        var before = ps.Snapshot(dir);
        var result = ps.Run("Repair-Run $run -Verbose");
        result.AssertNoErrors();
        Assert.Empty(result.Output);
        Assert.Contains("needs no repair", Assert.Single(result.Verbose));
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void A_garbage_line_is_quarantined_byte_for_byte_and_the_rest_re_chained()
    {
        var lines = Lines().ToList();
        const string garbage = "\u0001 not an event at all {";
        lines.Insert(5, garbage);
        WriteLines(lines);
        Assert.Equal(false, ps.Run("Test-Run $run -Quiet").Output.Single().BaseObject);

        var result = ps.Run("Repair-Run $run");

        result.AssertNoErrors();
        Assert.Equal(["QuarantineLines", "RewriteManifest"], Actions(result));
        Expect.AllOk(ps.Run("Test-Run $run"));
        using var last = JsonDocument.Parse(Lines()[^1]);
        Assert.Equal("events_repaired", last.RootElement.GetProperty("type").GetString());
        Assert.Equal(1, last.RootElement.GetProperty("lines").GetInt32());
        var quarantine = Path.Combine(dir, last.RootElement.GetProperty("quarantine").GetProperty("path").GetString()!);
        var bytes = File.ReadAllBytes(quarantine);
        Assert.Equal(Encoding.UTF8.GetBytes(garbage + "\n"), bytes);
        Assert.Equal(Sha(bytes) + ".jsonl", Path.GetFileName(quarantine));
        // The whole log as it was is kept too, byte for byte; the lines before the garbage are unchanged.
        var previous = Path.Combine(dir, last.RootElement.GetProperty("previous_log").GetProperty("path").GetString()!);
        Assert.Equal(string.Join('\n', lines) + "\n", File.ReadAllText(previous));
        Assert.Equal(lines.Take(5), Lines().Take(5));
        // Nothing of the history is lost: the three metric values are still there, and the repair is recorded.
        Assert.Equal(new object[] { 0.5, 0.4, 0.3 }, ps.Run("(Get-RunMetric -Run $run loss).Value").Output.Select(o => o.BaseObject));
        Assert.Equal("quarantined", ps.Run("(Get-RunManifest $run).Repairs[0].Kind").Output.Single().BaseObject);
        ps.Run("Write-RunMetric -Run $run loss 0.2").AssertNoErrors();
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_duplicated_line_is_quarantined()
    {
        var lines = Lines().ToList();
        lines.Insert(4, lines[3]);
        WriteLines(lines);

        Assert.Equal(["QuarantineLines", "RewriteManifest"], Actions(ps.Run("Repair-Run $run")));

        Expect.AllOk(ps.Run("Test-Run $run"));
        Assert.Equal(lines.Count, Lines().Length); // one line out, events_repaired in
    }

    [Fact]
    public void A_lost_event_log_is_rebuilt_from_run_json_and_marked_as_rebuilt()
    {
        var summary = ps.Run("(Get-RunManifest $run).Metric('loss')").Output.Single().BaseObject;
        File.Delete(Events);

        // Readers still read the run (from run.json); writers refuse until it is repaired.
        Assert.Equal(0.3, ps.Run("(Get-Run -Path $run.Path).Metrics['loss']").Output.Single().BaseObject);
        Expect.Error(ps.Run("Write-RunMetric -Run $run loss 0.1"), "RunCorrupted", "WriteRunMetric", ErrorCategory.InvalidData, dir);
        Assert.Contains("events events.jsonl Missing", Expect.Checks(ps.Run("Test-Run $run")));

        Assert.Equal(["RebuildLog", "RewriteManifest"], Actions(ps.Run("Repair-Run $run")));

        Expect.AllOk(ps.Run("Test-Run $run"));
        using var first = JsonDocument.Parse(Lines()[0]);
        Assert.Equal("rebuilt", first.RootElement.GetProperty("type").GetString());
        Assert.Equal(summary, ps.Run("(Get-RunManifest $run).Metric('loss')").Output.Single().BaseObject);
        Assert.Equal("rebuilt", ps.Run("(Get-RunManifest $run).Repairs[-1].Kind").Output.Single().BaseObject);
        ps.Run("Write-RunMetric -Run $run loss 0.1").AssertNoErrors();
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_cut_off_last_line_is_moved_to_the_quarantine()
    {
        File.AppendAllText(Events, "{\"seq\":99,\"type\":\"metr");

        Assert.Equal(["CutTornLine", "RewriteManifest"], Actions(ps.Run("Repair-Run $run")));

        Expect.AllOk(ps.Run("Test-Run $run"));
        Assert.Equal("{\"seq\":99,\"type\":\"metr\n", File.ReadAllText(Directory.EnumerateFiles(Path.Combine(dir, "sidecars"), "*.jsonl").Single()));
    }

    [Fact]
    public void A_stale_or_damaged_run_json_is_rewritten_from_the_log()
    {
        var runJson = Path.Combine(dir, "run.json");
        var intact = File.ReadAllText(runJson);
        File.WriteAllText(runJson, intact[..(intact.Length / 2)]);

        Assert.Equal(["RewriteManifest"], Actions(ps.Run("Repair-Run $run")));

        Assert.Equal(intact, File.ReadAllText(runJson));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void An_edit_that_reads_back_the_same_is_still_found_and_run_json_rewritten()
    {
        var runJson = Path.Combine(dir, "run.json");
        var intact = File.ReadAllText(runJson);
        File.WriteAllText(runJson, intact.Replace("\"status\": \"running\"", "\"status\": \"Running\""));

        Assert.Contains("manifest run.json Modified", Expect.Checks(ps.Run("Test-Run $run")));
        ps.Run("Repair-Run $run").AssertNoErrors();
        Assert.Equal(intact, File.ReadAllText(runJson));
    }

    [Fact]
    public void Leftovers_of_dead_writers_are_removed_and_those_of_live_ones_kept()
    {
        var host = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-'));
        var dead = Path.Combine(dir, $".out.txt.{host}.{DeadPid()}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(dir, $".out.txt.{host}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var staging = Path.Combine(ps.PathOf("runs"), ".runtools", "staging", $"{host}.{DeadPid()}.{Guid.NewGuid():N}");
        File.WriteAllText(dead, "half");
        File.WriteAllText(live, "working");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "run.json"), "{");
        var checks = Expect.Checks(ps.Run("Test-Run $run"));
        Assert.Contains($"file {Path.GetFileName(dead)} Leftover", checks);

        var result = ps.Run("Repair-Run $run");

        Assert.Equal(["RemoveLeftover", "RemoveLeftover"], Actions(result));
        Assert.False(File.Exists(dead));
        Assert.False(Directory.Exists(staging));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void The_next_writer_removes_a_killed_writers_temporary_files()
    {
        var host = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-'));
        var fresh = Expect.Single(ps.Run("$fresh = New-Run -Name fresh; $fresh"), Expect.RunInfo).Text("Path");
        var dead = Path.Combine(fresh, $".run.json.{host}.{DeadPid()}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(dead, "{\"half");

        ps.Run("Write-RunMetric -Run $fresh loss 1").AssertNoErrors();

        Assert.False(File.Exists(dead));
    }

    [Fact]
    public void WhatIf_prints_the_plan_and_changes_nothing()
    {
        var lines = Lines().ToList();
        lines.Insert(3, "garbage");
        WriteLines(lines);
        var before = ps.Snapshot(dir);

        var result = ps.Run("Repair-Run $run -WhatIf");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        Expect.Unchanged(before, ps.Snapshot(dir));
        Assert.False(File.Exists(Path.Combine(dir, ".lock.queue")));
    }

    [Fact]
    public void A_run_that_neither_its_log_nor_its_run_json_describes_cannot_be_repaired_and_is_left_as_it_is()
    {
        var lines = Lines();
        lines[0] = "garbage";
        WriteLines(lines);
        File.WriteAllText(Path.Combine(dir, "run.json"), "{");
        var before = ps.Snapshot(dir);

        var result = ps.Run("Repair-Run $run");

        var error = Expect.Error(result, "RunCorrupted", "RepairRun", ErrorCategory.InvalidData, dir);
        Assert.Contains("cannot be repaired", error.Exception.Message);
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void A_log_whose_first_line_is_damaged_is_rebuilt_from_run_json_and_kept_in_the_quarantine()
    {
        var original = File.ReadAllBytes(Events);
        var lines = Lines();
        lines[0] = lines[0].Replace("\"type\":\"created\"", "\"type\":\"craeted\"");
        WriteLines(lines);
        var damaged = File.ReadAllBytes(Events);

        Assert.Equal(["RebuildLog", "RewriteManifest"], Actions(ps.Run("Repair-Run $run")));

        Expect.AllOk(ps.Run("Test-Run $run"));
        Assert.Equal(damaged, File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(dir, "sidecars"), "*.jsonl").Single()));
        Assert.NotEqual(original, File.ReadAllBytes(Events));
    }

    /// <summary>A process id that no process has here now.</summary>
    static int DeadPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            try
            {
                using var _ = System.Diagnostics.Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }
}
