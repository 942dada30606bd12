using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Verifies a run: re-hashes every artifact and input against the manifest, checks run.json against the
/// replay of events.jsonl and config_resolved.yaml against the recorded config. -Quiet returns only $true/$false.</summary>
[Cmdlet(VerbsDiagnostic.Test, "Run")]
[OutputType(typeof(RunCheck), typeof(bool))]
public sealed class TestRunCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path", "PSPath")]
    public string[] Run { get; set; } = [];

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void Process()
    {
        foreach (var run in Run)
        {
            if (!Succeeded(RunOperations.Verify(run), out var checks, run))
            {
                if (Quiet) WriteObject(false);
                continue;
            }
            if (Quiet) WriteObject(checks.ForAll(c => c.Status == CheckStatus.Ok));
            else WriteObject(checks.ToArray(), enumerateCollection: true);
        }
    }
}
