using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using RunTools.Domain;
using RunTools.Training;

namespace RunTools.MachineLearning;

/// <summary>A row-major float matrix: what the feature encoder produces and every model consumes.</summary>
public sealed record Matrix(float[] Values, int Rows, int Width)
{
    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Width, Width);

    /// <summary>The rows at the given positions, as a new matrix.</summary>
    public Matrix Take(ReadOnlySpan<int> positions)
    {
        var values = new float[positions.Length * Width];
        for (var i = 0; i < positions.Length; i++) Row(positions[i]).CopyTo(values.AsSpan(i * Width, Width));
        return new Matrix(values, positions.Length, Width);
    }
}

/// <summary>What a model said about each row. Binary: <see cref="Scores"/> is P(positive). Multiclass:
/// <see cref="Probabilities"/> is row-major rows × classes. Regression: <see cref="Scores"/> is the prediction.</summary>
public sealed record Predictions(double[] Scores, double[] Probabilities, int Classes)
{
    public int Count => Classes > 0 ? Probabilities.Length / Classes : Scores.Length;

    public ReadOnlySpan<double> ProbabilitiesOf(int row) => Probabilities.AsSpan(row * Classes, Classes);

    /// <summary>Multiclass prediction: the most probable class (ties → lowest index).</summary>
    public int PredictedClass(int row)
    {
        var p = ProbabilitiesOf(row);
        var best = 0;
        for (var c = 1; c < p.Length; c++)
            if (p[c] > p[best]) best = c;
        return best;
    }
}

/// <summary>The ML.NET side: builds the estimator for a candidate, fits it on a matrix, scores matrices, and saves
/// and loads models as bytes. Everything else (folds, selection, encoding) is RunTools' own.</summary>
public static class MlModels
{
    sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    sealed class KeyRow
    {
        public uint Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    sealed class RegressionRow
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>Fits a candidate. <paramref name="classIds"/> (classification: 0-based class per row) or
    /// <paramref name="targets"/> (regression) are aligned with the matrix rows.</summary>
    public static ITransformer Fit(MLContext context, TrainingTask task, Candidate candidate, int classes, int threads,
        Matrix x, int[] classIds, double[] targets)
    {
        var data = task switch
        {
            TrainingTask.Binary => Load(context, x, i => new BinaryRow { Label = classIds[i] == 1, Features = x.Row(i).ToArray() }, null),
            // LoadFromEnumerable reads a key-typed uint as the 0-based class index (it stores index + 1, 0 meaning
            // missing), so the class id goes in as it is; adding 1 here shifts every class by one.
            TrainingTask.Multiclass => Load(context, x, i => new KeyRow { Label = (uint)classIds[i], Features = x.Row(i).ToArray() }, classes),
            _ => Load(context, x, i => new RegressionRow { Label = (float)targets[i], Features = x.Row(i).ToArray() }, null),
        };
        // The grid's parameters with their defaults, and scikit-learn's C as the trainer's l2 for this fit's row count.
        return Estimator(context, task, TrainerSettings.ForFit(candidate, x.Rows), threads).Fit(data);
    }

    static IDataView Load<T>(MLContext context, Matrix x, Func<int, T> row, int? keyCount) where T : class, new()
    {
        var rows = new T[x.Rows];
        for (var i = 0; i < x.Rows; i++) rows[i] = row(i);
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, x.Width);
        if (keyCount is { } k) schema["Label"].ColumnType = new KeyDataViewType(typeof(uint), k);
        return context.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>Scores a matrix with a fitted model.</summary>
    public static Predictions Predict(MLContext context, ITransformer model, TrainingTask task, int classes, Matrix x)
    {
        var rows = new FeatureRow[x.Rows];
        for (var i = 0; i < x.Rows; i++) rows[i] = new FeatureRow { Features = x.Row(i).ToArray() };
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, x.Width);
        var scored = model.Transform(context.Data.LoadFromEnumerable(rows, schema));
        switch (task)
        {
            case TrainingTask.Binary:
                return new Predictions(scored.GetColumn<float>(scored.Schema["Probability"]).Select(p => (double)p).ToArray(), [], 0);
            case TrainingTask.Multiclass:
                var probabilities = new double[x.Rows * classes];
                var r = 0;
                foreach (var vector in scored.GetColumn<float[]>(scored.Schema["Score"]))
                {
                    // Some trainers (one-versus-all) can leave tiny negative or unnormalised scores: normalise.
                    var sum = 0.0;
                    for (var c = 0; c < classes; c++) sum += Math.Max(0, vector[c]);
                    for (var c = 0; c < classes; c++) probabilities[r * classes + c] = sum > 0 ? Math.Max(0, vector[c]) / sum : 1.0 / classes;
                    r++;
                }
                return new Predictions([], probabilities, classes);
            default:
                return new Predictions(scored.GetColumn<float>(scored.Schema["Score"]).Select(p => (double)p).ToArray(), [], 0);
        }
    }

    /// <summary>The model as the bytes of its zip archive, with its input schema (the feature vector's width).</summary>
    public static byte[] Save(MLContext context, ITransformer model, int width)
    {
        var input = InputSchemas.GetOrAdd(width, w =>
        {
            var schema = SchemaDefinition.Create(typeof(FeatureRow));
            schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, w);
            return new MLContext(0).Data.LoadFromEnumerable(System.Array.Empty<FeatureRow>(), schema).Schema;
        });
        using var stream = new MemoryStream();
        ModelArchive.Save(context, model, input, stream, $"Features:Vector<Single,{width}>");
        return Reproducible(stream.ToArray());
    }

    // Every model's input is one feature vector: its schema depends only on the width.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<int, DataViewSchema> InputSchemas = new();

    /// <summary>ML.NET stamps every zip entry with the time it was saved, so the same model saved twice gives different
    /// bytes. Rewriting the archive with a fixed timestamp makes equal models equal files: Test-Run and Compare-Run
    /// can then tell an identical retrain from a different one by hash.</summary>
    static byte[] Reproducible(byte[] zip)
    {
        var stamp = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var source = new System.IO.Compression.ZipArchive(new MemoryStream(zip), System.IO.Compression.ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var target = new System.IO.Compression.ZipArchive(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, System.IO.Compression.CompressionLevel.Optimal);
                copy.LastWriteTime = stamp;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }
        return output.ToArray();
    }

    public static ITransformer Load(MLContext context, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return ModelArchive.Load(context, stream);
    }

    static double P(Candidate c, string name, double fallback) => c.Parameters.Find(name).IfNone(fallback);

    static int? Int(Candidate c, string name) => c.Parameters.Find(name).Map(v => (int)Math.Round(v)).ToNullableValue();

    static float? Float(Candidate c, string name) => c.Parameters.Find(name).Map(v => (float)v).ToNullableValue();

    static IEstimator<ITransformer> Estimator(MLContext context, TrainingTask task, Candidate c, int threads)
    {
        int? nThreads = threads > 0 ? threads : null;
        var linear = c.Trainer is TrainerKind.Lbfgs or TrainerKind.Sdca;
        // Linear models want standardised inputs; the normaliser is fitted on the training rows and saved in the model.
        // Centred and scaled to unit population variance, as scikit-learn's StandardScaler: ML.NET's default (fixZero)
        // only divides by the root mean square, which penalises features far from 0 more and breaks C's meaning.
        IEstimator<ITransformer> Prepend(IEstimator<ITransformer> trainer) =>
            linear ? context.Transforms.NormalizeMeanVariance("Features", fixZero: false).Append(trainer) : trainer;

        return task switch
        {
            TrainingTask.Binary => Prepend(c.Trainer switch
            {
                TrainerKind.Lbfgs => context.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L1Regularization = (float)P(c, "l1", 0), L2Regularization = (float)P(c, "l2", 1),
                    MaximumNumberOfIterations = Int(c, "iterations") ?? 100, NumberOfThreads = nThreads,
                }),
                TrainerKind.Sdca => context.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
                {
                    L1Regularization = Float(c, "l1"), L2Regularization = Float(c, "l2"),
                    MaximumNumberOfIterations = Int(c, "iterations"), NumberOfThreads = nThreads,
                }),
                TrainerKind.FastTree => context.BinaryClassification.Trainers.FastTree(FastTreeOptions<FastTreeBinaryTrainer.Options>(c, nThreads)),
                TrainerKind.FastForest => context.BinaryClassification.Trainers.FastForest(ForestOptions<FastForestBinaryTrainer.Options>(c, nThreads))
                    .Append(context.BinaryClassification.Calibrators.Platt()),
                _ => context.BinaryClassification.Trainers.LightGbm(LightGbmBinary(c, nThreads)),
            }),
            TrainingTask.Multiclass => Prepend(c.Trainer switch
            {
                TrainerKind.Lbfgs => context.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    L1Regularization = (float)P(c, "l1", 0), L2Regularization = (float)P(c, "l2", 1),
                    MaximumNumberOfIterations = Int(c, "iterations") ?? 100, NumberOfThreads = nThreads,
                }),
                TrainerKind.Sdca => context.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    L1Regularization = Float(c, "l1"), L2Regularization = Float(c, "l2"),
                    MaximumNumberOfIterations = Int(c, "iterations"), NumberOfThreads = nThreads,
                }),
                TrainerKind.FastTree => context.MulticlassClassification.Trainers.OneVersusAll(
                    context.BinaryClassification.Trainers.FastTree(FastTreeOptions<FastTreeBinaryTrainer.Options>(c, nThreads)), useProbabilities: true),
                TrainerKind.FastForest => context.MulticlassClassification.Trainers.OneVersusAll(
                    context.BinaryClassification.Trainers.FastForest(ForestOptions<FastForestBinaryTrainer.Options>(c, nThreads)), useProbabilities: true),
                _ => context.MulticlassClassification.Trainers.LightGbm(LightGbmMulticlass(c, nThreads)),
            }),
            _ => Prepend(c.Trainer switch
            {
                TrainerKind.Lbfgs => context.Regression.Trainers.LbfgsPoissonRegression(new LbfgsPoissonRegressionTrainer.Options
                {
                    L1Regularization = (float)P(c, "l1", 0), L2Regularization = (float)P(c, "l2", 1),
                    MaximumNumberOfIterations = Int(c, "iterations") ?? 100, NumberOfThreads = nThreads,
                }),
                TrainerKind.Sdca => context.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
                {
                    L1Regularization = Float(c, "l1"), L2Regularization = Float(c, "l2"),
                    MaximumNumberOfIterations = Int(c, "iterations"), NumberOfThreads = nThreads,
                }),
                TrainerKind.FastTree => context.Regression.Trainers.FastTree(FastTreeOptions<FastTreeRegressionTrainer.Options>(c, nThreads)),
                TrainerKind.FastForest => context.Regression.Trainers.FastForest(ForestOptions<FastForestRegressionTrainer.Options>(c, nThreads)),
                _ => context.Regression.Trainers.LightGbm(LightGbmRegression(c, nThreads)),
            }),
        };
    }

    static T FastTreeOptions<T>(Candidate c, int? threads) where T : BoostedTreeOptions, new() => new()
    {
        NumberOfTrees = Int(c, "trees") ?? 100,
        NumberOfLeaves = Int(c, "leaves") ?? 20,
        LearningRate = P(c, "learning_rate", 0.2),
        MinimumExampleCountPerLeaf = Int(c, "min_leaf") ?? 10,
        NumberOfThreads = threads,
    };

    static T ForestOptions<T>(Candidate c, int? threads) where T : FastForestOptionsBase, new() => new()
    {
        NumberOfTrees = Int(c, "trees") ?? 100,
        NumberOfLeaves = Int(c, "leaves") ?? 20,
        MinimumExampleCountPerLeaf = Int(c, "min_leaf") ?? 10,
        FeatureFraction = P(c, "feature_fraction", 0.7),
        NumberOfThreads = threads,
    };

    // LightGbm's three option classes share fields through a nested generic base, so each is filled explicitly.
    static LightGbmBinaryTrainer.Options LightGbmBinary(Candidate c, int? threads) => new()
    {
        NumberOfIterations = Int(c, "iterations") ?? 100, NumberOfLeaves = Int(c, "leaves"), LearningRate = c.Parameters.Find("learning_rate").ToNullableValue(),
        MinimumExampleCountPerLeaf = Int(c, "min_leaf"), NumberOfThreads = threads, Silent = true, Booster = Booster(c),
        Sigmoid = 1, // LightGBM's own and scikit-learn's logistic link (ML.NET's default 0.5 halves every score)
    };

    static LightGbmMulticlassTrainer.Options LightGbmMulticlass(Candidate c, int? threads) => new()
    {
        NumberOfIterations = Int(c, "iterations") ?? 100, NumberOfLeaves = Int(c, "leaves"), LearningRate = c.Parameters.Find("learning_rate").ToNullableValue(),
        MinimumExampleCountPerLeaf = Int(c, "min_leaf"), NumberOfThreads = threads, Silent = true, Booster = Booster(c),
        UseSoftmax = true, // one softmax model as scikit-learn's HistGradientBoostingClassifier (ML.NET picks one-vs-all below 50,000 rows)
    };

    static LightGbmRegressionTrainer.Options LightGbmRegression(Candidate c, int? threads) => new()
    {
        NumberOfIterations = Int(c, "iterations") ?? 100, NumberOfLeaves = Int(c, "leaves"), LearningRate = c.Parameters.Find("learning_rate").ToNullableValue(),
        MinimumExampleCountPerLeaf = Int(c, "min_leaf"), NumberOfThreads = threads, Silent = true, Booster = Booster(c),
    };

    static GradientBooster.Options Booster(Candidate c) => new() { L2Regularization = P(c, "l2", 0) };
}
