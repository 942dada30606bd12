using System.Management.Automation;
using System.Text;

namespace RunTools.Module.Tests;

/// <summary>Get-RunManifest, and reading runs whose files were damaged: run.json is a cache of events.jsonl.</summary>
public sealed class GetRunManifestTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    public GetRunManifestTests() => dir = Expect.Single(ps.Run("""
        $run = New-Run -Name r -Set 'model.trees=10'
        Write-RunMetric -Run $run loss 0.9 -Step 1
        Write-RunMetric -Run $run loss 0.5 -Step 2
        $run | Invoke-RunStage fit { } | Out-Null
        $run
        """), Expect.RunInfo).Text("Path");

    public void Dispose() => ps.Dispose();

    string Events => Path.Combine(dir, "events.jsonl");
    string RunJson => Path.Combine(dir, "run.json");

    [Fact]
    public void Returns_the_typed_manifest_from_a_piped_run()
    {
        var manifest = Expect.Single(ps.Run("Get-Run | Get-RunManifest"), Expect.RunManifest);

        Assert.Equal(Path.GetFileName(dir), manifest.Text("Name"));
        Assert.Equal(dir, manifest.Text("Path"));
        Assert.Equal("Running", manifest.Text("Status"));
        Assert.Equal((long)Expect.EventLines(dir), manifest.Get("EventCount"));
        Assert.Equal(1, ps.Run("(Get-RunManifest $run).Stages.Count").Output[0].BaseObject);
        Assert.Equal(0.5, ps.Run("(Get-RunManifest $run).Metric('loss').Last").Output[0].BaseObject);
        Assert.Equal("fit", ps.Run("(Get-RunManifest $run).Stages[0].Name").Output[0].BaseObject);
    }

    [Fact]
    public void A_truncated_run_json_is_rebuilt_from_the_events_and_Test_Run_reports_it_Modified()
    {
        var expected = Expect.Single(ps.Run("Get-RunManifest $run"), Expect.RunManifest);
        var bytes = File.ReadAllBytes(RunJson);
        File.WriteAllBytes(RunJson, bytes[..(bytes.Length / 3)]);
        var before = ps.Snapshot(dir);

        var manifest = Expect.Single(ps.Run("Get-RunManifest $run"), Expect.RunManifest);
        var checks = Expect.Checks(ps.Run("Test-Run $run"));

        Assert.Equal(expected.Get("EventCount"), manifest.Get("EventCount"));
        Assert.Equal(expected.Text("RunId"), manifest.Text("RunId"));
        Assert.Equal("Running", manifest.Text("Status"));
        // Every field the same (the manifest object compares by its JSON: run.json's shape).
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected.BaseObject), System.Text.Json.JsonSerializer.Serialize(manifest.BaseObject));
        Assert.Contains("manifest run.json Modified", checks);
        Assert.Contains("config config_resolved.yaml Ok", checks);
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void The_next_write_repairs_a_truncated_run_json()
    {
        File.WriteAllText(RunJson, "{ \"schema_ver");

        ps.Run("Write-RunMetric -Run $run loss 0.4 -Step 3").AssertNoErrors();

        using var manifest = Expect.Manifest(dir);
        Assert.Equal(Expect.EventLines(dir), manifest.RootElement.GetProperty("event_count").GetInt64());
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_corrupted_event_in_the_middle_is_RunCorrupted_naming_the_line()
    {
        var lines = File.ReadAllLines(Events);
        lines[1] = lines[1][..(lines[1].Length / 2)];
        File.WriteAllText(Events, string.Join('\n', lines) + "\n");
        var before = ps.Snapshot(dir);

        var read = ps.Run("Get-RunManifest $run");
        var write = ps.Run("Write-RunMetric -Run $run loss 0.1");

        var error = Expect.Error(read, "RunCorrupted", "GetRunManifest", ErrorCategory.InvalidData, Events + ":2");
        Assert.Contains("events.jsonl:2", error.Exception.Message);
        Assert.Empty(read.Output);
        Expect.Error(write, "RunCorrupted", "WriteRunMetric", ErrorCategory.InvalidData, Events + ":2");
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void Events_out_of_sequence_are_findings_of_Test_Run()
    {
        var lines = File.ReadAllLines(Events);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        File.WriteAllText(Events, string.Join('\n', lines) + "\n");
        var before = ps.Snapshot(dir);

        var checks = Expect.All(ps.Run("Test-Run $run"), Expect.RunCheck);

        var gap = checks.Single(c => c.Text("Item") == "events.jsonl:2");
        Assert.Equal("ChainBroken", gap.Text("Status"));
        Assert.Contains("event 2 is missing before line 2", gap.Text("Detail"));
        var repeated = checks.Single(c => c.Text("Item") == "events.jsonl:3");
        Assert.Equal("line 3 repeats sequence number 2 (expected 4)", repeated.Text("Detail"));
        Assert.Equal(false, ps.Run("Test-Run $run -Quiet").Output.Single().BaseObject);
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void A_torn_last_line_is_ignored_on_read_and_cut_off_by_the_next_write()
    {
        var complete = Expect.EventLines(dir);
        var tail = Encoding.UTF8.GetBytes($"{{\"seq\":{complete + 1},\"type\":\"metric_written\",\"at\":\"2026-");
        using (var stream = new FileStream(Events, FileMode.Append)) stream.Write(tail);

        var read = Expect.Single(ps.Run("Get-RunManifest $run"), Expect.RunManifest);
        Assert.Equal((long)complete, read.Get("EventCount"));
        Assert.Equal(new[] { 0.9, 0.5 }, Expect.All(ps.Run("Get-RunMetric -Run $run"), Expect.MetricRecord).Select(m => (double)m.Get("Value")!));

        ps.Run("Write-RunMetric -Run $run loss 0.3 -Step 3").AssertNoErrors();

        var text = File.ReadAllText(Events);
        Assert.EndsWith("\n", text);
        Assert.DoesNotContain("\"at\":\"2026-{", text);
        Assert.Equal(complete + 1, Expect.EventLines(dir));
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => System.Text.Json.JsonDocument.Parse(line).Dispose());
        var after = Expect.Single(ps.Run("Get-RunManifest $run"), Expect.RunManifest);
        Assert.Equal((long)complete + 1, after.Get("EventCount"));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_missing_events_file_with_a_run_json_is_RunCorrupted_on_write()
    {
        File.Delete(Events);

        var result = ps.Run("Write-RunMetric -Run $run loss 0.1");

        Assert.Equal("RunCorrupted,RunTools.Module.Commands.WriteRunMetricCommand", result.SingleError().FullyQualifiedErrorId);
        Assert.False(File.Exists(Events));
    }
}
