using System.Management.Automation;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Shell.Training;
using RunTools.Views;
using RunTools.Training;

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
    public string Name { get; set; } = RunLayout.DefaultTrainingStage;

    /// <summary>The fold plan to use (New-RunFoldPlan -Name).</summary>
    [ArgumentCompleter(typeof(Completion.FoldPlanCompleter))]
    [Parameter]
    public string Plan { get; set; } = RunLayout.DefaultFoldPlan;

    /// <summary>Train again even if a completed training has the same data, plan and settings.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        if (!ResolveRun(Run, out var run) || !Succeeded(RunStore.Read(run), out var manifest, run)) return;
        if (!Succeeded(TrainingSpecs.FromConfig(manifest.Config), out var settings, run)) return;
        if (!Succeeded(TrainingWorkflow.Spec(manifest, Plan, Name, Force.IsPresent), out var spec, run)) return;
        // The data and the plan are read and checked only when the stage runs (not when it is skipped or reused).
        var body = new PreparedBody(() => TrainingWorkflow.Prepare(manifest, Plan).Map(setup => (StageBody)TrainingWorkflow.Body(setup)));
        switch (Drive(new StageJob(run, spec, $"Train {settings.Task.ToString().ToLowerInvariant()} models", body)))
        {
            case StageRun.Skipped { Manifest: var m }:
                Write(m, settings, skipped: true);
                break;
            case StageRun.Finished { Manifest: var m }:
                Write(m, settings, skipped: false);
                break;
            case StageRun.Failed failed:
                WriteFailure(failed.Error, Name);
                break;
        }
    }

    void Write(RunManifest manifest, TrainingSpec settings, bool skipped) =>
        WriteObject(TrainingResult.Of(manifest, Name, settings.Task.ToString().ToLowerInvariant(), settings.Mode.ToString().ToLowerInvariant(),
            Plan, RunLayout.Training(Name).Predictions, TrainingWorkflow.ProductionModel(manifest, Name), skipped, manifest.Path!));
}
