using System.Management.Automation;
using RunTools.Domain;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Changes a run's status along the lifecycle: pending → running → completed | failed | cancelled; a failed
/// or cancelled run can be resumed (running); an abandoned run can be taken over, failed or cancelled.</summary>
[Cmdlet(VerbsCommon.Set, "RunStatus", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "Set-RunStatus.md")]
[OutputType(typeof(RunInfo))]
public sealed class SetRunStatusCommand : RunCmdlet
{
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path")]
    public string Run { get; set; } = "";

    /// <summary>Where run names given to -Run are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateSet("Running", "Completed", "Failed", "Cancelled", IgnoreCase = true)]
    public RunStatus Status { get; set; }

    /// <summary>Why: kept as the run's status message (and as the error message of a failed run).</summary>
    [Parameter(Position = 1)]
    public string? Message { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        if (!ResolveRun(Run, out var run) || !Succeeded(RunOperations.PreviewStatus(run, Status, Message), out var preview, run)) return;
        if (!ShouldProcess(RunTarget(run), $"Set status {Lifecycle.Text(preview.Observed)} → {Lifecycle.Text(Status)}")) return;
        if (!Succeeded(RunOperations.SetStatus(run, Status, Message), out var manifest, run)) return;
        if (PassThru) WriteObject(RunInfo.Of(manifest, manifest.Path!, manifest.Status, Seq<RunTools.Manifests.ProcessInfo>()));
    }
}
