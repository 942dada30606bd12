using System.Management.Automation;
using RunTools.Shell.Stages;

namespace RunTools.Module.Infrastructure;

/// <summary>
/// A cmdlet that runs a stage (Invoke-RunStage, New-RunFoldPlan, Invoke-RunTraining, Invoke-RunInference). It lends
/// the one stage driver (<see cref="StageDriver"/>) its capabilities — ShouldProcess, its progress and verbose
/// streams, its stop signal — and keeps only binding and writing results. Ctrl+C cancels the body (between model
/// fits, or by stopping the script or command) and, once the attempt is recorded as cancelled, the stop goes on.
/// </summary>
public abstract class StageCmdlet : RunCmdlet, IStageHost
{
    readonly CancellationTokenSource stopping = new();

    /// <summary>Runs the stage; a cancelled stage (recorded as such) lets the pipeline stop through.</summary>
    protected StageRun Drive(StageJob job)
    {
        var run = StageDriver.Run(job, this);
        if (run is StageRun.Cancelled) throw new PipelineStoppedException();
        return run;
    }

    bool IStageHost.ShouldProcess(string target, string action) => ShouldProcess(target, action);

    void IStageHost.Write(StageMessage message)
    {
        switch (message)
        {
            case StageProgress { Status: "done" } p:
                WriteProgress(new ProgressRecord(1, p.Activity, p.Status) { RecordType = ProgressRecordType.Completed });
                break;
            case StageProgress p:
                WriteProgress(new ProgressRecord(1, p.Activity, p.Status) { PercentComplete = p.Percent });
                break;
            case StageVerbose v:
                WriteVerbose(v.Text);
                break;
        }
    }

    bool IStageHost.IsStop(Exception e) => e is PipelineStoppedException;

    CancellationTokenSource IStageHost.Stopping => stopping;

    protected CancellationToken StopToken => stopping.Token;

    protected override void StopProcessing() => stopping.Cancel();
}
