using System.Collections.Concurrent;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;

namespace RunTools.Shell.Store;

/// <summary>What an interrupted write leaves behind: a hidden temporary file beside its destination, a staging folder
/// under the root's <c>.runtools/staging</c> (New-Run, Import-RunBundle), a folder in <c>.runtools/trash</c> that
/// Remove-Run renamed but could not delete, or a lock ticket of a writer that died while it waited.</summary>
public sealed record Leftover(string Path, string Kind, string Reason);

/// <summary>Finds and removes leftovers whose writer is gone. A leftover is only ever removed when the process named
/// in its name no longer runs on this host (or, from another host, after a day), so the work of a live writer is
/// never touched. One kind is not thrown away but finished: a staged copy that holds the registered content of the
/// artifact it stands in for (its writer died after registering it, before renaming it into place) is put in place.</summary>
public static class Leftovers
{
    /// <summary>The kind of a leftover that is put in place rather than removed.</summary>
    public const string StagedArtifact = "staged artifact";
    public const string StagingFolder = "staging folder";
    public const string TrashFolder = "trash folder";

    /// <summary>A temporary file or staging folder from another host is taken for a leftover after this long.</summary>
    public static readonly TimeSpan RemoteAfter = TimeSpan.FromDays(1);

    static readonly ConcurrentDictionary<string, bool> Cleaned = new(StringComparer.Ordinal);

    /// <summary>After a writer has loaded a run under its lock: when the load shows that a writer died mid-update (a
    /// cut-off line, or run.json behind the log), and once per process and run otherwise, remove that run's leftovers.
    /// Best effort: a leftover that cannot be removed now is removed later.</summary>
    public static Unit AfterLoad(string run, StoredRun stored)
    {
        if (stored.Log.TornTail || !stored.ManifestCurrent || Cleaned.TryAdd(run, true)) Remove(InRun(run, stored.Manifest));
        return unit;
    }

    /// <summary>Temporary files inside a run whose writer is gone; with the run's <paramref name="manifest"/>, the ones
    /// that hold the registered content of an artifact are <see cref="StagedArtifact"/>s.</summary>
    public static Seq<Leftover> InRun(string run, RunManifest? manifest = null)
    {
        var found = new List<Leftover>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(run, ".*.tmp", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
            {
                var name = System.IO.Path.GetFileName(file);
                if (RunLayout.WriterOf(name) is not { } writer) continue;
                var touched = File.GetLastWriteTimeUtc(file);
                if (!SystemInfo.MayBeWorking(writer, touched, RemoteAfter))
                    found.Add(Staged(run, file, writer, manifest) ?? new Leftover(file, "temporary file", $"written by process {writer.Pid} on {writer.Host}, which is gone"));
            }
            var queue = System.IO.Path.Combine(run, RunLayout.LockQueue);
            if (Directory.Exists(queue))
                foreach (var ticket in Directory.EnumerateFiles(queue, "*.ticket"))
                    if (!Files.OwnFiles.IsLocked(ticket) && Clock.UtcDateTime - File.GetLastWriteTimeUtc(ticket) > TimeSpan.FromSeconds(2))
                        found.Add(new Leftover(ticket, "lock ticket", "its writer stopped waiting without removing it"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A run being removed meanwhile, or a folder we may not read: nothing to clean there now.
        }
        return toSeq(found);
    }

    /// <summary>A dead writer's staged copy holding the registered content of the artifact it stands in for, whose own
    /// file does not hold it: the writer died between registering the artifact and renaming the copy into place.</summary>
    static Leftover? Staged(string run, string file, WriterId writer, RunManifest? manifest)
    {
        if (manifest is null || RunLayout.TargetOf(System.IO.Path.GetFileName(file)) is not { } target) return null;
        var destination = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, target);
        var relative = System.IO.Path.GetRelativePath(run, destination).Replace('\\', '/');
        if (manifest.Artifacts.Find(a => a.Path == relative).Case is not Artifact artifact || HashOf(file) != artifact.Sha256) return null;
        if (File.Exists(destination) && !RealPaths.IsLink(destination) && HashOf(destination) == artifact.Sha256) return null;
        return new Leftover(file, StagedArtifact,
            $"the registered content of {relative}, staged by process {writer.Pid} on {writer.Host}, which died before putting it in place; it is put in place");
    }

    static string? HashOf(string path) => FileInspector.Hash(path, path).Match(h => h.Sha256, _ => (string?)null);

    /// <summary>Staging and trash folders under a root whose writer is gone.</summary>
    public static Seq<Leftover> InRoot(string root)
    {
        var found = new List<Leftover>();
        var work = System.IO.Path.Combine(root, RunLayout.RootWorkArea);
        try
        {
            var staging = System.IO.Path.Combine(work, RunLayout.Staging);
            if (Directory.Exists(staging))
                foreach (var folder in Directory.EnumerateDirectories(staging))
                {
                    var touched = Directory.GetLastWriteTimeUtc(folder);
                    var writer = RunLayout.WriterOf(System.IO.Path.GetFileName(folder));
                    // A folder without a writer's name comes from an older RunTools: a day is long enough for any creation.
                    var gone = writer is null ? Clock.UtcDateTime - touched > RemoteAfter : !SystemInfo.MayBeWorking(writer, touched, RemoteAfter);
                    if (gone) found.Add(new Leftover(folder, StagingFolder, writer is null ? "left by an interrupted creation" : $"left by process {writer.Pid} on {writer.Host}, which is gone"));
                }
            var trash = System.IO.Path.Combine(work, RunLayout.Trash);
            if (Directory.Exists(trash))
                foreach (var folder in Directory.EnumerateDirectories(trash))
                {
                    // A folder of a writer that may still be working (an import holding the run it replaces until its
                    // replacement is in place) is never touched.
                    var writer = RunLayout.WriterOf(System.IO.Path.GetFileName(folder));
                    if (writer is null || !SystemInfo.MayBeWorking(writer, Directory.GetLastWriteTimeUtc(folder), RemoteAfter))
                        found.Add(new Leftover(folder, TrashFolder, "a removed run whose files were not all deleted"));
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return toSeq(found);
    }

    /// <summary>Removes leftovers (puts staged artifacts in place); returns the ones done.</summary>
    public static Seq<Leftover> Remove(Seq<Leftover> leftovers) =>
        leftovers.Filter(l =>
        {
            try
            {
                if (l.Kind == StagedArtifact && RunLayout.TargetOf(System.IO.Path.GetFileName(l.Path)) is { } target)
                    File.Move(l.Path, System.IO.Path.Combine(System.IO.Path.GetDirectoryName(l.Path)!, target), overwrite: true);
                else if (Directory.Exists(l.Path)) Directory.Delete(l.Path, recursive: true);
                else File.Delete(l.Path);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }).Strict();
}
