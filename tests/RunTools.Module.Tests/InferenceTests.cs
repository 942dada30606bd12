using System.Globalization;
using System.Management.Automation;
using System.Text.Json;
using static RunTools.Module.Tests.TrainingKit;

namespace RunTools.Module.Tests;

/// <summary>A binary training on patients.csv (three outer folds and a production model), done once for the
/// inference tests, which only read it. Each test records its inference runs under a root of its own.</summary>
public sealed class TrainedPatients : IDisposable
{
    public PowerShellHost Ps { get; } = new();

    public string Data { get; }

    public string Run { get; }

    public TrainedPatients()
    {
        Data = Ps.CopyExample("patients.csv");
        Run = Ps.NewRun("r", QuickBinaryConfig, Data);
        Expect.Single(Ps.Run("$r | New-RunFoldPlan"), TrainingKit.FoldPlanInfo);
        Expect.Single(Ps.Run("$r | Invoke-RunTraining"), TrainingKit.TrainingResult);
    }

    public void Dispose() => Ps.Dispose();
}

public sealed class InferenceTests(TrainedPatients trained) : IClassFixture<TrainedPatients>
{
    readonly PowerShellHost ps = trained.Ps;

    /// <summary>A fresh directory for this test's inference runs.</summary>
    readonly string root = Path.Combine(trained.Ps.Directory, "inference-" + Guid.NewGuid().ToString("N")[..8]);

    ScriptResult Infer(string arguments) => ps.Run($"$r | Invoke-RunInference {arguments} -Root '{root}'");

    PSObject Inferred(string arguments)
    {
        var result = Infer(arguments);
        result.AssertNoErrors();
        return Assert.Single(result.Output, o => o.BaseObject.GetType().FullName == InferenceResult);
    }

    Dictionary<string, double> Scores(string run, string path = "predictions.parquet") =>
        ps.Table(run, path).ToDictionary(r => (string)r["row_key"]!, r => (double)r["score"]!);

    static JsonElement[] Lineage(JsonDocument manifest) => manifest.RootElement.GetProperty("lineage").EnumerateArray().ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_fold_model_reproduces_the_stored_out_of_fold_scores_of_its_fold_exactly(int fold)
    {
        var result = Inferred($"'{trained.Data}' -Model r0_f{fold}");

        var inferred = Scores(result.Text("RunPath"));
        var stored = ps.Table(trained.Run, "predictions/oof.parquet").Where(r => (long)r["outer_fold"]! == fold).ToList();
        Assert.InRange(stored.Count, 300, 500);
        Assert.All(stored, r => Assert.Equal((double)r["score"]!, inferred[(string)r["row_key"]!]));
        Assert.Equal(1200, inferred.Count);
    }

    [Fact]
    public void The_production_model_scores_every_row_into_a_run_of_its_own()
    {
        // -NoEvaluate: the label column is ignored, as any column the model does not use.
        var output = Infer($"'{trained.Data}' -NoEvaluate");

        output.AssertNoErrors();
        Assert.Equal(["Ignoring columns the model does not use: patient_id, visit_day, label."], output.Warnings);
        var result = Assert.Single(output.Output);
        Assert.Equal(InferenceResult, result.BaseObject.GetType().FullName);
        var run = result.Text("RunPath");
        Assert.Equal(Path.GetFileName(trained.Run), result.Text("TrainingRun"));
        Assert.Equal("models/production", result.Text("Model"));
        Assert.Equal(1200, (int)result.Get("Rows")!);
        Assert.Equal(["patient_id", "visit_day", "label"], (IEnumerable<string>)result.Get("IgnoredColumns")!);
        Assert.Equal(Path.Combine(run, "predictions.parquet"), result.Text("Predictions"));
        Assert.Null(result.Get("OutputPath"));
        Assert.Null(result.Get("Label"));
        Assert.Empty((IReadOnlyDictionary<string, double>)result.Get("Metrics")!);
        Assert.False(File.Exists(Path.Combine(run, "metrics", "holdout.parquet")));
        Assert.Equal([run], Expect.RunDirectories(root));
        Assert.EndsWith("_r-inference", Path.GetFileName(run));

        var predictions = ps.Table(run, "predictions.parquet");
        Assert.Equal(["row_key", "score", "prediction"], predictions.Columns());
        Assert.Equal(Enumerable.Range(1, 1200).Select(i => $"v{i}"), predictions.Select(r => (string)r["row_key"]!));
        Assert.All(predictions, r => Assert.Equal((double)r["score"]! >= 0.5 ? 1L : 0L, r["prediction"]));

        using var manifest = Expect.Manifest(run);
        Assert.Equal("completed", manifest.RootElement.GetProperty("status").GetString());
        Expect.AllOk(ps.Run($"Test-Run '{run}'"));
    }

    [Fact]
    public void Labelled_data_is_evaluated_and_the_result_carries_the_held_out_metrics_the_run_records()
    {
        var output = Infer($"'{trained.Data}'");

        output.AssertNoErrors();
        Assert.Equal(["Ignoring columns the model does not use: patient_id, visit_day."], output.Warnings);
        var result = Assert.Single(output.Output);
        var run = result.Text("RunPath");
        Assert.Equal("label", result.Text("Label"));
        Assert.Equal(["patient_id", "visit_day"], (IEnumerable<string>)result.Get("IgnoredColumns")!);
        var metrics = Assert.IsAssignableFrom<IReadOnlyDictionary<string, double>>(result.Get("Metrics"));
        Assert.Equal(["auc", "accuracy", "balanced_accuracy", "f1", "mcc", "log_loss", "brier"], metrics.Keys);
        var recorded = ps.Metrics(run);
        Assert.Equal(metrics.Keys.Select(k => "holdout/" + k).Order(StringComparer.Ordinal), recorded.Keys.Order(StringComparer.Ordinal));
        Assert.All(metrics, m => Assert.Equal(m.Value, recorded["holdout/" + m.Key]));
        var table = ps.Table(run, "metrics/holdout.parquet");
        Assert.Equal(["model", "metric", "value", "rows", "missing_label_rows", "unknown_label_rows"], table.Columns());
        Assert.All(table, r => Assert.Equal(metrics[(string)r["metric"]!], (double)r["value"]!));
        Assert.Equal(["row_key", "label", "score", "prediction"], ps.Table(run, "predictions.parquet").Columns());
        Expect.AllOk(ps.Run($"Test-Run '{run}'"));
    }

    [Fact]
    public void The_inference_run_records_the_training_run_the_model_files_with_their_hashes_and_the_inputs_hash()
    {
        var run = Inferred($"'{trained.Data}'").Text("RunPath");

        using var training = Expect.Manifest(trained.Run);
        using var manifest = Expect.Manifest(run);
        var trainingId = training.RootElement.GetProperty("run_id").GetString();
        var lineage = Lineage(manifest);
        var upstream = Assert.Single(lineage, l => l.GetProperty("relation").GetString() == "upstream");
        Assert.Equal(trainingId, upstream.GetProperty("run_id").GetString());
        var models = lineage.Where(l => l.GetProperty("relation").GetString() == "model").ToArray();
        Assert.Equal(["models/production/model.json", "models/production/model.zip"], models.Select(m => m.GetProperty("path").GetString()).Order(StringComparer.Ordinal));
        Assert.All(models, m =>
        {
            Assert.Equal(trainingId, m.GetProperty("run_id").GetString());
            Assert.Equal("train", m.GetProperty("stage").GetString());
            Assert.Equal(Sha256(Path.Combine(trained.Run, m.GetProperty("path").GetString()!)), m.GetProperty("sha256").GetString());
        });

        var input = Assert.Single(manifest.RootElement.GetProperty("inputs").EnumerateArray());
        Assert.Equal(Sha256(trained.Data), input.GetProperty("sha256").GetString());
        Assert.Equal(trained.Data, input.GetProperty("full_path").GetString());
        var config = manifest.RootElement.GetProperty("config").GetProperty("inference");
        Assert.Equal(trainingId, config.GetProperty("training_run").GetString());
        Assert.Equal("models/production", config.GetProperty("model").GetString());
    }

    [Fact]
    public void OutputPath_writes_the_predictions_as_CSV_or_as_the_same_Parquet_file()
    {
        var csv = Path.Combine(root, "out", "scores.csv");
        var parquet = Path.Combine(root, "out", "scores.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);

        var toCsv = Inferred($"'{trained.Data}' '{csv}'");
        var toParquet = Inferred($"'{trained.Data}' -OutputPath '{parquet}' -Name parquet-copy");

        Assert.Equal(csv, toCsv.Text("OutputPath"));
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
        Assert.Equal("row_key,label,score,prediction", lines[0]);
        Assert.Equal(1201, lines.Length);
        var stored = Scores(toCsv.Text("RunPath"));
        Assert.All(lines.Skip(1).Select(l => l.Split(',')), cells =>
            Assert.Equal(stored[cells[0]], double.Parse(cells[2], CultureInfo.InvariantCulture)));

        Assert.Equal(parquet, toParquet.Text("OutputPath"));
        Assert.Equal(Sha256(Path.Combine(toParquet.Text("RunPath"), "predictions.parquet")), Sha256(parquet));
    }

    [Fact]
    public void An_existing_output_file_is_kept_unless_Force_is_given()
    {
        Directory.CreateDirectory(root);
        var output = Path.Combine(root, "scores.csv");
        File.WriteAllText(output, "keep me");

        var refused = Infer($"'{trained.Data}' '{output}'");

        Expect.Error(refused, "OutputExists", "InvokeRunInference", ErrorCategory.ResourceExists, output);
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Empty(Expect.RunDirectories(root));

        Inferred($"'{trained.Data}' '{output}' -Force");
        Assert.StartsWith("row_key,label,score,prediction", File.ReadAllText(output));
    }

    [Fact]
    public void Data_that_lacks_a_feature_and_has_text_in_a_numeric_one_is_one_InputSchemaMismatch_naming_both()
    {
        var bad = ps.WriteVariant("patients.csv", "bad-schema.csv", drop: ["f1"], replace: new() { ["f2"] = (_, v) => "x" + v });
        var output = Path.Combine(root, "never.csv");

        var result = ps.Run($"$r | Invoke-RunInference bad-schema.csv '{output}' -Root '{root}'");

        var e = Expect.Error(result, "InputSchemaMismatch", "InvokeRunInference", ErrorCategory.InvalidData, "bad-schema.csv");
        Assert.Contains("Missing: f1.", e.Exception.Message);
        // The first value that is not a number, with its data row (row 1 is the first after the header).
        Assert.Contains("Not numeric: f2 ('x", e.Exception.Message);
        Assert.Matches(@"Not numeric: f2 \('x-?[0-9.]+' on data row 1\)\.", e.Exception.Message);
        Assert.Empty(result.Output);
        Expect.NoRunCreated(root);
        Assert.False(File.Exists(output));
        Assert.True(File.Exists(bad));
    }

    [Fact]
    public void One_bad_cell_in_a_numeric_feature_is_named_with_its_data_row_and_value()
    {
        // Data row 5 (the fifth after the header) has "n/a" where the model expects a number.
        ps.WriteVariant("patients.csv", "one-bad-cell.csv", replace: new() { ["f3"] = (row, v) => row == 4 ? "n/a" : v });

        var result = ps.Run($"$r | Invoke-RunInference one-bad-cell.csv -Root '{root}'");

        var e = Expect.Error(result, "InputSchemaMismatch", "InvokeRunInference", ErrorCategory.InvalidData, "one-bad-cell.csv");
        Assert.EndsWith("does not match the model's features. Not numeric: f3 ('n/a' on data row 5).", e.Exception.Message);
        Expect.NoRunCreated(root);
    }

    [Fact]
    public void Extra_columns_are_named_in_a_warning_and_do_not_change_the_scores()
    {
        ps.WriteVariant("patients.csv", "extra.csv", drop: ["patient_id", "visit_day", "label"], add: new() { ["notes"] = i => $"n{i}" });

        var plain = Infer($"'{trained.Data}'");
        var extra = Infer("extra.csv -Name extra");

        extra.AssertNoErrors();
        Assert.Equal(["Ignoring column the model does not use: notes."], extra.Warnings);
        Assert.Equal(Scores(plain.Output.Single().Text("RunPath")), Scores(extra.Output.Single().Text("RunPath")));
    }

    [Fact]
    public void A_model_the_run_does_not_have_is_ModelNotFound_listing_the_models_it_has()
    {
        var result = Infer($"'{trained.Data}' -Model r9_f9");

        var e = Expect.Error(result, "ModelNotFound", "InvokeRunInference", ErrorCategory.ObjectNotFound, "r9_f9");
        Assert.Contains("r0_f0", e.Exception.Message);
        Assert.Contains("production", e.Exception.Message);
        Expect.NoRunCreated(root);
    }

    [Fact]
    public void WhatIf_leaves_the_disk_unchanged()
    {
        var before = ps.Snapshot();

        var result = Infer($"'{trained.Data}' '{Path.Combine(root, "scores.csv")}' -WhatIf");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        Expect.Unchanged(before, ps.Snapshot());
        Assert.False(Directory.Exists(root));
    }
}

/// <summary>Inference against trainings made for one test (they change or need their own run).</summary>
public sealed class InferenceOfOtherTrainingsTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    [Fact]
    public void A_model_file_changed_after_training_is_RunCorrupted_and_no_inference_run_is_made()
    {
        var data = ps.CopyExample("patients.csv");
        var run = ps.NewRun("r", QuickBinaryConfig, data);
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);
        Expect.Single(ps.Run("$r | Invoke-RunTraining"), TrainingResult);
        var model = Path.Combine(run, "models", "production", "model.zip");
        File.AppendAllText(model, "tampered");

        var result = ps.Run($"$r | Invoke-RunInference '{data}' -Root scored");

        Expect.Error(result, "RunCorrupted", "InvokeRunInference", ErrorCategory.InvalidData, model);
        Expect.NoRunCreated(ps.PathOf("scored"));
    }

    [Fact]
    public void A_hierarchical_model_does_not_need_the_parent_column_and_ignores_it_when_given()
    {
        var data = ps.CopyExample("species.csv");
        ps.NewRun("h", """
            data: { label: species, id: id }
            folds: { kind: stratified, k: 3, seed: 1, production: true }
            training: { task: multiclass, mode: hierarchical, parent: family, candidates: [ { trainer: lbfgs } ] }
            """, data);
        Expect.Single(ps.Run("$h | New-RunFoldPlan"), FoldPlanInfo);
        Expect.Single(ps.Run("$h | Invoke-RunTraining"), TrainingResult);
        ps.WriteVariant("species.csv", "no-family.csv", drop: ["family", "species"]);

        var withParent = ps.Run($"$h | Invoke-RunInference '{data}' -Root scored");
        var withoutParent = ps.Run("$h | Invoke-RunInference no-family.csv -Root scored -Name plain");

        withParent.AssertNoErrors();
        withoutParent.AssertNoErrors();
        // The label (species) is evaluated, not ignored; the parent (family) is ignored.
        Assert.Equal(["Ignoring column the model does not use: family."], withParent.Warnings);
        Assert.Empty(withoutParent.Warnings);
        var a = ps.Table(withParent.Output.Single().Text("RunPath"), "predictions.parquet");
        var b = ps.Table(withoutParent.Output.Single().Text("RunPath"), "predictions.parquet");
        Assert.Equal(["row_key", "label", "score", "p_setosa", "p_versicolor", "p_virginica", "prediction"], a.Columns());
        Assert.Equal(["row_key", "score", "p_setosa", "p_versicolor", "p_virginica", "prediction"], b.Columns());
        Assert.Equal(a.Select(r => (r["row_key"], r["p_setosa"], r["p_versicolor"], r["p_virginica"])), b.Select(r => (r["row_key"], r["p_setosa"], r["p_versicolor"], r["p_virginica"])));
        var accuracy = a.Zip(File.ReadAllLines(data).Skip(1).Where(l => l.Length > 0)).Average(x => (string)x.First["prediction"]! == x.Second.Split(',')[6] ? 1.0 : 0.0);
        Assert.True(accuracy > 0.85, $"accuracy {accuracy}");
        var metrics = (IReadOnlyDictionary<string, double>)withParent.Output.Single().Get("Metrics")!;
        Assert.Equal(["macro_f1", "accuracy", "log_loss"], metrics.Keys);
        Assert.Equal(accuracy, metrics["accuracy"]);
        Assert.Empty((IReadOnlyDictionary<string, double>)withoutParent.Output.Single().Get("Metrics")!);
    }
}
