using System.Security.Cryptography;
using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Stages;

namespace RunTools.Shell.Store;

/// <summary>
/// The stage cache (DVC's run-cache, scoped to run directories): which completed stages under a runs root did which
/// work. A completed attempt with a complete fingerprint leaves one small file under
/// <c>&lt;root&gt;/.runtools/stage-cache/&lt;key&gt;/</c> naming its run and stage; a stage about to run looks there, and at its
/// own ancestors (<c>New-Run -From</c>), for an attempt with the same fingerprint key. The index is only a hint:
/// every candidate's manifest is read and checked (see <see cref="StagePlanner.Reusable"/>), so a stale, missing or
/// hand-edited entry can cost a lookup but never serve wrong files.
/// </summary>
public static class StageCache
{
    /// <summary>How many generations of parents are searched.</summary>
    const int MaxAncestors = 32;

    /// <summary>The completed stages of the same name, with the same fingerprint key, in the run's ancestors and in the
    /// runs the index names for the key (nearest ancestor first).</summary>
    public static Seq<CacheCandidate> Candidates(RunManifest manifest, string stage, StageFingerprint fingerprint)
    {
        var root = RootOf(manifest.Path!);
        var seen = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal) { Path.GetFullPath(manifest.Path!) };
        var result = new List<CacheCandidate>();
        void Consider(RunManifest other)
        {
            if (other.Stage(stage) is { Status: StageStatus.Completed, Fingerprint: { } had } s && had.Key == fingerprint.Key)
                result.Add(Candidate(other, s));
        }
        foreach (var parent in Ancestors(manifest, seen)) Consider(parent);
        foreach (var path in Indexed(root, fingerprint.Key))
            if (seen.Add(path) && RunStore.Read(path).Case is RunManifest other) Consider(other);
        return toSeq(result);
    }

    /// <summary>Notes a completed stage in the index (best effort: the index is a hint, and a run is never failed for it).</summary>
    public static void Record(RunManifest manifest, string stage)
    {
        if (manifest.Stage(stage) is not { Status: StageStatus.Completed, Fingerprint: { IsComplete: true } fingerprint }) return;
        var run = Path.GetFullPath(manifest.Path!);
        var directory = Path.Combine(RootOf(run), RunLayout.RootWorkArea, RunLayout.StageCache, fingerprint.Key);
        var entry = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{manifest.RunId}/{stage}")))[..32];
        try
        {
            Directory.CreateDirectory(directory);
            AtomicFile.WriteText(Path.Combine(directory, entry), $"{Path.GetFileName(run)}\n{stage}\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the entry, a later run finds this stage only through its lineage.
        }
    }

    /// <summary>The runs the index names for a key (directories under the root that exist).</summary>
    static IEnumerable<string> Indexed(string root, string key)
    {
        var directory = Path.Combine(root, RunLayout.RootWorkArea, RunLayout.StageCache, key);
        if (!Directory.Exists(directory)) yield break;
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (Path.GetFileName(file).StartsWith('.')) continue;
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (IOException)
            {
                continue;
            }
            // A run's directory name, never a path: an entry cannot point outside the root.
            if (lines.Length < 1 || lines[0].Length == 0 || lines[0] != Path.GetFileName(lines[0]) || lines[0] is "." or "..") continue;
            var run = Path.Combine(root, lines[0]);
            if (RunStore.IsRun(run)) yield return Path.GetFullPath(run);
        }
    }

    /// <summary>The run's parents (New-Run -From), their parents, and so on, found beside it under the same root and
    /// checked by run id.</summary>
    static IEnumerable<RunManifest> Ancestors(RunManifest manifest, System.Collections.Generic.HashSet<string> seen)
    {
        var current = manifest;
        for (var depth = 0; depth < MaxAncestors; depth++)
        {
            var parent = current.Lineage.Find(l => l.Relation == Lineage.Parent).MatchUnsafe(l => l, () => null);
            if (parent is null) yield break;
            var path = Path.GetFullPath(Path.Combine(RootOf(current.Path!), parent.RunName));
            if (!seen.Add(path) || RunStore.Read(path).Case is not RunManifest read || read.RunId != parent.RunId) yield break;
            yield return read;
            current = read;
        }
    }

    /// <summary>A candidate with its files as they are now: a file whose size differs from what was recorded is
    /// reported as changed (its hash is checked when it is brought over).</summary>
    static CacheCandidate Candidate(RunManifest run, StageRecord stage)
    {
        FileHash? Now(FileHash recorded)
        {
            var full = Path.Combine(run.Path!, recorded.Path);
            return File.Exists(full) && new FileInfo(full).Length == recorded.Bytes ? recorded : null;
        }
        return new CacheCandidate(run.Name, run.RunId, run.Path!, stage,
            run.Artifacts.Filter(a => a.Stage == stage.Name),
            run.Metrics.Filter(m => m.Stage == stage.Name),
            run.FoldPlans.Filter(p => p.Stage == stage.Name),
            stage.Outputs.Concat(run.Artifacts.Filter(a => a.Stage == stage.Name).Map(a => new FileHash(a.Path, a.Sha256, a.Bytes)))
                .Map(f => (f.Path, Now(f))).Strict());
    }

    static string RootOf(string run) => Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(run)))!;
}
