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
public sealed class RepairRunCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path", "PSPath")]
    public string[] Run { get; set; } = [];

    protected override void Process()
    {
        foreach (var run in Run)
        {
            if (WhatIfMode)
            {
                // Only the plan: no lock taken, nothing written.
                if (!Succeeded(RunRepair.Plan(run), out var plan, run)) continue;
                foreach (var a in plan.Actions) ShouldProcess(Target(plan.Run, a.Item), $"{a.Action}: {a.Detail}");
                continue;
            }
            if (!Succeeded(RunRepair.Execute(run, a => ShouldProcess(Target(run, a.Item), $"{a.Action}: {a.Detail}"), DateTimeOffset.UtcNow), out var done, run))
                continue;
            if (done.IsEmpty) WriteVerbose($"Run '{System.IO.Path.GetFileName(run)}' needs no repair.");
            WriteObject(done.Map(a => RunRepair.Record(run, a)).ToArray(), enumerateCollection: true);
        }
    }

    static string Target(string run, string item) => $"{System.IO.Path.GetFileName(run)} ({item})";
}
