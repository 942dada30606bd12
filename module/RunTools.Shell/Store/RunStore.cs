using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;

namespace RunTools.Shell.Store;

/// <summary>A run as stored: its manifest, where its event log stands, its sidecars, and whether run.json was the
/// manifest of the log as it stands (false after a writer died between its two writes, or when run.json is damaged).</summary>
public sealed record StoredRun(RunManifest Manifest, LogState Log, HashMap<string, string> Sidecars, bool ManifestCurrent);

/// <summary>
/// Reads and writes run directories. Every change is: take the run lock, read the current manifest (run.json when it
/// is the replay of the log as it stands, checked by the hash of the log's last line; else the log's new events are
/// applied to it, or the whole log replayed), let a pure decision turn it into events, append the events, write the
/// new manifest (atomically), release the lock. An append costs the size of its events and of run.json, not of the log.
/// </summary>
public static class RunStore
{
    /// <summary>A directory is a run when it holds run.json or events.jsonl (a run that lost one of them can still be
    /// read, and repaired, from the other).</summary>
    public static bool IsRun(string directory) =>
        File.Exists(Path.Combine(directory, RunLayout.Manifest)) || File.Exists(Path.Combine(directory, RunLayout.Events));

    /// <summary>Reads a run's manifest. run.json is used when it is current (its events_bytes equals the size of
    /// events.jsonl); when the log has grown since (a writer died between appending and writing run.json), the new
    /// events are applied to it; when run.json is missing or damaged, the log is replayed. A run whose log is gone is
    /// read from run.json (Repair-Run rebuilds the log). Never writes.</summary>
    public static Fin<RunManifest> Read(string runDirectory) =>
        Load(runDirectory, forWriting: false).Map(s => s.Manifest);

    /// <summary>As <see cref="Read"/>, with where the log stands.</summary>
    public static Fin<StoredRun> Load(string runDirectory, bool forWriting)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory));
        if (!Directory.Exists(full) || !IsRun(full)) return FinFail<StoredRun>(new RunNotFound(runDirectory));
        return from _ in OwnFiles.Check(full, RunLayout.Manifest, RunLayout.Events, RunLayout.Sidecars)
               from sidecars in Sidecars.ReadAll(full)
               from stored in LoadCurrent(full, sidecars, forWriting)
               select stored with { Manifest = stored.Manifest with { Path = full, ChainHead = stored.Log.Head } };
    }

    static Fin<StoredRun> LoadCurrent(string full, HashMap<string, string> sidecars, bool forWriting)
    {
        var manifestPath = Path.Combine(full, RunLayout.Manifest);
        var eventsPath = Path.Combine(full, RunLayout.Events);
        var decoded = ReadManifestFile(manifestPath, sidecars);
        // A newer schema is not damage, and must not be rewritten by an older writer: say so.
        if (decoded.IsFail && decoded.Match(_ => false, e => e is SchemaVersionUnsupported)) return decoded.Map(_ => default(StoredRun)!);
        var eventsInfo = new FileInfo(eventsPath);
        var eventsLength = eventsInfo.Exists ? eventsInfo.Length : (long?)null;
        if (decoded.Case is RunJson.DecodedManifest d)
        {
            if (eventsLength is null)
                return forWriting
                    ? FinFail<StoredRun>(new RunCorrupted(full, $"{RunLayout.Events} is missing; Repair-Run rebuilds it from {RunLayout.Manifest}"))
                    : new StoredRun(d.Manifest, new LogState(0, d.Manifest.EventCount, d.ChainHead, null, false), sidecars, false);
            var state = new LogState(d.EventsBytes, d.Manifest.EventCount, d.ChainHead, d.ChainedFrom, false);
            // Readers trust a run.json whose log has not changed size (one stat); writers also check that the log's
            // last line is the one run.json was computed from, since they will extend the chain from it.
            if (eventsLength == d.EventsBytes && d.ChainHead is not null && (!forWriting || EventLog.LastLineIs(full, d.EventsBytes, d.ChainHead)))
                return new StoredRun(d.Manifest, state, sidecars, true);
            if (!forWriting && eventsLength == d.EventsBytes && d.ChainHead is null)
                return new StoredRun(d.Manifest, state, sidecars, true); // written before the hash chain: as trusted as it was then
            if (eventsLength > d.EventsBytes && d.ChainHead is not null && EventLog.LastLineIs(full, d.EventsBytes, d.ChainHead))
            {
                var continued = EventLog.Continue(full, sidecars, d.Manifest with { ChainHead = null }, state);
                if (continued.IsSucc) return continued.Map(c => new StoredRun(c.Manifest, c.Log, sidecars, false));
            }
        }
        return EventLog.Replay(full, sidecars).Map(c => new StoredRun(c.Manifest, c.Log, sidecars, false));
    }

    static Fin<RunJson.DecodedManifest> ReadManifestFile(string path, HashMap<string, string> sidecars)
    {
        try
        {
            return File.Exists(path)
                ? RunJson.DecodeManifest(File.ReadAllText(path), sidecars, path)
                : FinFail<RunJson.DecodedManifest>(new RunCorrupted(path, "missing"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<RunJson.DecodedManifest>(new StorageFailed(path, "read", e.Message));
        }
    }

    /// <summary>Applies a decision to a run under its lock and returns the new manifest (unchanged when the decision
    /// returns no events). The decision sees the freshest state, so two writers never lose each other's events.</summary>
    public static Fin<RunManifest> Update(string runDirectory, Func<RunManifest, Fin<Seq<RunEvent>>> decide) =>
        Update(runDirectory, decide, RunLock.DefaultTimeout);

    public static Fin<RunManifest> Update(string runDirectory, Func<RunManifest, Fin<Seq<RunEvent>>> decide, TimeSpan lockTimeout) =>
        Update(runDirectory, decide, lockTimeout, null);

    /// <param name="written">Called under the lock once the decision's events are in the log, before run.json is
    /// rewritten (not when the decision made no events): the place for an effect that the events announce, such as
    /// renaming a staged file into place. The log comes first, so a writer killed in between leaves an effect that the
    /// log describes, never one it does not know; and run.json comes after, so it is then behind the log, and the next
    /// writer, whichever it is, sees that a writer died and finishes the effect (see <see cref="Leftovers"/>).</param>
    public static Fin<RunManifest> Update(string runDirectory, Func<RunManifest, Fin<Seq<RunEvent>>> decide, TimeSpan lockTimeout,
        Action<RunManifest>? written)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory));
        if (!Directory.Exists(full) || !IsRun(full)) return FinFail<RunManifest>(new RunNotFound(runDirectory));
        var checkedFiles = OwnFiles.Check(full, RunLayout.Lock, RunLayout.LockQueue, RunLayout.Manifest, RunLayout.Events, RunLayout.Sidecars,
            RunLayout.Heartbeats, RunLayout.Logs).Bind(_ => NotNewer(full));
        if (checkedFiles.IsFail) return checkedFiles.Map(_ => default(RunManifest)!);
        var acquired = RunLock.Acquire(full, lockTimeout);
        if (acquired.IsFail) return acquired.Map(_ => default(RunManifest)!);
        using var held = (RunLock)acquired;
        try
        {
            return from stored in Load(full, forWriting: true)
                   let _ = Leftovers.AfterLoad(full, stored)
                   from events in decide(stored.Manifest)
                   from next in Manifest.ApplyAll(stored.Manifest with { ChainHead = null }, events)
                   from persisted in Persist(full, stored, events, next with { Path = full }, written)
                   select persisted with { Path = full };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<RunManifest>(new StorageFailed(full, "update", e.Message));
        }
    }

    /// <summary>A run written by a newer RunTools is refused before anything of it is touched (not even its lock).</summary>
    /// <remarks>The schema version is read from the first bytes of run.json, else from the first line of the log.</remarks>
    public static Fin<Unit> NotNewer(string full)
    {
        foreach (var file in new[] { RunLayout.Manifest, RunLayout.Events })
        {
            var path = Path.Combine(full, file);
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
                var head = new byte[4096];
                var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                if (RunJson.PeekSchemaVersion(head.AsSpan(0, read)) is { } version)
                    return RunJson.CheckVersion(version, file == RunLayout.Events ? $"{path}:1" : path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not there (or not readable now): the other file, or the load under the lock, decides.
            }
        }
        return unit;
    }

    static Fin<RunManifest> Persist(string full, StoredRun stored, Seq<RunEvent> events, RunManifest next, Action<RunManifest>? written)
    {
        if (events.IsEmpty && !stored.Log.TornTail && stored.ManifestCurrent) return next with { ChainHead = stored.Log.Head };
        // No events but a cut-off line or a stale run.json: the write mends them (cuts the line, rewrites run.json).
        var log = events.IsEmpty && !stored.Log.TornTail ? stored.Log : EventLog.Append(full, stored.Log, events);
        if (!events.IsEmpty) written?.Invoke(next with { ChainHead = log.Head });
        WriteManifest(full, next, log);
        Heartbeats.Touch(full, next);
        return next with { ChainHead = log.Head };
    }

    /// <summary>Writes run.json (and the sidecars it names), and notes the manifest in the root's run index.</summary>
    public static void WriteManifest(string runDirectory, RunManifest manifest, LogState log)
    {
        var (json, sidecars) = RunJson.EncodeManifest(manifest with { Path = null, ChainHead = null }, log.Bytes, log.Head, log.ChainedFrom);
        Sidecars.Write(runDirectory, sidecars);
        AtomicFile.WriteText(Path.Combine(runDirectory, RunLayout.Manifest), json);
        // The one place run.json is written: the root's run index learns of it here, still under the run's lock.
        RunIndexStore.Written(runDirectory, manifest);
    }

    /// <summary>The run directories directly under a root (hidden and staging directories skipped), oldest first.</summary>
    public static Seq<string> List(string root)
    {
        if (!Directory.Exists(root)) return Seq<string>();
        return toSeq(Directory.EnumerateDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && IsRun(d))
            .Order(StringComparer.Ordinal)
            .ToArray());
    }

    /// <summary>The manifest with its status as observed now (a running run with no live process is abandoned).</summary>
    public static (RunStatus Status, Seq<ProcessInfo> Live) Observe(RunManifest manifest, TimeSpan staleAfter)
    {
        var needsHeartbeats = manifest.Status == RunStatus.Running || manifest.Stages.Exists(s => s.Status == StageStatus.Running);
        if (!needsHeartbeats || manifest.Path is null) return (manifest.Status, Seq<ProcessInfo>());
        var now = Clock.Now;
        var observed = Heartbeats.Observe(manifest.Path);
        return (Liveness.Observe(manifest, observed, now, staleAfter), Liveness.LiveProcesses(observed, now, staleAfter));
    }

    /// <summary>Writes the two config files beside run.json, once (an existing file is never overwritten), and returns
    /// the hashes of the bytes written.</summary>
    public static Seq<FileHash> WriteConfigFiles(string runDirectory, ConfigValue resolved, string overridesYaml) =>
        Seq((RunLayout.ResolvedConfig, ConfigYaml.Write(resolved)), (RunLayout.Overrides, overridesYaml)).Map(file =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(file.Item2);
            AtomicFile.WriteBytes(Path.Combine(runDirectory, file.Item1), bytes, overwrite: false);
            return new FileHash(file.Item1, RunJson.Sha256(bytes), bytes.Length);
        }).Strict();
}
