using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;

namespace RunTools.Shell.Store;

/// <summary>
/// Reads and writes run directories. Every change is: take the run lock, read the current manifest, let a pure
/// decision turn it into events, append the events, write the replayed manifest (atomically), release the lock.
/// </summary>
public static class RunStore
{
    /// <summary>Reads a run's manifest. run.json is used when it is current (its events_bytes equals the size of
    /// events.jsonl); otherwise (a writer died between appending an event and writing run.json, or run.json is
    /// missing or damaged) the manifest is rebuilt by replaying events.jsonl. Never writes.</summary>
    public static Fin<RunManifest> Read(string runDirectory)
    {
        var full = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(full) || !RunLayout.IsRun(full)) return FinFail<RunManifest>(new RunNotFound(runDirectory));
        return from sidecars in Sidecars.ReadAll(full)
               from manifest in ReadCurrent(full, sidecars)
               select manifest with { Path = full };
    }

    static Fin<RunManifest> ReadCurrent(string full, HashMap<string, Seq<string>> sidecars)
    {
        var manifestPath = Path.Combine(full, RunLayout.Manifest);
        var eventsPath = Path.Combine(full, RunLayout.Events);
        if (File.Exists(manifestPath) && File.Exists(eventsPath))
        {
            try
            {
                var decoded = RunJson.DecodeManifest(File.ReadAllText(manifestPath), sidecars, manifestPath);
                if (decoded.Exists(d => d.EventsBytes == new FileInfo(eventsPath).Length)) return decoded.Map(d => d.Manifest);
                // A newer schema is not damage: say so rather than trying to replay what we cannot read.
                if (decoded.IsFail && decoded.Match(_ => false, e => e is SchemaVersionUnsupported)) return decoded.Map(d => d.Manifest);
            }
            catch (IOException)
            {
                // Fall back to replaying the events.
            }
        }
        return EventLog.Read(full, sidecars).Bind(c => Manifest.Replay(c.Events, Path.Combine(full, RunLayout.Events)));
    }

    /// <summary>Applies a decision to a run under its lock and returns the new manifest (unchanged when the decision
    /// returns no events). The decision sees the freshest state, so two writers never lose each other's events.</summary>
    public static Fin<RunManifest> Update(string runDirectory, Func<RunManifest, Fin<Seq<RunEvent>>> decide) =>
        Update(runDirectory, decide, RunLock.DefaultTimeout);

    public static Fin<RunManifest> Update(string runDirectory, Func<RunManifest, Fin<Seq<RunEvent>>> decide, TimeSpan lockTimeout)
    {
        var full = Path.GetFullPath(runDirectory);
        if (!Directory.Exists(full) || !RunLayout.IsRun(full)) return FinFail<RunManifest>(new RunNotFound(runDirectory));
        var acquired = RunLock.Acquire(full, lockTimeout);
        if (acquired.IsFail) return acquired.Map(_ => default(RunManifest)!);
        using var held = (RunLock)acquired;
        try
        {
            return from sidecars in Sidecars.ReadAll(full)
                   from contents in EventLog.Read(full, sidecars)
                   from current in Manifest.Replay(contents.Events, Path.Combine(full, RunLayout.Events))
                   from events in decide(current with { Path = full })
                   from next in Manifest.ApplyAll(current, events)
                   from written in Persist(full, contents, events, next)
                   select written with { Path = full };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<RunManifest>(new StorageFailed(full, "update", e.Message));
        }
    }

    static Fin<RunManifest> Persist(string full, EventLog.Contents contents, Seq<RunEvent> events, RunManifest next)
    {
        if (events.IsEmpty && !contents.TornTail) return next;
        var bytes = EventLog.Append(full, contents, events);
        WriteManifest(full, next, bytes);
        Heartbeats.Touch(full, next);
        return next;
    }

    public static void WriteManifest(string runDirectory, RunManifest manifest, long eventsBytes)
    {
        var (json, sidecars) = RunJson.EncodeManifest(manifest, eventsBytes);
        Sidecars.Write(runDirectory, sidecars);
        AtomicFile.WriteText(Path.Combine(runDirectory, RunLayout.Manifest), json);
    }

    /// <summary>The run directories directly under a root (hidden and staging directories skipped), oldest first.</summary>
    public static Seq<string> List(string root)
    {
        if (!Directory.Exists(root)) return Seq<string>();
        return toSeq(Directory.EnumerateDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.') && RunLayout.IsRun(d))
            .Order(StringComparer.Ordinal)
            .ToArray());
    }

    /// <summary>The manifest with its status as observed now (a running run with no live process is abandoned).</summary>
    public static (RunStatus Status, Seq<ProcessInfo> Live) Observe(RunManifest manifest, TimeSpan staleAfter)
    {
        var needsHeartbeats = manifest.Status == RunStatus.Running || manifest.Stages.Exists(s => s.Status == StageStatus.Running);
        if (!needsHeartbeats || manifest.Path is null) return (manifest.Status, Seq<ProcessInfo>());
        var now = DateTimeOffset.UtcNow;
        var observed = Heartbeats.Observe(manifest.Path);
        return (Liveness.Observe(manifest, observed, now, staleAfter), Liveness.LiveProcesses(observed, now, staleAfter));
    }

    /// <summary>Writes a config file beside run.json, once: an existing file is never overwritten.</summary>
    public static void WriteConfigFiles(string runDirectory, ConfigValue resolved, string overridesYaml)
    {
        AtomicFile.WriteText(Path.Combine(runDirectory, RunLayout.ResolvedConfig), ConfigYaml.Write(resolved), overwrite: false);
        AtomicFile.WriteText(Path.Combine(runDirectory, RunLayout.Overrides), overridesYaml, overwrite: false);
    }
}
