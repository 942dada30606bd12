using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Stages;

/// <summary>A completed stage whose result no longer follows from what it used, and why.</summary>
public sealed record StaleStage(string Stage, string Reason)
{
    public override string ToString() => $"{Stage}: {Reason}";
}

/// <summary>A run this run was made from (its parent, an upstream run, the training run whose model it scored) that
/// changed or is gone since, and how.</summary>
public sealed record StaleSource(string RunName, string Relation, string Reason)
{
    public override string ToString() => $"{Relation} {RunName}: {Reason}";
}

/// <summary>A run's staleness as of now: what it is made of, looked at (see <see cref="Freshness"/>).</summary>
public sealed record RunStaleness(Seq<StaleStage> Stages, Seq<StaleSource> Sources)
{
    public static readonly RunStaleness Fresh = new(Seq<StaleStage>(), Seq<StaleSource>());

    public bool IsStale => !Stages.IsEmpty || !Sources.IsEmpty;

    /// <summary>Each finding in words: "evaluate: inputs changed: data.csv", "parent exp: the run was removed".</summary>
    public Seq<string> Reasons => Stages.Map(s => s.ToString()).Concat(Sources.Map(s => s.ToString()));
}

/// <summary>What a run's freshness depends on that is outside its manifest, as the shell saw it at read time.</summary>
/// <param name="Inputs">Each recorded input of a completed stage (by path) as it is now: its hash, or None when it is
/// gone. Inputs the shell saw unchanged (same size, not modified since the stage ended) may be left out.</param>
/// <param name="Runs">The runs this run refers to (lineage, <c>-DependsOn run:stage</c>), by run id; a run that is
/// gone is absent.</param>
/// <param name="Unlocated">Runs referred to that could not be looked for (recorded without their directory, and not
/// beside this run): neither found nor known to be gone, so nothing is said about them.</param>
public sealed record FreshnessSeen(Map<string, Option<FileHash>> Inputs, Map<Guid, RunManifest> Runs, Set<Guid> Unlocated = default);

/// <summary>
/// Staleness, derived at read time (never stored): a completed stage is stale when an input it read changed, when a
/// stage it depends on (in this run or another) now has other outputs than it used, or when a stage it depends on is
/// itself stale; a run is stale when a run it was made from was removed, re-ran a stage after it was made from it,
/// or (for an inference) no longer has the model files it scored with. Re-invoking a stale stage runs it again,
/// since its fingerprint differs.
/// </summary>
public static class Freshness
{
    public static Seq<StaleStage> Stages(RunManifest m, FreshnessSeen seen)
    {
        var stale = new List<StaleStage>();
        foreach (var stage in m.Stages.Filter(s => s.Status == StageStatus.Completed))
        {
            var reasons = new List<string>();
            var changed = stage.Inputs.Filter(i => seen.Inputs.Find(i.Path).Match(now => now.Match(h => h.Sha256 != i.Sha256, () => true), () => false));
            if (!changed.IsEmpty) reasons.Add($"inputs changed: {string.Join(", ", changed.Map(i => i.Path))}");
            var upstream = UpstreamChanges(m, stage, seen, stale);
            if (!upstream.IsEmpty) reasons.Add($"upstream changed: {string.Join(", ", upstream)}");
            if (reasons.Count > 0) stale.Add(new StaleStage(stage.Name, string.Join("; ", reasons)));
        }
        return toSeq(stale);
    }

    /// <summary>The stages this one depends on that now have other outputs than it used, or are stale themselves.</summary>
    static Seq<string> UpstreamChanges(RunManifest m, StageRecord stage, FreshnessSeen seen, List<StaleStage> staleSoFar)
    {
        var result = new List<string>();
        if (stage.Fingerprint is { } fingerprint)
        {
            foreach (var part in fingerprint.Parts.Filter(p => p.Kind == FingerprintKinds.Upstream))
            {
                var split = part.Name.LastIndexOf(':');
                if (split < 0)
                {
                    var now = m.Stage(part.Name);
                    if (now is null || now.Status != StageStatus.Completed) result.Add($"{part.Name} ({(now is null ? "gone" : Lifecycle.Text(now.Status))})");
                    else if (FingerprintPart.FilesHash(now.Outputs) != part.Sha256) result.Add($"{part.Name} (attempt {now.Attempt} wrote other outputs)");
                    else if (staleSoFar.Exists(s => s.Stage == part.Name)) result.Add($"{part.Name} (stale)");
                    continue;
                }
                var (runName, stageName) = (part.Name[..split], part.Name[(split + 1)..]);
                var other = seen.Runs.Values.Find(r => r.Name == runName).MatchUnsafe(r => r, () => null);
                var outputs = other?.Stage(stageName) is { Status: StageStatus.Completed } s ? FingerprintPart.FilesHash(s.Outputs) : null;
                if (other is null) result.Add($"{part.Name} (the run is gone)");
                else if (outputs != part.Sha256) result.Add($"{part.Name} (other outputs now)");
            }
        }
        else
        {
            // Recorded before fingerprints: a dependency that ran again after this stage started.
            foreach (var dep in stage.DependsOn)
                if (m.Stage(dep) is { } d && (d.Status != StageStatus.Completed || d.StartedAt > stage.StartedAt))
                    result.Add($"{dep} (ran again after it)");
        }
        return toSeq(result);
    }

    /// <summary>The runs this run was made from that are gone or changed since.</summary>
    public static Seq<StaleSource> Sources(RunManifest m, FreshnessSeen seen) =>
        m.Lineage.Filter(l => (l.Relation is Lineage.Parent or Lineage.Upstream or Lineage.Model) && !seen.Unlocated.Contains(l.RunId))
            .GroupBy(l => (l.RunId, l.Relation))
            .Map(g => Source(m, g.ToSeq(), seen))
            .Somes()
            .ToSeq()
            .Strict();

    static Option<StaleSource> Source(RunManifest m, Seq<LineageRef> refs, FreshnessSeen seen)
    {
        var first = refs.Head;
        if (seen.Runs.Find(first.RunId).Case is not RunManifest source)
            return new StaleSource(first.RunName, first.Relation, "the run was removed");
        if (first.Relation == Lineage.Model)
        {
            var changed = refs.Filter(r => r.Path is { } path && source.Artifacts.Find(a => a.Path == path).Match(a => a.Sha256 != r.Sha256, () => true))
                .Map(r => r.Path!);
            return changed.IsEmpty
                ? None
                : Some(new StaleSource(source.Name, first.Relation, $"the model files changed (re-trained?): {string.Join(", ", changed.Take(3))}{(changed.Count > 3 ? ", ..." : "")}"));
        }
        var reran = source.Stages.Filter(s => s.Attempt > 1 && s.StartedAt > m.CreatedAt).Map(s => $"{s.Name} (attempt {s.Attempt})");
        return reran.IsEmpty
            ? None
            : Some(new StaleSource(source.Name, first.Relation, $"ran stages again after this run was made from it: {string.Join(", ", reran)}"));
    }
}
