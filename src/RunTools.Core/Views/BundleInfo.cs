namespace RunTools.Views;

/// <summary>A bundle Export-RunBundle wrote.</summary>
/// <param name="path">The zip.</param>
/// <param name="runs">The runs' directory names, as the bundle holds them.</param>
/// <param name="files">The runs' files (bundle.json not counted).</param>
/// <param name="bytes">The zip's length.</param>
/// <param name="sha256">The zip's SHA-256: the same runs exported again give the same bytes.</param>
/// <param name="treeSha256">The bundle's tree hash over every run's file list (bundle.json's tree_sha256).</param>
/// <param name="fileBytes">The runs' files together, uncompressed.</param>
public sealed class BundleInfo(
    string path,
    IReadOnlyList<string> runs,
    int files,
    long bytes,
    string sha256,
    string treeSha256,
    long fileBytes) : IEquatable<BundleInfo>
{
    public string Path { get; } = path;
    public IReadOnlyList<string> Runs { get; } = runs;
    public int Files { get; } = files;
    public long Bytes { get; } = bytes;
    public string Sha256 { get; } = sha256;
    public string TreeSha256 { get; } = treeSha256;
    public long FileBytes { get; } = fileBytes;

    public override string ToString() => Path;

    object Fields => (Path, Runs, Files, Bytes, Sha256, TreeSha256, FileBytes);
    public bool Equals(BundleInfo? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as BundleInfo);
    public override int GetHashCode() => Fields.GetHashCode();
}
