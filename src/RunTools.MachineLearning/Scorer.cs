using Microsoft.ML;
using RunTools.Training;

namespace RunTools.MachineLearning;

/// <summary>
/// Scores rows with a saved model bundle. Training scores each outer fold's test rows through this same function,
/// from the saved bytes, so inference on those rows reproduces the stored out-of-fold predictions exactly.
/// </summary>
public static class Scorer
{
    public static Predictions Score(ModelBundle bundle, Seq<FeatureSource> features, int[] rows) =>
        Score(new MLContext(0), bundle, features, rows);

    /// <summary>Scores through a given ML.NET context. A context registers ML.NET's components the first time it loads
    /// a model (a scan of the loaded assemblies, tens of milliseconds): a caller that scores many times, as training
    /// does once per fold, passes one context to all of them.</summary>
    public static Predictions Score(MLContext context, ModelBundle bundle, Seq<FeatureSource> features, int[] rows)
    {
        var x = new Matrix(FeatureEncoder.Transform(bundle.Encoder, features, rows), rows.Length, bundle.Encoder.Width);
        return bundle.Mode switch
        {
            TrainingMode.Meta => Meta(context, bundle, x),
            TrainingMode.Hierarchical => Hierarchical(context, bundle, x),
            _ => MlModels.Predict(context, Load(context, bundle, "model"), bundle.Task, bundle.Labels.Classes.Count, x),
        };
    }

    static ITransformer Load(MLContext context, ModelBundle bundle, string part) =>
        MlModels.Load(context, bundle.Parts.Find(p => p.Name == part).IfNone(() =>
            throw new InvalidDataException($"The model has no part '{part}'.")).Bytes);

    static Predictions Meta(MLContext context, ModelBundle bundle, Matrix x)
    {
        var classes = bundle.Labels.Classes;
        var meta = new float[x.Rows * classes.Count];
        for (var c = 0; c < classes.Count; c++)
        {
            var scores = MlModels.Predict(context, Load(context, bundle, $"ovr:{classes[c]}"), TrainingTask.Binary, 2, x).Scores;
            for (var i = 0; i < x.Rows; i++) meta[i * classes.Count + c] = (float)scores[i];
        }
        return MlModels.Predict(context, Load(context, bundle, "meta"), TrainingTask.Multiclass, classes.Count, new Matrix(meta, x.Rows, classes.Count));
    }

    /// <summary>P(leaf) = P(parent of leaf) × P(leaf | parent).</summary>
    static Predictions Hierarchical(MLContext context, ModelBundle bundle, Matrix x)
    {
        var parents = bundle.Parents!.Classes;
        var leaves = bundle.Labels.Classes;
        var level1 = MlModels.Predict(context, Load(context, bundle, "level1"), TrainingTask.Multiclass, parents.Count, x);
        var probabilities = new double[x.Rows * leaves.Count];
        for (var b = 0; b < parents.Count; b++)
        {
            var part = bundle.Parts.Find(p => p.Name == $"level2:{parents[b]}").IfNone(() =>
                throw new InvalidDataException($"The model has no level-2 part for '{parents[b]}'."));
            var branchLeaves = part.Classes.Map(l => leaves.ToList().IndexOf(l)).ToArray();
            if (part.Bytes.Length == 0)
            {
                // No level-2 model (one leaf, or no training rows in this branch): its leaves share P(branch) equally.
                foreach (var leaf in branchLeaves)
                    for (var i = 0; i < x.Rows; i++) probabilities[i * leaves.Count + leaf] += level1.ProbabilitiesOf(i)[b] / branchLeaves.Length;
                continue;
            }
            var level2 = MlModels.Predict(context, MlModels.Load(context, part.Bytes), TrainingTask.Multiclass, branchLeaves.Length, x);
            for (var i = 0; i < x.Rows; i++)
                for (var l = 0; l < branchLeaves.Length; l++)
                    probabilities[i * leaves.Count + branchLeaves[l]] += level1.ProbabilitiesOf(i)[b] * level2.ProbabilitiesOf(i)[l];
        }
        return new Predictions([], probabilities, leaves.Count);
    }
}
