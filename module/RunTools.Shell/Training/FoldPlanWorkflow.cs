using RunTools.Config;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Manifests;
using RunTools.Shell.Stages;
using RunTools.Stages;

namespace RunTools.Shell.Training;

/// <summary>Everything a fold-plan stage needs, read and checked before it starts. Planning is pure and cheap, so
/// the plan itself is computed here: a data problem (too few rows, a class smaller than k, a missing group column) is
/// reported before the stage starts, and -WhatIf says exactly what would happen.</summary>
public sealed record FoldPlanSetup(RunManifest Manifest, DataSet Data, FoldSpec Spec, FoldData FoldData, string Name, FoldPlan Plan)
{
    /// <summary>The default plan is the stage "folds"; another plan name gets its own stage, "folds-&lt;name&gt;".</summary>
    public string Stage => RunLayout.FoldPlan(Name).Stage;
}

/// <summary>The fold-plan stage: settings from the config's <c>folds</c> section (with the cmdlet's parameters as
/// overrides), rows from the run's data file, plan from the core, files into <c>folds/</c> (<see cref="RunLayout.FoldPlan"/>).</summary>
public static class FoldPlanWorkflow
{
    /// <summary>The stage as the driver sees it, known without reading the data: the data file in, the plan's settings as
    /// its command, and the config's <c>folds</c> and <c>data</c> sections as the keys it reads. So a plan that is
    /// skipped or reused costs no read of the data; the plan is computed (<see cref="Prepare"/>) only when it runs.</summary>
    public static Fin<StageSpec> Spec(RunManifest manifest, string name, Seq<ConfigOverride> overrides, bool force) =>
        from _ in RunTools.Domain.Names.StageName(name)
        from config in ConfigMerge.Apply(manifest.Config, overrides)
        from spec in FoldSpecs.FromConfig(config)
        from input in DataSets.ChooseInput(manifest)
        select SpecOf(name, input.FullPath, spec, force);

    static StageSpec SpecOf(string name, string data, FoldSpec spec, bool force) =>
        new(RunLayout.FoldPlan(name).Stage, Seq<string>(), Seq1(data), Seq<string>(), force, $"builtin:folds name={name} spec={FoldSpecs.Canonical(spec)}")
        {
            ConfigKeys = Seq("folds", "data"),
        };

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
        data.Time is RunTools.Training.NumericSource time ? toSeq(time.Values.ToArray()) : null)
    {
        // A time column of dates or timestamps is read as UTC ticks: its summary shows instants.
        TimesAreInstants = data.Schema.Time is { } column && data.Table.Column(column).Case is RunTools.Tables.Column c && RunTools.Training.ColumnRoles.IsInstant(c),
    };

    /// <summary>Empty text for a missing value: the planner reports missing values in the columns a kind uses.</summary>
    static Seq<string> Texts(RunTools.Training.FeatureSource source) =>
        toSeq(RunTools.Training.Labels.Texts(source).Select(t => t ?? "").ToArray());

    /// <summary>The stage's body: writes the plan's files and, on success, records the plan.</summary>
    public static WorkerBody Body(FoldPlanSetup setup) => new((attempt, report, _) =>
        Run(attempt, setup).Match(
            Succ: r =>
            {
                report.Note($"fold plan '{setup.Name}': {r.Record.Kind}, k = {r.Record.Folds}, {r.Record.Rows} rows, content sha256 {r.Record.ContentHash[..12]}…");
                return new StageBodyResult(new StageSucceeded(), r.Files, Seq1<RunEvent>(new FoldPlanRecorded(Hosting.Clock.Now, r.Record)));
            },
            Fail: e => StageBodyResult.Of(new StageErrored(e as RunTools.Domain.RunError ?? new RunTools.Domain.UnexpectedFailure($"Stage '{setup.Stage}'", e.GetType().Name, e.Message),
                e.GetType().Name))));

    /// <summary>Writes the plan's files; returns the plan record for the manifest.</summary>
    public static Fin<(FoldPlanRecord Record, Seq<string> Files)> Run(StageAttempt attempt, FoldPlanSetup setup) =>
        from plan in FinSucc(setup.Plan)
        from files in FoldPlanFiles.Write(attempt.RunDirectory, setup.Name, plan, setup.FoldData, setup.Data.Keys())
        select (new FoldPlanRecord(setup.Name, FoldSpecs.Text(setup.Spec.Kind), setup.Spec.Folds, setup.Spec.Repeats, setup.Spec.Inner is not null,
            setup.Spec.Production, setup.FoldData.RowKeys.Count, plan.ContentHash, RunLayout.FoldPlan(setup.Name).Parquet,
            RunLayout.FoldPlan(setup.Name).Summary, setup.Stage), files);
}
