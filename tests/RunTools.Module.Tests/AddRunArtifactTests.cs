using System.Management.Automation;
using System.Security.Cryptography;

namespace RunTools.Module.Tests;

public sealed class AddRunArtifactTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    public AddRunArtifactTests() => dir = Expect.Single(ps.Run("$run = New-Run -Name r; $run"), Expect.RunInfo).Text("Path");

    public void Dispose() => ps.Dispose();

    static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Copies_a_file_in_and_records_the_sha256_of_the_source()
    {
        var source = ps.Write("model.zip", "not really a zip but bytes");

        var artifact = Expect.Single(ps.Run("Add-RunArtifact -Run $run model.zip"), Expect.ArtifactRecord);

        Assert.Equal("artifacts/model.zip", artifact.Text("Path"));
        Assert.Equal(Path.Combine(dir, "artifacts", "model.zip"), artifact.Text("FullPath"));
        Assert.Equal(Sha256(source), artifact.Text("Sha256"));
        Assert.Equal(new FileInfo(source).Length, artifact.Get("Bytes"));
        Assert.Equal("Model", artifact.Text("Kind"));
        Assert.Equal(dir, artifact.Text("RunPath"));
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(Path.Combine(dir, "artifacts", "model.zip")));
        Assert.True(File.Exists(source), "the source stays where it was");
        using var manifest = Expect.Manifest(dir);
        var recorded = manifest.RootElement.GetProperty("artifacts")[0];
        Assert.Equal("artifacts/model.zip", recorded.GetProperty("path").GetString());
        Assert.Equal(Sha256(source), recorded.GetProperty("sha256").GetString());
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void Registers_a_file_already_inside_the_run_without_moving_it()
    {
        var inside = Path.Combine(dir, "reports", "summary.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(inside)!);
        File.WriteAllText(inside, "summary");

        var artifact = Expect.Single(ps.Run($"Add-RunArtifact -Run $run '{inside}' -Kind Metrics"), Expect.ArtifactRecord);

        Assert.Equal("reports/summary.txt", artifact.Text("Path"));
        Assert.Equal("Metrics", artifact.Text("Kind"));
        Assert.Equal(Sha256(inside), artifact.Text("Sha256"));
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
    }

    [Fact]
    public void Takes_files_from_the_pipeline_and_a_Destination_folder()
    {
        ps.Write("plots/a.png", "a");
        ps.Write("plots/b.png", "b");

        var result = ps.Run("""
            "$PWD/plots/a.png", "$PWD/plots/b.png" | ForEach-Object { [IO.FileInfo]$_ } | Add-RunArtifact -Run $run -Destination figures/
            """);

        var artifacts = Expect.All(result, Expect.ArtifactRecord);
        Assert.Equal(new[] { "figures/a.png", "figures/b.png" }, artifacts.Select(a => a.Text("Path")));
        Assert.All(artifacts, a => Assert.Equal("Plot", a.Text("Kind")));
    }

    [Fact]
    public void An_existing_artifact_is_not_replaced_without_Force()
    {
        ps.Write("model.zip", "first");
        ps.Run("Add-RunArtifact -Run $run model.zip").AssertNoErrors();
        ps.Write("model.zip", "second");
        var before = ps.Snapshot(dir);

        var result = ps.Run("Add-RunArtifact -Run $run model.zip");

        Expect.Error(result, "ArtifactExists", "AddRunArtifact", ErrorCategory.ResourceExists, "artifacts/model.zip");
        Assert.Empty(result.Output);
        Assert.Equal("first", File.ReadAllText(Path.Combine(dir, "artifacts", "model.zip")));
        Expect.Unchanged(before, ps.Snapshot(dir));
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void Force_replaces_an_existing_artifact()
    {
        ps.Write("model.zip", "first");
        ps.Run("Add-RunArtifact -Run $run model.zip").AssertNoErrors();
        var source = ps.Write("model.zip", "second");

        var artifact = Expect.Single(ps.Run("Add-RunArtifact -Run $run model.zip -Force"), Expect.ArtifactRecord);

        Assert.Equal(Sha256(source), artifact.Text("Sha256"));
        Assert.Equal("second", File.ReadAllText(Path.Combine(dir, "artifacts", "model.zip")));
        using var manifest = Expect.Manifest(dir);
        Assert.Equal(1, manifest.RootElement.GetProperty("artifacts").GetArrayLength());
        Expect.AllOk(ps.Run("Test-Run $run"));
    }

    [Fact]
    public void A_missing_source_is_ArtifactSourceNotFound_and_the_next_file_still_goes_in()
    {
        ps.Write("present.txt", "here");

        var result = ps.Run("Add-RunArtifact -Run $run missing.txt, present.txt");

        Expect.Error(result, "ArtifactSourceNotFound", "AddRunArtifact", ErrorCategory.ObjectNotFound, ps.PathOf("missing.txt"));
        Assert.Equal("artifacts/present.txt", Assert.Single(result.Output).Text("Path"));
    }

    [Fact]
    public void A_destination_outside_the_run_is_PathOutsideRun()
    {
        ps.Write("model.zip", "x");
        var before = ps.Snapshot();

        var result = ps.Run("Add-RunArtifact -Run $run model.zip -Destination ../../stolen.zip");

        Expect.Error(result, "PathOutsideRun", "AddRunArtifact", ErrorCategory.SecurityError, "../../stolen.zip");
        Expect.Unchanged(before, ps.Snapshot());
    }
}
