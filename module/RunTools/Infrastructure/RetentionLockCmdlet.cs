using System.Management.Automation;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Infrastructure;

/// <summary>What Lock-Run and Unlock-Run share: per run, read it (a run that is not there is an error even under
/// -WhatIf), ask ShouldProcess, record the change as an event, and with -PassThru write the run.</summary>
public abstract class RetentionLockCmdlet : RunsCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected void SetLock(bool locked, string? reason, string action)
    {
        foreach (var run in GivenRuns)
        {
            if (!Succeeded(RunStore.Read(run), out var current, run)) continue;
            if (!ShouldProcess(RunTarget(run), action)) continue;
            if (!Succeeded(RunOperations.SetRetentionLock(run, locked, reason), out var manifest, run)) continue;
            if (!PassThru) continue;
            var (status, live) = RunStore.Observe(manifest, Manifests.Liveness.DefaultStaleAfter);
            WriteObject(RunInfo.Of(manifest, manifest.Path!, status, live));
        }
    }
}
