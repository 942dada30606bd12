namespace RunTools.Views;

/// <summary>A bundle Export-RunBundle wrote.</summary>
/// <param name="Path">The zip.</param>
/// <param name="Runs">The runs' directory names, as the bundle holds them.</param>
/// <param name="Files">The runs' files (bundle.json not counted).</param>
/// <param name="Bytes">The zip's length.</param>
/// <param name="Sha256">The zip's SHA-256: the same runs exported again give the same bytes.</param>
/// <param name="TreeSha256">The bundle's tree hash over every run's file list (bundle.json's tree_sha256).</param>
/// <param name="FileBytes">The runs' files together, uncompressed.</param>
public sealed record BundleInfo(string Path, IReadOnlyList<string> Runs, int Files, long Bytes, string Sha256, string TreeSha256, long FileBytes);
