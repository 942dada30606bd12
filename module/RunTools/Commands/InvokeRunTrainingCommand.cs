using System.Management.Automation;
using RunTools.Domain;
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
public sealed class InvokeRunTrainingCommand : BuiltinStageCmdlet
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
        if (!ResolveRun(Run, out var run) || !Succeeded(RunStore.Read(run).Bind(m => TrainingWorkflow.Prepare(m, Plan)), out var setup, run)) return;
        var planStage = setup.Manifest.FoldPlan(Plan)?.Stage;
        var spec = new StageSpec(Name, planStage is null ? Seq<string>() : Seq1(planStage), setup.Inputs, Seq<string>(), Force.IsPresent, setup.Command,
            setup.Hashed);
        var manifest = RunBuiltin(run, spec, $"Train {setup.Spec.Task.ToString().ToLowerInvariant()} models", (attempt, progress, note, cancel) =>
        {
            if (setup.RejectedRows > 0) note($"{setup.RejectedRows} rows have no label and are left out of training");
            return from files in TrainingWorkflow.Run(attempt, setup, progress, note, cancel)
                   from metrics in RunCommands.WriteMetrics(TrainingWorkflow.SummaryMetrics(files.Summary, setup.Spec, Name), DateTimeOffset.UtcNow)
                   select new BuiltinResult(files.Written, metrics);
        }, out var skipped);
        if (manifest is null) return;
        WriteObject(TrainingResult.Of(manifest, Name, setup.Spec.Task.ToString().ToLowerInvariant(), setup.Spec.Mode.ToString().ToLowerInvariant(),
            Plan, RunLayout.Training(Name).Predictions, TrainingWorkflow.ProductionModel(manifest, Name), skipped, manifest.Path!));
    }
}
