using System.Globalization;
using LanguageExt.Common;
using RunTools.Domain;

namespace RunTools.Bundles;

/// <summary>
/// The check of a bundle before anything is extracted: bundle.json against itself (names, duplicates, tree hashes),
/// the zip's entries against the rules for names and kinds, against bundle.json (every listed file present, nothing
/// unlisted, the same sizes) and against the limits. Each step reports every problem it finds (up to
/// <see cref="MaxReported"/>); the next step runs only when it found none. The result is the plan of what to extract.
/// The bytes themselves are checked while they are extracted (counted, and hashed against bundle.json).
/// </summary>
public static class BundleCheck
{
    public const int MaxReported = 20;

    /// <param name="bundle">The bundle's path, the target of problems of the bundle as a whole.</param>
    public static Fin<ExtractionPlan> Plan(BundleManifest manifest, Seq<ZipEntryInfo> entries, BundleLimits limits, string bundle)
    {
        var steps = new Func<Seq<RunError>>[]
        {
            () => ManifestProblems(manifest, bundle),
            () => EntryProblems(entries, limits, bundle),
            () => ListingProblems(manifest, entries),
            () => SizeProblems(manifest, entries, limits, bundle),
        };
        foreach (var step in steps)
        {
            var problems = step();
            if (!problems.IsEmpty) return FinFail<ExtractionPlan>(Combine(problems));
        }
        var items = manifest.Runs
            .Bind(r => r.Files.Map(f => new ExtractionItem(BundleEntries.EntryName(r.Name, f.Path), r.Name, f.Path, f.Sha256, f.Bytes)))
            .OrderBy(i => i.Entry, StringComparer.Ordinal)
            .ToSeq().Strict();
        return new ExtractionPlan(manifest, items);
    }

    /// <summary>bundle.json against itself: every run and path a safe name, none twice (also not in another case), the
    /// tree hashes those of the lists. An export checks what it wrote with this, so it never writes a bundle that an
    /// import would refuse.</summary>
    public static Fin<Unit> Manifest(BundleManifest manifest, string bundle)
    {
        var problems = ManifestProblems(manifest, bundle);
        return problems.IsEmpty ? unit : FinFail<Unit>(Combine(problems));
    }

    /// <summary>One error, or several as one (<see cref="ManyErrors"/>), at most <see cref="MaxReported"/>.</summary>
    public static Error Combine(Seq<RunError> problems) =>
        problems.Count == 1 ? problems.Head : Error.Many(problems.Take(MaxReported).Map(p => (Error)p).ToSeq());

    // ---- bundle.json ----------------------------------------------------------------------------------------

    static Seq<RunError> ManifestProblems(BundleManifest m, string bundle)
    {
        var problems = new List<RunError>();
        var runNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var runIds = new Dictionary<Guid, string>();
        foreach (var run in m.Runs)
        {
            var prefix = $"{BundleEntries.RunsFolder}/{run.Name}/";
            if (run.Name.Contains('/') || BundleEntries.Parse(prefix + BundleEntries.ManifestEntry).Case is BundleEntryUnsafe)
            {
                problems.Add(new BundleEntryUnsafe(prefix, $"'{run.Name}' cannot be a run directory name"));
                continue;
            }
            if (runNames.TryGetValue(run.Name, out var other))
                problems.Add(new BundleEntryUnsafe(prefix, other == run.Name ? "bundle.json lists the run twice" : $"bundle.json also lists the run '{other}', which differs only in case"));
            else runNames[run.Name] = run.Name;
            if (runIds.TryGetValue(run.RunId, out var sameId))
                problems.Add(new BundleEntryUnsafe(prefix, $"the run id {run.RunId} is also the id of '{sameId}'"));
            else runIds[run.RunId] = run.Name;
            problems.AddRange(FileListProblems(run));
        }
        if (problems.Count != 0) return toSeq(problems);
        foreach (var run in m.Runs)
            if (BundleTree.OfRun(run.Files) != run.TreeSha256)
                problems.Add(new BundleHashMismatch(bundle, $"the file list of run '{run.Name}' does not match its tree hash {Short(run.TreeSha256)} (bundle.json was edited)"));
        if (problems.Count == 0 && BundleTree.OfBundle(m.Runs) != m.TreeSha256)
            problems.Add(new BundleHashMismatch(bundle, $"the runs do not match the bundle's tree hash {Short(m.TreeSha256)} (bundle.json was edited)"));
        return toSeq(problems);
    }

    /// <summary>A run's listed paths: each a safe entry name, none twice (also not in another case), none both a file
    /// and a folder.</summary>
    static IEnumerable<RunError> FileListProblems(BundleRun run)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in run.Files)
        {
            var entry = BundleEntries.EntryName(run.Name, file.Path);
            if (BundleEntries.Parse(entry).Case is RunError unsafeEntry)
            {
                yield return unsafeEntry;
                continue;
            }
            if (seen.TryGetValue(file.Path, out var other))
            {
                yield return new BundleEntryUnsafe(entry, other == file.Path ? "bundle.json lists it twice" : $"bundle.json also lists '{BundleEntries.EntryName(run.Name, other)}', which differs only in case");
                continue;
            }
            seen[file.Path] = file.Path;
        }
        // A path that is also the folder of another ("a" and "a/b") cannot both be extracted.
        foreach (var file in run.Files)
            foreach (var folder in Folders(file.Path))
                if (seen.TryGetValue(folder, out var asFile))
                    yield return new BundleEntryUnsafe(BundleEntries.EntryName(run.Name, file.Path), $"'{asFile}' is listed as a file and is also its folder");
    }

    static IEnumerable<string> Folders(string path)
    {
        for (var i = path.IndexOf('/'); i >= 0; i = path.IndexOf('/', i + 1)) yield return path[..i];
    }

    // ---- the zip's entries ----------------------------------------------------------------------------------

    static Seq<RunError> EntryProblems(Seq<ZipEntryInfo> entries, BundleLimits limits, string bundle)
    {
        if (entries.Count > limits.MaxEntries)
            return Seq1<RunError>(new BundleTooLarge(bundle, string.Create(CultureInfo.InvariantCulture, $"the zip has {entries.Count} entries; the limit is {limits.MaxEntries}")));
        var problems = new List<RunError>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in entries)
        {
            var name = e.Name == BundleEntries.ManifestEntry ? Fin<Unit>.Succ(unit) : BundleEntries.Parse(e.Name).Map(_ => unit);
            var problem = name.Bind(_ => BundleEntries.CheckKind(e.Name, e.ExternalAttributes));
            if (problem.Case is RunError unsafeEntry) problems.Add(unsafeEntry);
            else if (seen.TryGetValue(e.Name, out var other))
                problems.Add(new BundleEntryUnsafe(e.Name, other == e.Name ? "the zip holds it twice" : $"the zip also holds '{other}', which differs only in case"));
            else seen[e.Name] = e.Name;
            if (problems.Count >= MaxReported) break;
        }
        return toSeq(problems);
    }

    // ---- the entries against bundle.json --------------------------------------------------------------------

    static Seq<RunError> ListingProblems(BundleManifest m, Seq<ZipEntryInfo> entries)
    {
        var listed = m.Runs.Bind(r => r.Files.Map(f => BundleEntries.EntryName(r.Name, f.Path))).ToHashSet(StringComparer.Ordinal);
        var present = entries.Map(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var missing = listed.Where(l => !present.Contains(l)).Order(StringComparer.Ordinal)
            .Select(l => (RunError)new BundleHashMismatch(l, "bundle.json lists it, but the zip does not hold it"));
        var unlisted = present.Where(p => p != BundleEntries.ManifestEntry && !listed.Contains(p)).Order(StringComparer.Ordinal)
            .Select(p => (RunError)new BundleHashMismatch(p, "the zip holds it, but bundle.json does not list it"));
        return toSeq(missing.Concat(unlisted).Take(MaxReported).ToArray());
    }

    static Seq<RunError> SizeProblems(BundleManifest m, Seq<ZipEntryInfo> entries, BundleLimits limits, string bundle)
    {
        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var problems = new List<RunError>();
        long total = 0;
        foreach (var run in m.Runs)
            foreach (var file in run.Files)
            {
                var entry = BundleEntries.EntryName(run.Name, file.Path);
                var zipped = byName[entry];
                total = total > long.MaxValue - file.Bytes ? long.MaxValue : total + file.Bytes;
                if (file.Bytes > limits.MaxEntryBytes)
                    problems.Add(new BundleTooLarge(entry, $"bundle.json lists {Size(file.Bytes)}; the limit is {Size(limits.MaxEntryBytes)} a file"));
                else if (zipped.Bytes != file.Bytes)
                    problems.Add(new BundleHashMismatch(entry, $"the zip says {Size(zipped.Bytes)}, bundle.json {Size(file.Bytes)}"));
                else if (file.Bytes > limits.RatioFloor && file.Bytes > limits.MaxRatio * Math.Max(zipped.CompressedBytes, 1))
                    problems.Add(new BundleTooLarge(entry, string.Create(CultureInfo.InvariantCulture,
                        $"{Size(file.Bytes)} compressed to {Size(zipped.CompressedBytes)} is a ratio over {limits.MaxRatio:0.##}:1 (a zip bomb?)")));
                if (problems.Count >= MaxReported) return toSeq(problems);
            }
        if (problems.Count == 0 && total > limits.MaxTotalBytes)
            problems.Add(new BundleTooLarge(bundle, $"its files hold {Size(total)}; the limit is {Size(limits.MaxTotalBytes)} a bundle"));
        return toSeq(problems);
    }

    static string Size(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes");

    static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}
