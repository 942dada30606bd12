using RunTools.Domain;

namespace RunTools.Shell.Store;

/// <summary>
/// The per-run writer lock: an exclusive open of <c>.lock</c> (FileShare.None, which .NET maps to flock on Unix and
/// to a share mode on Windows), so writers in other processes and other runspaces queue up. Readers never lock:
/// they read files that are only ever replaced by rename.
/// </summary>
public sealed class RunLock : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    readonly FileStream stream;

    RunLock(FileStream stream) => this.stream = stream;

    public static Fin<RunLock> Acquire(string runDirectory, TimeSpan timeout)
    {
        var path = Path.Combine(runDirectory, RunLayout.Lock);
        var started = DateTime.UtcNow;
        var delay = 5;
        while (true)
        {
            try
            {
                return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                var waited = DateTime.UtcNow - started;
                if (waited >= timeout) return FinFail<RunLock>(new RunLocked(runDirectory, waited));
                Thread.Sleep(Random.Shared.Next(delay, delay * 2));
                delay = Math.Min(delay * 2, 200);
            }
            catch (DirectoryNotFoundException)
            {
                return FinFail<RunLock>(new RunNotFound(runDirectory));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Anything but contention (no space for the lock file, a read-only or vanished disk, no permission)
                // will not go away by waiting.
                return FinFail<RunLock>(new StorageFailed(path, "lock", e.Message));
            }
        }
    }

    /// <summary>Whether an exclusive open failed because another handle holds the file: on Unix .NET reports the
    /// errno of the failed flock (EWOULDBLOCK: 11 on Linux, 35 on macOS and the BSDs); on Windows the HRESULT of a
    /// sharing or lock violation.</summary>
    internal static bool IsHeldByAnother(IOException e) =>
        e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    public void Dispose() => stream.Dispose();
}
