using System.Globalization;
using System.Text.Json;
using RunTools.Domain;
using RunTools.Serialization;

namespace RunTools.Bundles;

/// <summary>
/// bundle.json, the first entry of a bundle:
/// <code>
/// { "format": "runtools-bundle", "format_version": 1, "tree_sha256": "…",
///   "runs": [ { "name": "…", "run_id": "…", "key": "…", "chain_head": "…", "event_count": 12, "tree_sha256": "…",
///               "files": [ { "path": "run.json", "sha256": "…", "bytes": 2048 }, … ] } ] }
/// </code>
/// Written indented with '\n' line ends, no time and no host, so the same runs give the same bytes.
/// </summary>
public static class BundleJson
{
    public const string Format = "runtools-bundle";

    public static byte[] Encode(BundleManifest m)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Json.Indented with { NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("format_version", m.FormatVersion);
            w.WriteString("tree_sha256", m.TreeSha256);
            w.Array("runs", m.Runs, (w, r) =>
            {
                w.WriteString("name", r.Name);
                w.WriteString("run_id", r.RunId.ToString());
                w.WriteString("key", r.Key);
                w.StringOrNull("chain_head", r.ChainHead);
                w.WriteNumber("event_count", r.EventCount);
                w.WriteString("tree_sha256", r.TreeSha256);
                w.Array("files", r.Files, (w, f) =>
                {
                    w.WriteString("path", f.Path);
                    w.WriteString("sha256", f.Sha256);
                    w.WriteNumber("bytes", f.Bytes);
                });
            });
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <param name="source">The bundle's path, for errors.</param>
    public static Fin<BundleManifest> Decode(ReadOnlyMemory<byte> json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            var root = JsonFields.Of(doc.RootElement, "$");
            if (root.OptionalString("format") != Format) return Invalid(source, $"{BundleEntries.ManifestEntry} does not say \"format\": \"{Format}\"");
            var version = root.Int("format_version");
            if (version > BundleManifest.CurrentFormatVersion)
                return Invalid(source, string.Create(CultureInfo.InvariantCulture,
                    $"it has format version {version}; this RunTools reads up to {BundleManifest.CurrentFormatVersion}. Update RunTools to import it."));
            if (version < 1) return Invalid(source, string.Create(CultureInfo.InvariantCulture, $"format version {version} does not exist"));
            return new BundleManifest((int)version, root.Array("runs", ReadRun), Hash(root, "tree_sha256"));
        }
        catch (JsonException e)
        {
            return Invalid(source, $"{BundleEntries.ManifestEntry} is not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
        catch (JsonShapeException e)
        {
            return Invalid(source, $"{BundleEntries.ManifestEntry}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // Invalid UTF-8.
            return Invalid(source, $"{BundleEntries.ManifestEntry} is not valid UTF-8: {e.Message}");
        }
    }

    static BundleRun ReadRun(JsonFields f)
    {
        var count = f.Int("event_count");
        if (count < 0) throw new JsonShapeException("'event_count' is negative");
        return new BundleRun(f.String("name"), f.Guid("run_id"), f.String("key"), f.OptionalString("chain_head"), count,
            f.Array("files", ReadFile), Hash(f, "tree_sha256"));
    }

    static BundleFile ReadFile(JsonFields f)
    {
        var bytes = f.Int("bytes");
        if (bytes < 0) throw new JsonShapeException($"the length of '{f.String("path")}' is negative");
        return new BundleFile(f.String("path"), Hash(f, "sha256"), bytes);
    }

    /// <summary>A SHA-256 as lower-case hex (64 digits).</summary>
    static string Hash(JsonFields f, string name)
    {
        var value = f.String(name);
        return value.Length == 64 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')
            ? value
            : throw new JsonShapeException($"'{name}' is not a SHA-256 in lower-case hex: '{value}'");
    }

    static Fin<BundleManifest> Invalid(string source, string detail) => FinFail<BundleManifest>(new BundleInvalid(source, detail));
}
