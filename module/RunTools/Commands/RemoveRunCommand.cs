using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;

namespace RunTools.Module.Commands;

/// <summary>Deletes run directories (for retention scripts). The run disappears with one rename before its files are
/// deleted, so a reader never sees half a run. A run a live process is working on needs -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "Run", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveRunCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path", "PSPath")]
    public string[] Run { get; set; } = [];

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        foreach (var run in Run)
        {
            if (!Succeeded(RunOperations.PreviewRemove(run, Force), out var manifest, run)) continue;
            if (!ShouldProcess($"{manifest.Name} ({manifest.Path})", "Remove run")) continue;
            Succeeded(RunOperations.Remove(run, Force), out _, run);
        }
    }
}
