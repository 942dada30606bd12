using RunTools.Manifests;
using RunTools.Shell.Store;
using RunTools.Verification;
using RunTools.Views;

namespace RunTools.Shell.Tests;

/// <summary>A run with a million metric events reads, lists, verifies and takes more writes; run.json stays small
/// because the history lives in the log and run.json keeps one summary per metric.</summary>
public sealed class EventLogScaleTests : IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_million_metric_events_in_one_run()
    {
        var request = new NewRunRequest(temp.Path, "big", [], [], [], [], [], temp.Path, "7.6.9");
        var run = Expect.Succ(RunFactory.Plan(request).Bind(RunFactory.Execute)).Path!;
        for (var start = 0; start < 1_000_000; start += 20_000)
        {
            var batch = toSeq(Enumerable.Range(start, 20_000).Select(i => new MetricPoint(i % 4 == 0 ? "val/loss" : "loss", i, i, "train")).ToArray());
            Expect.Succ(RunOperations.WriteMetrics(run, batch));
        }

        Assert.True(new FileInfo(Path.Combine(run, "run.json")).Length < 64 * 1024);
        var manifest = Expect.Succ(RunStore.Read(run));
        Assert.Equal(1_000_002, manifest.EventCount); // created, started by its first write, a million metric values
        Assert.Equal((750_000L, 999_999.0), (manifest.Metric("loss")!.Count, manifest.Metric("loss")!.Max));
        Assert.Equal(run, Assert.Single(RunStore.List(temp.Path)));

        // A stale run.json (a writer died between its two writes) makes the next reader and writer replay the log.
        File.Delete(Path.Combine(run, "run.json"));
        Assert.Equal(manifest with { ChainHead = null }, Expect.Succ(RunStore.Read(run)) with { ChainHead = null });
        var written = Expect.Succ(RunOperations.WriteMetrics(run, Seq1(new MetricPoint("loss", -1, null, null))));
        Assert.Equal(1_000_003, written.Manifest.EventCount);
        Assert.All(Expect.Succ(RunInspection.Verify(run, lineage: false)), c => Assert.True(c.Passed, $"{c.Kind} {c.Item} {c.Status} {c.Detail}"));
    }
}

/// <summary>A writer killed in the middle of an append of several events leaves a part of them: readers and writers
/// take an append all or none.</summary>
public sealed class PartialAppendTests : IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void An_append_cut_short_by_a_kill_is_left_out_by_readers_and_cut_by_the_next_writer()
    {
        var run = Expect.Succ(RunFactory.Plan(new NewRunRequest(temp.Path, "batch", [], [], [], [], [], temp.Path, "7.6.9")).Bind(RunFactory.Execute)).Path!;
        Expect.Succ(RunOperations.WriteMetrics(run, Seq1(new MetricPoint("loss", 1, 1, null))));
        var runJson = File.ReadAllBytes(Path.Combine(run, "run.json"));
        var events = Path.Combine(run, "events.jsonl");
        var before = new FileInfo(events).Length;
        Expect.Succ(RunOperations.WriteMetrics(run, toSeq(Enumerable.Range(2, 3).Select(i => new MetricPoint("loss", i, i, null)).ToArray())));
        // The kill: two of the three lines made it to disk, run.json was never rewritten.
        var lines = File.ReadAllLines(events);
        File.WriteAllText(events, string.Join('\n', lines[..^1]) + "\n");
        File.WriteAllBytes(Path.Combine(run, "run.json"), runJson);

        var read = Expect.Succ(RunStore.Read(run));
        Assert.Equal((1L, 1.0), (read.Metric("loss")!.Count, read.Metric("loss")!.Last));
        var checks = Expect.Succ(RunInspection.Verify(run, lineage: false));
        Assert.Contains(checks, c => c.Kind == "events" && c.StatusKind == CheckStatus.Stale);
        Assert.DoesNotContain(checks, c => !c.Passed && c.StatusKind != CheckStatus.Stale);

        var written = Expect.Succ(RunOperations.WriteMetrics(run, Seq1(new MetricPoint("loss", 9, 9, null)))).Manifest;
        Assert.Equal((2L, 9.0), (written.Metric("loss")!.Count, written.Metric("loss")!.Last));
        Assert.Equal(before, File.ReadAllLines(events)[..^1].Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1));
        Assert.All(Expect.Succ(RunInspection.Verify(run, lineage: false)), c => Assert.True(c.Passed, $"{c.Kind} {c.Item} {c.Status} {c.Detail}"));
    }
}
