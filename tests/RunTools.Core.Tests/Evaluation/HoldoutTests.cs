using System.Collections.Immutable;
using RunTools.Evaluation;
using RunTools.Manifests;
using RunTools.Tables;
using RunTools.Tests.Config;
using RunTools.Training;

namespace RunTools.Tests.Evaluation;

public sealed class HoldoutTests
{
    static readonly LabelEncoding Binary = new(TrainingTask.Binary, Seq("0", "1"));
    static readonly LabelEncoding Species = new(TrainingTask.Multiclass, Seq("setosa", "versicolor", "virginica"));
    static readonly LabelEncoding Regression = new(TrainingTask.Regression, Seq<string>());

    static FeatureSource Text(params string?[] values) => new CategoricalSource("label", values.ToImmutableArray());

    static FeatureSource Numbers(params double[] values) => new NumericSource("label", values.ToImmutableArray());

    static HoldoutLabels Labels(LabelEncoding encoding, FeatureSource label) => Expect.Succ(Holdout.Labels(encoding, label));

    static Map<string, double> Values(HoldoutEvaluation e) => toMap(e.Metrics.Map(m => (m.Name, m.Value)));

    // ---- TaskMetrics: the one metric set ---------------------------------------------------------------------

    [Fact]
    public void Every_task_computes_exactly_its_configured_metrics_with_the_core_metric_functions()
    {
        var binary = Expect.Succ(TaskMetrics.Compute(TrainingTask.Binary, 2, [1, 0, 1, 0], [], [0.8, 0.3, 0.4, 0.6], []));
        var multiclass = Expect.Succ(TaskMetrics.Compute(TrainingTask.Multiclass, 3, [0, 2, 1], [], [], [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.5, 0.4, 0.1]));
        var regression = Expect.Succ(TaskMetrics.Compute(TrainingTask.Regression, 0, [], [1, 2, 4], [1.5, 2, 3], []));

        Assert.Equal(TrainingSpecs.Metrics[TrainingTask.Binary].Order(), binary.Keys.Order());
        Assert.Equal(TrainingSpecs.Metrics[TrainingTask.Multiclass].Order(), multiclass.Keys.Order());
        Assert.Equal(TrainingSpecs.Metrics[TrainingTask.Regression].Order(), regression.Keys.Order());
        var b = Expect.Succ(BinaryMetrics.Compute([true, false, true, false], [0.8, 0.3, 0.4, 0.6]));
        Assert.Equal((b.Auc, b.Accuracy, b.Brier), (binary["auc"], binary["accuracy"], binary["brier"]));
        var m = Expect.Succ(MulticlassMetrics.Compute([0, 2, 1], [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.5, 0.4, 0.1], 3));
        Assert.Equal((m.MacroF1, m.Accuracy, m.LogLoss), (multiclass["macro_f1"], multiclass["accuracy"], multiclass["log_loss"]));
        var r = Expect.Succ(RegressionMetrics.Compute([1, 2, 4], [1.5, 2, 3]));
        Assert.Equal((r.Rmse, r.Mae, r.R2), (regression["rmse"], regression["mae"], regression["r2"]));
    }

    // ---- Labels ----------------------------------------------------------------------------------------------

    [Fact]
    public void Labels_are_read_as_training_read_them_with_missing_and_unknown_rows_counted()
    {
        // Numbers compare as their invariant text (1.0 is "1"), as Labels.Encode compared them in training.
        var numeric = Labels(Binary, Numbers(1.0, 0, double.NaN, 2, 1, 2, 3));

        Assert.Equal(new[] { 1, 0, Holdout.MissingLabel, Holdout.UnknownLabel, 1, Holdout.UnknownLabel, Holdout.UnknownLabel }, numeric.Classes.AsEnumerable());
        Assert.Equal(new string?[] { "1", "0", null, "2", "1", "2", "3" }, numeric.Texts.AsEnumerable());
        Assert.Equal((7, 1, 3, 3, true), (numeric.Rows, numeric.MissingRows, numeric.UnknownRows, numeric.KnownRows, numeric.Evaluable));
        Assert.Equal(Seq("2", "3"), numeric.UnknownClasses);

        var empty = Labels(Species, Text(null, "", null));
        Assert.Equal((3, 0, false), (empty.MissingRows, empty.UnknownRows, empty.Evaluable));
    }

    [Fact]
    public void A_regression_label_must_be_numeric_and_a_value_that_is_not_finite_is_missing()
    {
        var error = Assert.IsType<LabelInvalid>(Expect.Fail(Holdout.Labels(Regression, Text("1.5", "high"))));
        Assert.Equal("label", error.Column);
        Assert.Contains("-NoEvaluate", error.Message);

        var labels = Labels(Regression, Numbers(1.5, double.NaN, double.PositiveInfinity, -2));
        Assert.Equal(2, labels.MissingRows);
        Assert.Equal(new string?[] { "1.5", null, null, "-2" }, labels.Texts.AsEnumerable());
    }

    // ---- Evaluate --------------------------------------------------------------------------------------------

    [Fact]
    public void Rows_without_a_label_are_left_out_of_every_metric()
    {
        var labels = Labels(Binary, Text("1", null, "0", "1", null, "0"));
        double[] scores = [0.9, 0.5, 0.2, 0.4, 0.99, 0.7];

        var evaluation = Expect.Succ(Holdout.Evaluate(labels, scores, []));

        var expected = Expect.Succ(TaskMetrics.Compute(TrainingTask.Binary, 2, [1, 0, 1, 0], [], [0.9, 0.2, 0.4, 0.7], []));
        Assert.Equal(TrainingSpecs.Metrics[TrainingTask.Binary], evaluation.Metrics.Map(m => m.Name));
        Assert.Equal(expected, Values(evaluation));
        Assert.All(evaluation.Metrics, m => Assert.Equal(4, m.Rows));
        Assert.Equal((4, 2, 0), (evaluation.KnownRows, evaluation.MissingRows, evaluation.UnknownRows));
    }

    [Fact]
    public void A_label_the_model_never_saw_counts_as_wrong_in_accuracy_and_is_left_out_of_the_other_metrics()
    {
        // Known rows: 3 of 4 right at 0.5. Two more rows have the class "maybe", which the model cannot predict.
        var labels = Labels(Binary, Text("1", "maybe", "0", "1", "0", "maybe"));
        double[] scores = [0.9, 0.8, 0.2, 0.4, 0.1, 0.3];

        var evaluation = Expect.Succ(Holdout.Evaluate(labels, scores, []));

        var known = Expect.Succ(TaskMetrics.Compute(TrainingTask.Binary, 2, [1, 0, 1, 0], [], [0.9, 0.2, 0.4, 0.1], []));
        Assert.Equal(0.75, known["accuracy"]);
        Assert.Equal(known.SetItem("accuracy", 3.0 / 6.0), Values(evaluation));
        Assert.Equal(6, evaluation.Metrics.Find(m => m.Name == "accuracy").Map(m => m.Rows));
        Assert.Equal(4, evaluation.Metrics.Find(m => m.Name == "auc").Map(m => m.Rows));
        Assert.Equal((4, 0, 2, Seq1("maybe")), (evaluation.KnownRows, evaluation.MissingRows, evaluation.UnknownRows, evaluation.UnknownClasses));
    }

    [Fact]
    public void With_only_unknown_labels_accuracy_is_zero_and_nothing_else_has_a_value()
    {
        var evaluation = Expect.Succ(Holdout.Evaluate(Labels(Binary, Text("x", "y")), [0.2, 0.9], []));

        Assert.Equal(0.0, Values(evaluation)["accuracy"]);
        Assert.Equal(TrainingSpecs.Metrics[TrainingTask.Binary].Filter(n => n != "accuracy"), evaluation.Undefined);
        Assert.Equal(Seq1(new MetricPoint("holdout/accuracy", 0.0, null, "predict")), Holdout.MetricPoints(evaluation, "predict"));
    }

    [Fact]
    public void Multiclass_evaluation_takes_each_known_rows_probabilities()
    {
        var labels = Labels(Species, Text("virginica", null, "setosa", "versicolor"));
        double[] probabilities = [0.1, 0.2, 0.7, 0.3, 0.3, 0.4, 0.6, 0.3, 0.1, 0.5, 0.4, 0.1];

        var evaluation = Expect.Succ(Holdout.Evaluate(labels, [], probabilities));

        var expected = Expect.Succ(TaskMetrics.Compute(TrainingTask.Multiclass, 3, [2, 0, 1], [], [], [0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.5, 0.4, 0.1]));
        Assert.Equal(expected, Values(evaluation));
        Assert.Equal(TrainingSpecs.Metrics[TrainingTask.Multiclass], evaluation.Metrics.Map(m => m.Name));
    }

    [Fact]
    public void Regression_evaluation_uses_the_rows_with_a_number()
    {
        var evaluation = Expect.Succ(Holdout.Evaluate(Labels(Regression, Numbers(10, double.NaN, 20, 30)), [12, 99, 18, 33], []));

        Assert.Equal(Expect.Succ(TaskMetrics.Compute(TrainingTask.Regression, 0, [], [10, 20, 30], [12, 18, 33], [])), Values(evaluation));
        Assert.Equal((3, 1), (evaluation.KnownRows, evaluation.MissingRows));
    }

    [Fact]
    public void Predictions_of_another_length_are_refused() =>
        Expect.Error(new EvaluationLengthMismatch("scores", 3, 2), Holdout.Evaluate(Labels(Binary, Text("1", "0", "1")), [0.1, 0.2], []));

    // ---- What is written -------------------------------------------------------------------------------------

    [Fact]
    public void The_table_has_one_row_per_metric_with_its_rows_and_the_left_out_counts_and_undefined_metrics_stay_NaN()
    {
        // One class only among the known rows: the AUC is not defined.
        var evaluation = Expect.Succ(Holdout.Evaluate(Labels(Binary, Text("1", "1", null, "2")), [0.9, 0.3, 0.5, 0.5], []));

        var table = Holdout.MetricTable(evaluation, "models/production");

        Assert.Equal(Seq("model", "metric", "value", "rows", "missing_label_rows", "unknown_label_rows"), table.Columns.Map(c => c.Name));
        Assert.Equal(7, table.RowCount);
        var metric = (TextColumn)table.Column("metric").IfNone(() => throw new InvalidOperationException());
        var value = (NumberColumn)table.Column("value").IfNone(() => throw new InvalidOperationException());
        var rows = (IntegerColumn)table.Column("rows").IfNone(() => throw new InvalidOperationException());
        Assert.Equal(TrainingSpecs.Metrics[TrainingTask.Binary], toSeq(metric.Values.Select(v => v!)));
        Assert.True(double.IsNaN(value.Values[0]));
        Assert.Equal(new[] { 2L, 3L, 2L, 2L, 2L, 2L, 2L }, rows.Values.Select(v => v!.Value));
        Assert.Equal(Seq1("auc"), evaluation.Undefined);
        Assert.DoesNotContain(Holdout.MetricPoints(evaluation, "predict"), p => p.Name == "holdout/auc");
        Assert.All(Holdout.MetricPoints(evaluation, "predict"), p => Assert.Equal(("holdout/", "predict"), (p.Name[..8], p.Stage)));
        Assert.Equal(Seq1("Not defined on these rows, so not recorded: holdout/auc (the AUC needs rows of both classes)."), Holdout.Notes(evaluation));
    }

    [Fact]
    public void The_notes_say_how_many_rows_were_left_out_and_which_labels_the_model_never_saw()
    {
        Assert.Equal(
            Seq(
                "2 rows of 5 have no label in 'label' and are left out of the held-out evaluation.",
                "1 row has a label the model never saw ('maybe'): counted as wrong in holdout/accuracy and left out of the other held-out metrics."),
            Holdout.Notes(Labels(Binary, Text("1", null, "maybe", "0", null))));
        Assert.Equal(Seq<string>(), Holdout.Notes(Labels(Binary, Text("1", "0"))));
        Assert.Equal(Seq1("The label column 'label' has no values: the predictions are not evaluated."), Holdout.Notes(Labels(Binary, Text(null, null))));
    }
}
