using System.Security.Cryptography;
using RunTools.Bundles;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Shell.Bundles;

/// <summary>An export ready to write: the runs as read (at rest, or -Force), and where the bundle goes.</summary>
public sealed record ExportPlan(string Destination, bool Replace, Seq<RunManifest> Runs);

/// <summary>
/// Writes run bundles. Read (each run's manifest; its files, each read once: hashed, CRC'd and deflated into a
/// hidden spool file beside the bundle) → decide (the core makes bundle.json and its tree hashes) → write (bundle.json,
/// the spooled entries and the central directory into a hidden temporary file, renamed over the destination).
/// </summary>
public static class BundleExport
{
    /// <param name="runs">Run directories (full paths); the same run given twice is exported once.</param>
    /// <param name="force">Export runs a live process is working on; replace an existing destination.</param>
    public static Fin<ExportPlan> Plan(Seq<string> runs, string destination, bool force)
    {
        if (Directory.Exists(destination)) return FinFail<ExportPlan>(new OutputExists(destination));
        if (File.Exists(destination) && !force) return FinFail<ExportPlan>(new OutputExists(destination));
        var distinct = toSeq(runs.Distinct(StringComparer.Ordinal).ToArray());
        return from manifests in distinct.Map(r => AtRest(r, force)).Sequence()
               from _ in Distinct(manifests)
               select new ExportPlan(destination, File.Exists(destination), manifests);
    }

    static Fin<RunManifest> AtRest(string run, bool force) =>
        from m in RunStore.Read(run)
        let observed = RunStore.Observe(m, Liveness.DefaultStaleAfter)
        from _ in (observed.Status == RunStatus.Running || !observed.Live.IsEmpty) && !force
            ? FinFail<Unit>(new RunInUse(m.Path!, "a live process is working on it; export it when it has finished, or use -Force"))
            : FinSucc(unit)
        select m;

    /// <summary>A bundle holds one run per directory name and per id.</summary>
    static Fin<Unit> Distinct(Seq<RunManifest> runs)
    {
        foreach (var group in runs.GroupBy(r => Path.GetFileName(r.Path!), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            return FinFail<Unit>(new BundleEntryUnsafe(group.Last().Path!, $"another run to export has the directory name '{Path.GetFileName(group.First().Path!)}' ({group.First().Path}); a bundle holds one run per name"));
        foreach (var group in runs.GroupBy(r => r.RunId).Where(g => g.Count() > 1))
            return FinFail<Unit>(new BundleEntryUnsafe(group.Last().Path!, $"it has the run id {group.Key} of '{group.First().Path}' (a copy?); a bundle holds one run per id"));
        return unit;
    }

    public static Fin<BundleInfo> Execute(ExportPlan plan)
    {
        var spoolPath = Path.Combine(Path.GetDirectoryName(plan.Destination)!,
            RunLayout.TempName(Path.GetFileName(plan.Destination) + ".entries", SystemInfo.Writer, Guid.NewGuid()));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(spoolPath)!);
            using var spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            var written = WriteEntries(plan.Runs, spool);
            if (written.IsFail) return written.Map(_ => default(BundleInfo)!);
            var (manifest, entries) = ((BundleManifest, List<ZipEntryRecord>))written;
            // Never write a bundle that an import would refuse (names that differ only in case, say).
            var check = BundleCheck.Manifest(manifest, plan.Destination);
            if (check.IsFail) return check.Map(_ => default(BundleInfo)!);

            string sha = "";
            long bytes = 0;
            AtomicFile.Write(plan.Destination, target =>
            {
                using var hashing = new HashingStream(target);
                var zip = new ZipWriter(hashing);
                var head = zip.AddBytes(BundleEntries.ManifestEntry, BundleJson.Encode(manifest));
                var shift = hashing.Written;
                spool.Position = 0;
                spool.CopyTo(hashing, 1 << 20);
                zip.Finish([head, .. entries.Select(e => e.Shifted(shift))]);
                sha = hashing.Sha256();
                bytes = hashing.Written;
            }, overwrite: plan.Replace);
            return new BundleInfo(plan.Destination, manifest.Runs.Map(r => r.Name).ToArray(), manifest.Files, bytes, sha, manifest.TreeSha256,
                manifest.Bytes);
        }
        catch (IOException) when (File.Exists(plan.Destination) && !plan.Replace)
        {
            return FinFail<BundleInfo>(new OutputExists(plan.Destination)); // created by someone else meanwhile
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<BundleInfo>(new StorageFailed(plan.Destination, "write", e.Message));
        }
    }

    /// <summary>Every run's files into the spool, each read once; then each run's manifest again: a run that got a new
    /// event meanwhile was being written to, and its files may not fit together.</summary>
    static Fin<(BundleManifest, List<ZipEntryRecord>)> WriteEntries(Seq<RunManifest> runs, Stream spool)
    {
        var zip = new ZipWriter(spool);
        var records = new List<ZipEntryRecord>();
        var listed = new List<(string, Guid, string, string?, long, Seq<BundleFile>)>();
        foreach (var run in runs.OrderBy(r => Path.GetFileName(r.Path!), StringComparer.Ordinal))
        {
            var name = Path.GetFileName(run.Path!);
            var found = RunFiles(run.Path!);
            if (found.IsFail) return found.Map(_ => default((BundleManifest, List<ZipEntryRecord>)));
            var files = new List<BundleFile>();
            foreach (var (full, relative, length) in (Seq<(string, string, long)>)found)
            {
                var entry = BundleEntries.EntryName(name, relative);
                if (BundleEntries.Parse(entry).Case is BundleEntryUnsafe unsafeName)
                    return FinFail<(BundleManifest, List<ZipEntryRecord>)>(new BundleEntryUnsafe(full, $"its entry in a bundle would be refused: {unsafeName.Detail}"));
                try
                {
                    using var source = OwnFiles.OpenRead(full);
                    using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    records.Add(zip.AddFile(entry, source, length, sha));
                    files.Add(new BundleFile(relative, Convert.ToHexStringLower(sha.GetHashAndReset()), length));
                }
                catch (FileChangedException e)
                {
                    return FinFail<(BundleManifest, List<ZipEntryRecord>)>(new RunInUse(run.Path!, $"'{relative}' changed while it was being exported ({e.Message}); export it again when nothing writes to it"));
                }
                catch (NotPlainFileException e)
                {
                    return FinFail<(BundleManifest, List<ZipEntryRecord>)>(new BundleEntryUnsafe(full, $"{e.Message} A bundle holds only plain files."));
                }
            }
            var now = RunStore.Read(run.Path!);
            if (now.IsFail) return now.Map(_ => default((BundleManifest, List<ZipEntryRecord>)));
            var after = (RunManifest)now;
            if (after.ChainHead != run.ChainHead || after.EventCount != run.EventCount)
                return FinFail<(BundleManifest, List<ZipEntryRecord>)>(new RunInUse(run.Path!, "it got new events while it was being exported; export it again when nothing writes to it"));
            listed.Add((name, run.RunId, run.Key, run.ChainHead, run.EventCount, toSeq(files)));
        }
        records.Sort((a, b) => StringComparer.Ordinal.Compare(a.Name, b.Name));
        return (BundleManifest.Of(toSeq(listed)), records);
    }

    /// <summary>The files of a run: everything but its locks, lock tickets and heartbeats (<see cref="RunLayout.Volatile"/>)
    /// and RunTools' temporary files. A symbolic link anywhere in the run is refused: a bundle holds plain files, and a
    /// link could carry files from outside the run into it.</summary>
    public static Fin<Seq<(string Full, string Relative, long Bytes)>> RunFiles(string run)
    {
        var files = new List<(string, string, long)>();
        var pending = new Stack<(DirectoryInfo Directory, string Prefix)>();
        pending.Push((new DirectoryInfo(run), ""));
        try
        {
            while (pending.Count > 0)
            {
                var (directory, prefix) = pending.Pop();
                foreach (var item in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false }))
                {
                    var relative = prefix + item.Name;
                    if (item is FileInfo && item.LinkTarget is null && RunLayout.IsVolatileFile(relative)) continue;
                    if (item is FileInfo && RunLayout.IsVolatile(relative))
                        return FinFail<Seq<(string, string, long)>>(new BundleEntryUnsafe(item.FullName,
                            "it is in the run's lock or heartbeat folder but is neither a lock ticket nor a heartbeat (Test-Run reports it as Extra); a bundle never holds such folders"));
                    if (item.LinkTarget is not null || item.Attributes.HasFlag(FileAttributes.ReparsePoint))
                        return FinFail<Seq<(string, string, long)>>(new BundleEntryUnsafe(item.FullName, "it is a symbolic link; a bundle holds only plain files, and a run that links elsewhere is not exported"));
                    if (item is DirectoryInfo sub) pending.Push((sub, relative + "/"));
                    else if (!RunLayout.IsTemp(item.Name)) files.Add((item.FullName, relative, ((FileInfo)item).Length));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<Seq<(string, string, long)>>(new StorageFailed(run, "read", e.Message));
        }
        return toSeq(files.OrderBy(f => f.Item2, StringComparer.Ordinal).ToArray());
    }
}
