using RunTools.Shell.Hosting;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using RunTools.Domain;
using RunTools.Shell.Files;

namespace RunTools.Shell.Store;

/// <summary>
/// The per-run writer lock: an exclusive lock on <c>.lock</c> (flock on Unix, a share mode on Windows), opened without
/// following symbolic links. Writers that find it taken wait in a fair queue: each takes a ticket in
/// <c>.lock.queue/</c> (a file named by its arrival time, which it keeps locked while it waits) and tries the lock only
/// when no live ticket is older than its own, so the lock goes to writers in the order they came. A ticket whose
/// writer died is unlocked and is removed by the next waiter. Readers never lock: they read files that are only ever
/// replaced by rename or appended to.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>How long a writer waits for the lock before RunLocked: 120 s, or <c>$env:RUNTOOLS_LOCK_TIMEOUT</c>
    /// seconds (0 = try once).</summary>
    public static TimeSpan DefaultTimeout =>
        double.TryParse(Environment.GetEnvironmentVariable(TimeoutVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2))
            : TimeSpan.FromSeconds(120);

    public const string TimeoutVariable = "RUNTOOLS_LOCK_TIMEOUT";

    /// <summary>A ticket that is not locked is a dead writer's only once it is older than this (a live writer locks its
    /// ticket right after creating it).</summary>
    static readonly TimeSpan TicketGrace = TimeSpan.FromSeconds(2);

    readonly SafeFileHandle handle;

    RunLock(SafeFileHandle handle) => this.handle = handle;

    public static Fin<RunLock> Acquire(string runDirectory, TimeSpan timeout)
    {
        var path = Path.Combine(runDirectory, RunLayout.Lock);
        var queue = Path.Combine(runDirectory, RunLayout.LockQueue);
        var started = Clock.UtcDateTime;
        if (!Directory.Exists(runDirectory)) return FinFail<RunLock>(new RunNotFound(runDirectory));
        // Neither the lock nor the queue may lead elsewhere: tickets would be made (and dead ones deleted) there.
        var links = OwnFiles.Check(runDirectory, RunLayout.Lock, RunLayout.LockQueue);
        if (links.IsFail) return links.Map(_ => default(RunLock)!);
        try
        {
            // Nobody waiting: take the lock if it is free.
            if (!HasTickets(queue) && OwnFiles.TryLockExclusive(path) is { } free) return new RunLock(free);
            using var ticket = Ticket.Take(queue);
            var delay = 2;
            while (true)
            {
                if (!ticket.AnyLiveBefore() && OwnFiles.TryLockExclusive(path) is { } mine) return new RunLock(mine);
                var waited = Clock.UtcDateTime - started;
                if (waited >= timeout) return FinFail<RunLock>(new RunLocked(runDirectory, waited));
                Thread.Sleep(Random.Shared.Next(delay, delay * 2));
                delay = Math.Min(delay * 2, 40);
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException || (e is IOException && !Directory.Exists(runDirectory)))
        {
            return FinFail<RunLock>(new RunNotFound(runDirectory)); // the run went away meanwhile
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Anything but contention (no space for the lock file, a read-only or vanished disk, no permission, a
            // symbolic link in place of the lock) will not go away by waiting.
            return FinFail<RunLock>(new StorageFailed(path, "lock", e.Message));
        }
    }

    static bool HasTickets(string queue)
    {
        try
        {
            return Directory.Exists(queue) && Directory.EnumerateFiles(queue, "*.ticket").Any();
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    public void Dispose() => handle.Dispose();

    /// <summary>A waiter's place in the queue: <c>&lt;arrival ticks, 19 digits&gt;-&lt;random&gt;.ticket</c>, locked by its
    /// writer for as long as it waits, deleted when it gets the lock or gives up.</summary>
    sealed class Ticket : IDisposable
    {
        readonly string queue, path, name;
        readonly SafeFileHandle handle;

        Ticket(string queue, string path, SafeFileHandle handle)
        {
            this.queue = queue;
            this.path = path;
            this.handle = handle;
            name = Path.GetFileName(path);
        }

        public static Ticket Take(string queue)
        {
            Directory.CreateDirectory(queue);
            var path = Path.Combine(queue, string.Create(CultureInfo.InvariantCulture, $"{Clock.UtcDateTime.Ticks:D19}-{Guid.NewGuid():N}.ticket"));
            var handle = OwnFiles.TryLockExclusive(path) ?? throw new IOException($"Could not lock the new ticket '{path}'.");
            return new Ticket(queue, path, handle);
        }

        /// <summary>Whether a writer that came earlier is still waiting. Tickets of writers that died are removed.</summary>
        public bool AnyLiveBefore()
        {
            foreach (var other in Directory.EnumerateFiles(queue, "*.ticket").Select(Path.GetFileName).Where(n => string.CompareOrdinal(n, name) < 0))
            {
                var otherPath = Path.Combine(queue, other!);
                if (IsDead(other!, otherPath)) continue;
                return true;
            }
            return false;
        }

        static bool IsDead(string name, string path)
        {
            if (!long.TryParse(name.AsSpan(0, Math.Min(19, name.Length)), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > Clock.UtcDateTime.Ticks || Clock.UtcDateTime - new DateTime(ticks, DateTimeKind.Utc) < TicketGrace)
                return false; // too young to judge (or a clock ahead of ours): wait for it
            SafeFileHandle? probe;
            try
            {
                probe = OwnFiles.TryLockExclusive(path);
            }
            catch (IOException)
            {
                return true; // gone meanwhile, or not a ticket we can use: not a waiter
            }
            if (probe is null) return false; // its writer holds it: alive
            using (probe)
            {
                TryDelete(path);
            }
            return true;
        }

        public void Dispose()
        {
            TryDelete(path);
            handle.Dispose();
        }

        static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }
}
