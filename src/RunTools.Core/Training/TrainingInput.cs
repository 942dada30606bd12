using RunTools.Folds;

namespace RunTools.Training;

/// <summary>Everything training needs, already read from the run directory by the shell.</summary>
/// <param name="Features">The feature columns (all rows of the dataset, in the fold plan's row order).</param>
/// <param name="Labels">The encoded label of every row.</param>
/// <param name="Parent">Hierarchical mode: the encoded level-1 label of every row.</param>
public sealed record TrainingInput(
    TrainingSpec Spec,
    Seq<FeatureSource> Features,
    EncodedLabels Labels,
    EncodedLabels? Parent,
    FoldPlan Plan);
