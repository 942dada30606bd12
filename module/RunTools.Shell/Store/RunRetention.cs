using LanguageExt.Common;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Retention;

namespace RunTools.Shell.Store;

/// <summary>
/// The shell around <see cref="RetentionPlan"/> for one Remove-Run: reads the runs a policy applies to and what the
/// runs under their roots reference, then removes runs with the plan's checks made again under each run's lock. The
/// lineage of a run never changes after it is created, so each run under a root is read once; a check only reads the
/// runs that appeared since.
/// </summary>
public sealed class RunRetention
{
    /// <summary>Per root (full path), per run directory under it: the references the run makes.</summary>
    readonly Dictionary<string, Dictionary<string, Seq<RunReference>>> lineage = new(StringComparer.Ordinal);

    /// <summary>Every reference made by a run read so far.</summary>
    public Seq<RunReference> References =>
        toSeq(lineage.Values.SelectMany(runs => runs.Values).SelectMany(refs => refs)).Strict();

    /// <summary>Every run directly under a root, as retention sees it; a run that cannot be read is returned with its
    /// error (it is never removed, and what it references is not known).</summary>
    public (Seq<RetentionRun> Runs, Seq<(string Path, Error Error)> Unreadable) Scan(string root)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var runs = new List<RetentionRun>();
        var unreadable = new List<(string, Error)>();
        foreach (var directory in RunStore.List(full))
            Read(directory).Match(Succ: r => runs.Add(r), Fail: e => unreadable.Add((directory, e)));
        return (toSeq(runs), toSeq(unreadable));
    }

    /// <summary>One run, with whether a live process works on it; its references are remembered.</summary>
    public Fin<RetentionRun> Read(string run)
    {
        try
        {
            return RunStore.Read(run).Map(m =>
            {
                Remember(m);
                return RetentionRun.Of(m, m.Path!, RunStore.Observe(m, Liveness.DefaultStaleAfter).Status == RunStatus.Running);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<RetentionRun>(new StorageFailed(run, "read", e.Message));
        }
    }

    /// <summary>Removes a run unless, under its lock, it turns out to be locked, referenced by a run under its root now,
    /// or (without force) live.</summary>
    public Fin<Unit> Remove(string run, bool force) => RunOperations.Remove(run, force, ReferencesTo);

    /// <summary>The references to the run from the runs under its root now: the directories there are listed again,
    /// runs that are gone no longer count, runs not seen before are read, and a run that cannot be read counts as a
    /// reference (what it refers to is not known).</summary>
    Seq<RunReference> ReferencesTo(RunManifest run, string path)
    {
        var root = Path.GetDirectoryName(path)!;
        var known = Known(root);
        var found = new List<RunReference>();
        foreach (var directory in RunStore.List(root))
        {
            if (directory == path) continue;
            if (!known.TryGetValue(directory, out var refs))
            {
                var read = RunStore.Read(directory);
                if (read.IsFail)
                {
                    // A run that cannot be read may refer to this one: its lineage is not known, so it holds the run
                    // (until it is repaired, or -Force).
                    found.Add(new RunReference(run.RunId, $"{Path.GetFileName(directory)} (unreadable: its lineage is not known)", directory, "unknown"));
                    continue;
                }
                Remember((RunManifest)read);
                refs = known[directory];
            }
            found.AddRange(refs.Filter(r => r.Run == run.RunId));
        }
        return toSeq(found);
    }

    void Remember(RunManifest m)
    {
        var path = m.Path!;
        Known(Path.GetDirectoryName(path)!)[path] = RunReference.Of(m, path);
    }

    Dictionary<string, Seq<RunReference>> Known(string root)
    {
        if (!lineage.TryGetValue(root, out var runs)) lineage[root] = runs = new Dictionary<string, Seq<RunReference>>(StringComparer.Ordinal);
        return runs;
    }
}
