using System.Management.Automation;
using RunTools.Domain;
using RunTools.MachineLearning;
using RunTools.Manifests;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Stages;

namespace RunTools.Module.Infrastructure;

/// <summary>What a built-in stage's body produced: the files it wrote (registered as the stage's outputs) and the
/// events to add when it completes.</summary>
public sealed record BuiltinResult(Seq<string> Files, Seq<RunEvent> OnSuccess);

/// <summary>
/// Runs a built-in stage (fold plan, training) through the same machinery as Invoke-RunStage: decide (skip when the
/// inputs and settings are unchanged), ask ShouldProcess, record the start, run the body on a worker thread while
/// this thread relays its progress and notes, record the end. Ctrl+C cancels the body between model fits and marks
/// the stage cancelled.
/// </summary>
public abstract class BuiltinStageCmdlet : RunCmdlet
{
    readonly CancellationTokenSource stopping = new();

    /// <returns>The manifest after the stage, or null when the stage was skipped, refused or failed (already reported).</returns>
    protected RunManifest? RunBuiltin(string run, StageSpec spec, string action,
        Func<StageAttempt, Action<TrainingProgress>, Action<string>, CancellationToken, Fin<BuiltinResult>> body, out bool skipped)
    {
        skipped = false;
        if (!Succeeded(StageRunner.Preview(run, spec), out var preview, spec.Stage)) return null;
        if (preview is SkipStage skip)
        {
            WriteVerbose($"Stage '{spec.Stage}' skipped: {skip.Reason}. Use -Force to run it again.");
            skipped = true;
            return Succeeded(RunStore.Read(run), out var current, run) ? current : null;
        }
        if (!ShouldProcess(RunTarget(run), $"{action} (stage '{spec.Stage}': {((StartStage)preview).Reason})")) return null;
        if (!Succeeded(StageRunner.Begin(run, spec), out var begun, spec.Stage)) return null;
        if (begun.IsLeft)
        {
            skipped = true;
            return Succeeded(RunStore.Read(run), out var current, run) ? current : null;
        }
        var attempt = (StageAttempt)begun;

        var activity = $"{spec.Stage}: {Path.GetFileName(run)}";
        var ((outcome, result), stopped, writeFailure) = WorkerRelay.Run(post =>
        {
            try
            {
                return body(attempt,
                        p => post(new ProgressRecord(1, activity, p.Status) { PercentComplete = p.Percent }),
                        note =>
                        {
                            post(note);
                            RunStore.Update(run, _ => FinSucc(Seq1<RunEvent>(new ProgressReported(DateTimeOffset.UtcNow, spec.Stage, note))));
                            StageRunner.AppendLog(attempt.LogPath, note);
                        },
                        stopping.Token)
                    .Match<(StageOutcome, BuiltinResult)>(
                        Succ: r => (new StageSucceeded(), r),
                        Fail: e => (new StageErrored(e as RunError ?? new UnexpectedFailure($"Stage '{spec.Stage}'", e.GetType().Name, e.Message), e.GetType().Name),
                            new BuiltinResult(Seq<string>(), Seq<RunEvent>())));
            }
            catch (OperationCanceledException)
            {
                return (new StageWasCancelled(), new BuiltinResult(Seq<string>(), Seq<RunEvent>()));
            }
            catch (Exception e)
            {
                // Whatever happened, the stage must end as failed, not stay 'running' in the manifest.
                return (new StageErrored(new UnexpectedFailure($"Stage '{spec.Stage}'", e.GetType().Name, e.Message), e.GetType().Name),
                    new BuiltinResult(Seq<string>(), Seq<RunEvent>()));
            }
        }, message =>
        {
            if (message is ProgressRecord progress) WriteProgress(progress);
            else WriteVerbose((string)message);
        }, stopping);
        if (stopped && outcome is not StageWasCancelled) outcome = new StageWasCancelled();
        if (!stopped) WriteProgress(new ProgressRecord(1, activity, "done") { RecordType = ProgressRecordType.Completed });

        // The body decides its outputs; files it wrote before failing are registered too (partial results are kept).
        var finished = attempt with { Outputs = result.Files.IsEmpty ? WrittenSoFar(attempt) : result.Files };
        var recorded = StageRunner.Finish(finished, outcome, result.OnSuccess);
        if (stopped) throw new PipelineStoppedException(); // recorded as cancelled; now let the stop through
        if (writeFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(writeFailure); // likewise
        if (!Succeeded(recorded, out var end, spec.Stage)) return null;
        if (end.Error is { } error)
        {
            WriteFailure(error, spec.Stage);
            return null;
        }
        return end.Manifest;
    }

    /// <summary>After a failure: the files this stage had already written in the folders a training writes to (its own
    /// folder for a training stage other than the default one, so another training's files are never claimed). Not
    /// folds/: that is the fold-plan stages' (whose two files are each written atomically, so they leave nothing
    /// partial behind).</summary>
    static Seq<string> WrittenSoFar(StageAttempt attempt) =>
        toSeq(RunLayout.Training(attempt.Stage).Folders
            .Select(d => Path.Combine(attempt.RunDirectory, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !Path.GetFileName(f).StartsWith('.') && File.GetLastWriteTimeUtc(f) >= attempt.Manifest.Stage(attempt.Stage)!.StartedAt.UtcDateTime)
            .Select(f => Path.GetRelativePath(attempt.RunDirectory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray());

    protected override void StopProcessing() => stopping.Cancel();
}
