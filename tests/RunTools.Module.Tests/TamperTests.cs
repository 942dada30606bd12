using System.Text;
using System.Text.Json.Nodes;

namespace RunTools.Module.Tests;

/// <summary>
/// Tamper evidence: every byte of a run is accounted for. Single-bit flips in every file class, deleted files and files
/// added anywhere are all found by Test-Run; the two consistent forgeries (an artifact rewritten with its recorded hash,
/// an event and run.json rewritten together, the chain recomputed) are found from the run's child with -Lineage.
/// </summary>
public sealed class TamperTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string parent;

    public TamperTests()
    {
        // 70 columns: the column and feature lists go to sidecars.
        var columns = Enumerable.Range(0, 69).Select(i => $"x{i}").Append("label").ToArray();
        ps.Write("data.csv", string.Join(',', columns) + "\n" + string.Join(',', columns.Select((_, i) => i % 2)) + "\n");
        ps.Write("notes.txt", "notes about the run");
        parent = Expect.Single(ps.Run("""
            $p = New-Run -Name parent -DataPath data.csv -Set 'model.trees=10', 'data.label=label'
            $p | Invoke-RunStage prep { param($Run) [IO.File]::WriteAllText($Run.Resolve('out.txt'), 'prepared output'); 'a line in the log' } -Output out.txt | Out-Null
            Add-RunArtifact -Run $p notes.txt | Out-Null
            Write-RunMetric -Run $p -Metric @{ auc = 0.81; loss = 0.4 }
            $c = New-Run -Name child -Upstream $p.Path
            Write-RunMetric -Run $p auc 0.82
            $p
            """), Expect.RunInfo).Text("Path");
    }

    public void Dispose() => ps.Dispose();

    bool Passes(string extra = "") => (bool)ps.Run($"Test-Run $p -Quiet {extra}").Output.Single().BaseObject;

    IEnumerable<string> RunFiles() =>
        Directory.EnumerateFiles(parent, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(parent, f).Replace('\\', '/'))
            .Where(f => f != ".lock" && !f.StartsWith(".heartbeats/", StringComparison.Ordinal) && !f.StartsWith(".lock.queue/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void The_intact_run_and_its_lineage_pass()
    {
        Assert.True(Passes());
        Assert.True(Passes("-Lineage"));
        Assert.Equal(
            ["artifacts/notes.txt", "config_overrides.yaml", "config_resolved.yaml", "events.jsonl", "logs/prep.log", "out.txt", "run.json"],
            RunFiles().Where(f => !f.StartsWith("sidecars/", StringComparison.Ordinal)));
        Assert.Equal(2, RunFiles().Count(f => f.StartsWith("sidecars/", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_single_bit_flip_in_every_file_of_the_run_is_found()
    {
        var missed = new List<string>();
        var flips = 0;
        foreach (var file in RunFiles().ToList())
        {
            var path = Path.Combine(parent, file);
            var original = File.ReadAllBytes(path);
            // The first and last bytes, and bytes spread across the file, each with a different bit.
            var positions = Enumerable.Range(0, 12).Select(i => (int)((long)i * (original.Length - 1) / 11)).Distinct().ToList();
            foreach (var (position, n) in positions.Select((p, n) => (p, n)))
            {
                var flipped = (byte[])original.Clone();
                flipped[position] ^= (byte)(1 << (n % 8));
                File.WriteAllBytes(path, flipped);
                flips++;
                if (Passes()) missed.Add($"{file}@{position} bit {n % 8}");
                File.WriteAllBytes(path, original);
            }
            Assert.True(Passes(), $"the run does not verify after {file} was restored");
        }

        Assert.True(flips >= 80, $"only {flips} flips");
        Assert.Empty(missed);
    }

    [Fact]
    public void Every_deleted_file_is_found()
    {
        var missed = new List<string>();
        foreach (var file in RunFiles().ToList())
        {
            var path = Path.Combine(parent, file);
            var original = File.ReadAllBytes(path);
            File.Delete(path);
            if (Passes()) missed.Add(file);
            File.WriteAllBytes(path, original);
        }
        Assert.Empty(missed);
        Assert.True(Passes());
    }

    [Theory]
    [InlineData("extra.txt")]
    [InlineData("artifacts/extra.bin")]
    [InlineData("logs/other.log")]
    [InlineData("sidecars/notes.json")]
    [InlineData("models/r0_f0/model.zip")]
    [InlineData(".hidden")]
    [InlineData(".heartbeats/payload.sh")]
    [InlineData(".lock.queue/not-a-ticket")]
    public void A_file_recorded_nowhere_is_found_wherever_it_is(string file)
    {
        var path = Path.Combine(parent, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "added later");

        var checks = Expect.All(ps.Run("Test-Run $p"), Expect.RunCheck);

        Assert.Contains(checks, c => c.Text("Item") == file && c.Text("Status") == "Extra");
        Assert.False(Passes());
    }

    [Fact]
    public void A_symbolic_link_added_to_the_run_is_found_and_not_followed()
    {
        ps.Write("outside.txt", "outside");
        File.CreateSymbolicLink(Path.Combine(parent, "artifacts", "link.txt"), ps.PathOf("outside.txt"));

        var checks = Expect.All(ps.Run("Test-Run $p"), Expect.RunCheck);

        var link = checks.Single(c => c.Text("Item") == "artifacts/link.txt");
        Assert.Equal(("Extra", "a symbolic link recorded nowhere"), (link.Text("Status"), link.Text("Detail")));
    }

    [Fact]
    public void A_consistent_forgery_of_an_artifact_and_its_recorded_hash_is_found_from_the_child()
    {
        // Rewrite the artifact, its recorded hash and size, recompute the chain after it, and let RunTools itself
        // write run.json again: the run alone is consistent.
        var notes = Path.Combine(parent, "artifacts", "notes.txt");
        File.WriteAllText(notes, "forged notes");
        var bytes = File.ReadAllBytes(notes);
        Forge(line => line["type"]!.GetValue<string>() == "artifact_added" && line["path"]!.GetValue<string>() == "artifacts/notes.txt",
            line =>
            {
                line["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
                line["bytes"] = bytes.Length;
            });

        Assert.True(Passes());
        var lineage = Expect.All(ps.Run("Test-Run $p -Lineage"), Expect.RunCheck);
        var child = lineage.Single(c => c.Text("Kind") == "child");
        Assert.Equal("ChainBroken", child.Text("Status"));
        Assert.Contains("its history was rewritten after it was referred to", child.Text("Detail"));
        Assert.False(Passes("-Lineage"));
        // And from the child's side.
        Assert.Equal(false, ps.Run("Test-Run $c -Lineage -Quiet").Output.Single().BaseObject);
    }

    [Fact]
    public void A_consistent_forgery_of_an_event_and_run_json_is_found_from_the_child()
    {
        Forge(line => line["type"]!.GetValue<string>() == "metric_written" && line["name"]!.GetValue<string>() == "auc",
            line => line["value"] = 0.99);

        Assert.True(Passes());
        Assert.Equal(0.82, ps.Run("(Get-Run -Path $p.Path).Metrics['auc']").Output.Single().BaseObject);
        Assert.Equal(0.99, ps.Run("(Get-RunMetric -Run $p auc)[0].Value").Output.Single().BaseObject);
        Assert.False(Passes("-Lineage"));
    }

    /// <summary>Changes the first event line that matches, recomputes every later line's prev, removes run.json and
    /// has RunTools write it again (a writer replays the consistent log and appends one event).</summary>
    void Forge(Func<JsonObject, bool> match, Action<JsonObject> change)
    {
        var events = Path.Combine(parent, "events.jsonl");
        var lines = File.ReadAllLines(events);
        var index = Array.FindIndex(lines, l => match(JsonNode.Parse(l)!.AsObject()));
        Assert.True(index > 0);
        var forged = JsonNode.Parse(lines[index])!.AsObject();
        change(forged);
        lines[index] = forged.ToJsonString();
        for (var i = index + 1; i < lines.Length; i++)
        {
            var next = JsonNode.Parse(lines[i])!.AsObject();
            next["prev"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(lines[i - 1])));
            lines[i] = next.ToJsonString();
        }
        File.WriteAllText(events, string.Join('\n', lines) + "\n");
        File.Delete(Path.Combine(parent, "run.json"));
        ps.Run("Write-RunMetric -Run $p noise 1").AssertNoErrors();
    }
}
