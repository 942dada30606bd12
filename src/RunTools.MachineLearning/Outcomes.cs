using RunTools.Evaluation;
using RunTools.Folds;
using RunTools.Training;

namespace RunTools.MachineLearning;

/// <summary>One inner-CV measurement: a candidate of a model part, scored on one inner validation fold.</summary>
/// <param name="Part">Which model: "model" (direct), "ovr:&lt;class&gt;" and "meta" (meta mode), "level1" and
/// "level2:&lt;branch&gt;" (hierarchical).</param>
public sealed record InnerScore(int Repeat, int Outer, int Inner, string Variant, string Part, string Candidate, string Parameters,
    int TrainRows, int ValidationRows, Map<string, double> Metrics);

/// <summary>A saved ML.NET model that is one part of a fold's model.</summary>
/// <param name="Classes">The classes this part predicts (for level-2 branches: the branch's leaves).</param>
public sealed record ModelPart(string Name, Candidate Candidate, byte[] Bytes, Seq<string> Classes);

/// <summary>Everything needed to score new rows exactly as the fold's test rows were scored.</summary>
/// <param name="Hierarchy">Hierarchical mode: each leaf class and its level-1 parent.</param>
public sealed record ModelBundle(
    TrainingTask Task,
    TrainingMode Mode,
    EncoderState Encoder,
    LabelEncoding Labels,
    LabelEncoding? Parents,
    Seq<ModelPart> Parts,
    Seq<(string Leaf, string Parent)> Hierarchy,
    ConformalCalibration? Conformal);

/// <summary>The result of one outer fold (or of the production fit, Outer = -1) for one SMOTE variant.</summary>
/// <param name="TestRows">Row indices of the outer test set (empty for production).</param>
/// <param name="Test">Predictions for <see cref="TestRows"/>, in the same order.</param>
/// <param name="Residuals">Regression: the out-of-fold (inner validation) actual and predicted values of the
/// selected candidate over the training rows: the conformal calibration set.</param>
public sealed record FoldOutcome(
    int Repeat,
    int Outer,
    string Variant,
    Seq<(string Part, Candidate Candidate)> Selected,
    Seq<InnerScore> Inner,
    ModelBundle Model,
    Seq<int> TestRows,
    Predictions Test,
    Map<string, double> Metrics,
    Seq<(int Row, double Actual, double Predicted)> Residuals,
    int TrainRows,
    int SyntheticRows,
    Seq<SmoteOrigin> Smote,
    TimeSpan Elapsed);

/// <summary>Where a synthetic SMOTE row of a fold's final model came from: two training rows of its class (data row
/// indices) and the position between them (0 = the source row, 1 = the neighbour).</summary>
public sealed record SmoteOrigin(string Part, int Class, int SourceRow, int NeighbourRow, double Gap);

/// <summary>Progress for WriteProgress: which outer fold and which candidate.</summary>
public sealed record TrainingProgress(string Activity, string Status, int Percent);

/// <summary>The whole training, summarised: metrics of every outer fold and their mean, sd and 95% interval.</summary>
public sealed record TrainingSummary(
    Seq<FoldOutcome> Folds,
    Seq<(string Variant, string Metric, MetricSummaryStats Stats)> Metrics);
