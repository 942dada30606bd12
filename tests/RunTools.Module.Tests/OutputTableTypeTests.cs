using DuckDB.NET.Data;
using static RunTools.Module.Tests.TrainingKit;

namespace RunTools.Module.Tests;

/// <summary>
/// Every table kind a fold plan, a training and an inference write, read back by DuckDB (an independent reader, as a
/// user of SQL, pandas or Arrow reads them): the SQL type of each column is what a user expects — the label and the
/// prediction in the label column's type (BIGINT for an integer label, VARCHAR for text, DOUBLE for regression),
/// <c>row_key</c> in the id column's type (BIGINT row indices without one), scores and probabilities DOUBLE,
/// hyperparameters each in a typed column — and <c>label = 1</c> finds the rows whose label is 1.
/// </summary>
public sealed class OutputTableTypeTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly DuckDBConnection db = new("DataSource=:memory:");

    public OutputTableTypeTests() => db.Open();

    public void Dispose()
    {
        db.Dispose();
        ps.Dispose();
    }

    string Train(string config, string data)
    {
        var run = ps.NewRun("r", config, data);
        Expect.Single(ps.Run("$r | New-RunFoldPlan"), FoldPlanInfo);
        Expect.Single(ps.Run("$r | Invoke-RunTraining"), TrainingResult);
        return run;
    }

    /// <summary>Scores <paramref name="data"/> with the production model into an inference run of its own, also writing
    /// the predictions to <paramref name="output"/>; returns the inference run's directory.</summary>
    string Infer(string data, string output)
    {
        var result = ps.Run($"$r | Invoke-RunInference '{data}' '{output}' -Root '{ps.PathOf("inference-" + Path.GetFileNameWithoutExtension(output))}'");
        result.AssertNoErrors();
        return Assert.Single(result.Output, o => o.BaseObject.GetType().FullName == InferenceResult).Text("RunPath");
    }

    static string Parquet(string path) => $"read_parquet('{path.Replace("'", "''")}')";

    static string Csv(string path) => $"read_csv('{path.Replace("'", "''")}')";

    /// <summary>Column name → DuckDB SQL type of a table.</summary>
    Dictionary<string, string> Types(string source)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"DESCRIBE SELECT * FROM {source}";
        using var reader = command.ExecuteReader();
        var types = new Dictionary<string, string>();
        while (reader.Read()) types[reader.GetString(0)] = reader.GetString(1);
        return types;
    }

    long Count(string source, string where = "true")
    {
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {source} WHERE {where}";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    void AssertTypes(string source, params (string Column, string Type)[] expected)
    {
        var types = Types(source);
        foreach (var (column, type) in expected)
        {
            Assert.True(types.ContainsKey(column), $"{source} has no column '{column}' (it has {string.Join(", ", types.Keys)})");
            Assert.True(types[column] == type, $"{source}: '{column}' is {types[column]}, expected {type}");
        }
    }

    static string[] ParquetFiles(string run, string folder) =>
        Directory.Exists(Path.Combine(run, folder))
            ? Directory.GetFiles(Path.Combine(run, folder), "*.parquet").Order(StringComparer.Ordinal).ToArray()
            : [];

    [Fact]
    public void A_binary_training_with_an_integer_label_and_a_text_id_writes_every_table_in_the_types_a_user_expects()
    {
        var data = ps.CopyExample("patients.csv");
        var run = Train("""
            data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
            folds: { kind: stratified_group, k: 3, seed: 7, production: true, inner: { kind: stratified_group, k: 2 } }
            training: { task: binary, smote: both, candidates: [ { trainer: lbfgs, grid: { l2: [0.1, 1] } }, { trainer: lightgbm, grid: { iterations: [20], leaves: [8] } } ] }
            """, data);
        var labelOnes = File.ReadLines(data).Skip(1).Count(l => l.EndsWith(",1", StringComparison.Ordinal));
        Assert.InRange(labelOnes, 1, 1199);

        // The fold plan: the id column's type (text here).
        var plan = Parquet(Path.Combine(run, "folds/folds.parquet"));
        AssertTypes(plan, ("repeat", "BIGINT"), ("outer_fold", "BIGINT"), ("inner_fold", "BIGINT"), ("row_key", "VARCHAR"), ("role", "VARCHAR"), ("row", "BIGINT"));
        Assert.Equal(1, Count(plan, "row_key = 'v1' AND outer_fold = -1 AND inner_fold = -1"));

        // Out-of-fold predictions: the 0/1 label stays an integer, and `label = 1` matches its rows.
        var oof = Parquet(Path.Combine(run, "predictions/oof.parquet"));
        AssertTypes(oof, ("row_key", "VARCHAR"), ("repeat", "BIGINT"), ("outer_fold", "BIGINT"), ("variant", "VARCHAR"),
            ("label", "BIGINT"), ("score", "DOUBLE"), ("prediction", "BIGINT"));
        Assert.Equal(labelOnes, Count(oof, "label = 1 AND variant = 'none'"));
        Assert.Equal(Count(oof, "score >= 0.5"), Count(oof, "prediction = 1"));

        AssertTypes(Parquet(Path.Combine(run, "metrics/folds.parquet")), ("repeat", "BIGINT"), ("outer_fold", "BIGINT"), ("variant", "VARCHAR"),
            ("metric", "VARCHAR"), ("value", "DOUBLE"), ("train_rows", "BIGINT"), ("test_rows", "BIGINT"), ("synthetic_rows", "BIGINT"),
            ("selected", "VARCHAR"), ("seconds", "DOUBLE"));
        AssertTypes(Parquet(Path.Combine(run, "metrics/summary.parquet")), ("variant", "VARCHAR"), ("metric", "VARCHAR"), ("n", "BIGINT"),
            ("mean", "DOUBLE"), ("sd", "DOUBLE"), ("lower95", "DOUBLE"), ("upper95", "DOUBLE"));

        // Inner CV: each hyperparameter a typed column beside the display text, null where the trainer lacks it.
        var innerFiles = ParquetFiles(run, "inner");
        Assert.NotEmpty(innerFiles);
        foreach (var file in innerFiles)
        {
            var inner = Parquet(file);
            AssertTypes(inner, ("candidate", "VARCHAR"), ("trainer", "VARCHAR"), ("parameters", "VARCHAR"),
                ("param_l2", "DOUBLE"), ("param_iterations", "BIGINT"), ("param_leaves", "BIGINT"), ("auc", "DOUBLE"));
            Assert.Equal(Count(inner, "trainer = 'lbfgs'"), Count(inner, "param_l2 IN (0.1, 1) AND param_iterations IS NULL"));
            Assert.Equal(Count(inner, "trainer = 'lightgbm'"), Count(inner, "param_iterations = 20 AND param_leaves = 8 AND param_l2 IS NULL"));
            Assert.True(Count(inner, "trainer = 'lbfgs'") > 0 && Count(inner, "trainer = 'lightgbm'") > 0);
        }

        // The SMOTE audit: the class as the label (an integer here), the source rows' keys in the id's type.
        var smoteFiles = ParquetFiles(run, "smote");
        Assert.NotEmpty(smoteFiles);
        foreach (var file in smoteFiles)
        {
            var smote = Parquet(file);
            AssertTypes(smote, ("synthetic_row", "BIGINT"), ("part", "VARCHAR"), ("label", "BIGINT"), ("rest", "BOOLEAN"),
                ("source_key", "VARCHAR"), ("neighbour_key", "VARCHAR"), ("gap", "DOUBLE"));
            Assert.Equal(Count(smote), Count(smote, "label = 1 AND NOT rest"));
        }

        // Inference with the label: predictions (in the run, and at the output path as Parquet and as CSV) and the
        // held-out metrics.
        var parquetOut = ps.PathOf("scored.parquet");
        var inference = Infer(data, parquetOut);
        foreach (var predictions in new[] { Parquet(Path.Combine(inference, "predictions.parquet")), Parquet(parquetOut) })
        {
            AssertTypes(predictions, ("row_key", "VARCHAR"), ("label", "BIGINT"), ("score", "DOUBLE"), ("prediction", "BIGINT"));
            Assert.Equal(labelOnes, Count(predictions, "label = 1"));
        }
        AssertTypes(Parquet(Path.Combine(inference, "metrics/holdout.parquet")), ("model", "VARCHAR"), ("metric", "VARCHAR"), ("value", "DOUBLE"),
            ("rows", "BIGINT"), ("missing_label_rows", "BIGINT"), ("unknown_label_rows", "BIGINT"));
        var csvOut = ps.PathOf("scored.csv");
        Infer(data, csvOut);
        AssertTypes(Csv(csvOut), ("row_key", "VARCHAR"), ("label", "BIGINT"), ("score", "DOUBLE"), ("prediction", "BIGINT"));
        Assert.Equal(labelOnes, Count(Csv(csvOut), "label = 1"));
    }

    [Fact]
    public void A_multiclass_training_with_a_text_label_and_no_id_writes_text_labels_and_row_indices()
    {
        var data = ps.CopyExample("species.csv");
        var run = Train("""
            data: { label: species, exclude: [id, family] }
            folds: { kind: stratified, k: 3, seed: 7, production: true }
            training: { task: multiclass, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }
            """, data);

        var plan = Parquet(Path.Combine(run, "folds/folds.parquet"));
        AssertTypes(plan, ("row_key", "BIGINT"), ("row", "BIGINT"));
        Assert.Equal(Count(plan), Count(plan, "row_key = row"));

        var oof = Parquet(Path.Combine(run, "predictions/oof.parquet"));
        AssertTypes(oof, ("row_key", "BIGINT"), ("label", "VARCHAR"), ("score", "DOUBLE"), ("p_setosa", "DOUBLE"), ("p_versicolor", "DOUBLE"),
            ("p_virginica", "DOUBLE"), ("prediction", "VARCHAR"));
        var setosa = File.ReadLines(data).Skip(1).Count(l => l.EndsWith(",setosa", StringComparison.Ordinal));
        Assert.Equal(setosa, Count(oof, "label = 'setosa'"));
        Assert.Equal(Count(oof), Count(oof, "row_key >= 0"));

        var csvOut = ps.PathOf("species-scored.csv");
        var inference = Infer(data, csvOut);
        AssertTypes(Parquet(Path.Combine(inference, "predictions.parquet")), ("row_key", "BIGINT"), ("label", "VARCHAR"), ("prediction", "VARCHAR"),
            ("p_setosa", "DOUBLE"));
        AssertTypes(Csv(csvOut), ("row_key", "BIGINT"), ("label", "VARCHAR"), ("prediction", "VARCHAR"), ("p_setosa", "DOUBLE"));
    }

    [Fact]
    public void A_regression_training_writes_double_labels_and_predictions_and_typed_conformal_keys()
    {
        var run = Train("""
            data: { label: target, time: day }
            folds: { kind: walk_forward, k: 3, production: true, inner: { kind: walk_forward, k: 2 } }
            training: { task: regression, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }
            """, ps.CopyExample("sales.csv"));

        AssertTypes(Parquet(Path.Combine(run, "predictions/oof.parquet")), ("row_key", "BIGINT"), ("label", "DOUBLE"), ("score", "DOUBLE"),
            ("prediction", "DOUBLE"), ("lower", "DOUBLE"), ("upper", "DOUBLE"));
        Assert.NotEmpty(ParquetFiles(run, "conformal"));
        foreach (var file in ParquetFiles(run, "conformal"))
            AssertTypes(Parquet(file), ("row_key", "BIGINT"), ("actual", "DOUBLE"), ("predicted", "DOUBLE"), ("abs_residual", "DOUBLE"), ("quantile", "DOUBLE"));
        Assert.NotEmpty(ParquetFiles(run, "inner"));
        foreach (var file in ParquetFiles(run, "inner"))
            AssertTypes(Parquet(file), ("trainer", "VARCHAR"), ("param_iterations", "BIGINT"), ("param_leaves", "BIGINT"), ("rmse", "DOUBLE"));
    }
}
