using Microsoft.ML;
using RunTools.Training;

namespace RunTools.MachineLearning.Tests;

/// <summary>
/// scikit-learn's <c>C</c> means the same here: an lbfgs fit with <c>C</c> gives scikit-learn's
/// <c>LogisticRegression(C)</c> on <c>StandardScaler</c>-ed features.
/// </summary>
/// <remarks>
/// The reference numbers were computed once by scikit-learn 1.2.1 (Debian's python3-sklearn) from the data
/// <see cref="Data"/> generates (written as CSV with round-trip floats):
/// <code>
/// Xs = StandardScaler().fit_transform(X)            # X: the 5 float32 features as float64
/// m = LogisticRegression(C=C, max_iter=10000, tol=1e-10).fit(Xs, y)
/// log_loss(y, m.predict_proba(Xs)); m.predict_proba(Xs)[Rows]
/// </code>
/// With ML.NET's own scaling of the L2 term (<c>l2 = 1</c>) and its default normaliser (divide by the root mean
/// square, no centring) the binary log-loss at C = 1 is 0.2412 instead of 0.2296 and probabilities move by up to 0.12.
/// </remarks>
public sealed class ScikitLearnParityTests
{
    const int N = 300;
    static readonly int[] Rows = [0, 37, 74, 111, 148, 185, 222, 259, 296];

    /// <summary>Five features with non-zero means (so centring matters), a binary label and a three-class label, all
    /// from closed formulas: no random generator, the same on every platform.</summary>
    static (Matrix X, int[] Binary, int[] Classes) Data()
    {
        const int p = 5;
        var values = new float[N * p];
        var binary = new int[N];
        var classes = new int[N];
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < p; j++) values[i * p + j] = (float)(Math.Sin((i + 1) * (j + 1) * 0.7) * (j + 1) + j * 3);
            var s = values[i * p] - 0.5 * values[i * p + 1] + 0.3 * values[i * p + 2] + 1.5 * Math.Sin(i * 1.3);
            binary[i] = s > 2 ? 1 : 0;
            classes[i] = s < 1 ? 0 : s < 3 ? 1 : 2;
        }
        return (new Matrix(values, N, p), binary, classes);
    }

    static Predictions FitAndPredict(TrainingTask task, Candidate candidate, int classCount)
    {
        var (x, binary, classes) = Data();
        var context = new MLContext(seed: 1);
        var ids = task == TrainingTask.Binary ? binary : classes;
        var model = MlModels.Fit(context, task, candidate, classCount, 1, x, ids, []);
        return MlModels.Predict(context, model, task, classCount, x);
    }

    static double BinaryLogLoss(Predictions p, int[] y) =>
        -Enumerable.Range(0, N).Average(i => Math.Log(y[i] == 1 ? p.Scores[i] : 1 - p.Scores[i]));

    static double MulticlassLogLoss(Predictions p, int[] y) =>
        -Enumerable.Range(0, N).Average(i => Math.Log(p.ProbabilitiesOf(i)[y[i]]));

    [Theory]
    [InlineData(null, 0.229553, new[] { 0.118439, 0.072553, 0.597029, 0.167680, 0.000367, 0.004074, 0.035159, 0.005675, 0.222882 })]
    [InlineData(1.0, 0.229553, new[] { 0.118439, 0.072553, 0.597029, 0.167680, 0.000367, 0.004074, 0.035159, 0.005675, 0.222882 })]
    [InlineData(0.1, 0.255960, new[] { 0.149909, 0.105147, 0.484492, 0.201402, 0.005712, 0.032145, 0.084820, 0.039526, 0.195956 })]
    public void Binary_lbfgs_with_C_fits_scikit_learns_LogisticRegression(double? c, double logLoss, double[] probabilities)
    {
        var candidate = new Candidate("lbfgs#1", TrainerKind.Lbfgs, c is { } v ? Map((TrainerSettings.C, v)) : Map<string, double>());
        var predictions = FitAndPredict(TrainingTask.Binary, candidate, 2);
        Assert.Equal(logLoss, BinaryLogLoss(predictions, Data().Binary), 4);
        for (var k = 0; k < Rows.Length; k++) Assert.Equal(probabilities[k], predictions.Scores[Rows[k]], 3);
    }

    [Theory]
    [InlineData(1.0, 0.560470, new[] { 0.402284, 0.307901, 0.647996, 0.589996, 0.011524, 0.166992, 0.296723, 0.243311, 0.426337 },
        new[] { 0.006453, 0.003305, 0.287773, 0.036542, 0.000004, 0.002347, 0.004744, 0.005980, 0.005581 })]
    [InlineData(0.1, 0.586809, new[] { 0.382895, 0.327223, 0.642283, 0.490830, 0.032970, 0.175237, 0.305475, 0.236807, 0.415028 },
        new[] { 0.028307, 0.015386, 0.212177, 0.065669, 0.000421, 0.018687, 0.019263, 0.027638, 0.023752 })]
    public void Multiclass_lbfgs_with_C_fits_scikit_learns_multinomial_LogisticRegression(double c, double logLoss, double[] class1, double[] class2)
    {
        var predictions = FitAndPredict(TrainingTask.Multiclass, new Candidate("lbfgs#1", TrainerKind.Lbfgs, Map((TrainerSettings.C, c))), 3);
        Assert.Equal(logLoss, MulticlassLogLoss(predictions, Data().Classes), 3);
        for (var k = 0; k < Rows.Length; k++)
        {
            Assert.Equal(class1[k], predictions.ProbabilitiesOf(Rows[k])[1], 2);
            Assert.Equal(class2[k], predictions.ProbabilitiesOf(Rows[k])[2], 2);
        }
    }

    /// <summary>SDCA keeps part of the bias under its L2 term and stops at a duality gap, so it lands near
    /// scikit-learn's optimum: its log-loss is within 0.02 (C = 1 as the sdca default).</summary>
    [Fact]
    public void Binary_sdca_with_the_default_C_lands_near_scikit_learns_LogisticRegression()
    {
        var predictions = FitAndPredict(TrainingTask.Binary, new Candidate("sdca#1", TrainerKind.Sdca, Map<string, double>()), 2);
        Assert.InRange(BinaryLogLoss(predictions, Data().Binary), 0.229553 - 0.02, 0.229553 + 0.02);
    }
}
