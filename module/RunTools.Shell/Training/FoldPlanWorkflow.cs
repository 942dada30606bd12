using RunTools.Config;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Manifests;
using RunTools.Shell.Stages;

namespace RunTools.Shell.Training;

/// <summary>Everything a fold-plan stage needs, read and checked before it starts. Planning is pure and cheap, so
/// the plan itself is computed here: a data problem (too few rows, a class smaller than k, a missing group column) is
/// reported before the stage starts, and -WhatIf says exactly what would happen.</summary>
public sealed record FoldPlanSetup(RunManifest Manifest, DataSet Data, FoldSpec Spec, FoldData FoldData, string Name, FoldPlan Plan)
{
    /// <summary>The default plan is the stage "folds"; another plan name gets its own stage, "folds-&lt;name&gt;".</summary>
    public string Stage => RunLayout.FoldPlan(Name).Stage;

    public Seq<string> Inputs => Seq1(Data.Input.FullPath);

    /// <summary>The inputs whose hashes were taken while they were read, so the stage runner need not read them again.</summary>
    public Seq<(string FullPath, FileHash Hash)> Hashed => Seq1((Data.Input.FullPath, Data.Hash));

    public string Command => $"builtin:folds name={Name} spec={FoldSpecs.Canonical(Spec)}";
}

/// <summary>The fold-plan stage: settings from the config's <c>folds</c> section (with the cmdlet's parameters as
/// overrides), rows from the run's data file, plan from the core, files into <c>folds/</c> (<see cref="RunLayout.FoldPlan"/>).</summary>
public static class FoldPlanWorkflow
{
    /// <param name="overrides">Dotted keys under <c>folds</c>, e.g. <c>folds.k = 10</c>.</param>
    public static Fin<FoldPlanSetup> Prepare(RunManifest manifest, string name, Seq<ConfigOverride> overrides) =>
        from _ in RunTools.Domain.Names.StageName(name)
        from config in ConfigMerge.Apply(manifest.Config, overrides)
        // The fold settings and the data's roles are independent: every problem of either is reported at once.
        from settings in (FoldSpecs.Read(config), DataSchema.Read(manifest.Config, manifest.Inputs)).Apply((spec, schema) => (spec, schema)).ToFin()
        let spec = settings.spec
        from data in DataSets.LoadRoles(manifest, settings.schema)
        let foldData = FoldDataOf(data)
        from plan in FoldPlanner.Plan(spec, foldData)
        select new FoldPlanSetup(manifest, data, spec, foldData, name, plan);

    static FoldData FoldDataOf(DataSet data) => new(
        data.RowKeys,
        data.Label is { } label ? Texts(label) : null,
        data.Group is { } grp ? Texts(grp) : null,
        data.Time is RunTools.Training.NumericSource time ? toSeq(time.Values.ToArray()) : null);

    /// <summary>Empty text for a missing value: the planner reports missing values in the columns a kind uses.</summary>
    static Seq<string> Texts(RunTools.Training.FeatureSource source) =>
        toSeq(RunTools.Training.Labels.Texts(source).Select(t => t ?? "").ToArray());

    /// <summary>Writes the plan's files; returns the plan record for the manifest.</summary>
    public static Fin<(FoldPlanRecord Record, Seq<string> Files)> Run(StageAttempt attempt, FoldPlanSetup setup) =>
        from plan in FinSucc(setup.Plan)
        from files in FoldPlanFiles.Write(attempt.RunDirectory, setup.Name, plan, setup.FoldData)
        select (new FoldPlanRecord(setup.Name, FoldSpecs.Text(setup.Spec.Kind), setup.Spec.Folds, setup.Spec.Repeats, setup.Spec.Inner is not null,
            setup.Spec.Production, setup.FoldData.RowKeys.Count, plan.ContentHash, RunLayout.FoldPlan(setup.Name).Parquet,
            RunLayout.FoldPlan(setup.Name).Summary, setup.Stage), files);
}
