using System.IO.Compression;
using System.Security.Cryptography;
using LanguageExt.Common;
using RunTools.Bundles;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;

namespace RunTools.Shell.Bundles;

/// <summary>What Import-RunBundle was asked for, paths already full.</summary>
public sealed record ImportRequest(string Bundle, string Root, BundleLimits Limits, bool Force);

/// <summary>A run under the root that an imported run replaces (-Force): same directory name, or same run id.</summary>
public sealed record ReplacedRun(string Path, string Name, Guid RunId, string By);

/// <summary>An import that passed every check that needs no extraction: -WhatIf and the confirmation prompts stop here.</summary>
public sealed record ImportPlan(ImportRequest Request, BundleManifest Manifest, Seq<ReplacedRun> Replaced);

/// <summary>
/// Imports run bundles: read (the zip's entry list and bundle.json) → decide (the core checks names, kinds,
/// duplicates, the listing and the limits, and plans the extraction) → act: extract into a staging folder under
/// <c>&lt;root&gt;/.runtools/staging</c> counting and hashing every byte, read each staged run back and match it with
/// bundle.json, then rename each run into place. Until the renames nothing under the root is visible; a failed rename
/// undoes the ones before it, so a bundle's runs appear together or not at all.
/// </summary>
public static class BundleImport
{
    public static Fin<ImportPlan> Plan(ImportRequest request) =>
        from root in CheckRoot(request.Root)
        from read in Read(request, (manifest, _, _) => FinSucc(manifest))
        from replaced in Conflicts(request, read)
        select new ImportPlan(request, read, replaced);

    /// <summary>Imports the bundle as planned (its checks are made again: the file may have changed since) and returns
    /// the imported runs as read from their final place.</summary>
    public static Fin<Seq<RunManifest>> Execute(ImportPlan plan) =>
        Read(plan.Request, (manifest, items, archive) =>
            from replaced in Conflicts(plan.Request, manifest)
            from _ in replaced.Find(r => !plan.Replaced.Exists(p => p.Path == r.Path)).Match(
                r => FinFail<Unit>(new RunExists(r.Path, $"it appeared while the import was being confirmed ({r.By} in the bundle)")),
                () => FinSucc(unit))
            from placed in ExtractAndPlace(plan.Request, manifest, items, archive, replaced)
            select placed);

    static Fin<string> CheckRoot(string root)
    {
        if (File.Exists(root)) return FinFail<string>(new RunRootInvalid(root, "it is a file"));
        if (RunStore.IsRun(root)) return FinFail<string>(new RunRootInvalid(root, "it is a run directory, not a folder of runs"));
        return root;
    }

    // ---- reading and checking the zip -----------------------------------------------------------------------

    /// <summary>Opens the zip, reads bundle.json and the entry list, has the core check them, and hands the plan and
    /// the open archive to <paramref name="use"/>. A file that is not a zip (or a damaged one) is BundleInvalid.</summary>
    static Fin<T> Read<T>(ImportRequest request, Func<BundleManifest, Seq<ExtractionItem>, ZipArchive, Fin<T>> use)
    {
        var bundle = request.Bundle;
        if (!File.Exists(bundle)) return FinFail<T>(new BundleInvalid(bundle, "the file does not exist"));
        FileStream stream;
        try
        {
            stream = new FileStream(bundle, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<T>(new StorageFailed(bundle, "read", e.Message));
        }
        using (stream)
        {
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException e)
            {
                return FinFail<T>(new BundleInvalid(bundle, $"it is not a zip file, or a damaged one ({e.Message})"));
            }
            using (archive)
            {
                Seq<ZipEntryInfo> entries;
                try
                {
                    entries = toSeq(archive.Entries.Select(e => new ZipEntryInfo(e.FullName, e.CompressedLength, e.Length, unchecked((uint)e.ExternalAttributes))).ToArray());
                }
                catch (InvalidDataException e)
                {
                    return FinFail<T>(new BundleInvalid(bundle, $"its entry list is damaged ({e.Message})"));
                }
                return from manifest in ReadManifest(archive, request)
                       from plan in BundleCheck.Plan(manifest, entries, request.Limits, bundle)
                       from result in use(manifest, plan.Items, archive)
                       select result;
            }
        }
    }

    static Fin<BundleManifest> ReadManifest(ZipArchive archive, ImportRequest request)
    {
        var entry = archive.Entries.FirstOrDefault(e => e.FullName == BundleEntries.ManifestEntry);
        if (entry is null) return FinFail<BundleManifest>(new BundleInvalid(request.Bundle, $"it has no {BundleEntries.ManifestEntry}"));
        var limit = request.Limits.MaxManifestBytes;
        try
        {
            using var data = entry.Open();
            var buffer = new MemoryStream();
            var chunk = new byte[1 << 16];
            int n;
            while ((n = data.Read(chunk, 0, chunk.Length)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > limit)
                    return FinFail<BundleManifest>(new BundleTooLarge(BundleEntries.ManifestEntry, $"it holds more than {limit:N0} bytes"));
            }
            return BundleJson.Decode(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), request.Bundle);
        }
        catch (InvalidDataException e)
        {
            return FinFail<BundleManifest>(new BundleInvalid(request.Bundle, $"its {BundleEntries.ManifestEntry} cannot be read: {e.Message}"));
        }
    }

    /// <summary>Runs under the root that an imported run would collide with, by directory name or run id: each one is
    /// RunExists, unless -Force, which replaces runs (never anything that is not a run).</summary>
    static Fin<Seq<ReplacedRun>> Conflicts(ImportRequest request, BundleManifest manifest)
    {
        var problems = new List<RunError>();
        var replaced = new List<ReplacedRun>();
        var readable = RunStore.List(request.Root).Choose(dir => RunStore.Read(dir).Match(m => Some((Path: dir, Manifest: m)), _ => None)).Strict();
        // Copies of a run under one root share its id: each is a run the import would stand beside.
        var existing = readable.GroupBy(r => r.Manifest.RunId).ToDictionary(g => g.Key, g => g.Select(r => r.Path).ToList());
        var locked = readable.Filter(r => r.Manifest.Locked).Map(r => r.Path).ToHashSet();
        foreach (var run in manifest.Runs)
        {
            var target = Path.Combine(request.Root, run.Name);
            if (Directory.Exists(target) || File.Exists(target))
            {
                if (!RunStore.IsRun(target))
                    problems.Add(new RunExists(target, $"'{run.Name}' in the bundle would take its place, and it is not a run; RunTools never replaces it"));
                else if (locked.Contains(target))
                    problems.Add(new RunRetentionLocked(target, run.Name, "the bundle would replace it"));
                else if (!request.Force)
                    problems.Add(new RunExists(target, $"the bundle holds a run of the same name; use -Force to replace it"));
                else replaced.Add(new ReplacedRun(target, run.Name, ReadId(target), run.Name));
            }
            foreach (var same in existing.GetValueOrDefault(run.RunId, []).Where(p => !string.Equals(p, target, StringComparison.Ordinal)))
            {
                if (locked.Contains(same)) problems.Add(new RunRetentionLocked(same, Path.GetFileName(same), $"'{run.Name}' in the bundle has its run id"));
                else if (!request.Force) problems.Add(new RunExists(same, $"it has the run id {run.RunId} of '{run.Name}' in the bundle; use -Force to replace it"));
                else replaced.Add(new ReplacedRun(same, Path.GetFileName(same), run.RunId, run.Name));
            }
        }
        return problems.Count == 0
            ? toSeq(replaced.DistinctBy(r => r.Path).ToArray())
            : FinFail<Seq<ReplacedRun>>(BundleCheck.Combine(toSeq(problems)));

        static Guid ReadId(string run) => RunStore.Read(run).Match(m => m.RunId, _ => Guid.Empty);
    }

    // ---- extracting, verifying, placing ---------------------------------------------------------------------

    static Fin<Seq<RunManifest>> ExtractAndPlace(ImportRequest request, BundleManifest manifest, Seq<ExtractionItem> items, ZipArchive archive,
        Seq<ReplacedRun> replaced)
    {
        var work = Path.Combine(request.Root, RunLayout.RootWorkArea);
        var staging = Path.Combine(work, RunLayout.Staging, RunLayout.StagingName(SystemInfo.Writer, Guid.NewGuid()));
        var undone = true;
        try
        {
            Leftovers.Remove(Leftovers.InRoot(request.Root).Filter(l => l.Kind == Leftovers.StagingFolder));
            Directory.CreateDirectory(staging);
            foreach (var run in manifest.Runs) Directory.CreateDirectory(Path.Combine(staging, run.Name));
            var byName = archive.Entries.GroupBy(e => e.FullName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var item in items)
            {
                var extracted = Extract(byName[item.Entry], item, Path.Combine(staging, item.Run), request.Limits);
                if (extracted.IsFail) return extracted.Map(_ => Seq<RunManifest>());
            }
            var verified = manifest.Runs.Map(run => Verify(run, Path.Combine(staging, run.Name))).Sequence();
            if (verified.IsFail) return verified.Map(_ => Seq<RunManifest>());
            var placed = Place(request, manifest, staging, replaced, out undone);
            return undone ? placed : placed.Match(
                Succ: FinSucc,
                Fail: e => FinFail<Seq<RunManifest>>(new StorageFailed(staging, "import",
                    $"{e.Message}; a replaced run could not be put back and is kept in '{staging}' or the root's .runtools/trash")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<Seq<RunManifest>>(new StorageFailed(staging, "extract into", e.Message));
        }
        finally
        {
            // A staging folder that may hold a replaced run that could not be put back is kept.
            if (undone) TryDelete(staging);
        }
    }

    /// <summary>Writes one entry's bytes to its file in the staging folder, counting them as they come (never more
    /// than bundle.json lists: the zip's own sizes are not trusted) and hashing them.</summary>
    static Fin<Unit> Extract(ZipArchiveEntry entry, ExtractionItem item, string runDirectory, BundleLimits limits)
    {
        var path = Path.Combine(runDirectory, item.Path.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long count = 0;
        try
        {
            using var data = entry.Open();
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            var buffer = new byte[(int)Math.Min(1 << 20, item.Bytes + 1)];
            int n;
            while ((n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, item.Bytes + 1 - count))) > 0)
            {
                count += n;
                if (count > item.Bytes)
                    return FinFail<Unit>(new BundleTooLarge(item.Entry, $"it holds more than the {item.Bytes:N0} bytes bundle.json lists (its sizes in the zip are false)"));
                sha.AppendData(buffer, 0, n);
                file.Write(buffer, 0, n);
            }
            file.Flush(flushToDisk: true);
        }
        catch (InvalidDataException e)
        {
            return FinFail<Unit>(new BundleHashMismatch(item.Entry, $"its compressed data is damaged ({e.Message})"));
        }
        if (count != item.Bytes)
            return FinFail<Unit>(new BundleHashMismatch(item.Entry, $"it holds {count:N0} bytes; bundle.json lists {item.Bytes:N0}"));
        var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
        return actual == item.Sha256
            ? unit
            : FinFail<Unit>(new BundleHashMismatch(item.Entry, $"its SHA-256 is {actual[..12]}…; bundle.json lists {item.Sha256[..12]}…"));
    }

    /// <summary>A staged run verifies as Test-Run verifies it (its log line by line and its hash chain, run.json byte for
    /// byte against the replay, every file against its recorded hash; a crash's traces aside; its data inputs live
    /// elsewhere and are not checked), and is the run bundle.json describes: same id and key, and the history that was
    /// exported (the replayed log's chain head and event count).</summary>
    static Fin<RunManifest> Verify(BundleRun run, string staged)
    {
        var entry = $"{BundleEntries.RunsFolder}/{run.Name}/";
        var inspected = RunInspection.Inspect(staged, lineage: false);
        if (inspected.Case is Error error)
            return FinFail<RunManifest>(error is SchemaVersionUnsupported newer
                ? newer with { Path = entry + Path.GetRelativePath(staged, newer.Path.Split(':')[0]).Replace('\\', '/') }
                : new BundleHashMismatch(entry, $"it does not read as a run: {error.Message}"));
        var seen = (Verification.RunSeen)inspected;
        var bad = Verification.RunVerification.Check(seen).Filter(c => c.Kind != "input" && !c.Passed && c.StatusKind != Views.CheckStatus.Stale);
        if (!bad.IsEmpty)
            return FinFail<RunManifest>(new BundleHashMismatch(entry + bad.Head.Item, $"the run does not verify: {bad.Head.Status}{(bad.Head.Detail is { } d ? $" ({d})" : "")}"));
        var read = RunStore.Read(staged);
        if (read.Case is Error unreadable) return FinFail<RunManifest>(new BundleHashMismatch(entry, $"it does not read as a run: {unreadable.Message}"));
        var m = (RunManifest)read;
        var (head, events) = (seen.Log.Head, seen.Log.Replayed?.EventCount ?? 0);
        if (m.RunId != run.RunId || m.Key != run.Key)
            return FinFail<RunManifest>(new BundleHashMismatch(entry, $"it is the run {m.RunId} ({m.Key}); bundle.json lists {run.RunId} ({run.Key})"));
        if (head != run.ChainHead || events != run.EventCount)
            return FinFail<RunManifest>(new BundleHashMismatch(entry,
                $"its history ends at event {events} with chain head {Short(head)}; bundle.json lists event {run.EventCount} with {Short(run.ChainHead)}"));
        return m;
    }

    static string Short(string? hash) => hash is null ? "none" : hash[..Math.Min(12, hash.Length)] + "…";

    /// <summary>Puts each staged run in place, so that a killed import never leaves the root without a run it had nor
    /// with half of one: a run replaced by one of the same name is exchanged with it in one step where the file system
    /// can (the old run lands in the staging folder); new runs go in next; runs replaced under another name (same id)
    /// are moved to the trash only once the new runs are in place. Where no exchange is possible, a replaced run of the
    /// same name is moved to the trash right before its replacement is moved in. A failure undoes what was done, in
    /// reverse order; the trash is a folder of this writer's (see <see cref="RunLayout.StagingName"/>), so nobody else
    /// deletes it while the import may still need it.</summary>
    static Fin<Seq<RunManifest>> Place(ImportRequest request, BundleManifest manifest, string staging, Seq<ReplacedRun> replaced, out bool undone)
    {
        undone = true;
        var trash = Path.Combine(request.Root, RunLayout.RootWorkArea, RunLayout.Trash, RunLayout.StagingName(SystemInfo.Writer, Guid.NewGuid()));
        var done = new Stack<(string From, string To, bool Exchanged)>();
        Fin<Seq<RunManifest>> Failed(Fin<Seq<RunManifest>> error, ref bool undoneAll)
        {
            undoneAll = Undo(done);
            return error;
        }
        try
        {
            var targets = manifest.Runs.Map(run => (Run: run, Staged: Path.Combine(staging, run.Name), Target: Path.Combine(request.Root, run.Name))).Strict();
            var inPlace = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
            foreach (var (_, staged, target) in targets.Filter(t => replaced.Exists(r => r.Path == t.Target)))
            {
                var swapped = ExchangeLocked(staged, target);
                if (swapped.IsFail) return Failed(swapped.Map(_ => Seq<RunManifest>()), ref undone);
                if (!(bool)swapped) continue;
                inPlace.Add(target);
                done.Push((staged, target, true));
            }
            foreach (var (run, staged, target) in targets.Filter(t => !inPlace.Contains(t.Target)))
            {
                if (replaced.Find(r => r.Path == target).Case is ReplacedRun old)
                {
                    var moved = MoveLocked(old.Path, Path.Combine(trash, old.Name));
                    if (moved.IsFail) return Failed(moved.Map(_ => Seq<RunManifest>()), ref undone);
                    done.Push((old.Path, Path.Combine(trash, old.Name), false));
                }
                try
                {
                    Directory.Move(staged, target);
                }
                catch (IOException) when (Directory.Exists(target) || File.Exists(target))
                {
                    return Failed(FinFail<Seq<RunManifest>>(new RunExists(target, "another process created it during the import")), ref undone);
                }
                done.Push((staged, target, false));
                inPlace.Add(target);
            }
            foreach (var old in replaced.Filter(r => !inPlace.Contains(r.Path) && Directory.Exists(r.Path)))
            {
                var moved = MoveLocked(old.Path, Path.Combine(trash, old.Name));
                if (moved.IsFail) return Failed(moved.Map(_ => Seq<RunManifest>()), ref undone);
                done.Push((old.Path, Path.Combine(trash, old.Name), false));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(FinFail<Seq<RunManifest>>(new StorageFailed(request.Root, "move the imported runs into", e.Message)), ref undone);
        }
        TryDelete(trash);
        return manifest.Runs.Map(run => RunStore.Read(Path.Combine(request.Root, run.Name))).Sequence();
    }

    /// <summary>Exchanges a staged run with the run it replaces, under the old run's lock; false when the file system
    /// cannot exchange (the caller moves the old run away first).</summary>
    static Fin<bool> ExchangeLocked(string staged, string run)
    {
        var locked = RunLock.Acquire(run, RunLock.DefaultTimeout);
        if (locked.IsFail) return locked.Map(_ => false);
        using var held = (RunLock)locked;
        return Files.Directories.TryExchange(staged, run);
    }

    /// <summary>Renames a run away under its lock, so that no writer is half way through an update (on Windows, where
    /// a directory with an open file cannot be renamed, the lock is released just before).</summary>
    static Fin<Unit> MoveLocked(string run, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        var locked = RunLock.Acquire(run, RunLock.DefaultTimeout);
        if (locked.IsFail) return locked.Map(_ => unit);
        var held = (RunLock)locked;
        try
        {
            if (OperatingSystem.IsWindows()) held.Dispose();
            Directory.Move(run, to);
            return unit;
        }
        finally
        {
            held.Dispose();
        }
    }

    /// <summary>Undoes the moves done, in reverse order; false when one could not be undone (a replaced run may then be
    /// in the staging folder or the trash, which are then kept).</summary>
    static bool Undo(Stack<(string From, string To, bool Exchanged)> done)
    {
        var all = true;
        while (done.Count > 0)
        {
            var (from, to, exchanged) = done.Pop();
            try
            {
                if (exchanged) all &= Files.Directories.TryExchange(from, to);
                else Directory.Move(to, from);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                all = false;
            }
        }
        return all;
    }

    static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover under .runtools is removed by the next import or New-Run once this process is gone.
        }
    }
}
