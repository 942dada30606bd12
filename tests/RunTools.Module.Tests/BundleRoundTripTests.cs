using System.Text.Json;

namespace RunTools.Module.Tests;

/// <summary>A small trained run (24 rows, two folds and a production model, one linear candidate) and an inference
/// run that used its model, both completed and exported together into one bundle.</summary>
public sealed class TrainedAndInferred : IDisposable
{
    public PowerShellHost Ps { get; } = new();

    public string Training { get; }

    public string Inference { get; }

    public string Bundle { get; }

    public TrainedAndInferred()
    {
        var result = Ps.Run("""
            $rows = @('id,x,z,label'); foreach ($i in 1..24) { $rows += "r$i,$($i % 7),$($i % 3),$($i % 2)" }
            [IO.File]::WriteAllLines("$PWD/data.csv", [string[]]$rows)
            [IO.File]::WriteAllText("$PWD/config.yaml", "data: { label: label, id: id }`nfolds: { kind: stratified, k: 2, production: true }`ntraining: { candidates: [ { trainer: lbfgs } ] }`n")
            $training = New-Run t -ConfigPath config.yaml -DataPath data.csv
            $training | New-RunFoldPlan | Invoke-RunTraining | Out-Null
            $training | Set-RunStatus Completed
            $inference = $training | Invoke-RunInference data.csv -WarningAction SilentlyContinue
            $training.Path
            $inference.RunPath
            Export-RunBundle -Run $training, $inference.RunPath -Path bundle.zip | Out-Null
            """);
        result.AssertNoErrors();
        Training = (string)result.Output[0].BaseObject;
        Inference = (string)result.Output[1].BaseObject;
        Bundle = Ps.PathOf("bundle.zip");
    }

    public void Dispose() => Ps.Dispose();
}

public sealed class BundleRoundTripTests(TrainedAndInferred trained) : IClassFixture<TrainedAndInferred>
{
    readonly PowerShellHost ps = trained.Ps;

    /// <summary>Imports the bundle into a new root; returns the root.</summary>
    string Imported()
    {
        var root = ps.PathOf("imported-" + Guid.NewGuid().ToString("N")[..8]);
        var result = ps.Run($"Import-RunBundle '{trained.Bundle}' -Root '{root}'");
        Assert.Equal(2, Expect.All(result, Expect.RunInfo).Count);
        return root;
    }

    [Fact]
    public void Export_import_export_gives_a_byte_identical_zip_and_every_imported_file_is_byte_identical()
    {
        var root = Imported();

        var again = Expect.Single(ps.Run($"Get-Run -Root '{root}' | Export-RunBundle '{root}.zip'"), BundleBuilder.BundleInfo);

        Assert.Equal(File.ReadAllBytes(trained.Bundle), File.ReadAllBytes($"{root}.zip"));
        Assert.Equal(TrainingKit.Sha256(trained.Bundle), again.Text("Sha256"));
        foreach (var run in new[] { trained.Training, trained.Inference })
            Assert.Equal(ImportRunBundleTests.ContentFiles(run), ImportRunBundleTests.ContentFiles(Path.Combine(root, Path.GetFileName(run))));
        Assert.Contains("models/production/model.json", ImportRunBundleTests.ContentFiles(Path.Combine(root, Path.GetFileName(trained.Training))).Keys);
    }

    [Fact]
    public void Inference_runs_on_a_training_run_imported_from_a_bundle_and_scores_as_the_original_did()
    {
        var root = Imported();
        var imported = Path.Combine(root, Path.GetFileName(trained.Training));

        var result = ps.Run($"Invoke-RunInference -Run '{imported}' -Path data.csv -Root '{root}-inference' -WarningAction SilentlyContinue");

        var inference = Expect.Single(result, TrainingKit.InferenceResult);
        Assert.Equal(Path.GetFileName(imported), inference.Text("TrainingRun"));
        var scores = ps.Table(inference.Text("RunPath"), "predictions.parquet").Select(r => ((string)r["row_key"]!, (double)r["score"]!));
        var original = ps.Table(trained.Inference, "predictions.parquet").Select(r => ((string)r["row_key"]!, (double)r["score"]!));
        Assert.Equal(original, scores);
        using var manifest = Expect.Manifest(inference.Text("RunPath"));
        var upstream = manifest.RootElement.GetProperty("lineage").EnumerateArray().Single(l => l.GetProperty("relation").GetString() == "upstream");
        Assert.Equal(Expect.Single(ps.Run($"Get-RunManifest '{imported}'"), Expect.RunManifest).Text("ChainHead"), upstream.GetProperty("chain_head").GetString());
    }

    [Fact]
    public void The_imported_inference_runs_lineage_still_points_at_the_imported_training_run()
    {
        var root = Imported();
        var training = Expect.Single(ps.Run($"Get-RunManifest '{Path.Combine(root, Path.GetFileName(trained.Training))}'"), Expect.RunManifest);
        var inference = Path.Combine(root, Path.GetFileName(trained.Inference));

        using var manifest = Expect.Manifest(inference);

        var lineage = manifest.RootElement.GetProperty("lineage").EnumerateArray().ToArray();
        Assert.Equal(["model", "model", "upstream"], lineage.Select(l => l.GetProperty("relation").GetString()).Order(StringComparer.Ordinal));
        Assert.All(lineage, l =>
        {
            Assert.Equal(training.Text("RunId"), l.GetProperty("run_id").GetString());
            Assert.Equal(training.Text("ChainHead"), l.GetProperty("chain_head").GetString());
            Assert.Equal((long)training.Get("EventCount")!, l.GetProperty("event_count").GetInt64());
        });
        foreach (var model in lineage.Where(l => l.GetProperty("relation").GetString() == "model"))
            Assert.Equal(model.GetProperty("sha256").GetString(),
                TrainingKit.Sha256(Path.Combine(training.Text("Path"), model.GetProperty("path").GetString()!)));
        Expect.AllOk(ps.Run($"Test-Run '{inference}'"));
        Expect.AllOk(ps.Run($"Test-Run '{training.Text("Path")}'"));
    }
}
