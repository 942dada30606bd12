using RunTools.Evaluation;
using RunTools.Training;

namespace RunTools.MachineLearning;

/// <summary>Metrics and SMOTE for the engine, through the core's evaluation functions.</summary>
static class Scoring
{
    public static Map<string, double> Metrics(TrainingTask task, EncodedLabels labels, int[] rows, Predictions predictions) =>
        PartMetrics(task, labels.Encoding.Classes.Count, labels.Classes.ToArray(), labels.Targets.ToArray(), rows, predictions);

    /// <summary>The task's metrics of predictions for <paramref name="rows"/> (predictions are in the same order), through
    /// <see cref="TaskMetrics"/>: the code the held-out evaluation of an inference uses too.</summary>
    public static Map<string, double> PartMetrics(TrainingTask task, int classes, int[] classIds, double[] targets, int[] rows, Predictions predictions) =>
        Unwrap(task == TrainingTask.Regression
            ? TaskMetrics.Compute(task, classes, [], rows.Select(r => targets[r]).ToArray(), predictions.Scores, [])
            : TaskMetrics.Compute(task, classes, rows.Select(r => classIds[r]).ToArray(), [], predictions.Scores, predictions.Probabilities));

    /// <summary>Adds SMOTE's synthetic rows (from these training rows only) after the real ones. Returns, per synthetic
    /// row, the two matrix rows it interpolates and where on the segment it lies.</summary>
    public static (Matrix X, int[] Classes, Seq<SmoteSample> Samples) Oversample(Matrix x, int[] classIds, int k, ulong seed)
    {
        var features = new double[x.Rows][];
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            features[i] = new double[x.Width];
            for (var j = 0; j < x.Width; j++) features[i][j] = row[j];
        }
        var result = Unwrap(Smote.Oversample(features, classIds, seed, k));
        if (result.Samples.IsEmpty) return (x, classIds, result.Samples);
        var values = new float[(x.Rows + result.Samples.Count) * x.Width];
        x.Values.CopyTo(values, 0);
        var ids = new int[x.Rows + result.Samples.Count];
        classIds.CopyTo(ids, 0);
        var at = x.Rows;
        foreach (var sample in result.Samples)
        {
            var j = 0;
            foreach (var v in sample.Features) values[at * x.Width + j++] = (float)v;
            ids[at++] = sample.Class;
        }
        return (new Matrix(values, ids.Length, x.Width), ids, result.Samples);
    }

    public static ConformalCalibration? Calibrate(double[] actual, double[] predicted, double alpha) =>
        actual.Length == 0 ? null : Unwrap(Conformal.Calibrate(actual, predicted, alpha));

    static T Unwrap<T>(Fin<T> result) => result.Match(
        Succ: v => v,
        Fail: e => throw new TrainingFailed(e as RunTools.Domain.RunError ?? new RunTools.Domain.UnexpectedFailure("Training", e.GetType().Name, e.Message)));

    static R Apply<T, R>(this T value, Func<T, R> f) => f(value);
}
