using System.Collections.Concurrent;

namespace RunTools.Shell.Stages;

/// <summary>
/// Runs long work (an external command, a training) on a worker thread while the pipeline thread writes what the work
/// reports (progress, verbose lines): cmdlet APIs may only be called from the pipeline thread. When the pipeline is
/// stopped (Ctrl+C), writing throws (PowerShell's PipelineStoppedException, which <c>isStop</c> recognises): the work
/// is then cancelled and awaited, and its result is
/// returned with <c>Stopped = true</c> so the caller can record the outcome in the run before letting the stop through.
/// Any other failure to write (say <c>$VerbosePreference = 'Stop'</c>) also cancels and awaits the work; it comes back
/// as <c>WriteFailure</c>, for the caller to rethrow once the outcome is recorded. The work never outlives the call.
/// </summary>
public static class WorkerRelay
{
    public static (T Result, bool Stopped, Exception? WriteFailure) Run<T>(Func<Action<object>, T> work, Action<object> write, Func<Exception, bool> isStop,
        CancellationTokenSource cancel)
    {
        var messages = new BlockingCollection<object>();
        void Post(object message)
        {
            try
            {
                messages.TryAdd(message);
            }
            catch (InvalidOperationException)
            {
                // Posted after the relay stopped listening (or the work ended): nothing to show any more.
            }
        }

        var worker = Task.Run(() =>
        {
            try
            {
                return work(Post);
            }
            finally
            {
                messages.CompleteAdding();
            }
        });

        var stopped = false;
        Exception? failure = null;
        foreach (var message in messages.GetConsumingEnumerable())
        {
            if (stopped || failure is not null) continue; // drain until the work has seen the cancellation and ended
            try
            {
                write(message);
            }
            catch (Exception e) when (isStop(e))
            {
                stopped = true;
                cancel.Cancel();
            }
            catch (Exception e)
            {
                failure = e;
                cancel.Cancel();
            }
        }
        var result = worker.GetAwaiter().GetResult();
        messages.Dispose();
        return (result, stopped || (failure is null && cancel.IsCancellationRequested), failure);
    }
}
