using System.Diagnostics;
using System.Globalization;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Store;
using RunTools.Verification;
using Xunit.Abstractions;

namespace RunTools.Shell.Tests.Faults;

/// <summary>
/// Many writers on one run at once, in processes of the fault harness (and threads in them: the run lock is a flock
/// per open file, so threads of one process contend like processes do), all released together. The lock's wait is
/// the default 120 s: every writer must get its turn, none may give up with RunLocked, and nothing may be lost.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    /// <summary>Only against a hung writer: a busy machine may take long, and no test fails for that.</summary>
    static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(15);

    [Fact]
    public void Sixty_four_writers_in_sixteen_processes_on_one_run_lose_no_value_and_none_gives_up_waiting() =>
        WritersOnOneRun(processes: 16, threads: 4, writes: 10);

    [Fact]
    public void Sixteen_writers_writing_fifty_values_each_to_one_run_get_no_RunLocked_and_lose_nothing() =>
        WritersOnOneRun(processes: 16, threads: 1, writes: 50);

    [Fact]
    public void Processes_creating_runs_with_the_same_key_in_one_root_at_once_each_get_a_directory_of_their_own()
    {
        const int processes = 16, runsEach = 3;
        using var sandbox = new Sandbox();
        var acks = StartTogether(sandbox, processes, p => ["new-run", sandbox.Root, "--key", "same", "--series", $"{p}", "--count", $"{runsEach}", "--gate"]);

        var runs = RunStore.List(sandbox.Root);
        Assert.Equal(processes * runsEach, acks.Runs.Count);
        Assert.Equal(acks.Runs.Order(StringComparer.Ordinal), runs.Order(StringComparer.Ordinal));
        var manifests = runs.Map(r => Expect.Succ(RunStore.Read(r))).ToList();
        Assert.All(manifests, m => Assert.Equal(("same", Path.GetFileName(m.Path!), 1L), (m.Key, m.Name, m.EventCount)));
        Assert.Equal(manifests.Count, manifests.Select(m => m.RunId).Distinct().Count());
        Assert.All(runs, r => Assert.Empty(CrashInvariants.NotMended(r)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(sandbox.Root, RunLayout.RootWorkArea, RunLayout.Staging)));
        output.WriteLine($"{processes} processes × {runsEach} New-Run with one key: {runs.Count} distinct, complete runs");
    }

    /// <summary>Writer t of process p writes 1..<paramref name="writes"/> to the metric w&lt;p&gt;-&lt;t&gt;, one locked
    /// update each. Afterwards: every process ended well (no RunLocked), every value is in the log exactly once and
    /// in its writer's order, the event count is exact, the chain holds and Test-Run passes everything.</summary>
    void WritersOnOneRun(int processes, int threads, int writes)
    {
        using var sandbox = new Sandbox();
        var run = Expect.Succ(RunFactory.Plan(new NewRunRequest(sandbox.Root, "contended", [], [], [], [], [], sandbox.WorkingDirectory, "tests"))
            .Bind(RunFactory.Execute)).Path!;
        var startedMs = Environment.TickCount64; // reported, never asserted

        var acks = StartTogether(sandbox, processes, p =>
            ["metric", run, "--series", $"{p}", "--count", $"{writes}", "--threads", $"{threads}", "--gate"]);

        var writers = processes * threads;
        var events = new List<RunEvent>();
        Expect.Succ(EventLog.Continue(run, Sidecars.ReadValid(run), null, LogState.Empty, events.Add));
        var written = events.OfType<MetricWritten>().ToList();
        Assert.Empty(CrashInvariants.MetricsLostOrRepeated(written, acks));
        Assert.Equal(writers, acks.Metrics.Count);
        Assert.All(acks.Metrics.Values, values => Assert.Equal(Enumerable.Range(1, writes).Select(v => (double)v), values));
        foreach (var byWriter in written.GroupBy(w => w.Name))
            Assert.Equal(Enumerable.Range(1, writes).Select(v => (double)v), byWriter.Select(w => w.Value));
        var manifest = Expect.Succ(RunStore.Read(run));
        Assert.Equal(2L + writers * writes, manifest.EventCount); // created, started by the first write, the values
        Assert.Equal(manifest.EventCount, events.Count);
        Assert.Empty(Expect.Succ(RunInspection.Inspect(run, lineage: false)).Log.Problems);
        Assert.Empty(CrashInvariants.NotMended(run));
        var queue = Path.Combine(run, RunLayout.LockQueue);
        Assert.True(!Directory.Exists(queue) || !Directory.EnumerateFiles(queue).Any(), "every waiter took its ticket back");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{writers} writers ({processes} processes × {threads} threads) × {writes} writes on one run: {written.Count} values, " +
            $"0 RunLocked, 0 lost, 0 repeated, {manifest.EventCount} events ({(Environment.TickCount64 - startedMs) / 1000.0:F1} s)"));
    }

    /// <summary>Starts the processes, waits until each is ready, opens all gates at once, and waits until each ends:
    /// each must end by itself with exit code 0 and no failed operation. Returns what they acknowledged.</summary>
    static Acknowledged StartTogether(Sandbox sandbox, int processes, Func<int, string[]> args)
    {
        var started = new List<HarnessProcess>();
        try
        {
            for (var p = 1; p <= processes; p++) started.Add(HarnessProcess.Start(sandbox, args(p)));
            foreach (var h in started)
                if (!h.WaitForLine(l => l == "ready", HangGuard)) Assert.Fail($"a writer did not get ready\n{h.Transcript()}");
            foreach (var h in started) h.Go();
            var acks = new Acknowledged();
            foreach (var h in started)
            {
                var exit = h.WaitForExit(HangGuard);
                var failures = h.Lines.Where(l => l.StartsWith("fail ", StringComparison.Ordinal)).ToList();
                if (exit != 0 || failures.Count > 0) Assert.Fail($"a writer did not end well (RunLocked is one way)\n{h.Transcript()}");
                acks.AddAll(h.Acks);
            }
            return acks;
        }
        finally
        {
            started.ForEach(h => h.Dispose());
        }
    }
}
