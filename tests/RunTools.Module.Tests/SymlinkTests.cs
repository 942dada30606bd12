using System.Management.Automation;

namespace RunTools.Module.Tests;

/// <summary>No write leaves the run: every path a run writes to is checked where the file system puts it, and the run's
/// own files are never written through a symbolic link. Reading inputs through links stays allowed and is recorded by
/// the real path.</summary>
public sealed class SymlinkTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir, outside;

    public SymlinkTests()
    {
        dir = Expect.Single(ps.Run("$run = New-Run -Name r; $run"), Expect.RunInfo).Text("Path");
        outside = Directory.CreateDirectory(ps.PathOf("outside")).FullName;
        ps.Write("model.zip", "weights");
    }

    public void Dispose() => ps.Dispose();

    [Fact]
    public void An_artifact_destination_through_a_linked_folder_that_leads_outside_is_PathOutsideRun()
    {
        Directory.CreateDirectory(Path.Combine(dir, "artifacts"));
        Directory.CreateSymbolicLink(Path.Combine(dir, "artifacts", "link"), outside);
        var before = ps.Snapshot();

        var result = ps.Run("Add-RunArtifact -Run $run model.zip -Destination artifacts/link/x.txt");

        Expect.Error(result, "PathOutsideRun", "AddRunArtifact", ErrorCategory.SecurityError, "artifacts/link/x.txt");
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Expect.Unchanged(before, ps.Snapshot());
    }

    [Fact]
    public void A_stage_output_through_a_linked_folder_is_refused_before_the_stage_runs()
    {
        Directory.CreateSymbolicLink(Path.Combine(dir, "out"), outside);
        var before = ps.Snapshot();

        var result = ps.Run("""$run | Invoke-RunStage s { param($Run) 'ran' > $Run.Outputs[0] } -Output out/x.txt""");

        Expect.Error(result, "PathOutsideRun", "InvokeRunStage", ErrorCategory.SecurityError, "out/x.txt");
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Expect.Unchanged(before, ps.Snapshot());
    }

    [Fact]
    public void Resolve_in_a_stage_refuses_a_path_through_a_link_that_leads_outside()
    {
        Directory.CreateSymbolicLink(Path.Combine(dir, "out"), outside);

        var result = ps.Run("""$run | Invoke-RunStage s { param($Run) [IO.File]::WriteAllText($Run.Resolve('out/x.txt'), 'escaped') }""");

        var error = Expect.Error(result, "StageScriptFailed", "InvokeRunStage", ErrorCategory.InvalidResult, "s");
        Assert.Contains("resolves outside the run directory", error.Exception.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void An_event_log_that_is_a_link_is_never_appended_to()
    {
        var target = Path.Combine(outside, "events.jsonl");
        File.Move(Path.Combine(dir, "events.jsonl"), target);
        File.CreateSymbolicLink(Path.Combine(dir, "events.jsonl"), target);
        var before = File.ReadAllBytes(target);

        var result = ps.Run("Write-RunMetric -Run $run loss 0.5");

        Expect.Error(result, "PathOutsideRun", "WriteRunMetric", ErrorCategory.SecurityError, Path.Combine(dir, "events.jsonl"));
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Fact]
    public void A_stage_log_that_is_a_link_is_never_written_through()
    {
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        var target = Path.Combine(outside, "s.log");
        File.WriteAllText(target, "");
        File.CreateSymbolicLink(Path.Combine(dir, "logs", "s.log"), target);

        ps.Run("""$run | Invoke-RunStage s { param($Run) 'secret output' }""");

        Assert.Equal("", File.ReadAllText(target));
    }

    [Fact]
    public void A_linked_sidecars_folder_makes_the_run_refuse_writes()
    {
        Directory.CreateSymbolicLink(Path.Combine(dir, "sidecars"), outside);

        var result = ps.Run("Write-RunMetric -Run $run loss 0.5");

        Expect.Error(result, "PathOutsideRun", "WriteRunMetric", ErrorCategory.SecurityError, Path.Combine(dir, "sidecars"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void A_data_file_read_through_a_link_is_recorded_by_its_real_path()
    {
        var real = ps.Write("data/real.csv", "x,label\n1,0\n");
        File.CreateSymbolicLink(ps.PathOf("linked.csv"), real);

        var input = ps.Run("(New-Run -Name linked -DataPath linked.csv).Manifest.Inputs[0]").Output.Single();

        Assert.Equal("linked.csv", input.Text("Path"));
        Assert.Equal(real, input.Text("FullPath"));
    }

    [Fact]
    public void A_stage_input_inside_the_run_that_links_outside_is_recorded_by_its_real_path()
    {
        var real = ps.Write("outside/stats.json", "{}");
        File.CreateSymbolicLink(Path.Combine(dir, "stats.json"), real);

        var result = ps.Run("""$run | Invoke-RunStage s { param($Run) 'read' } -Input stats.json; (Get-RunManifest $run).Stage('s').Inputs[0].Path""");

        result.AssertNoErrors();
        Assert.Equal(real, result.Output.Last().BaseObject);
    }
}
