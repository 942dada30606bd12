using System.Collections.Immutable;
using System.Globalization;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tables;
using RunTools.Training;

namespace RunTools.Evaluation;

/// <summary>The label column of new data, read against the label encoding of the model that scores it.</summary>
/// <param name="Column">The label column (the training run's <c>data.label</c>).</param>
/// <param name="Classes">Classification: each row's class id in the model's encoding, or <see cref="Holdout.MissingLabel"/>
/// (no label) or <see cref="Holdout.UnknownLabel"/> (a class the model never saw). Regression: empty.</param>
/// <param name="Targets">Regression: each row's value, NaN when missing. Classification: empty.</param>
/// <param name="Texts">Each row's label as text, null when missing: the <c>label</c> column of the predictions.</param>
/// <param name="UnknownClasses">The labels the model never saw, each once, in ordinal order.</param>
public sealed record HoldoutLabels(
    string Column,
    LabelEncoding Encoding,
    ImmutableArray<int> Classes,
    ImmutableArray<double> Targets,
    ImmutableArray<string?> Texts,
    int MissingRows,
    int UnknownRows,
    Seq<string> UnknownClasses)
{
    public int Rows => Texts.Length;

    /// <summary>The rows whose label the model knows: every held-out metric is computed on them.</summary>
    public int KnownRows => Rows - MissingRows - UnknownRows;

    /// <summary>Whether any row has a label (known to the model or not): else there is nothing to evaluate.</summary>
    public bool Evaluable => MissingRows < Rows;
}

/// <summary>One held-out metric: its value (NaN when it is not defined on these rows, e.g. the AUC of rows of one
/// class) and how many rows it was computed on.</summary>
public sealed record HoldoutMetric(string Name, double Value, int Rows);

/// <summary>What the held-out evaluation of an inference found, in the order of the task's metrics.</summary>
public sealed record HoldoutEvaluation(
    TrainingTask Task,
    string Label,
    Seq<HoldoutMetric> Metrics,
    int KnownRows,
    int MissingRows,
    int UnknownRows,
    Seq<string> UnknownClasses)
{
    /// <summary>The metrics that have no value on these rows (they are in the table as NaN, not in the run's metrics).</summary>
    public Seq<string> Undefined => Metrics.Filter(m => !double.IsFinite(m.Value)).Map(m => m.Name);
}

/// <summary>
/// Held-out evaluation: the training's metric set (<see cref="TaskMetrics"/>, the code that computes the out-of-fold
/// metrics) computed on new data that has the training's label column, from the predictions the model made for it.
/// <list type="bullet">
/// <item>A row with a missing label (empty; for regression also a value that is not a finite number) is left out of
/// every metric.</item>
/// <item>A row whose label is a class the model never saw can never be predicted right. It counts as wrong in
/// <c>accuracy</c>, as scikit-learn's <c>accuracy_score(y, model.predict(X))</c> counts it, and is left out of the
/// other metrics, which are defined over the model's classes (scikit-learn's <c>roc_auc_score</c> and
/// <c>log_loss</c> refuse such labels).</item>
/// </list>
/// </summary>
public static class Holdout
{
    public const int MissingLabel = -1;
    public const int UnknownLabel = -2;

    /// <summary>The held-out metrics' names in the run: <c>holdout/auc</c>, <c>holdout/rmse</c>, ...</summary>
    public const string MetricPrefix = "holdout/";

    /// <summary>The held-out metric table, inside the inference run.</summary>
    public static string TablePath => RunTools.Domain.RunLayout.InferenceHoldout;

    /// <summary>Reads the label column against the model's labels. Classification labels are compared as text, as
    /// training compared them (<see cref="Training.Labels.Texts"/>: numbers in invariant form, 1.0 → "1"). A regression
    /// label must be numeric: <see cref="LabelInvalid"/>.</summary>
    public static Fin<HoldoutLabels> Labels(LabelEncoding encoding, FeatureSource label)
    {
        if (encoding.Task == TrainingTask.Regression)
        {
            if (label is not NumericSource numeric)
                return FinFail<HoldoutLabels>(new LabelInvalid(label.Name,
                    "held-out evaluation of a regression model needs a numeric label (score without evaluating: -NoEvaluate)"));
            var targets = numeric.Values.Select(v => double.IsFinite(v) ? v : double.NaN).ToImmutableArray();
            return new HoldoutLabels(label.Name, encoding, ImmutableArray<int>.Empty, targets,
                targets.Select(v => double.IsNaN(v) ? null : v.ToString("R", CultureInfo.InvariantCulture)).ToImmutableArray(),
                targets.Count(double.IsNaN), 0, Seq<string>());
        }

        var texts = Training.Labels.Texts(label);
        var index = encoding.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var classes = texts.Select(t => t is null ? MissingLabel : index.TryGetValue(t, out var id) ? id : UnknownLabel).ToImmutableArray();
        var unknown = texts.Where((t, i) => classes[i] == UnknownLabel).Select(t => t!).Distinct().Order(StringComparer.Ordinal).ToArray();
        return new HoldoutLabels(label.Name, encoding, classes, ImmutableArray<double>.Empty, texts.ToImmutableArray(),
            classes.Count(c => c == MissingLabel), classes.Count(c => c == UnknownLabel), toSeq(unknown));
    }

    /// <summary>
    /// The task's metrics on the rows with a label the model knows, through <see cref="TaskMetrics.Compute"/>; then
    /// <c>accuracy</c> counts the rows with an unknown label as wrong (correct / (known + unknown)). With no known row,
    /// only accuracy has a value (0). The predictions are those of every row, in the labels' order: binary and
    /// regression <paramref name="scores"/>, multiclass <paramref name="probabilities"/> (rows × classes).
    /// </summary>
    public static Fin<HoldoutEvaluation> Evaluate(HoldoutLabels labels, ReadOnlySpan<double> scores, ReadOnlySpan<double> probabilities)
    {
        var task = labels.Encoding.Task;
        var classes = labels.Encoding.Classes.Count;
        var lengthError = task == TrainingTask.Multiclass
            ? EvaluationInput.SameLength("probabilities", labels.Rows * classes, probabilities.Length)
            : EvaluationInput.SameLength("scores", labels.Rows, scores.Length);
        if (lengthError is not null) return FinFail<HoldoutEvaluation>(lengthError);

        var known = new List<int>(labels.KnownRows);
        for (var row = 0; row < labels.Rows; row++)
            if (task == TrainingTask.Regression ? !double.IsNaN(labels.Targets[row]) : labels.Classes[row] >= 0) known.Add(row);

        int[] ids = task == TrainingTask.Regression ? [] : known.Select(r => labels.Classes[r]).ToArray();
        double[] targets = task == TrainingTask.Regression ? known.Select(r => labels.Targets[r]).ToArray() : [];
        var knownScores = new double[task == TrainingTask.Multiclass ? 0 : known.Count];
        var knownProbabilities = new double[task == TrainingTask.Multiclass ? known.Count * classes : 0];
        for (var i = 0; i < known.Count; i++)
        {
            if (task == TrainingTask.Multiclass) probabilities.Slice(known[i] * classes, classes).CopyTo(knownProbabilities.AsSpan(i * classes, classes));
            else knownScores[i] = scores[known[i]];
        }

        var computed = known.Count == 0
            ? FinSucc(Map<string, double>())
            : TaskMetrics.Compute(task, classes, ids, targets, knownScores, knownProbabilities);
        return computed.Map(values =>
        {
            var withUnknown = known.Count + labels.UnknownRows;
            var metrics = TrainingSpecs.Metrics[task].Map(name =>
            {
                if (name != "accuracy" || labels.UnknownRows == 0)
                    return new HoldoutMetric(name, values.Find(name).IfNone(double.NaN), known.Count);
                // The known rows' correct predictions, exactly (accuracy × rows is within rounding of a whole number).
                var correct = known.Count == 0 ? 0 : Math.Round(values.Find(name).IfNone(0) * known.Count);
                return new HoldoutMetric(name, correct / withUnknown, withUnknown);
            });
            return new HoldoutEvaluation(task, labels.Column, metrics, known.Count, labels.MissingRows, labels.UnknownRows, labels.UnknownClasses);
        });
    }

    /// <summary>The run's metric events' values: <c>holdout/&lt;metric&gt;</c> for every metric with a value.</summary>
    public static Seq<MetricPoint> MetricPoints(HoldoutEvaluation evaluation, string stage) =>
        evaluation.Metrics.Filter(m => double.IsFinite(m.Value)).Map(m => new MetricPoint(MetricPrefix + m.Name, m.Value, null, stage));

    /// <summary>The table written to <see cref="TablePath"/>: one row per metric (the long shape of the training's
    /// <c>metrics/folds.parquet</c>): <c>model, metric, value, rows, missing_label_rows, unknown_label_rows</c>.</summary>
    public static Table MetricTable(HoldoutEvaluation evaluation, string model)
    {
        var m = evaluation.Metrics;
        return RunTools.Tables.Table.Create(
                new TextColumn("model", m.Map(_ => (string?)model).ToImmutableArray()),
                new TextColumn("metric", m.Map(x => (string?)x.Name).ToImmutableArray()),
                new NumberColumn("value", m.Map(x => x.Value).ToImmutableArray()),
                new IntegerColumn("rows", m.Map(x => (long?)x.Rows).ToImmutableArray()),
                new IntegerColumn("missing_label_rows", m.Map(_ => (long?)evaluation.MissingRows).ToImmutableArray()),
                new IntegerColumn("unknown_label_rows", m.Map(_ => (long?)evaluation.UnknownRows).ToImmutableArray()))
            .Match(t => t, e => throw new InvalidOperationException(e.Message)); // fixed, valid column names
    }

    /// <summary>What a user is told before scoring: rows left out for a missing label, labels the model never saw,
    /// or a label column with no value at all (then nothing is evaluated).</summary>
    public static Seq<string> Notes(HoldoutLabels labels)
    {
        if (!labels.Evaluable)
            return Seq1($"The label column '{Excerpt.Of(labels.Column)}' has no values: the predictions are not evaluated.");
        var notes = Seq<string>();
        if (labels.MissingRows > 0)
            notes = notes.Add($"{Rows(labels.MissingRows)} of {Excerpt.Count(labels.Rows)} {(labels.MissingRows == 1 ? "has" : "have")} no label in '{Excerpt.Of(labels.Column)}' and {(labels.MissingRows == 1 ? "is" : "are")} left out of the held-out evaluation.");
        if (labels.UnknownRows > 0)
            notes = notes.Add($"{Rows(labels.UnknownRows)} {(labels.UnknownRows == 1 ? "has a label" : "have labels")} the model never saw " +
                              $"({Excerpt.Names(labels.UnknownClasses)}): counted as wrong in {MetricPrefix}accuracy and left out of the other held-out metrics.");
        return notes;
    }

    /// <summary>What a user is told after the evaluation: the metrics with no value on these rows.</summary>
    public static Seq<string> Notes(HoldoutEvaluation evaluation) =>
        evaluation.Undefined.IsEmpty
            ? Seq<string>()
            : Seq1($"Not defined on these rows, so not recorded: {string.Join(", ", evaluation.Undefined.Map(n => MetricPrefix + n))}" +
                   (evaluation.Task == TrainingTask.Binary && evaluation.Undefined.Contains("auc") ? " (the AUC needs rows of both classes)." : "."));

    static string Rows(int count) => count == 1 ? "1 row" : $"{Excerpt.Count(count)} rows";
}
