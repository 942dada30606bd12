using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Locks runs against removal: Remove-Run never removes a locked run, by a policy or by name, not even with
/// -Force. The lock is an event in the run's log (who can see when it was locked, and why).</summary>
[Cmdlet(VerbsCommon.Lock, "Run", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "Lock-Run.md")]
[OutputType(typeof(RunInfo))]
public sealed class LockRunCommand : RetentionLockCmdlet
{
    /// <summary>Why the run is kept (shown in the run's manifest as LockReason). Locking a locked run again with a new
    /// reason replaces the reason; without one, the old reason stays.</summary>
    [Parameter(Position = 1)]
    public string? Reason { get; set; }

    protected override void Process()
    {
        var reason = string.IsNullOrWhiteSpace(Reason) ? null : Reason;
        SetLock(true, reason, reason is null ? "Lock run against removal" : $"Lock run against removal ({reason})");
    }
}
