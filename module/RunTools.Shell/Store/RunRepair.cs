using LanguageExt.Common;
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

        // Asked before the lock is taken (a prompt must not keep the run's writers waiting), on the plan as it is now.
        var preview = PlanWithLeftovers(full);
        if (preview.IsFail) return preview.Map(_ => Seq<RepairAction>());
        var (_, previewActions, _) = ((string, Seq<RepairAction>, Seq<Leftover>))preview;
        var previewLog = LogPart(previewActions);
        var logApproved = !previewLog.IsEmpty && approve(Combined(previewLog));
        var approvedLeftovers = previewActions.Filter(a => a.Action == RepairAction.RemoveLeftover && approve(a)).Map(a => a.Item).ToHashSet();
        if (!logApproved && approvedLeftovers.Count == 0) return Seq<RepairAction>();

        var locked = RunLock.Acquire(full, RunLock.DefaultTimeout);
        if (locked.IsFail) return locked.Map(_ => Seq<RepairAction>());
        var done = new List<RepairAction>();
        using (var held = (RunLock)locked)
        {
            try
            {
                // Planned again under the lock: only what was approved, and the log only if its repair is still the one
                // that was approved (another writer may have mended it, or changed it, meanwhile).
                var planned = PlanWithLeftovers(full);
                if (planned.IsFail) return planned.Map(_ => Seq<RepairAction>());
                var (_, actions, found) = ((string, Seq<RepairAction>, Seq<Leftover>))planned;
                var logPart = LogPart(actions);
                if (logApproved && !logPart.IsEmpty)
                {
                    if (logPart.Map(a => (a.Action, a.Item)) != previewLog.Map(a => (a.Action, a.Item)))
                        return FinFail<Seq<RepairAction>>(new RunInUse(full, "the run changed while its repair was being confirmed; run Repair-Run again"));
                    var repaired = RepairLog(full, logPart, now);
                    if (repaired.IsFail) return repaired.Map(_ => Seq<RepairAction>());
                    done.AddRange(logPart);
                }
                foreach (var leftover in actions.Filter(a => a.Action == RepairAction.RemoveLeftover && approvedLeftovers.Contains(a.Item)))
                    if (!Leftovers.Remove(found.Filter(l => l.Path == leftover.Item)).IsEmpty)
                        done.Add(leftover);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return FinFail<Seq<RepairAction>>(new StorageFailed(full, "repair", e.Message));
            }
        }
        return toSeq(done);
    }

    static Seq<RepairAction> LogPart(Seq<RepairAction> actions) =>
        actions.Filter(a => a.TouchesLog || a.Action == RepairAction.RewriteManifest);

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
        if (part.Exists(a => a.Action == RepairAction.QuarantineLines)) return Rewrite(full, sidecars, part, now);
        if (part.Exists(a => a.Action == RepairAction.CutTornLine)) return CutTail(full, sidecars, part, now);
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

    /// <summary>A cut-off last line alone: its bytes go to the quarantine, the log is cut after its last whole line and
    /// an <see cref="EventsRepaired"/> event appended; nothing before it is rewritten.</summary>
    static Fin<Unit> CutTail(string full, HashMap<string, string> sidecars, Seq<RepairAction> part, DateTimeOffset now)
    {
        var eventsPath = Path.Combine(full, RunLayout.Events);
        return from replayed in EventLog.Replay(full, sidecars)
               from previous in FileInspector.Hash(eventsPath, RunLayout.Events)
               let torn = TailFrom(eventsPath, replayed.Log.Bytes)
               let repaired = new EventsRepaired(now, 1, Quarantine(full, torn), previous, Details(part))
               from manifest in Manifest.Apply(replayed.Manifest, repaired)
               let log = EventLog.Append(full, replayed.Log, Seq1<RunEvent>(repaired))
               select WriteRunJson(full, manifest, log);

        static byte[] TailFrom(string path, long offset)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(offset, SeekOrigin.Begin);
            var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            bytes.WriteByte((byte)'\n');
            return bytes.ToArray();
        }
    }

    /// <summary>
    /// Streams the log through the triage into a new log beside it: lines up to the first problem are kept byte for
    /// byte (so runs that refer to events before the damage still verify); after it, kept events are written again with
    /// fresh sequence numbers and hashes (a new, intact chain); dropped lines and a cut-off last line go to the
    /// quarantine; an <see cref="EventsRepaired"/> event ends the new log. The whole old log is kept as a sidecar too
    /// (<see cref="EventsRepaired.PreviousLog"/>), so nothing of it is lost, not even fields this RunTools does not
    /// know. The new log replaces the old one with one rename.
    /// </summary>
    static Fin<Unit> Rewrite(string full, HashMap<string, string> sidecars, Seq<RepairAction> part, DateTimeOffset now)
    {
        var eventsPath = Path.Combine(full, RunLayout.Events);
        var previous = KeepWhole(full, eventsPath);
        var quarantined = new MemoryStream();
        var moved = 0;
        var state = LogState.Empty;
        var rewriting = false;
        LogTriage? end = null;
        Error? failed = null;
        using var staged = AtomicFile.Stage(eventsPath, log =>
        {
            var triaged = EventLog.Triage(full, sidecars, LogTriage.Start, 0, (raw, verdict, after) =>
            {
                switch (verdict)
                {
                    case KeepLine { Note: null } when !rewriting:
                        log.Write(raw.Bytes.Span);
                        log.WriteByte((byte)'\n');
                        state = state with { Bytes = state.Bytes + raw.Bytes.Length + 1, Count = raw.Number, Head = raw.Hash, ChainedFrom = after.ChainedFrom };
                        break;
                    case KeepLine keep:
                        rewriting = true;
                        state = Append(log, state, keep.Event, full);
                        break;
                    default:
                        rewriting = true;
                        quarantined.Write(raw.Bytes.Span);
                        quarantined.WriteByte((byte)'\n');
                        moved++;
                        break;
                }
                return true;
            });
            if (triaged.Case is Error e) failed = e;
            else
            {
                var (triage, validEnd, torn) = ((LogTriage, long, bool))triaged;
                end = triage;
                if (torn)
                {
                    using var old = new FileStream(eventsPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    old.Seek(validEnd, SeekOrigin.Begin);
                    old.CopyTo(quarantined);
                    quarantined.WriteByte((byte)'\n');
                    moved++;
                }
            }
        });
        if (failed is not null) return FinFail<Unit>(failed);
        var quarantine = moved > 0 ? Quarantine(full, quarantined.ToArray()) : null;
        var repaired = new EventsRepaired(now, moved, quarantine, previous, Details(part));
        return from kept in end?.Manifest is { } m ? FinSucc(m) : FinFail<RunManifest>(new RunCorrupted(full, "no event of the log can be kept"))
               from manifest in Manifest.Apply(kept, repaired)
               select Finish(staged, manifest, repaired);

        Unit Finish(AtomicFile.StagedFile staged, RunManifest manifest, RunEvent repaired)
        {
            using (var log = new FileStream(staged.Temporary, FileMode.Append, FileAccess.Write, FileShare.None))
            {
                state = Append(log, state, repaired, full);
                log.Flush(flushToDisk: true);
            }
            staged.Commit(overwrite: true);
            return WriteRunJson(full, manifest, state);
        }
    }

    /// <summary>One event written as the next line of the log being rewritten.</summary>
    static LogState Append(Stream log, LogState state, RunEvent e, string full)
    {
        var (bytes, sidecars, after) = EventLog.Encode(state, Seq1(e));
        Sidecars.Write(full, sidecars);
        log.Write(bytes);
        return after;
    }

    /// <summary>The whole log as it is, kept as a content-addressed sidecar (streamed, not held in memory).</summary>
    static FileHash KeepWhole(string full, string eventsPath)
    {
        using var staged = AtomicFile.StageCopy(eventsPath, Path.Combine(full, RunLayout.Sidecars, "previous.jsonl"));
        var relative = RunLayout.Sidecar(staged.Sha256!, ".jsonl");
        if (!File.Exists(Path.Combine(full, relative))) File.Move(staged.Temporary, Path.Combine(full, relative));
        return new FileHash(relative, staged.Sha256!, staged.Bytes);
    }

    static string Details(Seq<RepairAction> part) => string.Join("; ", part.Filter(a => a.TouchesLog).Map(a => a.Detail));

    static Unit WriteRunJson(string full, RunManifest manifest, LogState log)
    {
        RunStore.WriteManifest(full, manifest, log);
        return unit;
    }

    /// <summary>Writes quarantined bytes as a content-addressed sidecar (once) and returns it.</summary>
    static FileHash Quarantine(string full, byte[] bytes)
    {
        var sha = RunJson.Sha256(bytes);
        var relative = RunLayout.Sidecar(sha, ".jsonl");
        var path = Path.Combine(full, relative);
        if (!File.Exists(path)) AtomicFile.WriteBytes(path, bytes);
        return new FileHash(relative, sha, bytes.Length);
    }

    static int CountLines(byte[] bytes) => bytes.Count(b => b == (byte)'\n') + (bytes.Length > 0 && bytes[^1] != (byte)'\n' ? 1 : 0);

    /// <summary>The record of an action done to a run, for the pipeline.</summary>
    public static RepairRecord Record(string run, RepairAction a) => new(Path.GetFileName(run), a.Action, a.Item, a.Detail, run);
}
