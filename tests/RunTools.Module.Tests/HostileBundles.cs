using System.IO.Compression;
using System.Management.Automation;
using System.Text;
using static RunTools.Module.Tests.BundleBuilder;

namespace RunTools.Module.Tests;

/// <summary>Where a hostile bundle is written and imported: the bundle's path, the root it is imported into, the
/// directory name of the run in the well-formed bundle it is made from, and that bundle.</summary>
public sealed record HostileContext(PowerShellHost Ps, string Bundle, string Root, string Run, string Base)
{
    public string Entry(string path) => $"runs/{Run}/{path}";
}

/// <summary>A bundle that Import-RunBundle must refuse, with the error it must refuse it with.</summary>
/// <param name="Name">What is wrong with it.</param>
/// <param name="Target">The error's target: the offending entry, or the bundle's path.</param>
/// <param name="Change">How it differs from the well-formed bundle (entries, bundle.json, raw bytes).</param>
/// <param name="Raw">Bytes that replace the bundle altogether (not a zip, a truncated zip).</param>
/// <param name="Setup">What is under the root before the import (besides a bystander run).</param>
/// <param name="Arguments">More arguments for Import-RunBundle (limits).</param>
public sealed record HostileBundle(
    string Name,
    string ErrorId,
    ErrorCategory Category,
    Func<HostileContext, object?> Target,
    Action<BundleBuilder>? Change = null,
    Func<HostileContext, byte[]>? Raw = null,
    Action<HostileContext>? Setup = null,
    string Arguments = "")
{
    public void Write(HostileContext context)
    {
        if (Raw is not null)
        {
            File.WriteAllBytes(context.Bundle, Raw(context));
            return;
        }
        var builder = BundleBuilder.From(context.Base);
        Change?.Invoke(builder);
        builder.Write(context.Bundle);
    }

    public override string ToString() => Name;
}

/// <summary>
/// The catalogue of hostile bundles: each is a well-formed bundle of one run with one thing wrong. The import tests
/// run every row; a later catalogue of bad inputs reuses them, so they stay in this one table.
/// </summary>
public static class HostileBundles
{
    const string Unsafe = "BundleEntryUnsafe", Mismatch = "BundleHashMismatch", TooLarge = "BundleTooLarge", Invalid = "BundleInvalid";

    static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    static void AddEntry(BundleBuilder b, string name) => b.Entries.Add(new ZipItem(name, Bytes("evil")));

    public static readonly IReadOnlyList<HostileBundle> Rows =
    [
        // ---- names that leave the run, or the bundle ----
        new("a parent-folder path", Unsafe, ErrorCategory.SecurityError, _ => "../x", b => AddEntry(b, "../x")),
        new("a path that climbs out of its run", Unsafe, ErrorCategory.SecurityError, c => c.Entry("../../x"), b => AddEntry(b, b.Entry("../../x"))),
        new("an absolute path", Unsafe, ErrorCategory.SecurityError, _ => "/etc/x", b => AddEntry(b, "/etc/x")),
        new("a drive letter", Unsafe, ErrorCategory.SecurityError, _ => "C:/x", b => AddEntry(b, "C:/x")),
        new("backslashes", Unsafe, ErrorCategory.SecurityError, c => $"runs\\{c.Run}\\evil.txt", b => AddEntry(b, $"runs\\{b.Run}\\evil.txt")),
        new("a dot segment", Unsafe, ErrorCategory.SecurityError, c => c.Entry("./x"), b => AddEntry(b, b.Entry("./x"))),
        new("a control character", Unsafe, ErrorCategory.SecurityError, c => c.Entry("a\u0001.txt"), b => AddEntry(b, b.Entry("a\u0001.txt"))),
        new("an entry outside runs/", Unsafe, ErrorCategory.SecurityError, _ => "other/x.txt", b => AddEntry(b, "other/x.txt")),
        new("a hidden run name", Unsafe, ErrorCategory.SecurityError, _ => "runs/.hidden/x.txt", b => AddEntry(b, "runs/.hidden/x.txt")),
        new("a lock file", Unsafe, ErrorCategory.SecurityError, c => c.Entry(".lock"), b => AddEntry(b, b.Entry(".lock"))),

        // ---- entries that are not plain files ----
        new("a symbolic link", Unsafe, ErrorCategory.SecurityError, c => c.Entry("logs/prep.log"), b => b["logs/prep.log"].Attributes = Mode(0xA1FF)),
        new("a character device", Unsafe, ErrorCategory.SecurityError, c => c.Entry("config_resolved.yaml"), b => b["config_resolved.yaml"].Attributes = Mode(0x21A4)),
        new("a FIFO", Unsafe, ErrorCategory.SecurityError, c => c.Entry("config_overrides.yaml"), b => b["config_overrides.yaml"].Attributes = Mode(0x11A4)),
        new("a directory entry", Unsafe, ErrorCategory.SecurityError, c => c.Entry("artifacts/"), b => b.Entries.Add(new ZipItem(b.Entry("artifacts/"), []))),

        // ---- duplicates ----
        new("a duplicate entry", Unsafe, ErrorCategory.SecurityError, c => c.Entry("run.json"), b => b.Entries.Add(new ZipItem(b.Entry("run.json"), b["run.json"].Data))),
        new("a duplicate in another case", Unsafe, ErrorCategory.SecurityError, c => c.Entry("RUN.json"), b => b.Entries.Add(new ZipItem(b.Entry("RUN.json"), b["run.json"].Data))),

        // ---- content that does not match bundle.json ----
        new("an unlisted file", Mismatch, ErrorCategory.InvalidData, c => c.Entry("extra.txt"), b => AddEntry(b, b.Entry("extra.txt"))),
        new("a missing file", Mismatch, ErrorCategory.InvalidData, c => c.Entry("logs/prep.log"), b => b.Entries.Remove(b["logs/prep.log"])),
        new("a tampered byte", Mismatch, ErrorCategory.InvalidData, c => c.Entry("config_overrides.yaml"), b =>
        {
            var item = b["config_overrides.yaml"];
            item.Level = CompressionLevel.NoCompression;
            b.Edits.Add(zip => FlipByteOf(zip, item.Data));
        }),
        new("a hash edited in bundle.json", Mismatch, ErrorCategory.InvalidData, c => c.Bundle,
            b => b.Listing("config_resolved.yaml")["sha256"] = new string('0', 64)),
        new("a hash and the tree hashes edited together", Mismatch, ErrorCategory.InvalidData, c => c.Entry("config_resolved.yaml"), b =>
        {
            b.Listing("config_resolved.yaml")["sha256"] = new string('0', 64);
            b.Retree();
        }),
        new("a chain head edited in bundle.json", Mismatch, ErrorCategory.InvalidData, c => c.Entry(""),
            b => b.Manifest["runs"]![0]!["chain_head"] = new string('a', 64)),

        // ---- sizes ----
        new("a zip bomb", TooLarge, ErrorCategory.LimitsExceeded, c => c.Entry("artifacts/zeros.bin"), b => b.AddListed("artifacts/zeros.bin", new byte[8 << 20])),
        new("an oversized declared size", TooLarge, ErrorCategory.LimitsExceeded, c => c.Entry("run.json"), b =>
        {
            b.Listing("run.json")["bytes"] = 1L << 40;
            b.Retree();
        }),
        new("an entry lying about its size", TooLarge, ErrorCategory.LimitsExceeded, c => c.Entry("artifacts/big.txt"), b =>
        {
            var data = Bytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}\n")));
            var item = b.AddListed("artifacts/big.txt", data[..10]);
            item.Data = data;
            item.Level = CompressionLevel.NoCompression;
            b.Edits.Add(zip => PatchUncompressedSize(zip, item.Name, 10));
        }),
        new("more than -MaxTotalSize", TooLarge, ErrorCategory.LimitsExceeded, c => c.Bundle, Arguments: "-MaxTotalSize 1000"),

        // ---- not a bundle ----
        new("a truncated zip", Invalid, ErrorCategory.InvalidData, c => c.Bundle, Raw: c => File.ReadAllBytes(c.Base)[..(int)(new FileInfo(c.Base).Length / 2)]),
        new("not a zip", Invalid, ErrorCategory.InvalidData, c => c.Bundle, Raw: _ => Bytes("run.json\nevents.jsonl\n")),
        new("no bundle.json", Invalid, ErrorCategory.InvalidData, c => c.Bundle, b => b.WithoutManifest = true),
        new("a newer format version", Invalid, ErrorCategory.InvalidData, c => c.Bundle, b => b.Manifest["format_version"] = 2),

        // ---- runs already there ----
        new("a run that exists", "RunExists", ErrorCategory.ResourceExists, c => Path.Combine(c.Root, c.Run),
            Setup: c => c.Ps.Run($"Import-RunBundle '{c.Base}' -Root '{c.Root}'").AssertNoErrors()),
        new("a run whose id exists under another name", "RunExists", ErrorCategory.ResourceExists, c => Path.Combine(c.Root, "20200101_000000_renamed"),
            Setup: c =>
            {
                c.Ps.Run($"Import-RunBundle '{c.Base}' -Root '{c.Root}'").AssertNoErrors();
                Directory.Move(Path.Combine(c.Root, c.Run), Path.Combine(c.Root, "20200101_000000_renamed"));
            }),
    ];
}
