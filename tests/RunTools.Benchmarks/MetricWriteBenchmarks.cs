using BenchmarkDotNet.Attributes;
using RunTools.Manifests;
using RunTools.Shell.Store;

namespace RunTools.Benchmarks;

/// <summary>
/// The cost of one Write-RunMetric (one value: lock, read run.json and the log's last line, append, rewrite run.json)
/// on a run with 1,000 events (the baseline) and on runs with 100,000 and 1,000,000 events. Appending costs the size of
/// the event, not of the log, so the ratios stay near 1 (goal: within 2× at 1M). Setup also prints run.json's size
/// for the 1M-event run (goal: under 64 KB).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 30)]
[MemoryDiagnoser]
public class MetricWriteBenchmarks
{
    string root = "", small = "", medium = "", large = "";
    long step;

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "runtools-bench-metrics", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        small = RunWith(1_000);
        medium = RunWith(100_000);
        large = RunWith(1_000_000);
        Console.WriteLine($"// run.json of the 1,000,000-event run: {new FileInfo(Path.Combine(large, "run.json")).Length:N0} bytes; " +
                          $"events.jsonl: {new FileInfo(Path.Combine(large, "events.jsonl")).Length:N0} bytes");
        // Let the kernel finish writing back the 225 MB just written before anything is timed.
        Thread.Sleep(TimeSpan.FromSeconds(10));
    }

    const int Writes = 20;

    string RunWith(int events)
    {
        var request = new NewRunRequest(root, $"m{events}", [], [], [], [], [], Environment.CurrentDirectory, "7.6.9");
        var run = RunFactory.Plan(request).Bind(RunFactory.Execute).Match(m => m.Path!, e => throw new InvalidOperationException(e.Message));
        for (var written = 1; written < events; written += 10_000)
        {
            var batch = toSeq(Enumerable.Range(written, Math.Min(10_000, events - written)).Select(i => new MetricPoint(i % 2 == 0 ? "loss" : "val/loss", 1.0 / i, i, "train")).ToArray());
            RunOperations.WriteMetrics(run, batch).Match(_ => unit, e => throw new InvalidOperationException(e.Message));
        }
        return run;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    /// <summary>Twenty single-value writes per invocation (each its own lock, append and run.json), so an iteration is
    /// long enough to time on a busy machine; the figures are per write.</summary>
    void Write(string run)
    {
        for (var i = 0; i < Writes; i++)
            RunOperations.WriteMetrics(run, Seq1(new MetricPoint("loss", 0.5, ++step, "train"))).Match(_ => unit, e => throw new InvalidOperationException(e.Message));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Writes, Description = "Write-RunMetric, run with 1k events")]
    public void OneThousand() => Write(small);

    [Benchmark(OperationsPerInvoke = Writes, Description = "Write-RunMetric, run with 100k events")]
    public void HundredThousand() => Write(medium);

    [Benchmark(OperationsPerInvoke = Writes, Description = "Write-RunMetric, run with 1M events")]
    public void OneMillion() => Write(large);
}
