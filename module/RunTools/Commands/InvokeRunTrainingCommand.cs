using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Training;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>
/// Trains and evaluates models by nested cross-validation, driven by the run's config (<c>training</c> section) and a
/// stored fold plan: inner folds select a candidate per outer fold, outer folds are evaluated, and the production
/// fold (if planned) fits the production model. Writes models, inner CV results, out-of-fold predictions and metric
/// tables into the run, and the cross-validated metrics (mean, sd, 95% interval) as the run's cv/... metrics.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "RunTraining", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "Invoke-RunTraining.md")]
[OutputType(typeof(TrainingResult))]
public sealed class InvokeRunTrainingCommand : StageCmdlet
{
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path")]
    public string Run { get; set; } = "";

    /// <summary>Where run names given to -Run are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>The stage name.</summary>
    [ArgumentCompleter(typeof(Completion.StageNameCompleter))]
    [Parameter(Position = 0)]
    public string Name { get; set; } = "train";

    /// <summary>The fold plan to use (New-RunFoldPlan -Name).</summary>
    [ArgumentCompleter(typeof(Completion.FoldPlanCompleter))]
    [Parameter]
    public string Plan { get; set; } = "folds";

    /// <summary>Train again even if a completed training has the same data, plan and settings.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        if (!ResolveRun(Run, out var run) || !Succeeded(RunStore.Read(run).Bind(m => TrainingWorkflow.Prepare(m, Plan)), out var setup, run)) return;
        var job = new StageJob(run, setup.StageSpec(Name, Force.IsPresent), $"Train {setup.Spec.Task.ToString().ToLowerInvariant()} models", TrainingWorkflow.Body(setup));
        switch (Drive(job))
        {
            case StageRun.Skipped { Manifest: var m }:
                Write(m, setup, skipped: true);
                break;
            case StageRun.Finished { Manifest: var m }:
                Write(m, setup, skipped: false);
                break;
            case StageRun.Failed failed:
                WriteFailure(failed.Error, Name);
                break;
        }
    }

    void Write(RunManifest manifest, TrainingSetup setup, bool skipped) =>
        WriteObject(TrainingResult.Of(manifest, Name, TrainingWorkflow.MetricPrefix(Name), setup.Spec.Task.ToString().ToLowerInvariant(), setup.Spec.Mode.ToString().ToLowerInvariant(),
            Plan, $"{TrainingWorkflow.Folder(Name)}predictions/oof.parquet", TrainingWorkflow.ProductionModel(manifest, Name), skipped, manifest.Path!));
}
