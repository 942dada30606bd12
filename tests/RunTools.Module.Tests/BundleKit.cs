using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RunTools.Module.Tests;

/// <summary>
/// Builds bundles by hand for the import tests: starts from a bundle Export-RunBundle wrote (its entries and its
/// bundle.json as data), lets a test change entries, listing and attributes, writes the zip with System.IO.Compression,
/// then applies raw byte edits. Tree hashes are recomputed on request (<see cref="Retree"/>) as bundle.json specifies
/// them, so that a change reaches the check it is meant for instead of failing the tree hash first.
/// </summary>
public sealed class BundleBuilder
{
    public const string BundleInfo = "RunTools.Views.BundleInfo";

    /// <summary>A zip entry to write: name, bytes, external attributes (null: as System.IO.Compression sets them) and
    /// compression.</summary>
    public sealed class ZipItem(string name, byte[] data)
    {
        public string Name { get; set; } = name;
        public byte[] Data { get; set; } = data;
        public int? Attributes { get; set; }
        public CompressionLevel Level { get; set; } = CompressionLevel.Optimal;
    }

    public List<ZipItem> Entries { get; } = [];

    /// <summary>bundle.json as JSON; written first unless <see cref="WithoutManifest"/>.</summary>
    public JsonObject Manifest { get; set; }

    public bool WithoutManifest { get; set; }

    /// <summary>Raw edits of the written zip's bytes.</summary>
    public List<Func<byte[], byte[]>> Edits { get; } = [];

    /// <summary>The (first) run's directory name.</summary>
    public string Run => (string)Manifest["runs"]![0]!["name"]!;

    BundleBuilder(JsonObject manifest) => Manifest = manifest;

    /// <summary>Reads a bundle's entries (bundle.json apart) and its bundle.json.</summary>
    public static BundleBuilder From(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        var manifest = (JsonObject)JsonNode.Parse(Read(archive.GetEntry("bundle.json")!))!;
        var builder = new BundleBuilder(manifest);
        foreach (var entry in archive.Entries.Where(e => e.FullName != "bundle.json"))
            builder.Entries.Add(new ZipItem(entry.FullName, Read(entry)));
        return builder;
    }

    static byte[] Read(ZipArchiveEntry entry)
    {
        using var data = entry.Open();
        using var buffer = new MemoryStream();
        data.CopyTo(buffer);
        return buffer.ToArray();
    }

    public string Entry(string path) => $"runs/{Run}/{path}";

    /// <summary>The entry of a run file, by its path inside the run.</summary>
    public ZipItem this[string path] => Entries.Single(e => e.Name == Entry(path));

    public JsonArray Files => (JsonArray)Manifest["runs"]![0]!["files"]!;

    /// <summary>The listing of a run file in bundle.json.</summary>
    public JsonObject Listing(string path) => (JsonObject)Files.Single(f => (string)f!["path"]! == path)!;

    /// <summary>Adds a file to the run: its entry and its listing (with its real hash and length), trees recomputed.</summary>
    public ZipItem AddListed(string path, byte[] data)
    {
        var item = new ZipItem(Entry(path), data);
        Entries.Add(item);
        Files.Add(new JsonObject { ["path"] = path, ["sha256"] = Sha256(data), ["bytes"] = data.LongLength });
        Retree();
        return item;
    }

    /// <summary>Recomputes every tree hash from the listed files: a run's is the SHA-256 of "sha256 bytes path\n" per
    /// file sorted by path; the bundle's the SHA-256 of "run-tree name\n" per run sorted by name.</summary>
    public void Retree()
    {
        var runs = ((JsonArray)Manifest["runs"]!).Select(r => (JsonObject)r!).ToList();
        foreach (var run in runs)
        {
            var lines = ((JsonArray)run["files"]!).Select(f => (Path: (string)f!["path"]!, Line: $"{(string)f["sha256"]!} {(long)f["bytes"]!} {(string)f["path"]!}\n"))
                .OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => f.Line);
            run["tree_sha256"] = Sha256(Encoding.UTF8.GetBytes(string.Concat(lines)));
        }
        var bundle = runs.OrderBy(r => (string)r["name"]!, StringComparer.Ordinal).Select(r => $"{(string)r["tree_sha256"]!} {(string)r["name"]!}\n");
        Manifest["tree_sha256"] = Sha256(Encoding.UTF8.GetBytes(string.Concat(bundle)));
    }

    public void Write(string path)
    {
        using (var file = new FileStream(path, FileMode.Create))
        using (var archive = new ZipArchive(file, ZipArchiveMode.Create))
        {
            if (!WithoutManifest) Add(archive, new ZipItem("bundle.json", Encoding.UTF8.GetBytes(Manifest.ToJsonString())));
            foreach (var item in Entries) Add(archive, item);
        }
        var bytes = File.ReadAllBytes(path);
        foreach (var edit in Edits) bytes = edit(bytes);
        File.WriteAllBytes(path, bytes);
    }

    static void Add(ZipArchive archive, ZipItem item)
    {
        var entry = archive.CreateEntry(item.Name, item.Level);
        if (item.Attributes is { } attributes) entry.ExternalAttributes = attributes;
        using var data = entry.Open();
        data.Write(item.Data);
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Unix mode bits as a zip entry's external attributes.</summary>
    public static int Mode(int mode) => mode << 16;

    /// <summary>Sets an entry's uncompressed size in its local header and its central directory record.</summary>
    public static byte[] PatchUncompressedSize(byte[] zip, string name, uint size)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var patched = 0;
        for (var at = zip.AsSpan().IndexOf(nameBytes); at >= 0;)
        {
            if (at >= 30 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at - 30)) == 0x04034B50)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at - 30 + 22), size);
                patched++;
            }
            else if (at >= 46 && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at - 46)) == 0x02014B50)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at - 46 + 24), size);
                patched++;
            }
            var next = zip.AsSpan(at + 1).IndexOf(nameBytes);
            at = next < 0 ? -1 : at + 1 + next;
        }
        Assert.Equal(2, patched);
        return zip;
    }

    /// <summary>Flips one bit of the only occurrence of <paramref name="content"/> (a stored entry's data).</summary>
    public static byte[] FlipByteOf(byte[] zip, byte[] content)
    {
        var at = zip.AsSpan().IndexOf(content);
        Assert.True(at >= 0 && zip.AsSpan(at + 1).IndexOf(content) < 0, "the content must occur exactly once");
        zip[at + content.Length / 2] ^= 0x20;
        return zip;
    }
}
