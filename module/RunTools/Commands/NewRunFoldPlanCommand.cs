using System.Management.Automation;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Training;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>
/// Computes a cross-validation fold plan for the run's data and stores it in the run as data: folds/&lt;name&gt;.parquet
/// (one row per repeat, outer fold, inner fold and row key, with its role) and folds/&lt;name&gt;.json (settings,
/// content hash, per-fold counts). Settings come from the config's <c>folds</c> section; parameters override them.
/// </summary>
[Cmdlet(VerbsCommon.New, "RunFoldPlan", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "New-RunFoldPlan.md")]
[OutputType(typeof(FoldPlanInfo))]
public sealed class NewRunFoldPlanCommand : StageCmdlet
{
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path")]
    public string Run { get; set; } = "";

    /// <summary>Where run names given to -Run are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>The plan's name (its file names); training uses the plan named 'folds' unless told otherwise.</summary>
    [ArgumentCompleter(typeof(Completion.FoldPlanCompleter))]
    [Parameter(Position = 0)]
    public string Name { get; set; } = RunLayout.DefaultFoldPlan;

    [Parameter]
    [ValidateSet("kfold", "stratified", "group", "stratified_group", "walk_forward", IgnoreCase = true)]
    public string? Kind { get; set; }

    /// <summary>Number of outer folds (k).</summary>
    [Parameter]
    [ValidateRange(2, 1000)]
    public int? Folds { get; set; }

    [Parameter]
    [ValidateRange(1, 1000)]
    public int? Repeats { get; set; }

    [Parameter]
    public long? Seed { get; set; }

    /// <summary>Nested cross-validation: the inner folds' kind (computed inside each outer training set).</summary>
    [Parameter]
    [ValidateSet("kfold", "stratified", "group", "stratified_group", "walk_forward", IgnoreCase = true)]
    public string? InnerKind { get; set; }

    [Parameter]
    [ValidateRange(2, 1000)]
    public int? InnerFolds { get; set; }

    /// <summary>Add the production fold (all rows train), used to fit the production model.</summary>
    [Parameter]
    public SwitchParameter Production { get; set; }

    /// <summary>Compute the plan again even if one with the same settings and data exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        if (!Succeeded(Overrides(), out var overrides)) return;
        if (!ResolveRun(Run, out var run) || !Succeeded(RunStore.Read(run), out var manifest, run)) return;
        if (!Succeeded(FoldPlanWorkflow.Spec(manifest, Name, overrides, Force.IsPresent), out var spec, run)) return;
        // The data is read and the plan computed only when the stage runs (not when it is skipped or reused).
        var body = new PreparedBody(() => FoldPlanWorkflow.Prepare(manifest, Name, overrides).Map(setup => (StageBody)FoldPlanWorkflow.Body(setup)));
        switch (Drive(new StageJob(run, spec, $"Plan folds '{Name}'", body)))
        {
            case StageRun.Skipped { Manifest: var m } when m.FoldPlan(Name) is { } plan:
                WriteObject(FoldPlanInfo.Of(m, plan, skipped: true, m.Path!));
                break;
            case StageRun.Finished { Manifest: var m } when m.FoldPlan(Name) is { } plan:
                WriteObject(FoldPlanInfo.Of(m, plan, skipped: false, m.Path!));
                break;
            case StageRun.Failed failed:
                WriteFailure(failed.Error, spec.Stage);
                break;
        }
    }

    Fin<Seq<ConfigOverride>> Overrides()
    {
        var values = new List<(string Key, ConfigValue Value)>();
        if (Kind is not null) values.Add(("folds.kind", new ConfigString(Kind.ToLowerInvariant())));
        if (Folds is { } k) values.Add(("folds.k", new ConfigInt(k)));
        if (Repeats is { } r) values.Add(("folds.repeats", new ConfigInt(r)));
        if (Seed is { } s) values.Add(("folds.seed", new ConfigInt(s)));
        if (InnerKind is not null) values.Add(("folds.inner.kind", new ConfigString(InnerKind.ToLowerInvariant())));
        if (InnerFolds is { } ik) values.Add(("folds.inner.k", new ConfigInt(ik)));
        if (Production.IsPresent) values.Add(("folds.production", new ConfigBool(true)));
        return values.Select(v => ConfigOverrides.Of(v.Key, v.Value)).ToSeq().Sequence();
    }
}
