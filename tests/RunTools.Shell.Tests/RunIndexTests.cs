using System.Text;
using FsCheck.Xunit;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Indexing;
using RunTools.Manifests;
using RunTools.Retention;
using RunTools.Shell.Store;

namespace RunTools.Shell.Tests;

/// <summary>
/// The run index is a cache that never changes the answer: after any sequence of creates, metric writes, status
/// changes, removals (by Remove-Run and by hand), writers that died mid-update (a cut-off journal line, a stale
/// temporary file, a run.json rewritten without a note), lost notes (an older copy of the index put back) and
/// hand-deleted or damaged index files, the index's answer
/// equals reading every run.json.
/// </summary>
public sealed class RunIndexTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    static string IndexFile(string root, string file) => Path.Combine(root, RunLayout.RunIndexFile(file));

    static string NewRun(string root, string workDir, string key, double lr, long trees)
    {
        var overrides = Seq(Expect.Succ(ConfigOverrides.Of("model.lr", new ConfigFloat(lr))), Expect.Succ(ConfigOverrides.Of("model.trees", new ConfigInt(trees))));
        var request = new NewRunRequest(root, key, [], overrides, [], [], [], workDir, "7.6.9");
        return Expect.Succ(RunFactory.Plan(request).Bind(RunFactory.Execute)).Path!;
    }

    static readonly RunStamp AnyStamp = new(0, 0, null);

    /// <summary>What reading every run.json answers: each run's entry (stamps aside), and the runs that cannot be read.</summary>
    static (RunIndexEntry[] Runs, string[] Failures) FullScan(string root)
    {
        var runs = new List<RunIndexEntry>();
        var failures = new List<string>();
        foreach (var path in RunStore.List(root))
        {
            var read = RunStore.Read(path);
            if (read.Case is RunManifest m) runs.Add(RunIndex.Entry(Path.GetFileName(path), AnyStamp, m));
            else failures.Add(path);
        }
        return ([.. runs.OrderBy(r => r.Directory, StringComparer.Ordinal)], [.. failures.Order(StringComparer.Ordinal)]);
    }

    static (RunIndexEntry[] Runs, string[] Failures) Indexed(IndexedRoot answer) =>
        ([.. answer.Runs.Map(r => r.Entry with { Stamp = AnyStamp }).OrderBy(r => r.Directory, StringComparer.Ordinal)],
         [.. answer.Failures.Map(f => f.Path).Order(StringComparer.Ordinal)]);

    static void AssertSameAnswer(string root)
    {
        var expected = FullScan(root);
        var first = RunIndexStore.Query(root);
        Assert.Equal(expected.Runs, Indexed(first).Runs);
        Assert.Equal(expected.Failures, Indexed(first).Failures);
        // Asked again with nothing changed, the index answers alone (only runs it cannot index are read again).
        var second = RunIndexStore.Query(root);
        Assert.Equal(expected.Runs, Indexed(second).Runs);
        Assert.Empty(second.Read);
    }

    [Property(MaxTest = 100, EndSize = 40)]
    public void The_index_answers_what_reading_every_run_json_answers(byte[] operations)
    {
        using var scratch = new TempDirectory();
        var root = Path.Combine(scratch.Path, "runs");
        var runs = new List<string>();
        var step = 0;
        (string File, byte[]? Bytes)[]? saved = null;
        string? Pick(int b) => runs.Count == 0 ? null : runs[b % runs.Count];
        foreach (var b in operations.Take(40))
        {
            step++;
            switch (b % 14)
            {
                case 0 or 1:
                    runs.Add(NewRun(root, scratch.Path, b % 3 == 0 ? "sweep" : "base", (b % 7) / 100.0, b % 5 * 100));
                    break;
                case 2 when Pick(b) is { } run:
                    Expect.Succ(RunOperations.WriteMetrics(run, Seq1(new MetricPoint("cv/auc", b / 255.0, step, null))));
                    break;
                case 3 when Pick(b) is { } run:
                    var status = RunStore.Read(run).Map(m => m.Status).IfFail(RunStatus.Failed);
                    if (status == RunStatus.Pending) Expect.Succ(RunOperations.SetStatus(run, RunStatus.Running, null));
                    else if (status == RunStatus.Running) Expect.Succ(RunOperations.SetStatus(run, b % 2 == 0 ? RunStatus.Completed : RunStatus.Failed, "done"));
                    break;
                case 4 when Pick(b) is { } run:
                    Expect.Succ(RunOperations.Remove(run, force: true, (_, _) => Seq<RunReference>()));
                    runs.Remove(run);
                    break;
                case 5 when Pick(b) is { } run:
                    // Removed by hand: the index still has its entry.
                    Directory.Delete(run, recursive: true);
                    runs.Remove(run);
                    break;
                case 6:
                    // A writer killed mid-line: a cut-off journal line.
                    if (File.Exists(IndexFile(root, RunLayout.RunIndexJournal)))
                        File.AppendAllText(IndexFile(root, RunLayout.RunIndexJournal), "0123456789abcdef {\"v\":1,\"dir\":\"2026");
                    break;
                case 7:
                    // A writer killed before renaming its snapshot into place: a stale temporary file.
                    if (Directory.Exists(Path.GetDirectoryName(IndexFile(root, RunLayout.RunIndexSnapshot))))
                        File.WriteAllText(IndexFile(root, RunLayout.TempName(RunLayout.RunIndexSnapshot, new WriterId("box", 1), Guid.NewGuid())), "half a snapshot");
                    break;
                case 8 when Pick(b) is { } run:
                    // run.json rewritten by a tool that does not know the index (same content, new time).
                    var manifest = Path.Combine(run, RunLayout.Manifest);
                    var text = File.ReadAllText(manifest);
                    File.WriteAllText(manifest, text);
                    File.SetLastWriteTimeUtc(manifest, File.GetLastWriteTimeUtc(manifest).AddSeconds(1));
                    break;
                case 9:
                    // The index's files deleted by hand.
                    foreach (var file in new[] { RunLayout.RunIndexSnapshot, RunLayout.RunIndexJournal })
                        if ((b % 2 == 0 || file == RunLayout.RunIndexJournal) && File.Exists(IndexFile(root, file))) File.Delete(IndexFile(root, file));
                    break;
                case 10:
                    // A byte of an index file damaged.
                    foreach (var file in new[] { RunLayout.RunIndexSnapshot, RunLayout.RunIndexJournal })
                    {
                        var path = IndexFile(root, file);
                        if (!File.Exists(path) || new FileInfo(path).Length == 0) continue;
                        var bytes = File.ReadAllBytes(path);
                        var at = b * 7919 % bytes.Length;
                        bytes[at] = bytes[at] == (byte)'7' ? (byte)'8' : (byte)'7';
                        File.WriteAllBytes(path, bytes);
                    }
                    break;
                case 11:
                    AssertSameAnswer(root);
                    break;
                case 12:
                    // A copy of the index as it is now...
                    saved = Directory.Exists(Path.GetDirectoryName(IndexFile(root, RunLayout.RunIndexJournal)))
                        ? new[] { RunLayout.RunIndexSnapshot, RunLayout.RunIndexJournal }
                            .Select(f => (f, File.Exists(IndexFile(root, f)) ? File.ReadAllBytes(IndexFile(root, f)) : null)).ToArray()
                        : null;
                    break;
                case 13 when saved is not null:
                    // ...put back later: every note written since is lost (a writer whose note failed, a restored backup).
                    foreach (var (file, bytes) in saved)
                        if (bytes is null) File.Delete(IndexFile(root, file));
                        else File.WriteAllBytes(IndexFile(root, file), bytes);
                    break;
            }
        }
        AssertSameAnswer(root);
    }

    [Fact]
    public void An_entry_whose_run_changed_since_is_read_again()
    {
        var root = dir.File("runs");
        var run = NewRun(root, dir.Path, "a", 0.1, 100);
        var journal = File.ReadAllBytes(IndexFile(root, RunLayout.RunIndexJournal));
        Expect.Succ(RunOperations.WriteMetrics(run, Seq1(new MetricPoint("cv/auc", 0.9, null, null))));
        File.WriteAllBytes(IndexFile(root, RunLayout.RunIndexJournal), journal); // the note of the write is lost

        var answer = RunIndexStore.Query(root);

        Assert.Equal([Path.GetFileName(run)], answer.Read.Keys);
        Assert.Equal(Seq1(("cv/auc", 0.9)), Assert.Single(answer.Runs).Entry.Metrics);
        AssertSameAnswer(root);
    }

    [Fact]
    public void A_run_with_a_damaged_run_json_is_read_from_its_log_as_a_full_read_does()
    {
        var root = dir.File("runs");
        var run = NewRun(root, dir.Path, "a", 0.1, 100);
        AssertSameAnswer(root);
        File.WriteAllText(Path.Combine(run, RunLayout.Manifest), "{ not json");
        AssertSameAnswer(root);
        Assert.Single(RunIndexStore.Query(root).Runs);
    }

    [Fact]
    public void A_run_that_cannot_be_read_is_a_failure_every_time_never_an_entry()
    {
        var root = dir.File("runs");
        var run = NewRun(root, dir.Path, "a", 0.1, 100);
        File.WriteAllText(Path.Combine(run, RunLayout.Manifest), "{ not json");
        File.WriteAllText(Path.Combine(run, RunLayout.Events), "{ nor this\n");
        for (var i = 0; i < 2; i++)
        {
            var answer = RunIndexStore.Query(root);
            Assert.Empty(answer.Runs);
            Assert.Equal(new[] { run }, answer.Failures.Map(f => f.Path).ToArray());
        }
    }

    [Fact]
    public void Every_writer_notes_its_run_so_a_read_after_writes_reads_no_run_json()
    {
        var root = dir.File("runs");
        var a = NewRun(root, dir.Path, "a", 0.1, 100);
        var b = NewRun(root, dir.Path, "b", 0.2, 200);
        Assert.Empty(RunIndexStore.Query(root).Read); // Noted by their creation.
        Expect.Succ(RunOperations.WriteMetrics(a, Seq1(new MetricPoint("cv/auc", 0.9, null, null))));
        Expect.Succ(RunOperations.SetStatus(b, RunStatus.Running, null));
        Expect.Succ(RunOperations.Remove(b, force: true, (_, _) => Seq<RunReference>()));
        var answer = RunIndexStore.Query(root);
        Assert.Empty(answer.Read);
        var entry = Assert.Single(answer.Runs).Entry;
        Assert.Equal(Seq1(("cv/auc", 0.9)), entry.Metrics);
        Assert.Equal(Seq<(string, ConfigValue)>(("model.lr", new ConfigFloat(0.1)), ("model.trees", new ConfigInt(100))), entry.Params);
    }

    [Fact]
    public void A_cut_off_journal_line_is_ended_before_the_next_line_is_appended()
    {
        var root = dir.File("runs");
        var a = NewRun(root, dir.Path, "a", 0.1, 100);
        File.AppendAllText(IndexFile(root, RunLayout.RunIndexJournal), "0123456789abcdef {\"v\":1,");
        Expect.Succ(RunOperations.WriteMetrics(a, Seq1(new MetricPoint("m", 1, null, null))));
        var lines = File.ReadAllLines(IndexFile(root, RunLayout.RunIndexJournal), Encoding.UTF8);
        Assert.Equal(3, lines.Length);
        Assert.Null(RunIndexJson.Decode(lines[1]));
        Assert.IsType<RunIndexLine.Set>(RunIndexJson.Decode(lines[2]));
        Assert.Empty(RunIndexStore.Query(root).Read);
    }
}
