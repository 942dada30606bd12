using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Verification;
using RunTools.Views;

namespace RunTools.Shell.Store;

/// <summary>
/// Repair-Run: inspects a run as Test-Run does, plans with <see cref="RepairPlanner"/>, and carries the plan out under
/// the run's lock. Nothing is ever thrown away: lines taken out of the log go to a quarantine sidecar
/// (<c>sidecars/&lt;sha256&gt;.jsonl</c>) byte for byte, and the log's new last event says what was done. Every file is
/// replaced atomically.
/// </summary>
public static class RunRepair
{
    /// <summary>What Repair-Run would do now (for -WhatIf and ShouldProcess); nothing is written.</summary>
    public static Fin<(string Run, Seq<RepairAction> Actions)> Plan(string run) =>
        PlanWithLeftovers(run).Map(p => (p.Run, p.Actions));

    static Fin<(string Run, Seq<RepairAction> Actions, Seq<Leftover> Leftovers)> PlanWithLeftovers(string run) =>
        from seen in RunInspection.Inspect(run, lineage: false)
        let leftovers = LeftoversOf(seen)
        from actions in RepairPlanner.Plan(seen.RunPath, seen.Log, seen.RunJson, leftovers.Map(l => new LeftoverSeen(l.Path, l.Kind, l.Reason)))
        select (seen.RunPath, actions, leftovers);

    /// <summary>Carries out the plan made afresh under the run's lock. <paramref name="approve"/> is asked once for the
    /// log's repair (all log actions and the rewrite of run.json together: they only make sense together) and once per
    /// leftover, right before the effect.</summary>
    public static Fin<Seq<RepairAction>> Execute(string run, Func<RepairAction, bool> approve, DateTimeOffset now)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(run));
        if (!Directory.Exists(full) || !RunStore.IsRun(full)) return FinFail<Seq<RepairAction>>(new RunNotFound(run));
        var links = OwnFiles.Check(full, RunLayout.Lock, RunLayout.LockQueue, RunLayout.Manifest, RunLayout.Events, RunLayout.Sidecars, RunLayout.Logs);
        if (links.IsFail) return links.Map(_ => Seq<RepairAction>());
        var locked = RunLock.Acquire(full, RunLock.DefaultTimeout);
        if (locked.IsFail) return locked.Map(_ => Seq<RepairAction>());
        var done = new List<RepairAction>();
        using (var held = (RunLock)locked)
        {
            try
            {
                var planned = PlanWithLeftovers(full);
                if (planned.IsFail) return planned.Map(_ => Seq<RepairAction>());
                var actions = ((string, Seq<RepairAction>, Seq<Leftover> Found))planned;
                var logPart = actions.Item2.Filter(a => a.TouchesLog || a.Action == RepairAction.RewriteManifest);
                if (!logPart.IsEmpty && approve(Combined(logPart)))
                {
                    var repaired = RepairLog(full, logPart, now);
                    if (repaired.IsFail) return repaired.Map(_ => Seq<RepairAction>());
                    done.AddRange(logPart);
                }
                foreach (var leftover in actions.Item2.Filter(a => a.Action == RepairAction.RemoveLeftover))
                    if (approve(leftover) && !Leftovers.Remove(actions.Found.Filter(l => l.Path == leftover.Item)).IsEmpty)
                        done.Add(leftover);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return FinFail<Seq<RepairAction>>(new StorageFailed(full, "repair", e.Message));
            }
        }
        return toSeq(done);
    }

    /// <summary>The leftovers Repair-Run removes: temporary files in the run (staged artifacts it puts in place) and
    /// dead lock tickets, staging and trash folders under its root, each only when its writer is gone.</summary>
    static Seq<Leftover> LeftoversOf(RunSeen seen) =>
        Leftovers.InRun(seen.RunPath, RunVerification.ReferenceManifest(seen.Log, seen.RunJson))
            .Concat(Leftovers.InRoot(Path.GetDirectoryName(seen.RunPath)!)).Strict();

    static RepairAction Combined(Seq<RepairAction> part) =>
        part.Count == 1 ? part.Head : new RepairAction(string.Join(", ", part.Map(a => a.Action)), RunLayout.Events, string.Join("; ", part.Map(a => a.Detail)));

    static Fin<Unit> RepairLog(string full, Seq<RepairAction> part, DateTimeOffset now)
    {
        var sidecars = Sidecars.ReadValid(full);
        if (part.Exists(a => a.Action == RepairAction.RebuildLog)) return Rebuild(full, sidecars, now);
        if (part.Exists(a => a.Action is RepairAction.QuarantineLines or RepairAction.CutTornLine)) return Rewrite(full, sidecars, part, now);
        return EventLog.Replay(full, sidecars).Map(r =>
        {
            RunStore.WriteManifest(full, r.Manifest, r.Log);
            return unit;
        });
    }

    /// <summary>A log that is gone, or does not start with the run's creation, is rebuilt from run.json: its first
    /// event holds run.json's manifest; the old log's bytes, if any, go to the quarantine.</summary>
    static Fin<Unit> Rebuild(string full, HashMap<string, string> sidecars, DateTimeOffset now)
    {
        var path = Path.Combine(full, RunLayout.Manifest);
        var eventsPath = Path.Combine(full, RunLayout.Events);
        return from d in RunJson.DecodeManifest(File.ReadAllText(path), sidecars, path)
               let rebuilt = Seq1<RunEvent>(new RunRebuilt(now, d.Manifest with { ChainHead = null, Path = null }, d.Manifest.EventCount, d.ChainHead))
               let events = File.Exists(eventsPath) ? rebuilt.Add(QuarantineAll(full, eventsPath, now)) : rebuilt
               from manifest in Manifest.Replay(events, RunLayout.Events)
               select Write(full, events, manifest);

        static RunEvent QuarantineAll(string full, string eventsPath, DateTimeOffset now)
        {
            var old = File.ReadAllBytes(eventsPath);
            return new EventsRepaired(now, CountLines(old), Quarantine(full, old), new FileHash(RunLayout.Events, RunJson.Sha256(old), old.Length),
                "the log did not start with the run's creation; all of it was quarantined and the log rebuilt from run.json");
        }
    }

    /// <summary>The new log (written beside the old one and renamed over it: a reader sees the old log or the new
    /// one), then run.json from it.</summary>
    static Unit Write(string full, Seq<RunEvent> events, RunManifest manifest)
    {
        var log = EventLog.WriteNew(full, events);
        RunStore.WriteManifest(full, manifest, log);
        return unit;
    }

    /// <summary>Streams the log through the triage: kept events are written again with fresh sequence numbers and
    /// hashes (a new, intact chain), dropped lines and a cut-off last line go to the quarantine, and an
    /// <see cref="EventsRepaired"/> event ends the new log. The new log replaces the old one with one rename.</summary>
    static Fin<Unit> Rewrite(string full, HashMap<string, string> sidecars, Seq<RepairAction> part, DateTimeOffset now)
    {
        var eventsPath = Path.Combine(full, RunLayout.Events);
        var previous = FileInspector.Hash(eventsPath, RunLayout.Events);
        if (previous.IsFail) return previous.Map(_ => unit);
        var quarantined = new MemoryStream();
        var moved = 0;
        var kept = new List<RunEvent>();
        var triaged = EventLog.Triage(full, sidecars, LogTriage.Start, 0, (raw, verdict, _) =>
        {
            if (verdict is KeepLine keep) kept.Add(keep.Event);
            else
            {
                quarantined.Write(raw.Bytes.Span);
                quarantined.WriteByte((byte)'\n');
                moved++;
            }
            return true;
        });
        if (triaged.IsFail) return triaged.Map(_ => unit);
        var end = ((LogTriage, long End, bool Torn))triaged;
        if (end.Torn)
        {
            using var stream = new FileStream(eventsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(end.End, SeekOrigin.Begin);
            stream.CopyTo(quarantined);
            quarantined.WriteByte((byte)'\n');
            moved++;
        }
        var quarantine = moved > 0 ? Quarantine(full, quarantined.ToArray()) : null;
        var repaired = new EventsRepaired(now, moved, quarantine, (FileHash)previous, string.Join("; ", part.Filter(a => a.TouchesLog).Map(a => a.Detail)));
        var events = toSeq(kept).Add(repaired);
        return Manifest.Replay(events, RunLayout.Events).Map(manifest => Write(full, events, manifest));
    }

    /// <summary>Writes quarantined bytes as a content-addressed sidecar (once) and returns it.</summary>
    static FileHash Quarantine(string full, byte[] bytes)
    {
        var sha = RunJson.Sha256(bytes);
        var relative = $"{RunLayout.Sidecars}/{sha}.jsonl";
        var path = Path.Combine(full, relative);
        if (!File.Exists(path)) AtomicFile.WriteBytes(path, bytes);
        return new FileHash(relative, sha, bytes.Length);
    }

    static int CountLines(byte[] bytes) => bytes.Count(b => b == (byte)'\n') + (bytes.Length > 0 && bytes[^1] != (byte)'\n' ? 1 : 0);

    /// <summary>The record of an action done to a run, for the pipeline.</summary>
    public static RepairRecord Record(string run, RepairAction a) => new(Path.GetFileName(run), a.Action, a.Item, a.Detail, run);
}
