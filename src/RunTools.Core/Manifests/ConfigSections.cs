using RunTools.Config;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Training;

namespace RunTools.Manifests;

/// <summary>
/// The config sections RunTools reads itself: <c>data</c>, <c>folds</c> and <c>training</c> (with each training
/// candidate and its grid). Their keys are checked: an unknown key is a <see cref="ConfigKeyUnknown"/>. Every other
/// top-level section (<c>model</c>, the user's own) is free. New-Run checks all three before it creates a run; each
/// stage checks again what it reads.
/// </summary>
public static class ConfigSections
{
    /// <summary>Every unknown key of the owned sections, in the order data, folds, training.</summary>
    public static Seq<RunError> UnknownKeys(ConfigValue config) =>
        DataSchema.UnknownKeys(config) + FoldSpecs.UnknownKeys(config) + TrainingSpecs.UnknownKeys(config);

    /// <summary>Success, or every unknown key at once (one error, or a ManyErrors of them).</summary>
    public static Fin<Unit> CheckKeys(ConfigValue config) => ConfigKeys.Report(UnknownKeys(config));
}
