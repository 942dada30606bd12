using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Retention;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;
using RunTools.Shell.Stages;
using RunTools.Views;

namespace RunTools.Shell.Store;

/// <summary>The run operations behind the cmdlets, each a read → decide (core) → write sequence.</summary>
public static class RunOperations
{
    // ---- status ----------------------------------------------------------------------------------------------

    /// <summary>The events a status change would append, without writing (for -WhatIf and ShouldProcess).</summary>
    public static Fin<(RunManifest Manifest, RunStatus Observed)> PreviewStatus(string run, RunStatus to, string? message) =>
        from m in RunStore.Read(run)
        let observed = RunStore.Observe(m, Liveness.DefaultStaleAfter)
        from _ in RunCommands.SetStatus(m, observed.Status, observed.Live, to, SystemInfo.CurrentProcess, Clock.Now, message, null)
        select (m, observed.Status);

    public static Fin<RunManifest> SetStatus(string run, RunStatus to, string? message) =>
        RunStore.Update(run, m =>
        {
            var now = Clock.Now;
            var error = to == RunStatus.Failed ? new ErrorInfo("SetRunStatus", message ?? "marked failed", null, now) : null;
            var observed = RunStore.Observe(m, Liveness.DefaultStaleAfter);
            return RunCommands.SetStatus(m, observed.Status, observed.Live, to, SystemInfo.CurrentProcess, now, message, error, RunningStageLogs(m));
        });

    /// <summary>The logs of the stages stored as running, hashed now (a stage closed with its run ends with its log).</summary>
    static Map<string, FileHash> RunningStageLogs(RunManifest m) =>
        toMap(m.Stages.Filter(s => s.Status == StageStatus.Running).Choose(s =>
        {
            var path = Path.Combine(m.Path!, RunLayout.LogFor(s.Name));
            return File.Exists(path) && !RealPaths.IsLink(path)
                ? FileInspector.Hash(path, RunLayout.LogFor(s.Name)).ToOption().Map(h => (s.Name, h))
                : None;
        }));

    // ---- artifacts -------------------------------------------------------------------------------------------

    /// <summary>Where a file would be registered: a file already inside the run stays where it is; any other file is
    /// copied to <paramref name="destination"/> (relative to the run; default artifacts/&lt;file name&gt;).</summary>
    public static Fin<(string Relative, bool Copy)> ArtifactTarget(string run, string source, string? destination)
    {
        if (!File.Exists(source)) return FinFail<(string, bool)>(new ArtifactSourceNotFound(source));
        var full = Path.GetFullPath(run);
        var inside = StageRunner.IsInside(full, Path.GetFullPath(source));
        if (inside && destination is null) return StageRunner.WritableInRun(full, source).Map(r => (r, false));
        var target = destination ?? $"{RunLayout.Artifacts}/{Path.GetFileName(source)}";
        if (target.EndsWith('/') || target.EndsWith('\\')) target += Path.GetFileName(source);
        return StageRunner.WritableInRun(full, target).Map(r => (r, true));
    }

    public static Fin<RunManifest> PreviewArtifact(string run, string relative, bool force) =>
        from m in RunStore.Read(run)
        from _ in RunCommands.AddArtifact(m, new Artifact(relative, "", 0, ArtifactKind.File, null, Clock.Now), force, SystemInfo.CurrentProcess)
        select m;

    /// <summary>Copies (atomically) and registers a file. The existence check happens before anything is written,
    /// so refusing to replace an artifact leaves the run untouched. A copy is staged (written and hashed beside its
    /// destination) outside the run's lock; under the lock it is registered (the event appended), then renamed into
    /// place, then run.json is rewritten. Two writers racing for one destination cannot leave a file whose hash the
    /// manifest does not record, and a writer killed after registering the copy leaves its content staged beside the
    /// destination (Test-Run: Stale) and run.json behind the log, so the next writer puts it in place (as does
    /// Repair-Run).</summary>
    public static Fin<(RunManifest Manifest, Artifact Artifact)> AddArtifact(string run, string source, string relative, bool copy,
        ArtifactKind? kind, string? stage, bool force)
    {
        var destination = Path.Combine(Path.GetFullPath(run), relative);
        Fin<T> Storing<T>(Func<Fin<T>> action) => FileWrites.Try(destination, "copy", action);

        if (!copy)
            return from _ in PreviewArtifact(run, relative, force)
                   from hash in FileInspector.Hash(destination, relative)
                   from registered in Register(hash.Sha256, hash.Bytes, null)
                   select registered;

        return from _ in PreviewArtifact(run, relative, force)
               from staged in Storing(() => FinSucc(AtomicFile.StageCopy(source, destination)))
               from registered in RegisterThenPutInPlace(staged)
               select registered;

        Fin<(RunManifest, Artifact)> Register(string sha256, long bytes, Action? putInPlace)
        {
            var artifact = new Artifact(relative, sha256, bytes, kind ?? RunTools.Stages.StagePlanner.KindOf(relative), stage, Clock.Now);
            return RunStore.Update(run, m => RunCommands.AddArtifact(m, artifact, force, SystemInfo.CurrentProcess), RunLock.DefaultTimeout, putInPlace is null ? null : _ => putInPlace())
                .Map(m => (m, artifact));
        }

        Fin<(RunManifest, Artifact)> RegisterThenPutInPlace(AtomicFile.StagedFile staged)
        {
            var registered = false;
            try
            {
                return Register(staged.Sha256!, staged.Bytes, () =>
                {
                    registered = true;
                    staged.Commit(overwrite: true);
                });
            }
            finally
            {
                // Once the log registers the staged file, it is the artifact's content: if the rename failed, it stays
                // for the next writer (or Repair-Run) to put in place once this process is gone.
                if (!registered) staged.Dispose();
            }
        }
    }

    // ---- metrics ---------------------------------------------------------------------------------------------

    /// <summary>Appends the points (starting a pending run: <see cref="RunCommands.StartOnFirstWrite"/>) and returns
    /// them as written (for -PassThru: exactly these, whatever other writers add meanwhile).</summary>
    public static Fin<(RunManifest Manifest, Seq<MetricRecord> Written)> WriteMetrics(string run, Seq<MetricPoint> points)
    {
        var events = Seq<RunEvent>();
        return from manifest in RunStore.Update(run, m => RunCommands.WriteMetrics(m, points, SystemInfo.CurrentProcess, Clock.Now).Map(e => events = e))
               select (manifest, events.Choose(e => e is MetricWritten w
                   ? Some(new MetricRecord(manifest.Name, w.Name, w.Value, w.Step, w.Stage, w.At, manifest.Path!))
                   : None));
    }

    /// <summary>Every metric value ever written to the run, in order (the history lives in events.jsonl).</summary>
    public static Fin<Seq<MetricRecord>> MetricHistory(string run) =>
        from stored in RunStore.Load(run, forWriting: false)
        let m = stored.Manifest
        let points = new List<MetricRecord>()
        from _ in EventLog.Continue(m.Path!, stored.Sidecars, null, LogState.Empty, e =>
        {
            if (e is MetricWritten w) points.Add(new MetricRecord(m.Name, w.Name, w.Value, w.Step, w.Stage, w.At, m.Path!));
        })
        select toSeq(points);

    // ---- retention lock --------------------------------------------------------------------------------------

    /// <summary>Lock-Run / Unlock-Run: records the change as an event (nothing when the run already is so).</summary>
    public static Fin<RunManifest> SetRetentionLock(string run, bool locked, string? reason) =>
        RunStore.Update(run, m => RunCommands.SetRetentionLock(m, locked, reason, Clock.Now));

    // ---- removal ---------------------------------------------------------------------------------------------

    /// <summary>Whether the run may be removed now (<see cref="RetentionPlan.Removable"/>): it is not locked, and unless
    /// forced, no live process works on it and no other run references it.</summary>
    /// <param name="referencedBy">The references to the run (at its full path) from the runs around it now.</param>
    public static Fin<RunManifest> CheckRemovable(string run, bool force, Func<RunManifest, string, Seq<RunReference>> referencedBy) =>
        from m in RunStore.Read(run)
        let live = RunStore.Observe(m, Liveness.DefaultStaleAfter).Status == RunStatus.Running
        from _ in RetentionPlan.Removable(RetentionRun.Of(m, m.Path!, live), referencedBy(m, m.Path!), force)
        select m;

    /// <summary>Moves the run into the root's hidden work area with one rename (so it disappears whole), then deletes
    /// it. <see cref="CheckRemovable"/> is made again under the run's lock (a plan or a confirmation prompt can be old),
    /// so a run locked or referenced meanwhile stays; and no writer is half way through an update when the run goes: on
    /// Unix the lock is held across the rename; Windows cannot rename a directory with a file open inside, so there it
    /// is released just before.</summary>
    public static Fin<Unit> Remove(string run, bool force, Func<RunManifest, string, Seq<RunReference>> referencedBy)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(run));
        var root = Path.GetDirectoryName(full)!;
        var trash = Path.Combine(root, RunLayout.RootWorkArea, RunLayout.Trash, RunLayout.StagingName(SystemInfo.Writer, Guid.NewGuid()));
        var locked = RunLock.Acquire(full, RunLock.DefaultTimeout);
        if (locked.IsFail) return locked.Map(_ => unit);
        var held = (RunLock)locked;
        try
        {
            var check = CheckRemovable(full, force, referencedBy);
            if (check.IsFail) return check.Map(_ => unit);
            Directory.CreateDirectory(Path.GetDirectoryName(trash)!);
            if (OperatingSystem.IsWindows()) held.Dispose();
            Directory.Move(full, trash);
            RunIndexStore.Removed(root, Path.GetFileName(full));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<Unit>(new StorageFailed(full, "remove", e.Message));
        }
        finally
        {
            held.Dispose();
        }
        try
        {
            Directory.Delete(trash, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The run is gone from the root; a leftover in .runtools/trash is removed by the next Remove-Run.
        }
        // Other removals' leftovers, of writers that are gone (an import may hold a run in the trash until its
        // replacement is in place).
        Leftovers.Remove(Leftovers.InRoot(root).Filter(l => l.Kind == Leftovers.TrashFolder));
        return unit;
    }

}
