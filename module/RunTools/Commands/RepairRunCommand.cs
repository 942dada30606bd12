using RunTools.Shell.Hosting;
using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Repairs what Test-Run finds damaged in a run and can be mended without guessing: quarantines event lines
/// that are not events (and a cut-off last line) into a sidecar and re-chains the rest, rebuilds a lost event log from
/// an intact run.json, rewrites a stale or damaged run.json from the log, and removes leftovers of interrupted writes
/// whose writer is gone. Reports each thing it did.</summary>
[Cmdlet(VerbsDiagnostic.Repair, "Run", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Docs + "Repair-Run.md")]
[OutputType(typeof(RepairRecord))]
public sealed class RepairRunCommand : RunsCmdlet
{
    protected override void Process()
    {
        foreach (var run in GivenRuns)
        {
            if (WhatIfMode)
            {
                // Only the plan: no lock taken, nothing written.
                if (!Succeeded(RunRepair.Plan(run), out var plan, run)) continue;
                foreach (var a in plan.Actions) ShouldProcess(RunTarget(run), Action(a.Action, a.Item, a.Detail));
                continue;
            }
            if (!Succeeded(RunRepair.Execute(run, a => ShouldProcess(RunTarget(run), Action(a.Action, a.Item, a.Detail)), Clock.Now), out var done, run))
                continue;
            if (done.IsEmpty) WriteVerbose($"Run '{System.IO.Path.GetFileName(run)}' needs no repair.");
            WriteObject(done.Map(a => RunRepair.Record(run, a)).ToArray(), enumerateCollection: true);
        }
    }

    static string Action(object action, string item, string detail) => $"{action} {item}: {detail}";
}
