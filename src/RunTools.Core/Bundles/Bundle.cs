namespace RunTools.Bundles;

// A run bundle is one zip: bundle.json first, then every file of every run under runs/<run directory name>/, entries
// sorted by name. bundle.json lists each run (identity, chain head, event count) with every file's path, SHA-256 and
// length, and tree hashes over those lists, so that an import can verify everything before anything becomes visible.
// It holds no time and no host: the same runs always give the same bundle.json, and so the same zip.

/// <summary>A file of a run in a bundle: its path relative to the run ('/' separators), SHA-256 (lower-case hex) and
/// length.</summary>
public sealed record BundleFile(string Path, string Sha256, long Bytes);

/// <summary>A run in a bundle.</summary>
/// <param name="Name">The run's directory name, which its entries are under (<c>runs/&lt;Name&gt;/</c>).</param>
/// <param name="ChainHead">The hash of the run's last event (null for a run written before the hash chain).</param>
/// <param name="Files">Every file, sorted by path (ordinal).</param>
/// <param name="TreeSha256">The run's tree hash (<see cref="BundleTree.OfRun"/>).</param>
public sealed record BundleRun(string Name, Guid RunId, string Key, string? ChainHead, long EventCount, Seq<BundleFile> Files, string TreeSha256)
{
    public long Bytes => Files.Sum(f => f.Bytes);
}

/// <summary>bundle.json: the format version, the runs sorted by name, and the bundle's tree hash.</summary>
public sealed record BundleManifest(int FormatVersion, Seq<BundleRun> Runs, string TreeSha256)
{
    /// <summary>The version this RunTools writes, and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;

    public int Files => Runs.Sum(r => r.Files.Count);

    public long Bytes => Runs.Sum(r => r.Bytes);

    /// <summary>A bundle.json for these runs (any order; their files in any order): runs and files sorted, tree
    /// hashes computed.</summary>
    public static BundleManifest Of(Seq<(string Name, Guid RunId, string Key, string? ChainHead, long EventCount, Seq<BundleFile> Files)> runs)
    {
        var sorted = runs.OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r =>
            {
                var files = toSeq(r.Files.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray());
                return new BundleRun(r.Name, r.RunId, r.Key, r.ChainHead, r.EventCount, files, BundleTree.OfRun(files));
            })
            .ToSeq().Strict();
        return new BundleManifest(CurrentFormatVersion, sorted, BundleTree.OfBundle(sorted));
    }
}

/// <summary>Limits an import enforces on a bundle it is given (a bundle is input from elsewhere: a zip bomb, or a
/// bundle.json that promises more than the disk holds, must stop before it fills the disk).</summary>
/// <param name="MaxEntryBytes">The largest file.</param>
/// <param name="MaxTotalBytes">All files together.</param>
/// <param name="MaxRatio">The highest compression ratio (uncompressed ÷ compressed) of an entry larger than
/// <paramref name="RatioFloor"/> bytes.</param>
/// <param name="MaxEntries">Entries in the zip.</param>
/// <param name="MaxManifestBytes">The largest bundle.json.</param>
public sealed record BundleLimits(long MaxEntryBytes, long MaxTotalBytes, double MaxRatio, long RatioFloor, int MaxEntries, long MaxManifestBytes)
{
    public static readonly BundleLimits Default = new(
        MaxEntryBytes: 8L << 30,
        MaxTotalBytes: 32L << 30,
        MaxRatio: 200,
        RatioFloor: 1 << 20,
        MaxEntries: 200_000,
        MaxManifestBytes: 64 << 20);
}

/// <summary>A zip entry as the zip's central directory describes it. Nothing here is trusted: the import checks it
/// against bundle.json and counts the real bytes while extracting.</summary>
/// <param name="ExternalAttributes">The entry's external attributes: a Unix mode in the upper 16 bits, MS-DOS
/// attributes in the lower ones.</param>
public sealed record ZipEntryInfo(string Name, long CompressedBytes, long Bytes, uint ExternalAttributes);

/// <summary>A file to extract: the zip entry, the run and path it goes to, and what its bytes must be.</summary>
public sealed record ExtractionItem(string Entry, string Run, string Path, string Sha256, long Bytes);

/// <summary>What an import extracts, in entry order, once the bundle's entry list has passed every check.</summary>
public sealed record ExtractionPlan(BundleManifest Manifest, Seq<ExtractionItem> Items);
