using System.Text;
using LanguageExt.Common;
using RunTools.Domain;
using RunTools.Indexing;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;

namespace RunTools.Shell.Store;

/// <summary>The runs of a root as the index answers them: every run that could be read, with its observed status; the
/// runs that could not (each with its error, as reading it gives); and the manifests read on the way (the runs whose
/// entry had to be made again, when they are few), so that a caller building full objects does not read them twice.</summary>
public sealed record IndexedRoot(Seq<IndexedRun> Runs, Seq<(string Path, Error Error)> Failures, IReadOnlyDictionary<string, RunManifest> Read);

/// <summary>
/// The run index on disk (<c>&lt;root&gt;/.runtools/run-index/</c>): a snapshot (<c>index.jsonl</c>, rewritten atomically)
/// and a journal (<c>journal.jsonl</c>) of the entries written since, appended by every writer of run.json under the
/// run's lock, one line per update (not fsynced: a lost line costs a re-read), under the journal's exclusive file lock. Reading it: read (the listing of
/// the root with each run's stamp, the index's lines) → decide (<see cref="RunIndex.Reconcile"/>: which entries are
/// current, which runs to read again, which entries to drop) → act (read those runs, record their entries). The index
/// is a cache: when it is missing, damaged, behind or cannot be written, the answer is the same, only slower.
/// </summary>
public static class RunIndexStore
{
    /// <summary>Above this size a writer folds the journal into the snapshot.</summary>
    const long JournalCompactBytes = 8 << 20;

    static readonly TimeSpan JournalWait = TimeSpan.FromSeconds(2);

    const int KeepReadManifests = 256;

    /// <summary>The stamp of a run's files now; null when it has no run.json.</summary>
    public static RunStamp? StampOf(string runDirectory)
    {
        var manifest = new FileInfo(Path.Combine(runDirectory, RunLayout.Manifest));
        if (!manifest.Exists) return null;
        var events = new FileInfo(Path.Combine(runDirectory, RunLayout.Events));
        return new RunStamp(manifest.Length, manifest.LastWriteTimeUtc.Ticks, events.Exists ? events.Length : null);
    }

    /// <summary>Notes the manifest a writer has just written to run.json (called under the run's lock, so the stamp
    /// taken now is that of what was written). Best effort: a run is never failed for its index.</summary>
    public static void Written(string runDirectory, RunManifest manifest)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory));
        var root = Path.GetDirectoryName(full);
        // A run being created or imported (under .runtools/) is noted once it is in place.
        if (root is null || Path.GetFileName(Path.GetDirectoryName(root)) == RunLayout.RootWorkArea) return;
        if (StampOf(full) is { } stamp) Note(root, RunIndex.Entry(Path.GetFileName(full), stamp, manifest));
    }

    /// <summary>Notes an entry (its stamp taken from the files it describes, before they could change again).</summary>
    public static void Note(string root, RunIndexEntry entry) => Append(root, [RunIndexJson.Encode(new RunIndexLine.Set(entry))]);

    /// <summary>Notes that a run directory is gone from the root.</summary>
    public static void Removed(string root, string directory) => Append(root, [RunIndexJson.Encode(new RunIndexLine.Drop(directory))]);

    /// <summary>The runs under the root (hidden folders skipped), each with its stamp: a directory is a run when it holds
    /// run.json or events.jsonl (see <see cref="RunStore.IsRun"/>).</summary>
    public static Seq<ListedRun> List(string root)
    {
        if (!Directory.Exists(root)) return Seq<ListedRun>();
        var listing = new List<ListedRun>();
        foreach (var directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(directory);
            if (name.StartsWith('.')) continue;
            var stamp = StampOf(directory);
            if (stamp is not null || File.Exists(Path.Combine(directory, RunLayout.Events))) listing.Add(new ListedRun(name, stamp));
        }
        return toSeq(listing.ToArray());
    }

    /// <summary>Answers from the index, repaired against the listing: the runs whose entry is missing or stale are read
    /// (reporting <paramref name="progress"/> as (done, total) while they are), and their entries recorded.</summary>
    public static IndexedRoot Query(string root, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var listing = List(root);
        if (listing.IsEmpty) return new IndexedRoot(Seq<IndexedRun>(), Seq<(string, Error)>(), new Dictionary<string, RunManifest>());
        var (indexed, journalLines, damaged) = Load(root);
        var plan = RunIndex.Reconcile(listing, indexed);
        var stamps = listing.ToDictionary(l => l.Directory, l => l.Stamp, StringComparer.Ordinal);
        var fresh = new List<RunIndexEntry>();
        var unstamped = new List<RunIndexEntry>();
        var read = new Dictionary<string, RunManifest>(StringComparer.Ordinal);
        var failures = new List<(string, Error)>();
        var done = 0;
        foreach (var directory in plan.Reread)
        {
            cancel.ThrowIfCancellationRequested();
            var path = Path.Combine(root, directory);
            var manifest = Read(path);
            if (manifest.Case is RunManifest m)
            {
                // Kept for the caller only when few: holding thousands of manifests (a rebuild) costs more in
                // garbage collection than reading again the few runs a filter lets through.
                if (plan.Reread.Count <= KeepReadManifests) read[directory] = m;
                // The stamp was taken before the read: if the run changed in between, the entry is stale at once.
                if (stamps[directory] is { } stamp) fresh.Add(RunIndex.Entry(directory, stamp, m));
                // A run with only its log (run.json lost) is answered from the log but never indexed: with no stamp to
                // compare, it is read again every time until a writer restores run.json.
                else unstamped.Add(RunIndex.Entry(directory, NoStamp, m));
            }
            else failures.Add((path, (Error)manifest));
            progress?.Invoke(++done, plan.Reread.Count);
        }
        if (plan.ChangesIndex || damaged > 0) Record(root, plan, fresh, journalLines);
        var entries = plan.Current.Concat(fresh).Concat(unstamped).OrderBy(e => e.Directory, StringComparer.Ordinal);
        return new IndexedRoot(toSeq(entries.Select(e => new IndexedRun(e, Observe(root, e))).ToArray()), toSeq(failures.ToArray()), read);
    }

    /// <summary>The stamp of an answer that is not recorded (a run without run.json).</summary>
    static readonly RunStamp NoStamp = new(-1, 0, null);

    static Fin<RunManifest> Read(string path)
    {
        try
        {
            return RunStore.Read(path);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return FinFail<RunManifest>(new UnexpectedFailure($"Reading '{path}'", e.GetType().Name, e.Message));
        }
    }

    /// <summary>A stored running run is abandoned when no live process works on it (its heartbeats are read: only for
    /// runs stored as running).</summary>
    static RunStatus Observe(string root, RunIndexEntry entry) =>
        entry.Status == RunStatus.Running
        && Liveness.LiveProcesses(Heartbeats.Observe(Path.Combine(root, entry.Directory)), Clock.Now, Liveness.DefaultStaleAfter).IsEmpty
            ? RunStatus.Abandoned
            : entry.Status;

    // ---- the files ----------------------------------------------------------------------------------------------

    static string Folder(string root) => Path.Combine(root, RunLayout.RootWorkArea, RunLayout.RunIndex);

    static string SnapshotPath(string root) => Path.Combine(Folder(root), RunLayout.RunIndexSnapshot);

    static string JournalPath(string root) => Path.Combine(Folder(root), RunLayout.RunIndexJournal);

    /// <summary>The index files as last parsed by this process: a later read whose snapshot has not changed parses
    /// only the journal's new lines (or nothing). The files' sizes and times decide; the entries are still checked
    /// against the runs, so a stale cache costs reads, never a wrong answer.</summary>
    sealed record Parsed((long Bytes, long Ticks)? Snapshot, long JournalBytes, long JournalTicks, IReadOnlyDictionary<string, RunIndexEntry> Entries,
        int JournalLines, int Damaged);

    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Parsed> Cache = new(StringComparer.Ordinal);

    static (long Bytes, long Ticks)? FileStamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : null;
    }

    /// <summary>The index as its files say (snapshot, then journal); a file that cannot be read counts as empty.</summary>
    static (IReadOnlyDictionary<string, RunIndexEntry> Entries, int JournalLines, int Damaged) Load(string root)
    {
        var key = Path.GetFullPath(root);
        var snapshotStamp = FileStamp(SnapshotPath(root));
        var journalStamp = FileStamp(JournalPath(root)) ?? (0, 0);
        if (Cache.TryGetValue(key, out var cached) && cached.Snapshot == snapshotStamp)
        {
            if (cached.JournalBytes == journalStamp.Bytes && cached.JournalTicks == journalStamp.Ticks)
                return (cached.Entries, cached.JournalLines, cached.Damaged);
            if (journalStamp.Bytes > cached.JournalBytes && ReadLines(JournalPath(root), cached.JournalBytes) is { } tail)
            {
                var (added, damagedTail) = RunIndex.Replay(tail.Lines);
                var entries = new Dictionary<string, RunIndexEntry>(cached.Entries, StringComparer.Ordinal);
                foreach (var line in tail.Lines.Select(RunIndexJson.Decode))
                    if (line is RunIndexLine.Drop drop) entries.Remove(drop.Directory);
                foreach (var (directory, entry) in added) entries[directory] = entry;
                return Remember(key, new Parsed(snapshotStamp, tail.End, journalStamp.Ticks, entries, cached.JournalLines + tail.Lines.Length, cached.Damaged + damagedTail));
            }
        }
        var snapshot = ReadLines(SnapshotPath(root), 0);
        var journal = ReadLines(JournalPath(root), 0);
        var (all, damaged) = RunIndex.Replay((snapshot?.Lines ?? []).Concat(journal?.Lines ?? []));
        if (snapshot is null || journal is not { } read) return (all, journal?.Lines.Length ?? 0, damaged);
        return Remember(key, new Parsed(snapshotStamp, read.End, journalStamp.Ticks, all, read.Lines.Length, damaged));
    }

    static (IReadOnlyDictionary<string, RunIndexEntry>, int, int) Remember(string key, Parsed parsed)
    {
        Cache[key] = parsed;
        return (parsed.Entries, parsed.JournalLines, parsed.Damaged);
    }

    /// <summary>The lines of a file from an offset, and the offset read up to; no lines for a file that is not there;
    /// null when it cannot be read now.</summary>
    static (string[] Lines, long End)? ReadLines(string path, long from)
    {
        try
        {
            if (!File.Exists(path)) return ([], 0);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
            stream.Seek(from, SeekOrigin.Begin);
            var bytes = new byte[stream.Length - from];
            stream.ReadExactly(bytes);
            var lines = Encoding.UTF8.GetString(bytes).Split('\n');
            // A cut-off last line (a writer killed mid-line) is read too, and fails its check; the next writer ends it.
            return (lines[^1].Length == 0 ? lines[..^1] : lines, from + bytes.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Records what a read found: appended to the journal, or, when the journal has grown enough, folded with
    /// every current entry into a new snapshot.</summary>
    static void Record(string root, ReconcilePlan plan, List<RunIndexEntry> fresh, int journalLines)
    {
        var lines = fresh.Select(e => RunIndexJson.Encode(new RunIndexLine.Set(e)))
            .Concat(plan.Dropped.Select(d => RunIndexJson.Encode(new RunIndexLine.Drop(d))))
            .ToArray();
        var entries = plan.Current.Count + fresh.Count;
        if (RunIndex.ShouldCompact(journalLines + lines.Length, entries))
            Compact(root, plan.Current.Concat(fresh).OrderBy(e => e.Directory, StringComparer.Ordinal).Select(e => RunIndexJson.Encode(new RunIndexLine.Set(e))));
        else
            Append(root, lines);
    }

    /// <summary>Appends lines to the journal under its exclusive lock, each whole line after a cut-off one (a writer
    /// killed mid-line) is ended. Not fsynced: every run.json write (each Write-RunMetric) comes here, and a line lost
    /// or torn in a crash only costs a read of that run, since every entry is checked against its run's stamp.</summary>
    static void Append(string root, IReadOnlyCollection<string> lines)
    {
        if (lines.Count == 0) return;
        try
        {
            Directory.CreateDirectory(Folder(root));
            long length;
            using (var journal = OpenJournal(root))
            {
                if (journal is null) return;
                length = journal.Length;
                var text = new StringBuilder();
                if (length > 0)
                {
                    journal.Seek(-1, SeekOrigin.End);
                    if (journal.ReadByte() != '\n') text.Append('\n');
                }
                foreach (var line in lines) text.Append(line).Append('\n');
                var bytes = Encoding.UTF8.GetBytes(text.ToString());
                journal.Seek(0, SeekOrigin.End);
                journal.Write(bytes);
                journal.Flush();
                length += bytes.Length;
            }
            if (length > JournalCompactBytes)
            {
                var (entries, _, _) = Load(root);
                Compact(root, entries.Values.OrderBy(e => e.Directory, StringComparer.Ordinal).Select(e => RunIndexJson.Encode(new RunIndexLine.Set(e))));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The index is a cache: the runs this would have noted are read again by the next Get-Run.
        }
    }

    /// <summary>Writes a new snapshot (atomically) and empties the journal, holding the journal's lock throughout so
    /// that no writer's line falls between the two. An update appended after the caller read the index and before the
    /// lock was taken is lost: its run is then read again, as any stale entry is.</summary>
    static void Compact(string root, IEnumerable<string> snapshotLines)
    {
        try
        {
            Directory.CreateDirectory(Folder(root));
            using var journal = OpenJournal(root);
            if (journal is null) return;
            var text = new StringBuilder();
            foreach (var line in snapshotLines) text.Append(line).Append('\n');
            AtomicFile.WriteText(SnapshotPath(root), text.ToString());
            journal.SetLength(0);
            journal.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left as it was: the snapshot and the journal still describe the runs (or are read again).
        }
    }

    /// <summary>The journal opened for writing with an exclusive lock, waiting a little for another writer; null when
    /// it stays busy.</summary>
    static FileStream? OpenJournal(string root)
    {
        var deadline = Clock.UtcDateTime + JournalWait;
        while (true)
        {
            try
            {
                return new FileStream(JournalPath(root), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (Clock.UtcDateTime < deadline && File.Exists(JournalPath(root)))
            {
                Thread.Sleep(2);
            }
        }
    }
}
