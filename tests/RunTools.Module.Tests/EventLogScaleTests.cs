using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RunTools.Module.Tests;

/// <summary>Runs with long histories stay readable and writable, a run written by RunTools 0.1 (before the hash chain)
/// is read and continued, and one damaged run never hides the others.</summary>
public sealed class EventLogScaleTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    [Fact]
    public void The_repro_of_fifteen_thousand_values_of_one_metric_completes_and_the_run_stays_usable()
    {
        var result = ps.Run("""
            $r = New-Run -Name many
            Write-RunMetric -Run $r a 0; Write-RunMetric -Run $r b 0
            1..15000 | ForEach-Object { [pscustomobject]@{ Name = 'a'; Value = $_ } } | Write-RunMetric -Run $r
            Write-RunMetric -Run $r a 15001
            (Get-Run -Path $r.Path).Metrics['a']
            (Get-Run).Count
            (Test-Run $r -Quiet)
            (Get-RunMetric -Run $r a).Count
            """);

        result.AssertNoErrors();
        Assert.Equal(new object[] { 15001.0, 1, true, 15002 }, result.Output.Select(o => o.BaseObject));
        var dir = Expect.RunDirectories(ps.PathOf("runs")).Single();
        using var manifest = Expect.Manifest(dir);
        var a = manifest.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "a");
        Assert.Equal((15002L, 0.0, 15001.0), (a.GetProperty("count").GetInt64(), a.GetProperty("min").GetDouble(), a.GetProperty("max").GetDouble()));
        Assert.True(new FileInfo(Path.Combine(dir, "run.json")).Length < 64 * 1024);
    }

    /// <summary>A run as RunTools 0.1 wrote it before failing: its writer appended 15,000 events and then died
    /// rendering run.json, which is left stale. Readers of that version died on it; this one reads it, and a writer
    /// continues it with chained events.</summary>
    [Fact]
    public void A_run_written_by_version_0_1_with_a_long_history_is_read_and_continued()
    {
        var dir = Legacy(15_000);

        var result = ps.Run($"""
            $r = Get-Run -Path '{dir}'
            $r.Metrics['a']
            (Get-Run).Count
            Write-RunMetric -Run $r a -1
            (Get-Run -Path '{dir}').Metrics['a']
            Test-Run $r -Quiet
            """);

        result.AssertNoErrors();
        Assert.Equal(new object[] { 15000.0, 1, -1.0, true }, result.Output.Select(o => o.BaseObject));
        var lines = File.ReadAllLines(Path.Combine(dir, "events.jsonl"));
        Assert.Equal(7 + 15_000 + 1, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal(Sha256(lines[^2]), last.RootElement.GetProperty("prev").GetString());
        using var manifest = Expect.Manifest(dir);
        Assert.Equal(2, manifest.RootElement.GetProperty("schema_version").GetInt32());
        Assert.Equal(Sha256(lines[^1]), manifest.RootElement.GetProperty("chain_head").GetString());
        Assert.Equal(15_008, manifest.RootElement.GetProperty("chained_from").GetInt64());
    }

    [Fact]
    public void Listing_runs_reports_a_damaged_run_as_one_error_and_lists_the_others()
    {
        ps.Run("New-Run -Name good1; New-Run -Name good2").AssertNoErrors();
        var dir = Legacy(3);
        File.WriteAllText(Path.Combine(dir, "run.json"), "{ not json");
        File.AppendAllText(Path.Combine(dir, "events.jsonl"), "garbage that is not an event\n");

        var result = ps.Run("Get-Run");

        Assert.Equal(["good1", "good2"], result.Output.Select(r => r.Text("Key")).Order());
        var error = Assert.Single(result.Errors);
        Assert.Equal("RunCorrupted,RunTools.Module.Commands.GetRunCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith(dir, (string)error.TargetObject); // the damaged file and line: events.jsonl:11
    }

    [Fact]
    public void A_run_json_of_a_newer_schema_is_refused_by_writers_and_left_as_it_is()
    {
        var dir = Expect.Single(ps.Run("$r = New-Run -Name future; $r"), Expect.RunInfo).Text("Path");
        var runJson = Path.Combine(dir, "run.json");
        File.WriteAllText(runJson, File.ReadAllText(runJson).Replace("\"schema_version\": 2", "\"schema_version\": 99"));
        var before = ps.Snapshot(dir);

        var write = ps.Run("Write-RunMetric -Run $r loss 0.5");

        Expect.Error(write, "SchemaVersionUnsupported", "WriteRunMetric", System.Management.Automation.ErrorCategory.InvalidData, runJson);
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    /// <summary>Copies the run RunTools 0.1 made (tests/…/Fixtures/legacy-0.1.0) and appends <paramref name="metrics"/>
    /// values of metric 'a' in that version's format (no prev), leaving its run.json behind the log.</summary>
    string Legacy(int metrics)
    {
        var source = Directory.EnumerateDirectories(Path.Combine(Repo.Root, "tests", "RunTools.Module.Tests", "Fixtures", "legacy-0.1.0")).Single();
        var target = ps.PathOf("runs", Path.GetFileName(source));
        CopyDirectory(source, target);
        var events = Path.Combine(target, "events.jsonl");
        var seq = File.ReadAllLines(events).Length;
        var text = new StringBuilder();
        for (var i = 1; i <= metrics; i++)
            text.Append(CultureInfo.InvariantCulture,
                $$"""{"seq":{{++seq}},"type":"metric_written","at":"2026-12-02T01:27:00.0000000Z","name":"a","value":{{i}},"step":null,"stage":null}""").Append('\n');
        File.AppendAllText(events, text.ToString());
        return target;
    }

    static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    static string Sha256(string line) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(line)));
}
