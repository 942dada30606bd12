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
        var seen = new FreshnessSeen(Inputs(m), Runs(m));
        return new RunStaleness(Freshness.Stages(m, seen), Freshness.Sources(m, seen));
    }

    static Map<string, FileHash?> Inputs(RunManifest m)
    {
        var result = Map<string, FileHash?>();
        foreach (var stage in m.Stages.Filter(s => s.Status == StageStatus.Completed))
            foreach (var input in stage.Inputs)
            {
                if (result.ContainsKey(input.Path)) continue;
                var full = Path.IsPathRooted(input.Path) ? input.Path : Path.Combine(m.Path!, input.Path);
                var info = new FileInfo(full);
                if (!info.Exists) result = result.Add(input.Path, null);
                else if (info.Length != input.Bytes || info.LastWriteTimeUtc > (stage.EndedAt ?? stage.StartedAt).UtcDateTime)
                    result = result.Add(input.Path, FileInspector.Hash(full, input.Path).Match(h => h, _ => (FileHash?)null));
            }
        return result;
    }

    /// <summary>The runs named by the lineage and by the stages' cross-run dependencies that still exist.</summary>
    static Map<Guid, RunManifest> Runs(RunManifest m)
    {
        var root = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(m.Path!)))!;
        var names = m.Lineage.Map(l => (l.RunName, (Guid?)l.RunId))
            .Concat(m.Stages.Bind(s => s.Fingerprint?.Parts ?? Seq<FingerprintPart>())
                .Filter(p => p.Kind == FingerprintKinds.Upstream && p.Name.Contains(':'))
                .Map(p => (p.Name[..p.Name.LastIndexOf(':')], (Guid?)null)))
            .Distinct();
        var result = Map<Guid, RunManifest>();
        foreach (var (name, id) in names)
        {
            if (name != Path.GetFileName(name)) continue; // a run's directory name, never a path
            var path = Path.Combine(root, name);
            if (!RunStore.IsRun(path) || RunStore.Read(path).Case is not RunManifest run) continue;
            if (id is { } expected && run.RunId != expected) continue;
            result = result.AddOrUpdate(run.RunId, run);
        }
        return result;
    }
}
