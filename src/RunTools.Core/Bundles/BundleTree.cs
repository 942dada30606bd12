using System.Security.Cryptography;
using System.Text;

namespace RunTools.Bundles;

/// <summary>
/// Tree hashes, Merkle-style in two levels: a run's tree hash is the SHA-256 of its file list, one line
/// <c>&lt;sha256&gt; &lt;bytes&gt; &lt;path&gt;\n</c> per file sorted by path (ordinal); the bundle's is the SHA-256 of one line
/// <c>&lt;run tree hash&gt; &lt;run name&gt;\n</c> per run sorted by name. Two bundles with the same tree hash hold the same
/// files with the same content under the same names, whatever their zip bytes.
/// </summary>
public static class BundleTree
{
    public static string OfRun(Seq<BundleFile> files) =>
        Hash(files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => $"{f.Sha256} {f.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} {f.Path}\n"));

    public static string OfBundle(Seq<BundleRun> runs) =>
        Hash(runs.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => $"{r.TreeSha256} {r.Name}\n"));

    static string Hash(IEnumerable<string> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines) hash.AppendData(Encoding.UTF8.GetBytes(line));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
