using System.IO.Compression;
using System.Management.Automation;
using System.Text.Json;

namespace RunTools.Module.Tests;

public sealed class ExportRunBundleTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    /// <summary>A completed run with a stage log and an artifact, as $run; returns its directory.</summary>
    string CompletedRun(string key = "a")
    {
        ps.Write("notes.txt", "notes");
        return Expect.Single(ps.Run($$"""
            $run = New-Run {{key}} -Set 'x=1'
            $run | Invoke-RunStage prep { 'hello' } | Out-Null
            Add-RunArtifact -Run $run -Path notes.txt | Out-Null
            $run | Set-RunStatus Completed
            $run
            """), Expect.RunInfo).Text("Path");
    }

    static string[] EntryNames(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return archive.Entries.Select(e => e.FullName).ToArray();
    }

    [Fact]
    public void Writes_bundle_json_first_then_every_file_of_the_run_sorted_with_fixed_dates_and_modes()
    {
        var run = CompletedRun();
        var name = Path.GetFileName(run);

        var info = Expect.Single(ps.Run("$run | Export-RunBundle out/bundle.zip"), BundleBuilder.BundleInfo);

        var zip = ps.PathOf("out", "bundle.zip");
        var files = ImportRunBundleTests.ContentFiles(run);
        using (var archive = ZipFile.OpenRead(zip))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToArray();
            Assert.Equal(["bundle.json", .. files.Keys.Select(f => $"runs/{name}/{f}").Order(StringComparer.Ordinal)], entries);
            Assert.All(archive.Entries, e =>
            {
                Assert.Equal(new DateTime(1980, 1, 1, 0, 0, 0), e.LastWriteTime.DateTime);
                Assert.Equal(0x81A4 << 16, e.ExternalAttributes);
            });
        }
        Assert.Equal(zip, info.Text("Path"));
        Assert.Equal([name], (IEnumerable<string>)info.Get("Runs")!);
        Assert.Equal(files.Count, (int)info.Get("Files")!);
        Assert.Equal(new FileInfo(zip).Length, (long)info.Get("Bytes")!);
        Assert.Equal(TrainingKit.Sha256(zip), info.Text("Sha256"));
        Assert.Equal(files.Keys.Sum(f => new FileInfo(Path.Combine(run, f)).Length), (long)info.Get("FileBytes")!);

        var manifest = BundleBuilder.From(zip).Manifest;
        Assert.Equal(info.Text("TreeSha256"), (string)manifest["tree_sha256"]!);
        Assert.Equal(["format", "format_version", "tree_sha256", "runs"], manifest.Select(p => p.Key));
        Assert.Equal(1, (int)manifest["format_version"]!);
        var listed = Assert.Single(manifest["runs"]!.AsArray())!.AsObject();
        Assert.Equal(["name", "run_id", "key", "chain_head", "event_count", "tree_sha256", "files"], listed.Select(p => p.Key));
        var stored = Expect.Single(ps.Run("$run | Get-RunManifest"), Expect.RunManifest);
        Assert.Equal((name, stored.Text("RunId"), "a", stored.Text("ChainHead"), (long)stored.Get("EventCount")!),
            ((string)listed["name"]!, (string)listed["run_id"]!, (string)listed["key"]!, (string)listed["chain_head"]!, (long)listed["event_count"]!));
        Assert.Equal(files, listed["files"]!.AsArray().ToDictionary(f => (string)f!["path"]!, f => (string)f!["sha256"]!));
        Assert.All(listed["files"]!.AsArray(), f => Assert.Equal(new FileInfo(Path.Combine(run, (string)f!["path"]!)).Length, (long)f["bytes"]!));
    }

    [Fact]
    public void Exporting_the_same_runs_twice_gives_byte_identical_zips_and_bundle_json_names_no_time_or_host()
    {
        CompletedRun("a");
        CompletedRun("b");

        var first = Expect.Single(ps.Run("Get-Run | Export-RunBundle one.zip"), BundleBuilder.BundleInfo);
        var second = Expect.Single(ps.Run("$runs = @(Get-Run); [array]::Reverse($runs); $runs | Export-RunBundle two.zip"), BundleBuilder.BundleInfo);

        Assert.Equal(File.ReadAllBytes(ps.PathOf("one.zip")), File.ReadAllBytes(ps.PathOf("two.zip")));
        Assert.Equal(first.Text("Sha256"), second.Text("Sha256"));
        Assert.Equal(2, ((IEnumerable<string>)first.Get("Runs")!).Count());
        var json = BundleBuilder.From(ps.PathOf("one.zip")).Manifest.ToJsonString();
        Assert.DoesNotContain(Environment.MachineName, json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), json);
    }

    [Fact]
    public void Leaves_out_locks_lock_tickets_heartbeats_and_temporary_files_but_keeps_other_hidden_files()
    {
        var run = CompletedRun();
        var name = Path.GetFileName(run);
        ps.Write(Path.Combine(run, ".heartbeats", "otherhost-1.json"), "{}");
        ps.Write(Path.Combine(run, ".lock.queue", "1.ticket"), "");
        ps.Write(Path.Combine(run, ".lock"), "");
        ps.Write(Path.Combine(run, "artifacts", $".model.zip.{Environment.MachineName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"), "half");
        ps.Write(Path.Combine(run, "artifacts", ".keep"), "");

        ps.Run("$run | Export-RunBundle b.zip").AssertNoErrors();

        var entries = EntryNames(ps.PathOf("b.zip"));
        Assert.Contains($"runs/{name}/artifacts/.keep", entries);
        Assert.DoesNotContain(entries, e => e.Contains(".lock", StringComparison.Ordinal) || e.Contains(".heartbeats", StringComparison.Ordinal) || e.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_holding_a_symbolic_link_is_refused_and_no_bundle_is_written()
    {
        var run = CompletedRun();
        var link = Path.Combine(run, "artifacts", "elsewhere");
        File.CreateSymbolicLink(link, ps.Write("outside.txt", "outside"));

        var result = ps.Run("$run | Export-RunBundle b.zip");

        Expect.Error(result, "BundleEntryUnsafe", "ExportRunBundle", ErrorCategory.SecurityError, link);
        Assert.False(File.Exists(ps.PathOf("b.zip")));
        Assert.Empty(Directory.GetFiles(ps.Directory, ".*.tmp"));
    }

    [Fact]
    public void A_run_a_live_process_is_working_on_needs_Force()
    {
        var run = Expect.Single(ps.Run("$run = New-Run a; Set-RunStatus -Run $run Running; $run"), Expect.RunInfo).Text("Path");

        var refused = ps.Run("$run | Export-RunBundle b.zip");

        Expect.Error(refused, "RunInUse", "ExportRunBundle", ErrorCategory.ResourceBusy, run);
        Assert.False(File.Exists(ps.PathOf("b.zip")));
        Expect.Single(ps.Run("$run | Export-RunBundle b.zip -Force"), BundleBuilder.BundleInfo);
    }

    [Fact]
    public void An_existing_file_is_replaced_only_with_Force()
    {
        CompletedRun();
        var existing = ps.Write("b.zip", "not mine to overwrite");

        var refused = ps.Run("$run | Export-RunBundle b.zip");

        Expect.Error(refused, "OutputExists", "ExportRunBundle", ErrorCategory.ResourceExists, existing);
        Assert.Equal("not mine to overwrite", File.ReadAllText(existing));
        var replaced = Expect.Single(ps.Run("$run | Export-RunBundle b.zip -Force"), BundleBuilder.BundleInfo);
        Assert.Equal(TrainingKit.Sha256(existing), replaced.Text("Sha256"));
    }

    [Fact]
    public void Two_runs_with_one_directory_name_cannot_share_a_bundle()
    {
        var run = CompletedRun();
        var copy = ps.PathOf("copies", Path.GetFileName(run));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(run, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(copy, Path.GetRelativePath(run, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        var result = ps.Run($"Export-RunBundle -Run $run, '{copy}' -Path b.zip");

        var error = Expect.Error(result, "BundleEntryUnsafe", "ExportRunBundle", ErrorCategory.SecurityError, copy);
        Assert.Contains("one run per name", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(ps.PathOf("b.zip")));
    }

    [Fact]
    public void An_empty_pipeline_writes_nothing()
    {
        var result = ps.Run("@() | Export-RunBundle b.zip");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        Assert.False(File.Exists(ps.PathOf("b.zip")));
    }

    [Fact]
    public void A_path_that_is_not_a_run_is_RunNotFound()
    {
        var result = ps.Run("Export-RunBundle -Run runs/nope -Path b.zip");

        Expect.Error(result, "RunNotFound", "ExportRunBundle", ErrorCategory.ObjectNotFound, ps.PathOf("runs", "nope"));
        Assert.False(File.Exists(ps.PathOf("b.zip")));
    }

    [Fact]
    public void The_bundle_json_of_an_export_parses_as_JSON_with_lower_case_hex_hashes()
    {
        CompletedRun();
        ps.Run("$run | Export-RunBundle b.zip").AssertNoErrors();

        using var archive = ZipFile.OpenRead(ps.PathOf("b.zip"));
        using var stream = archive.GetEntry("bundle.json")!.Open();
        using var doc = JsonDocument.Parse(stream);
        var hashes = doc.RootElement.GetProperty("runs")[0].GetProperty("files").EnumerateArray().Select(f => f.GetProperty("sha256").GetString()!);
        Assert.All(hashes, h => Assert.Matches("^[0-9a-f]{64}$", h));
    }
}
