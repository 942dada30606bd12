using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Stages;

namespace RunTools.Shell.Store;

/// <summary>Looks at what a run's freshness depends on: the inputs its completed stages read (hashed only when their
/// size differs or they were modified after the stage ended), and the runs it refers to (found beside it under the
/// same root, checked by run id).</summary>
public static class RunFreshness
{
    public static RunStaleness Of(RunManifest m)
    {
        var (runs, unlocated) = Runs(m);
        var seen = new FreshnessSeen(Inputs(m), runs, unlocated);
        return new RunStaleness(Freshness.Stages(m, seen), Freshness.Sources(m, seen));
    }

    static Map<string, Option<FileHash>> Inputs(RunManifest m)
    {
        var result = Map<string, Option<FileHash>>(); // a Map holds no null: a gone input is None
        foreach (var stage in m.Stages.Filter(s => s.Status == StageStatus.Completed))
            foreach (var input in stage.Inputs)
            {
                if (result.ContainsKey(input.Path)) continue;
                var full = Path.IsPathRooted(input.Path) ? input.Path : Path.Combine(m.Path!, input.Path);
                var info = new FileInfo(full);
                if (!info.Exists) result = result.Add(input.Path, Option<FileHash>.None);
                else if (info.Length != input.Bytes || info.LastWriteTimeUtc > (stage.EndedAt ?? stage.StartedAt).UtcDateTime)
                    result = result.Add(input.Path, FileInspector.Hash(full, input.Path).Match(Some, _ => Option<FileHash>.None));
            }
        return result;
    }

    /// <summary>The runs named by the lineage (at the directory recorded for them, else beside this run) and by the
    /// stages' cross-run dependencies (beside this run) that still exist; and the lineage runs that could not be looked
    /// for (no directory recorded, and not beside this run).</summary>
    static (Map<Guid, RunManifest> Found, Set<Guid> Unlocated) Runs(RunManifest m)
    {
        var root = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(m.Path!)))!;
        var found = Map<Guid, RunManifest>();
        var unlocated = Set<Guid>();
        RunManifest? At(string? directory, Guid? id)
        {
            if (directory is null || !RunStore.IsRun(directory) || RunStore.Read(directory).Case is not RunManifest run) return null;
            return id is { } expected && run.RunId != expected ? null : run;
        }
        string? Beside(string name) => name == Path.GetFileName(name) ? Path.Combine(root, name) : null; // a name, never a path
        foreach (var reference in m.Lineage.DistinctBy(l => l.RunId))
        {
            var run = At(reference.Directory, reference.RunId) ?? At(Beside(reference.RunName), reference.RunId);
            if (run is not null) found = found.AddOrUpdate(run.RunId, run);
            else if (reference.Directory is null) unlocated = unlocated.TryAdd(reference.RunId);
        }
        var dependencies = m.Stages.Bind(s => s.Fingerprint?.Parts ?? Seq<FingerprintPart>())
            .Filter(p => p.Kind == FingerprintKinds.Upstream && p.Name.Contains(':'))
            .Map(p => p.Name[..p.Name.LastIndexOf(':')])
            .Distinct();
        foreach (var name in dependencies)
            if (At(Beside(name), null) is { } run) found = found.AddOrUpdate(run.RunId, run);
        return (found, unlocated);
    }
}
