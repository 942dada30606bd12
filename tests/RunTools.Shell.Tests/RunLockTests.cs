using RunTools.Domain;
using RunTools.Shell.Store;

namespace RunTools.Shell.Tests;

/// <summary>The run's writer lock: contention waits, anything else fails at once.</summary>
public sealed class RunLockTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_held_lock_makes_another_writer_wait_and_then_give_up_with_RunLocked()
    {
        using var held = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.FromSeconds(1)));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var error = Assert.IsType<RunLocked>(Expect.Fail(RunLock.Acquire(dir.Path, TimeSpan.FromMilliseconds(300))));

        Assert.Equal(dir.Path, error.Path);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300), $"gave up after {watch.Elapsed}");
    }

    [Fact]
    public void A_released_lock_can_be_taken_by_the_next_writer()
    {
        Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.FromSeconds(1))).Dispose();
        using var next = Expect.Succ(RunLock.Acquire(dir.Path, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void A_lock_file_that_cannot_be_opened_fails_at_once_rather_than_waiting_for_the_timeout()
    {
        Directory.CreateDirectory(Path.Combine(dir.Path, RunLayout.Lock)); // a directory where the lock file belongs
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var error = Assert.IsType<StorageFailed>(Expect.Fail(RunLock.Acquire(dir.Path, TimeSpan.FromSeconds(30))));

        Assert.Equal(Path.Combine(dir.Path, RunLayout.Lock), error.Path);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"waited {watch.Elapsed}");
    }
}
