using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Verifies a run: its event log's hash chain, run.json against the replay of the events it summarises, the
/// config files, sidecars, stage logs and artifacts against their recorded hashes, files recorded nowhere, data inputs,
/// and with -Lineage the runs it refers to and that refer to it. -Quiet returns only $true/$false.</summary>
[Cmdlet(VerbsDiagnostic.Test, "Run", HelpUri = HelpLinks.Docs + "Test-Run.md")]
[OutputType(typeof(RunCheck), typeof(bool))]
public sealed class TestRunCommand : RunsCmdlet
{
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Also check the runs this run refers to (their history up to the event it recorded, the files it
    /// used) and the runs under the same root that refer to it.</summary>
    [Parameter]
    public SwitchParameter Lineage { get; set; }

    protected override void Process()
    {
        foreach (var reference in Run)
        {
            var runs = ResolveRuns(reference, All);
            if (runs.IsEmpty && Quiet) WriteObject(false);
            foreach (var run in runs) Verify(run);
        }
    }

    void Verify(string run)
    {
        if (!Succeeded(Guarded(run, () => RunInspection.Verify(run, Lineage)), out var checks, run))
        {
            if (Quiet) WriteObject(false);
            return;
        }
        if (Quiet) WriteObject(checks.ForAll(c => c.Passed));
        else WriteObject(checks.ToArray(), enumerateCollection: true);
    }
}
