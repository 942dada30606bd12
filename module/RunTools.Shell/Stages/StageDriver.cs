using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;
using RunTools.Stages;

namespace RunTools.Shell.Stages;

/// <summary>What the caller lends the driver: its confirmation, its output streams and its stop signal. A cmdlet
/// implements it over ShouldProcess, WriteProgress/WriteVerbose/WriteWarning and StopProcessing (the way
/// PSScriptAnalyzer hands <c>this.ShouldProcess</c> to its engine), so the driver never sees PowerShell.</summary>
public interface IStageHost
{
    /// <summary>Asked right before the stage's effect; false (-WhatIf, or "no" at the prompt) declines it.</summary>
    bool ShouldProcess(string target, string action);

    /// <summary>Shows a message; called on the caller's thread only. May throw when the caller has been stopped.</summary>
    void Write(StageMessage message);

    /// <summary>Whether an exception thrown by <see cref="Write"/> means the caller was stopped (Ctrl+C).</summary>
    bool IsStop(Exception e);

    /// <summary>Cancelled when the caller is stopped.</summary>
    CancellationTokenSource Stopping { get; }
}

public abstract record StageMessage;

/// <summary>How far the stage is: a progress bar's activity, status and percent (-1: unknown).</summary>
public sealed record StageProgress(string Activity, string Status, int Percent) : StageMessage;

/// <summary>A line for the verbose stream only (an external command's output).</summary>
public sealed record StageVerbose(string Text) : StageMessage;

/// <summary>What a running stage reports from its worker thread.</summary>
public interface IStageReport
{
    /// <summary>A progress bar update.</summary>
    void Progress(int percent, string status);

    /// <summary>A milestone: shown as verbose, appended to the stage's log and recorded in the run's events.</summary>
    void Note(string text);

    /// <summary>A line shown as verbose only.</summary>
    void Verbose(string text);
}

/// <summary>How a stage's body ended, and what it produced.</summary>
/// <param name="Files">The files it wrote, registered as its outputs (default: the declared outputs).</param>
/// <param name="OnSuccess">Events to add when it completes (a fold plan's record, summary metrics).</param>
/// <param name="ConfigKeys">The config keys it read while it ran (added to its fingerprint).</param>
public sealed record StageBodyResult(StageOutcome Outcome, Seq<string> Files = default, Seq<RunEvent> OnSuccess = default, Seq<string> ConfigKeys = default)
{
    public static StageBodyResult Of(StageOutcome outcome) => new(outcome);
}

/// <summary>The work of a stage.</summary>
public abstract record StageBody;

/// <summary>Runs on the caller's thread (a script block: PowerShell runs it on the pipeline thread) and writes to the
/// caller itself; a stop arrives as the body's <see cref="StageWasCancelled"/>.</summary>
public sealed record CallerBody(Func<StageAttempt, StageBodyResult> Run) : StageBody;

/// <summary>Runs on a worker thread while the caller's thread shows what it reports; a stop cancels its token.</summary>
/// <param name="WrittenSoFar">The files it wrote so far, asked when it fails without saying (partial outputs are kept
/// and registered).</param>
public sealed record WorkerBody(Func<StageAttempt, IStageReport, CancellationToken, StageBodyResult> Run,
    Func<StageAttempt, Seq<string>>? WrittenSoFar = null) : StageBody;

/// <summary>A body that must be prepared first (a fold plan or training reads and checks the data and settings): prepared
/// only when the stage is going to run — a skipped or reused stage costs no read of its data — and before ShouldProcess,
/// so -WhatIf reports what would fail. A preparation that fails fails the invocation before anything is recorded.</summary>
public sealed record PreparedBody(Func<Fin<StageBody>> Prepare) : StageBody;

/// <summary>A stage to run: where, what it uses and declares, what the confirmation says, and its body.</summary>
/// <param name="Action">What ShouldProcess is told ("Run stage 'x'"); the reason it runs is added.</param>
/// <param name="Confirmed">The caller has already confirmed this stage as part of a larger effect (inference creates a
/// run and scores in it): the driver does not ask again.</param>
public sealed record StageJob(string Run, StageSpec Spec, string Action, StageBody Body, bool Confirmed = false);

/// <summary>How a stage invocation ended. Closed: every caller handles each case.</summary>
public abstract record StageRun
{
    StageRun() { }

    /// <summary>The stage completed before with the same fingerprint and intact outputs: nothing ran.</summary>
    public sealed record Skipped(RunManifest Manifest, StageRecord Stage, string Reason) : StageRun;

    /// <summary>The stage ran and completed, or was served from another run's identical attempt (<see cref="StageRecord.ReusedFrom"/>).</summary>
    public sealed record Finished(RunManifest Manifest, StageRecord Stage, string Reason) : StageRun;

    /// <summary>The stage could not start (<see cref="Manifest"/> null) or its attempt failed (recorded in the run).</summary>
    public sealed record Failed(RunManifest? Manifest, RunError Error) : StageRun;

    /// <summary>The caller was stopped (Ctrl+C); the attempt is recorded as cancelled. The caller lets the stop through.</summary>
    public sealed record Cancelled(RunManifest? Manifest) : StageRun;

    /// <summary>ShouldProcess said no (-WhatIf, or "no" at the prompt): nothing was written.</summary>
    public sealed record Declined(string Reason) : StageRun;
}

/// <summary>
/// The one stage driver. Every stage kind (script block, external command, fold plan, training, inference) runs
/// through <see cref="Run"/>: preview the decision (skip, reuse, start), ask the caller, record the start under the
/// run's lock (or bring a reused attempt's files over), run the body, record the end. Stage events are built by
/// <see cref="StagePlanner"/> only, and written by <see cref="StageRunner"/> only for this driver.
/// </summary>
public static class StageDriver
{
    public static StageRun Run(StageJob job, IStageHost host)
    {
        var spec = StageRunner.WithHashes(job.Run, job.Spec);
        job = job with { Spec = spec };
        var preview = StageRunner.Preview(job.Run, spec);
        if (preview.IsFail) return Failed(null, (LanguageExt.Common.Error)preview);
        var (decision, candidates) = (StagePreview)preview;
        if (decision is SkipStage skip) return Skipped(job.Run, skip);
        if (decision is StartStage && job.Body is PreparedBody)
        {
            var prepared = Prepare(job);
            if (prepared.IsFail) return Failed(null, (LanguageExt.Common.Error)prepared);
            job = job with { Body = (StageBody)prepared };
        }
        var reason = decision switch { StartStage s => s.Reason, ReuseStage r => r.Reason, _ => "" };
        if (!job.Confirmed && !host.ShouldProcess(RunResolver.Target(job.Run), $"{job.Action} ({reason})")) return new StageRun.Declined(reason);
        var begun = StageRunner.Begin(job.Run, spec, candidates);
        if (begun.IsFail) return Failed(null, (LanguageExt.Common.Error)begun);
        return (StageBegun)begun switch
        {
            StageBegun.Skip s => Skipped(job.Run, s.Decision),
            StageBegun.Reuse reuse => Reused(job, reuse.Decision, host),
            StageBegun.Attempt attempt => Execute(job, attempt.Value, host),
            _ => throw new InvalidOperationException("unknown start"),
        };
    }

    static Fin<StageBody> Prepare(StageJob job) => job.Body is PreparedBody p ? p.Prepare() : FinSucc(job.Body);

    static StageRun Skipped(string run, SkipStage skip) =>
        RunStore.Read(run).Match<StageRun>(m => new StageRun.Skipped(m, m.Stage(skip.Previous.Name) ?? skip.Previous, skip.Reason), e => Failed(null, e));

    /// <summary>Brings the reused attempt's files over; when that fails (its files changed since they were checked),
    /// the stage runs instead, with a note saying why.</summary>
    static StageRun Reused(StageJob job, ReuseStage reuse, IStageHost host) =>
        StageRunner.Reuse(job.Run, job.Spec, reuse).Match<StageRun>(
            m => new StageRun.Finished(m, m.Stage(job.Spec.Stage)!, reuse.Reason),
            e =>
            {
                host.Write(new StageVerbose($"Stage '{job.Spec.Stage}' could not be reused from {reuse.From.Source} ({e.Message}); running it."));
                var prepared = Prepare(job);
                if (prepared.IsFail) return Failed(null, (LanguageExt.Common.Error)prepared);
                var retry = job with { Spec = job.Spec with { NoReuse = true }, Body = (StageBody)prepared, Confirmed = true };
                return Run(retry, host);
            });

    static StageRun Execute(StageJob job, StageAttempt attempt, IStageHost host)
    {
        // Decided under the lock to run although the preview said otherwise (another writer changed the run meanwhile):
        // the body is prepared now; if that fails, the started attempt ends as failed.
        if (job.Body is PreparedBody)
        {
            var prepared = Prepare(job);
            job = job with
            {
                Body = prepared.Match<StageBody>(b => b, e => new CallerBody(_ => StageBodyResult.Of(
                    new StageErrored(e as RunError ?? new UnexpectedFailure($"Stage '{attempt.Stage}'", e.GetType().Name, e.Message), e.GetType().Name)))),
            };
        }
        // Said on the caller's thread before the body starts: a caller that stops here (Ctrl+C, or a preference that
        // makes the message stop it) stops the stage before any of its work is done.
        var (result, stopped, writeFailure) = Announce(job, attempt, host) switch
        {
            (true, var failure) => (StageBodyResult.Of(new StageWasCancelled()), failure is null, failure),
            _ => job.Body switch
            {
                CallerBody body => CallerThread(attempt, body, host),
                WorkerBody body => OnWorker(job, attempt, body, host),
                _ => throw new InvalidOperationException("unknown stage body"),
            },
        };
        var outcome = stopped && result.Outcome is not StageWasCancelled ? new StageWasCancelled() : result.Outcome;
        // The body decides its outputs; files it wrote before failing are registered too (partial results are kept).
        var files = !result.Files.IsEmpty ? result.Files
            : job.Body is WorkerBody { WrittenSoFar: { } soFar } && outcome is not StageSucceeded ? soFar(attempt)
            : attempt.Outputs;
        var recorded = StageRunner.Finish(attempt with { Outputs = files }, outcome, result.OnSuccess, result.ConfigKeys);
        // Recorded as it ended; a failure to write to the caller (other than a stop) now goes on to the caller.
        if (writeFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(writeFailure);
        if (recorded.IsFail) return Failed(null, (LanguageExt.Common.Error)recorded);
        var (manifest, error) = ((RunManifest, RunError?))recorded;
        if (outcome is StageWasCancelled) return new StageRun.Cancelled(manifest);
        if (error is not null) return new StageRun.Failed(manifest, error);
        return new StageRun.Finished(manifest, manifest.Stage(job.Spec.Stage)!, attempt.Reason);
    }

    /// <summary>"Stage 'x' attempt n: reason." to the caller. Returns whether the caller stopped (or failed to show it,
    /// with that failure).</summary>
    static (bool Stopped, Exception? Failure) Announce(StageJob job, StageAttempt attempt, IStageHost host)
    {
        try
        {
            host.Write(new StageVerbose($"Stage '{job.Spec.Stage}' attempt {attempt.Attempt}: {attempt.Reason}."));
            return (false, null);
        }
        catch (Exception e) when (host.IsStop(e))
        {
            return (true, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (true, e);
        }
    }

    /// <summary>Runs the body on this thread; a stop (thrown while it writes to the caller) cancels the stage.</summary>
    static (StageBodyResult, bool, Exception?) CallerThread(StageAttempt attempt, CallerBody body, IStageHost host)
    {
        var stopped = false;
        var result = Guard(attempt, () =>
        {
            try
            {
                return body.Run(attempt);
            }
            catch (Exception e) when (host.IsStop(e))
            {
                stopped = true;
                return StageBodyResult.Of(new StageWasCancelled());
            }
        });
        return (result, stopped, null);
    }

    /// <summary>Whatever the body throws, the stage ends as failed (never left running in the manifest).</summary>
    static StageBodyResult Guard(StageAttempt attempt, Func<StageBodyResult> body)
    {
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            return StageBodyResult.Of(new StageWasCancelled());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return StageBodyResult.Of(new StageErrored(new UnexpectedFailure($"Stage '{attempt.Stage}'", e.GetType().Name, e.Message), e.GetType().Name));
        }
    }

    /// <summary>Runs the body on a worker thread while this thread shows its progress and notes; a stop cancels it.</summary>
    static (StageBodyResult, bool, Exception?) OnWorker(StageJob job, StageAttempt attempt, WorkerBody body, IStageHost host)
    {
        var activity = $"{job.Spec.Stage}: {Path.GetFileName(attempt.RunDirectory)}";
        var relayed = WorkerRelay.Run(post => Guard(attempt, () => body.Run(attempt, new Report(attempt, activity, post), host.Stopping.Token)),
            message => host.Write((StageMessage)message), host.IsStop, host.Stopping);
        if (!relayed.Stopped && relayed.WriteFailure is null)
        {
            try
            {
                host.Write(new StageProgress(activity, "done", 100));
            }
            catch (Exception e) when (host.IsStop(e))
            {
                return (relayed.Result, true, null);
            }
        }
        return relayed;
    }

    /// <summary>What a worker body reports: posted to the caller's thread, notes also to the log and the run's events.</summary>
    sealed class Report(StageAttempt attempt, string activity, Action<object> post) : IStageReport
    {
        public void Progress(int percent, string status) => post(new StageProgress(activity, status, percent));

        public void Note(string text)
        {
            post(new StageVerbose(text));
            RunStore.Update(attempt.RunDirectory, _ => FinSucc(Seq1<RunEvent>(new ProgressReported(Clock.Now, attempt.Stage, text))));
            StageRunner.AppendLog(attempt.LogPath, text);
        }

        public void Verbose(string text) => post(new StageVerbose(text));
    }

    static StageRun.Failed Failed(RunManifest? manifest, LanguageExt.Common.Error e) =>
        new(manifest, e as RunError ?? new UnexpectedFailure("Stage", e.GetType().Name, e.Message));
}
