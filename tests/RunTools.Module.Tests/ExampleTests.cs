using System.Security.Cryptography;
using System.Text.Json;

namespace RunTools.Module.Tests;

/// <summary>The examples are run exactly as the README tells users to run them (through the runtools host), so they
/// cannot rot; the data generator must reproduce the committed data byte for byte.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ExampleTests : IDisposable
{
    readonly string directory = Path.Combine(Path.GetTempPath(), "runtools-tests", "examples-" + Guid.NewGuid().ToString("N")[..8]);

    public ExampleTests() => Directory.CreateDirectory(directory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    static string Example(string name) => Path.Combine(Repo.Root, "examples", name);

    [Fact]
    public void The_quickstart_runs_two_compared_runs_a_nested_cross_validation_and_an_inference()
    {
        var root = Path.Combine(directory, "runs");
        var result = RuntoolsProcess.Run(directory, Example("quickstart.ps1"), "-Root", root);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}\n{result.Stdout}");
        Assert.Equal("", result.Stderr.Trim());
        var runs = Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).Order().ToArray();
        Assert.Equal(4, runs.Length);
        var manifests = runs.Select(r => JsonDocument.Parse(File.ReadAllText(Path.Combine(r, "run.json"))).RootElement).ToArray();
        Assert.All(manifests, m => Assert.Equal("completed", m.GetProperty("status").GetString()));

        // The two naive Bayes runs differ in the threshold, and both stages ran through the run directory.
        var naive = manifests.Where(m => m.GetProperty("key").GetString()!.StartsWith("naive-bayes", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, naive.Length);
        Assert.All(naive, m => Assert.Equal(new[] { "prepare", "evaluate" }, m.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString())));
        Assert.Contains("model.threshold", result.Stdout);

        // Nested cross-validation: a stored fold plan, a trained production model and cross-validated metrics with signal.
        var training = manifests.Single(m => m.GetProperty("key").GetString() == "patients-nested-cv");
        Assert.Equal("folds", training.GetProperty("fold_plans")[0].GetProperty("name").GetString());
        var auc = training.GetProperty("metrics").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "cv/auc").GetProperty("last").GetDouble();
        Assert.InRange(auc, 0.7, 1.0);
        Assert.Contains(training.GetProperty("artifacts").EnumerateArray(), a => a.GetProperty("path").GetString() == "models/production/model.json");

        // The inference run points at the training run and the model files, and scored every new visit.
        var inference = manifests.Single(m => m.GetProperty("key").GetString() == "patients-nested-cv-inference");
        var lineage = inference.GetProperty("lineage").EnumerateArray().ToArray();
        Assert.Contains(lineage, l => l.GetProperty("relation").GetString() == "upstream" && l.GetProperty("run_id").GetString() == training.GetProperty("run_id").GetString());
        Assert.Contains(lineage, l => l.GetProperty("relation").GetString() == "model" && l.GetProperty("path").GetString() == "models/production/model.zip");
        Assert.Equal(100, inference.GetProperty("inputs")[0].GetProperty("rows").GetInt64());
    }

    [Fact]
    public void The_data_generator_reproduces_the_committed_example_data()
    {
        var result = RuntoolsProcess.Run(directory, Example("data/generate.ps1"), "-OutDirectory", directory);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        foreach (var name in new[] { "patients.csv", "patients_new.csv", "species.csv", "sales.csv" })
            Assert.Equal(Hash(Example(Path.Combine("data", name))), Hash(Path.Combine(directory, name)));

        static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
    }
}
