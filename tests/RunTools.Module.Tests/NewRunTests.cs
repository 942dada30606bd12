using System.Management.Automation;

namespace RunTools.Module.Tests;

public sealed class NewRunTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    string Runs => ps.PathOf("runs");

    [Fact]
    public void Creates_a_complete_run_directory_and_returns_its_RunInfo()
    {
        ps.Write("data.csv", "a,b,target\n1,2,0\n3,4,1\n");
        ps.Write("base.yaml", "model:\n  trees: 100\n  depth: 4\ndata:\n  label: target\n");
        ps.Write("more.json", """{ "model": { "depth": 6 }, "seed": 1 }""");

        var run = Expect.Single(ps.Run("""
            New-Run -Name baseline -ConfigPath base.yaml, more.json -Set @{ 'model.trees' = 300 }, 'optim.lr=0.1' -DataPath data.csv
            """), Expect.RunInfo);

        Assert.Equal("baseline", run.Text("Key"));
        Assert.Equal("Pending", run.Text("Status"));
        var dir = (string)run.Get("Path")!;
        Assert.Equal(Expect.RunDirectories(Runs).Single(), dir);
        Assert.Equal(Path.GetFileName(dir), run.Text("Name"));
        Assert.Matches(@"^\d{8}_\d{6}_baseline$", Path.GetFileName(dir));
        var parameters = (System.Collections.IDictionary)run.Get("Params")!;
        Assert.Equal(300L, parameters["model.trees"]);
        Assert.Equal(6L, parameters["model.depth"]);
        Assert.Equal(0.1, parameters["optim.lr"]);
        Assert.Equal(1L, parameters["seed"]);

        foreach (var file in new[] { "run.json", "events.jsonl", "config_resolved.yaml", "config_overrides.yaml" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        Assert.True(Directory.Exists(Path.Combine(dir, "logs")));
        using var manifest = Expect.Manifest(dir);
        var root = manifest.RootElement;
        Assert.Equal(Path.GetFileName(dir), root.GetProperty("name").GetString());
        Assert.Equal(run.Text("Id"), root.GetProperty("run_id").GetString());
        Assert.Equal("pending", root.GetProperty("status").GetString());
        Assert.Equal("target", root.GetProperty("label").GetString());
        Assert.Equal(new[] { "a", "b" }, root.GetProperty("feature_list").GetProperty("items").EnumerateArray().Select(e => e.GetString()));
        var input = root.GetProperty("inputs")[0];
        Assert.Equal("data.csv", input.GetProperty("path").GetString());
        Assert.Equal(2, input.GetProperty("rows").GetInt64());
        Assert.Equal(Sha256(ps.PathOf("data.csv")), input.GetProperty("sha256").GetString());
        Assert.Equal(1, Expect.EventLines(dir));
        var resolved = File.ReadAllText(Path.Combine(dir, "config_resolved.yaml"));
        Assert.Contains("trees: 300", resolved);
        Assert.Contains("depth: 6", resolved);
        var overrides = File.ReadAllText(Path.Combine(dir, "config_overrides.yaml"));
        Assert.Contains("model.trees=300", overrides);
        Assert.Contains("optim.lr=0.1", overrides);
        Assert.Contains(Sha256(ps.PathOf("base.yaml")), overrides); // the hash of each config file as it was read
        Assert.Contains(Sha256(ps.PathOf("more.json")), overrides);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Runs, ".runtools", "staging")));
    }

    [Fact]
    public void Honours_Root_and_gives_the_same_key_twice_two_directories()
    {
        var result = ps.Run("""
            New-Run same -Root elsewhere
            New-Run same -Root elsewhere
            """);

        var runs = Expect.All(result, Expect.RunInfo);
        Assert.Equal(2, runs.Count);
        Assert.NotEqual(runs[0].Text("Path"), runs[1].Text("Path"));
        Assert.NotEqual(runs[0].Text("Id"), runs[1].Text("Id"));
        Assert.Equal(runs.Select(r => r.Text("Path")).Order(), Expect.RunDirectories(ps.PathOf("elsewhere")));
        Assert.False(Directory.Exists(Runs));
    }

    [Fact]
    public void Binds_Name_by_property_name_from_the_pipeline()
    {
        var result = ps.Run("""
            [pscustomobject]@{ Name = 'first' }, [pscustomobject]@{ Name = 'second' } | New-Run -Root runs
            """);

        Assert.Equal(new[] { "first", "second" }, Expect.All(result, Expect.RunInfo).Select(r => r.Text("Key")));
    }

    [Fact]
    public void A_missing_data_file_is_DataFileNotFound_and_creates_nothing()
    {
        var result = ps.Run("New-Run -Name x -DataPath missing.csv");

        Expect.Error(result, "DataFileNotFound", "NewRun", ErrorCategory.ObjectNotFound, "missing.csv");
        Assert.Empty(result.Output);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void A_missing_config_file_is_ConfigFileNotFound_and_creates_nothing()
    {
        var result = ps.Run("New-Run -Name x -ConfigPath conf/missing.yaml");

        Expect.Error(result, "ConfigFileNotFound", "NewRun", ErrorCategory.ObjectNotFound, "conf/missing.yaml");
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void Malformed_YAML_is_ConfigParseError_with_the_file_line_and_column()
    {
        ps.Write("bad.yaml", "model:\n  trees: 100\n   depth: 4\n");

        var result = ps.Run("New-Run -Name x -ConfigPath bad.yaml");

        var error = Expect.Error(result, "ConfigParseError", "NewRun", ErrorCategory.ParserError, "bad.yaml");
        Assert.Matches(@"^bad\.yaml\(\d+,\d+\): ", error.Exception.Message);
        Assert.StartsWith("bad.yaml(3,", error.Exception.Message);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void Malformed_JSON_is_ConfigParseError_with_the_file_line_and_column()
    {
        ps.Write("bad.json", "{\n  \"model\": {\n    \"trees\": 100,,\n  }\n}\n");

        var result = ps.Run("New-Run -Name x -ConfigPath bad.json");

        var error = Expect.Error(result, "ConfigParseError", "NewRun", ErrorCategory.ParserError, "bad.json");
        Assert.StartsWith("bad.json(3,", error.Exception.Message);
        Expect.NoRunCreated(Runs);
    }

    [Theory]
    [InlineData("no-equals-sign")]
    [InlineData("=5")]
    [InlineData("model..trees=5")]
    [InlineData("model.trees=[1, 2")]
    public void A_bad_override_string_is_ConfigOverrideInvalid(string text)
    {
        var result = ps.Run($"New-Run -Name x -Set '{text}'");

        Expect.Error(result, "ConfigOverrideInvalid", "NewRun", ErrorCategory.InvalidArgument, text);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void An_override_through_a_scalar_is_ConfigPathConflict()
    {
        ps.Write("config.yaml", "model: gbm\n");

        var result = ps.Run("New-Run -Name x -ConfigPath config.yaml -Set @{ 'model.trees' = 10 }");

        var error = Expect.Error(result, "ConfigPathConflict", "NewRun", ErrorCategory.InvalidData, "model.trees");
        Assert.Contains("'model' is the string 'gbm'", error.Exception.Message);
        Expect.NoRunCreated(Runs);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData("a..b")]
    public void An_invalid_run_key_is_InvalidName(string key)
    {
        var result = ps.Run($"New-Run -Name '{key}'");

        Expect.Error(result, "InvalidName", "NewRun", ErrorCategory.InvalidArgument, key);
        Expect.NoRunCreated(Runs);
        Assert.False(File.Exists(ps.PathOf("escape")) || Directory.Exists(ps.PathOf("escape")));
    }

    [Fact]
    public void A_data_file_without_the_configured_label_is_ColumnsMissing()
    {
        ps.Write("data.csv", "a,b,y\n1,2,0\n");
        ps.Write("config.yaml", "data:\n  label: target\n");

        var result = ps.Run("New-Run -Name x -ConfigPath config.yaml -DataPath data.csv");

        var error = Expect.Error(result, "ColumnsMissing", "NewRun", ErrorCategory.InvalidData, "data.csv");
        Assert.Contains("'target'", error.Exception.Message);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void An_unreadable_CSV_is_DataFileInvalid()
    {
        ps.Write("broken.csv", "a,b\n\"unclosed,2\n");

        var result = ps.Run("New-Run -Name x -DataPath broken.csv");

        var error = Expect.Error(result, "DataFileInvalid", "NewRun", ErrorCategory.InvalidData, "broken.csv");
        Assert.Contains("quoted field is not closed", error.Exception.Message);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void A_root_that_is_a_run_directory_is_RunRootInvalid()
    {
        var dir = Expect.Single(ps.Run("New-Run -Name first"), Expect.RunInfo).Text("Path");

        var result = ps.Run($"New-Run -Name nested -Root '{dir}'");

        Expect.Error(result, "RunRootInvalid", "NewRun", ErrorCategory.InvalidArgument, dir);
        Assert.Equal(new[] { "logs" }, Expect.RunDirectories(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_value_that_cannot_be_a_config_value_is_ConfigValueInvalid()
    {
        var result = ps.Run("New-Run -Name x -Set @{ 'model.when' = [guid]::Empty }");

        Expect.Error(result, "ConfigValueInvalid", "NewRun", ErrorCategory.InvalidData, "model.when");
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void Records_its_upstream_runs_in_the_lineage()
    {
        var result = ps.Run("""
            $up = New-Run -Name prepare
            $up
            New-Run -Name train -Upstream $up
            """);

        var runs = Expect.All(result, Expect.RunInfo);
        using var manifest = Expect.Manifest(runs[1].Text("Path"));
        var lineage = manifest.RootElement.GetProperty("lineage")[0];
        Assert.Equal(runs[0].Text("Id"), lineage.GetProperty("run_id").GetString());
        Assert.Equal(runs[0].Text("Name"), lineage.GetProperty("run_name").GetString());
    }

    static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
