namespace RunTools.Module.Tests;

public sealed class TestRunTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    public TestRunTests()
    {
        ps.Write("data.csv", "x,label\n1,0\n");
        ps.Write("model.zip", "weights");
        ps.Write("notes.txt", "notes");
        dir = Expect.Single(ps.Run("""
            $run = New-Run -Name r -DataPath data.csv -Set 'model.trees=10'
            Add-RunArtifact -Run $run model.zip, notes.txt | Out-Null
            $run
            """), Expect.RunInfo).Text("Path");
    }

    public void Dispose() => ps.Dispose();

    [Fact]
    public void An_intact_run_checks_Ok_item_by_item()
    {
        var checks = Expect.Checks(ps.Run("Get-Run | Test-Run"));

        Assert.Equal(new[]
        {
            "events events.jsonl Ok",
            "manifest run.json Ok",
            "config config_resolved.yaml Ok",
            "config config_overrides.yaml Ok",
            "artifact artifacts/model.zip Ok",
            "artifact artifacts/notes.txt Ok",
            $"input {ps.PathOf("data.csv")} Ok",
        }, checks);
    }

    [Fact]
    public void A_modified_artifact_is_Modified_and_a_deleted_one_Missing()
    {
        File.WriteAllText(Path.Combine(dir, "artifacts", "model.zip"), "tampered");
        File.Delete(Path.Combine(dir, "artifacts", "notes.txt"));

        var result = ps.Run("Test-Run $run");

        var checks = Expect.All(result, Expect.RunCheck);
        var model = checks.Single(c => c.Text("Item") == "artifacts/model.zip");
        Assert.Equal("Modified", model.Text("Status"));
        Assert.NotEqual(model.Text("Expected"), model.Text("Actual"));
        var notes = checks.Single(c => c.Text("Item") == "artifacts/notes.txt");
        Assert.Equal("Missing", notes.Text("Status"));
        Assert.Null(notes.Get("Actual"));
        Assert.Equal(Path.GetFileName(dir), notes.Text("Run"));
        Assert.Equal(dir, notes.Text("RunPath"));
        Assert.Equal("Ok", checks.Single(c => c.Text("Kind") == "manifest").Text("Status"));
    }

    [Fact]
    public void A_changed_input_data_file_is_Modified()
    {
        File.WriteAllText(ps.PathOf("data.csv"), "x,label\n2,1\n");

        var checks = Expect.Checks(ps.Run("Test-Run $run"));

        Assert.Contains($"input {ps.PathOf("data.csv")} Modified", checks);
    }

    [Fact]
    public void An_edited_resolved_config_is_Modified()
    {
        var config = Path.Combine(dir, "config_resolved.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("trees: 10", "trees: 11"));

        Assert.Contains("config config_resolved.yaml Modified", Expect.Checks(ps.Run("Test-Run $run")));
    }

    [Fact]
    public void A_resolved_config_edited_into_invalid_YAML_is_Modified_not_Missing()
    {
        File.AppendAllText(Path.Combine(dir, "config_resolved.yaml"), "  : [unclosed\n");

        Assert.Contains("config config_resolved.yaml Modified", Expect.Checks(ps.Run("Test-Run $run")));
    }

    [Fact]
    public void A_deleted_resolved_config_is_Missing()
    {
        File.Delete(Path.Combine(dir, "config_resolved.yaml"));

        Assert.Contains("config config_resolved.yaml Missing", Expect.Checks(ps.Run("Test-Run $run")));
    }

    [Fact]
    public void Quiet_returns_one_boolean_per_run()
    {
        ps.Run("$other = New-Run -Name other").AssertNoErrors();

        var intact = ps.Run("Test-Run $run, $other -Quiet");
        File.Delete(Path.Combine(dir, "artifacts", "notes.txt"));
        var damaged = ps.Run("Test-Run $run, $other -Quiet");

        Assert.Equal(new object[] { true, true }, Expect.All(intact, "System.Boolean").Select(o => o.BaseObject));
        Assert.Equal(new object[] { false, true }, Expect.All(damaged, "System.Boolean").Select(o => o.BaseObject));
    }

    [Fact]
    public void Quiet_is_false_for_a_run_that_cannot_be_read()
    {
        var result = ps.Run("Test-Run runs/nope -Quiet");

        Assert.Equal(false, Assert.Single(result.Output).BaseObject);
        Assert.Equal("RunNotFound,RunTools.Module.Commands.TestRunCommand", result.SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void Test_Run_never_writes()
    {
        File.Delete(Path.Combine(dir, "run.json"));
        var before = ps.Snapshot();

        Assert.Contains("manifest run.json Stale", Expect.Checks(ps.Run("Test-Run $run")));
        Expect.Unchanged(before, ps.Snapshot());
    }
}
