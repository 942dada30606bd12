using System.Globalization;
using System.Text;
using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.Manifests;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Tables;
using RunTools.Shell.Training;
using RunTools.Stages;
using RunTools.Tables;

namespace RunTools.Shell.Tests;

/// <summary>A binary and a regression training on small generated data (fold plan, training, production model),
/// made once through the shell's workflows and stage runner, for the inference tests that only read them.</summary>
public sealed class TrainedModels : IDisposable
{
    public TempDirectory Directory { get; } = new();

    public string Binary { get; }

    public string Regression { get; }

    public TrainedModels()
    {
        Binary = Train("binary", BinaryData(300, seed: 1, label: (_, y) => y), """
            data: { label: label, id: id }
            folds: { kind: stratified, k: 3, seed: 7, production: true }
            training: { task: binary, threads: 1, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }
            """);
        Regression = Train("regression", RegressionData(300, seed: 2, label: (_, y) => y), """
            data: { label: target, id: id }
            folds: { kind: kfold, k: 3, seed: 7, production: true }
            training: { task: regression, threads: 1, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }
            """);
    }

    /// <summary>id, x1, x2, site, label: the label is "1" when x1 − x2 plus noise is positive. <paramref name="label"/>
    /// turns (row, label) into the text written ("" for a missing label).</summary>
    public static string BinaryData(int rows, int seed, Func<int, string, string> label, bool withLabel = true)
    {
        var random = new Random(seed);
        var csv = new StringBuilder(withLabel ? "id,x1,x2,site,label\n" : "id,x1,x2,site\n");
        for (var i = 0; i < rows; i++)
        {
            double x1 = random.NextDouble() * 4 - 2, x2 = random.NextDouble() * 4 - 2;
            var y = x1 - x2 + (random.NextDouble() - 0.5) > 0 ? "1" : "0";
            csv.Append(CultureInfo.InvariantCulture, $"b{seed}_{i},{x1:R},{x2:R},{"ABC"[i % 3]}");
            csv.Append(withLabel ? "," + label(i, y) + "\n" : "\n");
        }
        return csv.ToString();
    }

    /// <summary>id, x1, x2, target = 3·x1 − 2·x2 + 10 plus noise.</summary>
    public static string RegressionData(int rows, int seed, Func<int, string, string> label)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("id,x1,x2,target\n");
        for (var i = 0; i < rows; i++)
        {
            double x1 = random.NextDouble() * 4 - 2, x2 = random.NextDouble() * 4 - 2;
            var y = 3 * x1 - 2 * x2 + 10 + (random.NextDouble() - 0.5);
            csv.Append(CultureInfo.InvariantCulture, $"r{seed}_{i},{x1:R},{x2:R},{label(i, y.ToString("R", CultureInfo.InvariantCulture))}\n");
        }
        return csv.ToString();
    }

    string Train(string key, string data, string config)
    {
        var configPath = Directory.Write($"{key}.yaml", config);
        var dataPath = Directory.Write($"{key}.csv", data);
        var request = new NewRunRequest(Directory.File("runs"), key, Seq1((configPath, configPath)), [], Seq1((dataPath, dataPath)), [], [], Directory.Path, "7.6.9");
        var run = Expect.Succ(RunFactory.Plan(request).Bind(RunFactory.Execute)).Path!;

        Assert.IsType<StageRun.Finished>(Stages.PlanFolds(run, new TestHost()));
        Assert.IsType<StageRun.Finished>(Stages.Train(run, new TestHost()));
        return run;
    }

    public void Dispose() => Directory.Dispose();
}

/// <summary>Held-out evaluation in Invoke-RunInference's workflow: on data with the training's label column, the
/// training's metric set is computed from the predictions, written to metrics/holdout.parquet and recorded as the
/// inference run's holdout/... metrics. Every figure is checked against recomputing it from the predictions file.</summary>
public sealed class InferenceHoldoutTests(TrainedModels trained) : IClassFixture<TrainedModels>
{
    readonly string root = trained.Directory.File("inference-" + Guid.NewGuid().ToString("N")[..8]);

    (InferencePlan Plan, InferenceOutcome Outcome) Infer(string training, string name, string data, bool evaluate = true)
    {
        var path = trained.Directory.Write($"{name}-{Guid.NewGuid():N}.csv", data);
        var request = new InferenceRequest(training, path, path, null, false, "production", RunLayout.DefaultTrainingStage, name, root,
            trained.Directory.Path, "7.6.9", Evaluate: evaluate);
        var plan = Expect.Succ(InferenceWorkflow.Plan(request));
        var (stopped, outcome) = Expect.Succ(InferenceWorkflow.Execute(plan, new TestHost()));
        Assert.False(stopped);
        return (plan, outcome!);
    }

    static Table Read(string run, string relative) => Expect.Succ(TableFiles.Read(Path.Combine(run, relative)));

    static T Column<T>(Table table, string name) where T : Column =>
        Assert.IsType<T>(table.Column(name).IfNone(() => throw new Xunit.Sdk.XunitException($"no column '{name}' in [{string.Join(", ", table.Columns.Map(c => c.Name))}]")));

    /// <summary>metrics/holdout.parquet as metric → (value, rows).</summary>
    static Dictionary<string, (double Value, long Rows)> HoldoutTable(string run)
    {
        var table = Read(run, Holdout.TablePath);
        Assert.Equal(Seq("model", "metric", "value", "rows", "missing_label_rows", "unknown_label_rows"), table.Columns.Map(c => c.Name));
        Assert.All(Column<TextColumn>(table, "model").Values, m => Assert.Equal("models/production", m));
        var metric = Column<TextColumn>(table, "metric").Values;
        var value = Column<NumberColumn>(table, "value").Values;
        var rows = Column<IntegerColumn>(table, "rows").Values;
        return Enumerable.Range(0, table.RowCount).ToDictionary(i => metric[i]!, i => (value[i], rows[i]!.Value));
    }

    /// <summary>The run's holdout/... metrics, recorded by the predict stage.</summary>
    static Dictionary<string, double> RunMetrics(RunManifest m) =>
        m.Metrics.Filter(x => x.Name.StartsWith(Holdout.MetricPrefix, StringComparison.Ordinal))
            .ToDictionary(x => x.Name[Holdout.MetricPrefix.Length..], x => x.Last);

    static void AssertOutputsRegistered(RunManifest m, params string[] files)
    {
        var stage = m.Stage(RunLayout.InferenceStage)!;
        Assert.Equal(StageStatus.Completed, stage.Status);
        Assert.Equal(files, stage.Outputs.Map(o => o.Path).Order(StringComparer.Ordinal));
        Assert.Equal(files, m.Artifacts.Filter(a => a.Stage == RunLayout.InferenceStage).Map(a => a.Path).Order(StringComparer.Ordinal));
        Assert.All(m.Metrics.Filter(x => x.Name.StartsWith(Holdout.MetricPrefix, StringComparison.Ordinal)), x => Assert.Equal(RunLayout.InferenceStage, x.Stage));
    }

    [Fact]
    public void Binary_holdout_metrics_equal_recomputing_them_from_the_written_predictions()
    {
        // Every seventh row has no label: left out, and said so.
        var data = TrainedModels.BinaryData(150, seed: 11, label: (i, y) => i % 7 == 3 ? "" : y);

        var (plan, outcome) = Infer(trained.Binary, "binary-check", data);

        var run = outcome.Run.Path!;
        var predictions = Read(run, RunLayout.InferencePredictions);
        Assert.Equal(Seq("row_key", "label", "score", "prediction"), predictions.Columns.Map(c => c.Name));
        // An integer label stays an integer in the predictions (label and prediction alike).
        var labels = Column<IntegerColumn>(predictions, "label").Values;
        Assert.All(Column<IntegerColumn>(predictions, "prediction").Values, p => Assert.Contains(p, new long?[] { 0, 1 }));
        var scores = Column<NumberColumn>(predictions, "score").Values;
        var labelled = Enumerable.Range(0, predictions.RowCount).Where(i => labels[i] is not null).ToArray();
        var missing = Enumerable.Range(0, 150).Count(i => i % 7 == 3);
        Assert.Equal(150 - missing, labelled.Length);
        var expected = Expect.Succ(BinaryMetrics.Compute(labelled.Select(i => labels[i] == 1).ToArray(), labelled.Select(i => scores[i]).ToArray()));
        var recomputed = new Dictionary<string, double>
        {
            ["auc"] = expected.Auc, ["accuracy"] = expected.Accuracy, ["balanced_accuracy"] = expected.BalancedAccuracy, ["f1"] = expected.F1,
            ["mcc"] = expected.Mcc, ["log_loss"] = expected.LogLoss, ["brier"] = expected.Brier,
        };

        Assert.Equal(recomputed, HoldoutTable(run).ToDictionary(kv => kv.Key, kv => kv.Value.Value));
        Assert.All(HoldoutTable(run).Values, v => Assert.Equal(labelled.Length, v.Rows));
        Assert.Equal(recomputed, RunMetrics(outcome.Run));
        Assert.Equal(recomputed, outcome.Holdout!.Metrics.ToDictionary(m => m.Name, m => m.Value));
        Assert.InRange(recomputed["auc"], 0.8, 1.0); // the model learned something: the test compares real figures
        AssertOutputsRegistered(outcome.Run, Holdout.TablePath, RunLayout.InferencePredictions);
        Assert.Equal("label", outcome.Run.Label);
        Assert.Equal(Seq1($"{missing} rows of 150 have no label in 'label' and are left out of the held-out evaluation."), plan.Warnings);
        Assert.Empty(plan.IgnoredColumns);
        Assert.Equal(RunStatus.Completed, outcome.Run.Status);
    }

    [Fact]
    public void Regression_holdout_metrics_equal_recomputing_them_from_the_written_predictions()
    {
        var data = TrainedModels.RegressionData(120, seed: 12, label: (i, y) => i == 5 ? "" : y);

        var (plan, outcome) = Infer(trained.Regression, "regression-check", data);

        var run = outcome.Run.Path!;
        var predictions = Read(run, RunLayout.InferencePredictions);
        Assert.Equal(Seq("row_key", "label", "score", "prediction", "lower", "upper"), predictions.Columns.Map(c => c.Name));
        var actual = Column<NumberColumn>(predictions, "label").Values;
        var predicted = Column<NumberColumn>(predictions, "prediction").Values;
        var labelled = Enumerable.Range(0, predictions.RowCount).Where(i => !double.IsNaN(actual[i])).ToArray();
        Assert.Equal(119, labelled.Length);
        var expected = Expect.Succ(RegressionMetrics.Compute(labelled.Select(i => actual[i]).ToArray(), labelled.Select(i => predicted[i]).ToArray()));
        var recomputed = new Dictionary<string, double> { ["rmse"] = expected.Rmse, ["mae"] = expected.Mae, ["r2"] = expected.R2 };

        Assert.Equal(recomputed, HoldoutTable(run).ToDictionary(kv => kv.Key, kv => kv.Value.Value));
        Assert.Equal(recomputed, RunMetrics(outcome.Run));
        Assert.InRange(recomputed["r2"], 0.5, 1.0);
        AssertOutputsRegistered(outcome.Run, Holdout.TablePath, RunLayout.InferencePredictions);
        Assert.Equal(Seq1("1 row of 120 has no label in 'target' and is left out of the held-out evaluation."), plan.Warnings);
    }

    [Fact]
    public void A_label_the_model_never_saw_counts_as_a_wrong_prediction_in_accuracy_only()
    {
        // Rows 0, 10, 20, ... have the class "maybe", which the training data never had.
        var data = TrainedModels.BinaryData(100, seed: 13, label: (i, y) => i % 10 == 0 ? "maybe" : y);

        var (plan, outcome) = Infer(trained.Binary, "unknown-check", data);

        var predictions = Read(outcome.Run.Path!, RunLayout.InferencePredictions);
        // "maybe" is no integer: the labels are text, and so are the predictions, so that the two still compare.
        var labels = Column<TextColumn>(predictions, "label").Values;
        var prediction = Column<TextColumn>(predictions, "prediction").Values;
        var scores = Column<NumberColumn>(predictions, "score").Values;
        var known = Enumerable.Range(0, 100).Where(i => labels[i] != "maybe").ToArray();
        var table = HoldoutTable(outcome.Run.Path!);
        // accuracy_score(y, model.predict(X)): every row with a label, the unknown ones never equal to a prediction.
        Assert.Equal(Enumerable.Range(0, 100).Count(i => labels[i] == prediction[i]) / 100.0, table["accuracy"].Value);
        Assert.Equal(100, table["accuracy"].Rows);
        var onKnown = Expect.Succ(BinaryMetrics.Compute(known.Select(i => labels[i] == "1").ToArray(), known.Select(i => scores[i]).ToArray()));
        Assert.Equal((onKnown.Auc, 90L), (table["auc"].Value, table["auc"].Rows));
        Assert.Equal(onKnown.LogLoss, table["log_loss"].Value);
        Assert.Equal(10, outcome.Holdout!.UnknownRows);
        Assert.Equal(Seq1("10 rows have labels the model never saw ('maybe'): counted as wrong in holdout/accuracy and left out of the other held-out metrics."),
            plan.Warnings);
    }

    [Fact]
    public void NoEvaluate_writes_no_holdout_file_and_ignores_the_label_column_as_before()
    {
        var data = TrainedModels.BinaryData(60, seed: 14, label: (_, y) => y);

        var (plan, outcome) = Infer(trained.Binary, "no-evaluate", data, evaluate: false);

        var run = outcome.Run.Path!;
        Assert.False(File.Exists(Path.Combine(run, Holdout.TablePath)));
        Assert.Equal(Seq("row_key", "score", "prediction"), Read(run, RunLayout.InferencePredictions).Columns.Map(c => c.Name));
        Assert.Empty(RunMetrics(outcome.Run));
        Assert.Null(outcome.Holdout);
        Assert.Null(outcome.Run.Label);
        Assert.Equal(Seq1("label"), plan.IgnoredColumns);
        Assert.Equal(Seq1("Ignoring column the model does not use: label."), plan.Warnings);
        AssertOutputsRegistered(outcome.Run, RunLayout.InferencePredictions);
    }

    [Fact]
    public void Data_without_the_label_column_is_scored_as_before()
    {
        var data = TrainedModels.BinaryData(60, seed: 15, label: (_, y) => y, withLabel: false);

        var (plan, outcome) = Infer(trained.Binary, "unlabelled", data);

        Assert.Empty(plan.Warnings);
        Assert.Null(plan.Holdout);
        Assert.False(File.Exists(Path.Combine(outcome.Run.Path!, Holdout.TablePath)));
        Assert.Equal(Seq("row_key", "score", "prediction"), Read(outcome.Run.Path!, RunLayout.InferencePredictions).Columns.Map(c => c.Name));
        Assert.Empty(RunMetrics(outcome.Run));
        AssertOutputsRegistered(outcome.Run, RunLayout.InferencePredictions);
    }

    [Fact]
    public void A_label_column_with_no_value_is_not_evaluated_and_says_so()
    {
        var data = TrainedModels.BinaryData(30, seed: 16, label: (_, _) => "");

        var (plan, outcome) = Infer(trained.Binary, "empty-labels", data);

        Assert.Equal(Seq1("The label column 'label' has no values: the predictions are not evaluated."), plan.Warnings);
        Assert.False(File.Exists(Path.Combine(outcome.Run.Path!, Holdout.TablePath)));
        Assert.Empty(RunMetrics(outcome.Run));
        AssertOutputsRegistered(outcome.Run, RunLayout.InferencePredictions);
    }

    [Fact]
    public void A_regression_label_that_is_not_numeric_is_refused_before_any_run_is_created()
    {
        var path = trained.Directory.Write("text-target.csv", TrainedModels.RegressionData(20, seed: 17, label: (i, y) => i == 3 ? "high" : y));
        var request = new InferenceRequest(trained.Regression, path, path, null, false, "production", RunLayout.DefaultTrainingStage, "text-target", root,
            trained.Directory.Path, "7.6.9");

        var error = Assert.IsType<RunTools.Training.LabelInvalid>(Expect.Fail(InferenceWorkflow.Plan(request)));

        Assert.Equal("target", error.Column);
        Assert.False(System.IO.Directory.Exists(root));
    }
}
