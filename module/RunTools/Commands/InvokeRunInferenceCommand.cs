using System.Management.Automation;
using RunTools.Domain;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Training;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>
/// Scores new data with a trained run's production model (or one fold's model), after checking the data's columns
/// and types against the model's features. The inference is recorded as its own run whose lineage points at the
/// training run, the model files and the input's hash; predictions are written inside it (Parquet) and, with
/// -OutputPath, to that file (Parquet, or CSV for .csv). Data that has the training's label column is evaluated
/// (held-out metrics, metrics/holdout.parquet) unless -NoEvaluate.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "RunInference", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "Invoke-RunInference.md")]
[OutputType(typeof(InferenceResult))]
public sealed class InvokeRunInferenceCommand : StageCmdlet
{
    /// <summary>The training run.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    public string Run { get; set; } = "";

    /// <summary>The data to score (CSV, TSV or Parquet).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("InputPath", "DataPath")]
    public string Path { get; set; } = "";

    /// <summary>Where to write the predictions as well (.parquet, or .csv/.tsv for text).</summary>
    [Parameter(Position = 1)]
    public string? OutputPath { get; set; }

    /// <summary>The model: 'production' (default) or a fold such as 'r0_f2'.</summary>
    [ArgumentCompleter(typeof(Completion.ModelCompleter))]
    [Parameter]
    public string Model { get; set; } = FoldId.ProductionName;

    /// <summary>The training stage whose models to use (Invoke-RunTraining -Name); 'train' by default.</summary>
    [ArgumentCompleter(typeof(Completion.StageNameCompleter))]
    [Parameter]
    public string Stage { get; set; } = RunLayout.DefaultTrainingStage;

    /// <summary>The inference run's key (default: the training run's key + '-inference').</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>Where to create the inference run (default: beside the training run); also where a run name given to
    /// -Run is looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>Replace an existing file at -OutputPath.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Do not evaluate the predictions against the data's label column (the column is then ignored).</summary>
    [Parameter]
    public SwitchParameter NoEvaluate { get; set; }

    protected override void Process()
    {
        if (!ResolveRun(Run, out var run)) return;
        var output = OutputPath is null ? null : FullPath(OutputPath);
        var request = new InferenceRequest(run, Path, FullPath(Path), output, Force.IsPresent, Model, Stage, Name, Root is null ? null : FullPath(Root), CurrentDirectory, PowerShellVersion,
            Evaluate: !NoEvaluate.IsPresent);
        if (!Succeeded(InferenceWorkflow.Plan(request), out var plan, Path)) return;
        foreach (var warning in plan.Warnings) WriteWarning(warning);
        var target = output is null ? RunTarget(plan.Run.IntendedDirectory) : $"{RunTarget(plan.Run.IntendedDirectory)} and {output}";
        if (!ShouldProcess(target, $"Score {plan.Input.RowCount} rows of '{Path}' with {plan.Training.Name}/{plan.ModelDirectory}")) return;
        if (!Succeeded(InferenceWorkflow.Execute(plan, this), out var executed, Path)) return;
        if (executed is not (false, { } done)) throw new PipelineStoppedException(); // recorded as cancelled; now let the stop through
        foreach (var warning in done.Warnings) WriteWarning(warning);
        WriteObject(new InferenceResult(done.Run.Name, plan.Training.Name, plan.ModelDirectory, done.Rows, plan.IgnoredColumns.ToArray(),
            done.Predictions, done.OutputPath, done.Holdout?.Label, InferenceResult.MetricsOf(done.Holdout), done.Run.Path!));
    }
}
