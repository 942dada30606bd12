using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Indexing;

/// <summary>What a run's files looked like when an index entry was made from them: run.json's size and modification
/// time, and events.jsonl's size (a reader continues run.json from the log when the log has grown since, so the log's
/// size is part of what the answer depends on). An entry is used only while the files still look like this.</summary>
/// <param name="ManifestTicks">run.json's last write time, UTC ticks.</param>
/// <param name="EventsBytes">events.jsonl's size; null when the run has no log.</param>
public sealed record RunStamp(long ManifestBytes, long ManifestTicks, long? EventsBytes);

/// <summary>A run directory as the root's listing shows it: its name under the root and the stamp of its files now;
/// a null stamp for a run with no run.json (it is read every time, never indexed).</summary>
public sealed record ListedRun(string Directory, RunStamp? Stamp);

/// <summary>One run in the root's run index: what Get-Run filters on, and the stamp of the files it was made from.</summary>
/// <param name="Directory">The run's directory name under the root.</param>
/// <param name="Status">The stored status (a running run may be observed abandoned: see <see cref="Liveness"/>).</param>
/// <param name="Params">The resolved config flattened to dotted keys, in the config's order.</param>
/// <param name="Metrics">Each metric's last value, in the manifest's order.</param>
public sealed record RunIndexEntry(
    string Directory,
    RunStamp Stamp,
    Guid Id,
    string Name,
    string Key,
    RunStatus Status,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Ended,
    Seq<(string Key, ConfigValue Value)> Params,
    Seq<(string Name, double Value)> Metrics);

/// <summary>What to do to make the index answer what reading every run.json answers.</summary>
/// <param name="Current">The entries that still describe their run (listing order).</param>
/// <param name="Reread">The run directories to read again: not indexed, stale (their files changed), or with no
/// run.json (listing order).</param>
/// <param name="Dropped">Indexed directories that are no longer runs under the root.</param>
public sealed record ReconcilePlan(Seq<RunIndexEntry> Current, Seq<string> Reread, Seq<string> Dropped)
{
    /// <summary>Whether the index on disk needs writing after the plan is carried out.</summary>
    public bool ChangesIndex => !Reread.IsEmpty || !Dropped.IsEmpty;
}

/// <summary>The run index of a runs root (<c>.runtools/run-index/</c>): a cache of what Get-Run filters on, never
/// trusted blindly. Every entry carries the stamp of the files it was made from, and a reader compares it with the
/// directory listing, so a missing, stale, extra or damaged entry costs a read of that run's run.json, never a wrong
/// answer.</summary>
public static class RunIndex
{
    /// <summary>The entry of a run read from its files with <paramref name="stamp"/>.</summary>
    public static RunIndexEntry Entry(string directory, RunStamp stamp, RunManifest m) => new(
        directory, stamp, m.RunId, m.Name, m.Key, m.Status, m.CreatedAt, m.StartedAt, m.EndedAt,
        ConfigPaths.Flatten(m.Config),
        m.Metrics.Map(x => (x.Name, x.Last)).Strict());

    /// <summary>Compares the index with the listing: an entry is current when its run is listed with the same stamp;
    /// every other listed run is read again; every other entry is dropped.</summary>
    public static ReconcilePlan Reconcile(Seq<ListedRun> listing, IReadOnlyDictionary<string, RunIndexEntry> indexed)
    {
        var current = new List<RunIndexEntry>(listing.Count);
        var reread = new List<string>();
        var listed = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        foreach (var run in listing)
        {
            listed.Add(run.Directory);
            if (run.Stamp is { } stamp && indexed.TryGetValue(run.Directory, out var entry) && entry.Stamp == stamp) current.Add(entry);
            else reread.Add(run.Directory);
        }
        var dropped = indexed.Keys.Where(k => !listed.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        return new ReconcilePlan(toSeq(current.ToArray()), toSeq(reread.ToArray()), toSeq(dropped));
    }

    /// <summary>The entries the index's lines describe, the later line winning (a snapshot's lines, then the journal's):
    /// an entry line sets its directory's entry, a drop line removes it, a damaged line is skipped (its run is then
    /// read again: see <see cref="Reconcile"/>).</summary>
    public static (Dictionary<string, RunIndexEntry> Entries, int Damaged) Replay(IEnumerable<string> lines)
    {
        var entries = new Dictionary<string, RunIndexEntry>(StringComparer.Ordinal);
        var damaged = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0) continue;
            switch (RunIndexJson.Decode(line))
            {
                case RunIndexLine.Set set: entries[set.Entry.Directory] = set.Entry; break;
                case RunIndexLine.Drop drop: entries.Remove(drop.Directory); break;
                default: damaged++; break;
            }
        }
        return (entries, damaged);
    }

    /// <summary>Whether the journal has grown enough to be folded into a new snapshot: past 256 lines and past a
    /// quarter of the entries, so compaction costs a constant share of the writes.</summary>
    public static bool ShouldCompact(int journalLines, int entries) => journalLines > 256 && journalLines > entries / 4;
}
