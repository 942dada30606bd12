using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Verification;
using RunTools.Views;

namespace RunTools.Shell.Store;

/// <summary>
/// Reads everything Test-Run judges (<see cref="RunSeen"/>): the event log line by line, run.json, every file of the
/// run hashed once, the recorded inputs, and with <c>lineage</c> the runs this one refers to and the ones that refer to
/// it under the same root. Never writes; a damaged run is inspected as far as it reads, not refused.
/// </summary>
public static class RunInspection
{
    const int MaxProblems = 20;

    /// <summary>Test-Run: every file and record of the run, then what is stale in it (stages whose inputs or upstream
    /// stages changed, source runs that changed or are gone).</summary>
    public static Fin<Seq<RunCheck>> Verify(string run, bool lineage) =>
        Inspect(run, lineage).Map(seen => RunVerification.Check(seen)
            .Concat(RunStore.Read(run).Match(m => RunVerification.Staleness(m, RunFreshness.Of(m)), _ => Seq<RunCheck>())));

    public static Fin<RunSeen> Inspect(string run, bool lineage)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(run));
        if (!Directory.Exists(full) || !RunStore.IsRun(full)) return FinFail<RunSeen>(new RunNotFound(run));
        // A run written by a newer RunTools is not damage: it is reported as such, not judged by rules it does not follow.
        var links = OwnFiles.Check(full, RunLayout.Manifest, RunLayout.Events, RunLayout.Sidecars, RunLayout.Logs).Bind(_ => RunStore.NotNewer(full));
        if (links.IsFail) return links.Map(_ => default(RunSeen)!);
        try
        {
            var sidecars = Sidecars.ReadValid(full);
            var runJson = ReadRunJson(full, sidecars);
            var others = lineage ? OtherRuns(full) : Seq<RunManifest>();
            var id = runJson.Decoded?.Manifest.RunId ?? FirstRunId(full, sidecars);
            var children = others.Bind(o => o.Lineage.Filter(l => l.RunId == id).Map(l => (Run: o, Ref: l))).Strict();
            var wanted = children.Choose(c => Optional(c.Ref.EventCount)).ToHashSet();
            var (log, hashes, firstProblem) = ScanLog(full, sidecars, runJson.Decoded?.EventsBytes, wanted);
            var m = RunVerification.ReferenceManifest(log, runJson);
            var files = Files(full);
            return new RunSeen(
                full,
                log,
                runJson,
                files,
                m is null ? Seq<FileHash>() : LogPrefixes(full, m),
                // Data files are read through links (recorded by their real path); only the run's own files are not.
                m is null ? Seq<(string, FileHash?)>() : m.Inputs.Map(i => (i.FullPath,
                    File.Exists(i.FullPath) ? FileInspector.Hash(i.FullPath, i.FullPath).Match(h => h, _ => (FileHash?)null) : null)).Strict(),
                m is not null && m.ConfigFiles.IsEmpty ? ReadConfig(full) : null,
                m is null || !lineage ? Seq<RelativeSeen>()
                    : Upstream(m, others).Concat(children.Map(c => new RelativeSeen("child", c.Ref, c.Run.Name,
                        c.Ref.EventCount is { } n && hashes.TryGetValue(n, out var h) ? h : null,
                        c.Ref.EventCount is { } k && firstProblem is { } p && p.Line <= k ? p.Detail : null,
                        c.Ref.Path is { } path ? files.Find(f => f.Path == path).Map(f => f.Sha256).IfNoneUnsafe((string?)null) : null))).Strict());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<RunSeen>(new StorageFailed(full, "read", e.Message));
        }
    }

    static RunJsonSeen ReadRunJson(string full, HashMap<string, string> sidecars)
    {
        var path = Path.Combine(full, RunLayout.Manifest);
        if (!File.Exists(path)) return new RunJsonSeen(false, null, null);
        var text = File.ReadAllText(path);
        return RunJson.DecodeManifest(text, sidecars, path).Match(
            Succ: d => new RunJsonSeen(true, d, null, text),
            Fail: e => new RunJsonSeen(true, null, e is RunCorrupted c ? c.Detail : e.Message, text));
    }

    /// <summary>The run id from the first event, for a run whose run.json does not read.</summary>
    static Guid? FirstRunId(string full, HashMap<string, string> sidecars)
    {
        Guid? id = null;
        if (!File.Exists(Path.Combine(full, RunLayout.Events))) return null;
        EventLog.Lines(full, 0, 1, raw =>
        {
            id = RunJson.DecodeEvent(raw.Bytes, sidecars, RunLayout.Events).Match(
                d => d.Event switch { RunCreated c => c.RunId, RunRebuilt r => r.Snapshot.RunId, _ => (Guid?)null }, _ => null);
            return false;
        });
        return id;
    }

    /// <summary>Reads the whole log through the triage: problems, the replay, the state at run.json's length, and the
    /// hashes of the lines other runs refer to.</summary>
    static (LogSeen Log, Dictionary<long, string> Hashes, LogProblem? FirstProblem) ScanLog(string full, HashMap<string, string> sidecars,
        long? runJsonBytes, System.Collections.Generic.HashSet<long> wanted)
    {
        var hashes = new Dictionary<long, string>();
        var path = Path.Combine(full, RunLayout.Events);
        if (!File.Exists(path)) return (LogSeen.Gone, hashes, null);
        var problems = new List<LogProblem>();
        var more = 0;
        long lines = 0, events = 0, dropped = 0;
        string? head = null, headAtRunJson = null;
        RunManifest? atRunJson = null;
        long? chainedFromAtRunJson = null;
        LogProblem? first = null;
        // The log up to its last whole append: an append cut short by a kill at the end is a cut-off tail.
        var whole = (Lines: 0L, End: 0L, Events: 0L, Head: (string?)null, Triage: LogTriage.Start);
        void Problem(LogProblem p)
        {
            first ??= p;
            if (problems.Count < MaxProblems) problems.Add(p);
            else more++;
        }
        var read = EventLog.Triage(full, sidecars, LogTriage.Start, 0, (raw, verdict, after) =>
        {
            lines = raw.Number;
            head = raw.Hash;
            if (wanted.Contains(raw.Number)) hashes[raw.Number] = raw.Hash;
            switch (verdict)
            {
                case DropLine drop:
                    dropped++;
                    Problem(new LogProblem(raw.Number, drop.Kind, drop.Reason));
                    break;
                case KeepLine keep:
                    events++;
                    if (keep.Note is { } note) Problem(new LogProblem(raw.Number, CheckStatus.ChainBroken, note));
                    break;
            }
            if (runJsonBytes == raw.Offset + raw.Bytes.Length + 1)
            {
                atRunJson = after.Manifest;
                headAtRunJson = raw.Hash;
                chainedFromAtRunJson = after.ChainedFrom;
            }
            if (after.Whole) whole = (lines, raw.Offset + raw.Bytes.Length + 1, events, head, after);
            return true;
        });
        return read.Match(
            Succ: r => (new LogSeen(true, whole.Lines, whole.End, whole.Events, dropped, new FileInfo(path).Length - whole.End, toSeq(problems), more,
                whole.Triage.Manifest, whole.Head, whole.Triage.ChainedFrom, atRunJson, headAtRunJson, chainedFromAtRunJson), hashes, first),
            Fail: e => (new LogSeen(true, lines, 0, events, dropped, 0, Seq1(new LogProblem(lines + 1, CheckStatus.Modified, e.Message)), 0, null, head, null, null, null),
                hashes, new LogProblem(lines + 1, CheckStatus.Modified, e.Message)));
    }

    /// <summary>Every file under the run, hashed once; symbolic links are listed, not followed. The volatile files
    /// (the lock, lock tickets, heartbeats and their temporary files) are not part of a run's content; anything else
    /// in their places is.</summary>
    static Seq<FileSeen> Files(string full)
    {
        var found = new List<FileSeen>();
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };
        void Walk(string directory, string relative)
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", options).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                var path = relative.Length == 0 ? entry.Name : $"{relative}/{entry.Name}";
                if (IsVolatile(path, entry)) continue;
                if (entry.LinkTarget is not null) found.Add(new FileSeen(path, null, 0, Link: true));
                else if (entry is DirectoryInfo d) Walk(d.FullName, path);
                else found.Add(new FileSeen(path, HashOrNull(entry.FullName, path)?.Sha256, ((FileInfo)entry).Length));
            }
        }
        Walk(full, "");
        return toSeq(found);
    }

    static bool IsVolatile(string path, FileSystemInfo entry) =>
        entry.LinkTarget is null && entry is FileInfo && RunLayout.IsVolatileFile(path);

    /// <summary>For each stage whose log was hashed when it ended: the hash of as many of the log's bytes as were
    /// hashed then.</summary>
    static Seq<FileHash> LogPrefixes(string full, RunManifest m) =>
        m.Stages.Choose(s => Optional(s.LogHash).Bind(recorded =>
        {
            var path = Path.Combine(full, RunLayout.LogFor(s.Name));
            try
            {
                if (!File.Exists(path) || RealPaths.IsLink(path) || new FileInfo(path).Length < recorded.Bytes) return None;
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var bytes = new byte[recorded.Bytes];
                stream.ReadExactly(bytes);
                return Some(new FileHash(RunLayout.LogFor(s.Name), RunJson.Sha256(bytes), recorded.Bytes));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return None;
            }
        })).Strict();

    static ConfigValue? ReadConfig(string full)
    {
        var path = Path.Combine(full, RunLayout.ResolvedConfig);
        if (!File.Exists(path)) return null;
        // The run's own file, written within the limits in force when the run was created: read within the ceilings.
        var parsed = ConfigParser.Parse(File.ReadAllText(path), path, ConfigFormat.Yaml, InputLimits.Ceiling);
        return parsed.IsSucc ? (ConfigValue)parsed : null;
    }

    /// <summary>Every other run under the run's root (its parent folder), read; unreadable ones are left out.</summary>
    static Seq<RunManifest> OtherRuns(string full)
    {
        var root = Path.GetDirectoryName(full)!;
        return RunStore.List(root)
            .Filter(d => !string.Equals(Path.TrimEndingDirectorySeparator(d), full, StringComparison.Ordinal))
            .Choose(d => RunStore.Read(d).ToOption())
            .Strict();
    }

    /// <summary>The runs this run refers to, each looked up under the root by id: its log up to the referred event
    /// (hash and damage) and the referred file's hash now.</summary>
    static Seq<RelativeSeen> Upstream(RunManifest m, Seq<RunManifest> others) =>
        m.Lineage.Map(reference =>
        {
            var parent = others.Find(o => o.RunId == reference.RunId).IfNoneUnsafe((RunManifest?)null);
            if (parent is null) return new RelativeSeen("upstream", reference, null, null, null, null);
            var (head, problem) = reference.EventCount is { } n ? LineAt(parent.Path!, n) : (null, null);
            var file = reference.Path is { } p ? HashOrNull(Path.Combine(parent.Path!, p), p)?.Sha256 : null;
            return new RelativeSeen("upstream", reference, parent.Name, head, problem, file);
        }).Strict();

    /// <summary>The hash of line <paramref name="number"/> of a run's log, and the first problem at or before it.</summary>
    static (string? Hash, string? Problem) LineAt(string run, long number)
    {
        string? hash = null, problem = null;
        var sidecars = Sidecars.ReadValid(run);
        EventLog.Triage(run, sidecars, LogTriage.Start, 0, (raw, verdict, _) =>
        {
            problem ??= verdict switch
            {
                DropLine d => d.Reason,
                KeepLine { Note: { } note } => note,
                _ => null,
            };
            if (raw.Number == number) hash = raw.Hash;
            return raw.Number < number;
        });
        return (hash, problem);
    }

    static FileHash? HashOrNull(string full, string recorded) =>
        File.Exists(full) && !RealPaths.IsLink(full) ? FileInspector.Hash(full, recorded).Match(h => h, _ => (FileHash?)null) : null;
}
