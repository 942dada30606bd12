using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Lifts Lock-Run's lock, so that Remove-Run can remove the run again.</summary>
[Cmdlet(VerbsCommon.Unlock, "Run", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "Unlock-Run.md")]
[OutputType(typeof(RunInfo))]
public sealed class UnlockRunCommand : RetentionLockCmdlet
{
    protected override void Process() => SetLock(false, null, "Unlock run (allow its removal)");
}
