using System.Management.Automation;

namespace RunTools.Module.Tests;

/// <summary>A well-formed bundle of one completed run (with a stage log and an empty artifact), exported once; the import tests build their
/// bundles from it.</summary>
public sealed class ExportedRun : IDisposable
{
    public PowerShellHost Ps { get; } = new();

    /// <summary>The run's directory.</summary>
    public string Run { get; }

    public string Name => Path.GetFileName(Run);

    /// <summary>The bundle.</summary>
    public string Bundle { get; }

    public ExportedRun()
    {
        Ps.Write("empty.txt", "");
        Run = Expect.Single(Ps.Run("""
            $run = New-Run a -Set 'x=1'
            $run | Invoke-RunStage prep { 'hello' } | Out-Null
            Add-RunArtifact -Run $run -Path empty.txt | Out-Null
            $run | Set-RunStatus Completed
            $run
            """), Expect.RunInfo).Text("Path");
        Bundle = Ps.PathOf("base.zip");
        Expect.Single(Ps.Run($"Export-RunBundle -Run '{Run}' -Path '{Bundle}'"), BundleBuilder.BundleInfo);
    }

    public void Dispose() => Ps.Dispose();
}

public sealed class ImportRunBundleTests(ExportedRun exported) : IClassFixture<ExportedRun>
{
    readonly PowerShellHost ps = exported.Ps;

    public static TheoryData<string> HostileRows => new(HostileBundles.Rows.Select(r => r.Name));

    /// <summary>A root of its own for a test, holding one bystander run that no import may touch.</summary>
    string NewRoot()
    {
        var root = ps.PathOf("root-" + Guid.NewGuid().ToString("N")[..8]);
        ps.Run($"New-Run bystander -Root '{root}' | Out-Null").AssertNoErrors();
        return root;
    }

    static void NothingLeftInTheWorkArea(string root)
    {
        foreach (var folder in new[] { "staging", "trash" })
        {
            var path = Path.Combine(root, ".runtools", folder);
            Assert.True(!Directory.Exists(path) || Directory.GetFileSystemEntries(path).Length == 0, $"{path} is not empty");
        }
    }

    [Theory]
    [MemberData(nameof(HostileRows))]
    public void A_hostile_bundle_is_refused_with_its_error_naming_the_offender_and_the_root_is_left_as_it_was(string row)
    {
        var hostile = HostileBundles.Rows.Single(r => r.Name == row);
        var context = new HostileContext(ps, ps.PathOf($"hostile-{Guid.NewGuid():N}.zip"), NewRoot(), exported.Name, exported.Bundle);
        hostile.Setup?.Invoke(context);
        hostile.Write(context);
        var before = ps.Snapshot(context.Root);

        var result = ps.Run($"Import-RunBundle '{context.Bundle}' -Root '{context.Root}' {hostile.Arguments}");

        Expect.Error(result, hostile.ErrorId, "ImportRunBundle", hostile.Category, hostile.Target(context));
        Assert.Empty(result.Output);
        Expect.Unchanged(before, ps.Snapshot(context.Root));
        NothingLeftInTheWorkArea(context.Root);
    }

    [Fact]
    public void The_catalogue_of_hostile_bundles_covers_at_least_fifteen_cases_with_distinct_names()
    {
        Assert.True(HostileBundles.Rows.Count >= 15);
        Assert.Equal(HostileBundles.Rows.Count, HostileBundles.Rows.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void Imports_a_run_whole_as_Get_Run_shows_it_with_every_file_byte_identical()
    {
        var root = NewRoot();

        var result = ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}'");

        var imported = Expect.Single(result, Expect.RunInfo);
        var target = Path.Combine(root, exported.Name);
        Assert.Equal(target, imported.Text("Path"));
        Assert.Equal("Completed", imported.Text("Status"));
        Assert.Equal("a", imported.Text("Key"));
        var original = Expect.Single(ps.Run($"Get-Run -Path '{exported.Run}'"), Expect.RunInfo);
        Assert.Equal(original.Text("Id"), imported.Text("Id"));
        Assert.Equal(Expect.Single(ps.Run($"Get-RunManifest '{exported.Run}'"), Expect.RunManifest).Text("ChainHead"),
            Expect.Single(ps.Run($"Get-RunManifest '{target}'"), Expect.RunManifest).Text("ChainHead"));
        Assert.Equal(ContentFiles(exported.Run), ContentFiles(target));
        Assert.Equal(0, new FileInfo(Path.Combine(target, "artifacts", "empty.txt")).Length);
        Expect.AllOk(ps.Run($"Test-Run '{target}'"));
        NothingLeftInTheWorkArea(root);
    }

    /// <summary>A run's files (path → SHA-256), its locks and heartbeats left out.</summary>
    internal static Dictionary<string, string> ContentFiles(string run) =>
        Directory.GetFiles(run, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(run, f).Replace('\\', '/'))
            .Where(f => f != ".lock" && !f.StartsWith(".lock.queue/", StringComparison.Ordinal) && !f.StartsWith(".heartbeats/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => f, f => TrainingKit.Sha256(Path.Combine(run, f)));

    [Fact]
    public void An_imported_run_can_be_written_to_again()
    {
        var root = NewRoot();
        ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}'").AssertNoErrors();
        var target = Path.Combine(root, exported.Name);

        ps.Run($"Write-RunMetric -Run '{target}' -Name auc -Value 0.75").AssertNoErrors();

        var metrics = ps.Metrics(target);
        Assert.Equal(0.75, metrics["auc"]);
        Expect.AllOk(ps.Run($"Test-Run '{target}'"));
    }

    [Fact]
    public void Force_replaces_a_run_of_the_same_name_and_id_and_leaves_no_trash()
    {
        var root = NewRoot();
        ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}'").AssertNoErrors();
        var target = Path.Combine(root, exported.Name);
        File.WriteAllText(Path.Combine(target, "artifacts-scribble.txt"), "changed locally");

        var result = ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}' -Force -Confirm:$false");

        Assert.Equal(target, Expect.Single(result, Expect.RunInfo).Text("Path"));
        Assert.False(File.Exists(Path.Combine(target, "artifacts-scribble.txt")));
        Assert.Equal(ContentFiles(exported.Run), ContentFiles(target));
        Assert.Equal(2, Expect.RunDirectories(root).Length); // the bystander and the import
        NothingLeftInTheWorkArea(root);
    }

    [Fact]
    public void Force_replaces_a_run_with_the_same_id_under_another_name()
    {
        var root = NewRoot();
        ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}'").AssertNoErrors();
        var renamed = Path.Combine(root, "20200101_000000_renamed");
        Directory.Move(Path.Combine(root, exported.Name), renamed);

        ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}' -Force").AssertNoErrors();

        Assert.False(Directory.Exists(renamed));
        Assert.True(Directory.Exists(Path.Combine(root, exported.Name)));
        NothingLeftInTheWorkArea(root);
    }

    [Fact]
    public void Force_never_replaces_something_that_is_not_a_run()
    {
        var root = NewRoot();
        var precious = ps.Write(Path.Combine(Path.GetFileName(root), exported.Name, "precious.txt"), "keep me");
        var before = ps.Snapshot(root);

        var result = ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}' -Force");

        Expect.Error(result, "RunExists", "ImportRunBundle", ErrorCategory.ResourceExists, Path.Combine(root, exported.Name));
        Expect.Unchanged(before, ps.Snapshot(root));
        Assert.Equal("keep me", File.ReadAllText(precious));
    }

    [Fact]
    public void WhatIf_checks_the_bundle_and_writes_nothing()
    {
        var root = NewRoot();
        var before = ps.Snapshot(root);

        var result = ps.Run($"Import-RunBundle '{exported.Bundle}' -Root '{root}' -WhatIf");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        Expect.Unchanged(before, ps.Snapshot(root));
        Assert.False(Directory.Exists(Path.Combine(root, ".runtools", "staging")) && Directory.GetFileSystemEntries(Path.Combine(root, ".runtools", "staging")).Length > 0);
    }

    [Fact]
    public void A_bundle_whose_second_run_is_damaged_imports_neither_run()
    {
        var two = ps.PathOf("two-" + Guid.NewGuid().ToString("N")[..8]);
        var runs = ps.Run($"""
            $first = New-Run first -Root '{two}'; $second = New-Run second -Root '{two}'
            $first, $second | Export-RunBundle '{two}.zip' | Out-Null
            """);
        runs.AssertNoErrors();
        var builder = BundleBuilder.From($"{two}.zip");
        // The second run's history no longer ends where bundle.json says: found when the staged runs are read back,
        // after both runs were extracted.
        var secondRun = builder.Manifest["runs"]![1]!;
        secondRun["chain_head"] = new string('b', 64);
        builder.Write($"{two}-damaged.zip");
        var root = NewRoot();
        var before = ps.Snapshot(root);

        var result = ps.Run($"Import-RunBundle '{two}-damaged.zip' -Root '{root}'");

        Expect.Error(result, "BundleHashMismatch", "ImportRunBundle", ErrorCategory.InvalidData, $"runs/{(string)secondRun["name"]!}/");
        Expect.Unchanged(before, ps.Snapshot(root));
        Assert.Single(Expect.RunDirectories(root)); // the bystander alone
        NothingLeftInTheWorkArea(root);
    }

    [Fact]
    public void Several_problems_found_together_are_one_error_each()
    {
        var builder = BundleBuilder.From(exported.Bundle);
        builder.Entries.Add(new BundleBuilder.ZipItem("../a", [1]));
        builder.Entries.Add(new BundleBuilder.ZipItem("/b", [2]));
        var bundle = ps.PathOf("two-problems.zip");
        builder.Write(bundle);

        var result = ps.Run($"Import-RunBundle '{bundle}' -Root '{NewRoot()}'");

        Assert.Equal(["../a", "/b"], result.AllErrors.Select(e => e.TargetObject));
        Assert.All(result.AllErrors, e => Assert.Equal("BundleEntryUnsafe,RunTools.Module.Commands.ImportRunBundleCommand", e.FullyQualifiedErrorId));
    }
}
