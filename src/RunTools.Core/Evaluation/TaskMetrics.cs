using RunTools.Training;

namespace RunTools.Evaluation;

/// <summary>
/// The metric set of a training task (<see cref="TrainingSpecs.Metrics"/>), computed by the core's metric functions.
/// This is the one place that says which metric of a task comes from which score: the inner and outer folds of a
/// training (out-of-fold metrics) and the held-out evaluation of an inference (<see cref="Holdout"/>) all call it.
/// </summary>
public static class TaskMetrics
{
    /// <summary>
    /// The task's metrics, named as in <see cref="TrainingSpecs.Metrics"/>, for rows whose labels and predictions are
    /// given in the same order.
    /// </summary>
    /// <param name="classIds">Classification: the class id of each row (binary: 1 is the positive class). Regression: unused.</param>
    /// <param name="targets">Regression: the actual value of each row. Classification: unused.</param>
    /// <param name="scores">Binary: P(positive) per row. Regression: the prediction per row. Multiclass: unused.</param>
    /// <param name="probabilities">Multiclass: row-major rows × <paramref name="classes"/>. Otherwise unused.</param>
    /// <remarks>Binary: auc, accuracy, balanced_accuracy, f1, mcc, log_loss, brier (<see cref="BinaryMetrics"/>, threshold
    /// 0.5, the threshold of the <c>prediction</c> column). Multiclass: macro_f1, accuracy, log_loss
    /// (<see cref="MulticlassMetrics"/>). Regression: rmse, mae, r2 (<see cref="RegressionMetrics"/>). Errors are those
    /// of the metric function (no rows, lengths that differ, a probability outside [0, 1], ...).</remarks>
    public static Fin<Map<string, double>> Compute(TrainingTask task, int classes, ReadOnlySpan<int> classIds, ReadOnlySpan<double> targets,
        ReadOnlySpan<double> scores, ReadOnlySpan<double> probabilities)
    {
        switch (task)
        {
            case TrainingTask.Binary:
            {
                var positive = new bool[classIds.Length];
                for (var i = 0; i < positive.Length; i++) positive[i] = classIds[i] == 1;
                return BinaryMetrics.Compute(positive, scores).Map(s => Map(
                    ("auc", s.Auc), ("accuracy", s.Accuracy), ("balanced_accuracy", s.BalancedAccuracy), ("f1", s.F1),
                    ("mcc", s.Mcc), ("log_loss", s.LogLoss), ("brier", s.Brier)));
            }
            case TrainingTask.Multiclass:
                return MulticlassMetrics.Compute(classIds, probabilities, classes).Map(s => Map(
                    ("macro_f1", s.MacroF1), ("accuracy", s.Accuracy), ("log_loss", s.LogLoss)));
            default:
                return RegressionMetrics.Compute(targets, scores).Map(s => Map(("rmse", s.Rmse), ("mae", s.Mae), ("r2", s.R2)));
        }
    }
}
