using System.Globalization;
using RunTools.Domain;
using RunTools.Shell.Files;
using RunTools.Shell.Store;

namespace RunTools.Shell.Tests;

/// <summary>The run's writer lock: contention waits in a fair queue, anything else fails at once.</summary>
public sealed class RunLockTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    string Queue => Path.Combine(dir.Path, RunLayout.LockQueue);

    [Fact]
    public void A_held_lock_makes_another_writer_wait_and_then_give_up_with_RunLocked()
    {
        using var held = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.FromSeconds(1)));

        var error = Assert.IsType<RunLocked>(Expect.Fail(RunLock.Acquire(dir.Path, TimeSpan.FromMilliseconds(300))));

        Assert.Equal(dir.Path, error.Path);
        Assert.True(error.Waited >= TimeSpan.FromMilliseconds(300), $"gave up after {error.Waited}");
        Assert.Empty(Directory.EnumerateFiles(Queue)); // the waiter took its ticket back
    }

    [Fact]
    public void A_released_lock_can_be_taken_by_the_next_writer()
    {
        Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.FromSeconds(1))).Dispose();
        using var next = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_lock_file_that_cannot_be_opened_fails_at_once_rather_than_waiting_for_the_timeout()
    {
        Directory.CreateDirectory(Path.Combine(dir.Path, RunLayout.Lock)); // a directory where the lock file belongs

        // With a timeout of an hour, only an immediate failure ends this within the (generous) bound.
        var attempt = Task.Run(() => RunLock.Acquire(dir.Path, TimeSpan.FromHours(1)));
        var done = await Task.WhenAny(attempt, Task.Delay(TimeSpan.FromMinutes(5)));
        Assert.True(done == attempt, "the lock kept waiting on a failure that is not contention");

        var error = Assert.IsType<StorageFailed>(Expect.Fail(await attempt));
        Assert.Equal(Path.Combine(dir.Path, RunLayout.Lock), error.Path);
    }

    [Fact]
    public void A_lock_file_that_is_a_symbolic_link_is_refused()
    {
        var elsewhere = dir.Write("elsewhere", "");
        File.CreateSymbolicLink(Path.Combine(dir.Path, RunLayout.Lock), elsewhere);
        Assert.IsType<RunCorrupted>(Expect.Fail(RunLock.Acquire(dir.Path, TimeSpan.FromSeconds(5))));
        Assert.Equal("", File.ReadAllText(elsewhere));
    }

    [Fact]
    public async Task Waiting_writers_get_the_lock_in_the_order_they_came()
    {
        var holder = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.Zero));
        var order = new List<int>();
        var waiters = new List<Task>();
        for (var i = 0; i < 6; i++)
        {
            var index = i;
            waiters.Add(Task.Factory.StartNew(() =>
            {
                using var mine = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.FromMinutes(5)));
                lock (order) order.Add(index);
                Thread.Sleep(20); // hold it a moment: later waiters must still keep their turn
            }, TaskCreationOptions.LongRunning));
            // The next waiter comes only once this one has its ticket.
            SpinWait.SpinUntil(() => Directory.Exists(Queue) && Directory.EnumerateFiles(Queue, "*.ticket").Count() == index + 1, TimeSpan.FromMinutes(1));
        }
        holder.Dispose();
        await Task.WhenAll(waiters);

        Assert.Equal([0, 1, 2, 3, 4, 5], order);
        Assert.Empty(Directory.EnumerateFiles(Queue));
    }

    [Fact]
    public void A_live_earlier_ticket_keeps_its_turn_even_when_the_lock_is_free()
    {
        using var earlier = OwnFiles.TryLockExclusive(Ticket(DateTime.UtcNow.AddMinutes(-1)))!;

        Assert.IsType<RunLocked>(Expect.Fail(RunLock.Acquire(dir.Path, TimeSpan.FromMilliseconds(200))));

        earlier.Dispose();
        using var now = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_ticket_of_a_writer_that_died_waiting_is_skipped_and_removed()
    {
        var dead = Ticket(DateTime.UtcNow.AddMinutes(-1)); // nobody holds it
        File.WriteAllText(dead, "");
        // The lock is taken, so the newcomer queues behind the dead ticket, finds it dead, and goes first.
        var holder = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.Zero));
        var waiter = Task.Run(() => RunLock.Acquire(dir.Path, TimeSpan.FromMinutes(5)));
        SpinWait.SpinUntil(() => !File.Exists(dead), TimeSpan.FromMinutes(1));
        holder.Dispose();
        Expect.Succ(await waiter).Dispose();
        Assert.False(File.Exists(dead));
    }

    [Theory]
    [InlineData("5", 5.0)]
    [InlineData("0", 0.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("soon", 120.0)]
    [InlineData("-3", 120.0)]
    [InlineData(null, 120.0)]
    public void The_wait_is_120_seconds_unless_RUNTOOLS_LOCK_TIMEOUT_says_otherwise(string? value, double seconds)
    {
        var before = Environment.GetEnvironmentVariable(RunLock.TimeoutVariable);
        try
        {
            Environment.SetEnvironmentVariable(RunLock.TimeoutVariable, value);
            Assert.Equal(TimeSpan.FromSeconds(seconds), RunLock.DefaultTimeout);
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunLock.TimeoutVariable, before);
        }
    }

    string Ticket(DateTime at)
    {
        Directory.CreateDirectory(Queue);
        return Path.Combine(Queue, string.Create(CultureInfo.InvariantCulture, $"{at.Ticks:D19}-{Guid.NewGuid():N}.ticket"));
    }
}
