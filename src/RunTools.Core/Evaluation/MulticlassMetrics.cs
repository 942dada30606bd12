namespace RunTools.Evaluation;

/// <summary>
/// Scores of a multiclass classifier on one set of rows.
/// <list type="bullet">
/// <item>The prediction for a row is the class with the largest probability; ties go to the lowest class index.</item>
/// <item><see cref="ClassF1"/>: F1 of each class 0 .. Classes−1 (one-vs-rest). A class that appears neither in the
/// labels nor in the predictions has no F1: its entry is null (not NaN, so that two equal score records compare
/// equal: <c>Seq</c> compares doubles with <c>==</c>).</item>
/// <item><see cref="MacroF1"/>: the unweighted mean of the per-class F1 over the classes that appear in the labels
/// or in the predictions (scikit-learn's <c>average="macro"</c> with its default labels); a class that is
/// predicted but never true therefore counts with F1 = 0.</item>
/// <item><see cref="LogLoss"/>: mean of −ln p(true class), each probability clipped to [1e-15, 1 − 1e-15]. Rows
/// are used as given, not renormalised: the caller passes a probability distribution per row.</item>
/// </list>
/// </summary>
public sealed record MulticlassScores(
    int Count, int Classes, double Accuracy, double MacroF1, double LogLoss, Seq<double?> ClassF1);

public static class MulticlassMetrics
{
    /// <summary>
    /// Multiclass scores from labels in 0 .. classes−1 and a flat row-major probability matrix: the probability of
    /// class c for row i is <c>probabilities[i * classes + c]</c> (one contiguous block, the layout of a score
    /// column copied out of ML.NET, and no jagged arrays on a 100k-row fold). O(n · classes) time, O(classes)
    /// extra memory.
    /// Errors: <see cref="EvaluationArgumentInvalid"/> (classes &lt; 2), <see cref="EvaluationInputEmpty"/>,
    /// <see cref="EvaluationLengthMismatch"/> (probabilities.Length ≠ labels.Length · classes),
    /// <see cref="EvaluationLabelOutOfRange"/>, <see cref="EvaluationProbabilityInvalid"/>.
    /// </summary>
    public static Fin<MulticlassScores> Compute(ReadOnlySpan<int> labels, ReadOnlySpan<double> probabilities, int classes)
    {
        var error = (classes >= 2 ? null : new EvaluationArgumentInvalid("classes", classes, "at least 2 classes are needed."))
            ?? EvaluationInput.NotEmpty("labels", labels.Length)
            ?? ((long)labels.Length * classes == probabilities.Length
                ? null
                : new EvaluationLengthMismatch("probabilities", (int)Math.Min(int.MaxValue, (long)labels.Length * classes), probabilities.Length))
            ?? EvaluationInput.Labels("labels", labels, classes)
            ?? EvaluationInput.Probabilities("probabilities", probabilities);
        if (error is not null) return FinFail<MulticlassScores>(error);

        var truePositives = new long[classes];
        var trueCounts = new long[classes];
        var predictedCounts = new long[classes];
        long correct = 0;
        var logLoss = new CompensatedSum();
        for (var i = 0; i < labels.Length; i++)
        {
            var row = probabilities.Slice(i * classes, classes);
            var predicted = 0;
            for (var c = 1; c < classes; c++)
                if (row[c] > row[predicted]) predicted = c;
            var label = labels[i];
            trueCounts[label]++;
            predictedCounts[predicted]++;
            if (predicted == label)
            {
                correct++;
                truePositives[label]++;
            }
            logLoss.Add(-Math.Log(Math.Clamp(row[label], BinaryMetrics.Clip, 1.0 - BinaryMetrics.Clip)));
        }

        var f1 = new double?[classes];
        double macroSum = 0;
        var present = 0;
        for (var c = 0; c < classes; c++)
        {
            var denominator = trueCounts[c] + predictedCounts[c];
            if (denominator == 0) continue;
            var score = 2.0 * truePositives[c] / denominator;
            f1[c] = score;
            macroSum += score;
            present++;
        }

        return new MulticlassScores(
            Count: labels.Length,
            Classes: classes,
            Accuracy: (double)correct / labels.Length,
            MacroF1: macroSum / present,
            LogLoss: logLoss.Value / labels.Length,
            ClassF1: toSeq(f1));
    }
}
