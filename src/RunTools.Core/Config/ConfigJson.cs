using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RunTools.Config;

/// <summary>
/// A config value as JSON (inside manifests), with an exact round trip, and its canonical form and hash.
/// </summary>
/// <remarks>
/// The encoding is plain JSON except where JSON cannot say what the value is:
/// <list type="bullet">
/// <item>An int is a JSON integer; a float always has a fraction or exponent (<c>2.0</c>, <c>1.0e+300</c>), so it
/// reads back as a float.</item>
/// <item>NaN and ±infinity are not JSON numbers: they are written <c>{"$float": "NaN"}</c>,
/// <c>{"$float": "Infinity"}</c> and <c>{"$float": "-Infinity"}</c>.</item>
/// <item>So that a real map cannot be mistaken for that form, a map whose only key is <c>$float</c> or
/// <c>$map</c> is wrapped: <c>{"$map": {"$float": "x"}}</c>. Reading unwraps one level and takes the inner
/// object's keys literally.</item>
/// </list>
/// <see cref="Read"/> also accepts JSON written by others: any number without fraction or exponent that fits a
/// long is an int, other numbers are floats, and an object that only looks like the markers (say
/// <c>{"$float": "abc"}</c>) is an ordinary map.
/// </remarks>
public static class ConfigJson
{
    private const string FloatMarker = "$float";
    private const string MapMarker = "$map";

    /// <summary>Writes the value with the writer's own settings (indentation, escaping).</summary>
    public static void Write(Utf8JsonWriter writer, ConfigValue value)
    {
        switch (value)
        {
            case ConfigNull:
                writer.WriteNullValue();
                break;
            case ConfigBool b:
                writer.WriteBooleanValue(b.Value);
                break;
            case ConfigInt i:
                writer.WriteNumberValue(i.Value);
                break;
            case ConfigFloat f when double.IsFinite(f.Value):
                writer.WriteRawValue(ConfigScalar.FormatFinite(f.Value));
                break;
            case ConfigFloat f:
                writer.WriteStartObject();
                writer.WriteString(FloatMarker, NonFinite(f.Value));
                writer.WriteEndObject();
                break;
            case ConfigString s:
                writer.WriteStringValue(s.Value);
                break;
            case ConfigList l:
                writer.WriteStartArray();
                foreach (var item in l.Items)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            case ConfigMap m when NeedsWrapper(m):
                writer.WriteStartObject();
                writer.WritePropertyName(MapMarker);
                WriteEntries(writer, m);
                writer.WriteEndObject();
                break;
            case ConfigMap m:
                WriteEntries(writer, m);
                break;
        }
    }

    private static void WriteEntries(Utf8JsonWriter writer, ConfigMap map)
    {
        writer.WriteStartObject();
        foreach (var e in map.Entries)
        {
            writer.WritePropertyName(e.Key);
            Write(writer, e.Value);
        }
        writer.WriteEndObject();
    }

    /// <summary>Reads what <see cref="Write"/> wrote (or any JSON) back into a value.</summary>
    public static ConfigValue Read(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ReadObject(element),
        JsonValueKind.Array => new ConfigList(toSeq(element.EnumerateArray().Select(Read).ToList())),
        JsonValueKind.String => new ConfigString(element.GetString() ?? ""),
        JsonValueKind.Number => ConfigParser.JsonNumber(element.GetRawText()),
        JsonValueKind.True => new ConfigBool(true),
        JsonValueKind.False => new ConfigBool(false),
        _ => ConfigNull.Instance,
    };

    private static ConfigValue ReadObject(JsonElement element)
    {
        var properties = element.EnumerateObject().ToList();
        if (properties is [{ Name: FloatMarker } f] && f.Value.ValueKind == JsonValueKind.String
            && ParseNonFinite(f.Value.GetString()) is { } special)
            return new ConfigFloat(special);
        if (properties is [{ Name: MapMarker } m] && m.Value.ValueKind == JsonValueKind.Object)
            return Entries(m.Value.EnumerateObject().ToList());
        return Entries(properties);
    }

    private static ConfigMap Entries(List<JsonProperty> properties) =>
        new(toSeq(properties.Select(p => new ConfigEntry(p.Name, Read(p.Value))).ToList()));

    /// <summary>Maps whose only key is a marker would read back as something else, so they are wrapped.</summary>
    private static bool NeedsWrapper(ConfigMap map) =>
        map.Entries is { Count: 1 } entries && entries.Head.Key is FloatMarker or MapMarker;

    private static string NonFinite(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    private static double? ParseNonFinite(string? text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => null,
    };

    /// <summary>
    /// The canonical text: compact JSON in the encoding above, map keys sorted ordinally (by UTF-16 code unit) at
    /// every level. Strings escape only <c>"</c>, <c>\</c>, control characters and lone surrogates (RFC 8785
    /// style), so the text does not depend on an encoder's choices or on the .NET version.
    /// </summary>
    public static string Canonical(ConfigValue value) => Canonical(new StringBuilder(), value).ToString();

    /// <summary>Lowercase hex SHA-256 of the UTF-8 bytes of <see cref="Canonical(ConfigValue)"/>.</summary>
    public static string Sha256(ConfigValue value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(value))));

    private static StringBuilder Canonical(StringBuilder sb, ConfigValue value)
    {
        switch (value)
        {
            case ConfigNull:
                return sb.Append("null");
            case ConfigBool b:
                return sb.Append(b.Value ? "true" : "false");
            case ConfigInt i:
                return sb.Append(ConfigScalar.FormatInt(i.Value));
            case ConfigFloat f when double.IsFinite(f.Value):
                return sb.Append(ConfigScalar.FormatFinite(f.Value));
            case ConfigFloat f:
                return CanonicalString(sb.Append('{'), FloatMarker).Append(':').Append('"').Append(NonFinite(f.Value)).Append("\"}");
            case ConfigString s:
                return CanonicalString(sb, s.Value);
            case ConfigList l:
                return CanonicalItems(sb, l);
            case ConfigMap m when NeedsWrapper(m):
                return CanonicalEntries(CanonicalString(sb.Append('{'), MapMarker).Append(':'), m).Append('}');
            case ConfigMap m:
                return CanonicalEntries(sb, m);
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Not a config value case.");
        }
    }

    private static StringBuilder CanonicalItems(StringBuilder sb, ConfigList list)
    {
        sb.Append('[');
        var first = true;
        foreach (var item in list.Items)
        {
            if (!first)
                sb.Append(',');
            first = false;
            Canonical(sb, item);
        }
        return sb.Append(']');
    }

    private static StringBuilder CanonicalEntries(StringBuilder sb, ConfigMap map)
    {
        sb.Append('{');
        var first = true;
        var sorted = map.Entries.ToArray();
        System.Array.Sort(sorted, (x, y) => string.CompareOrdinal(x.Key, y.Key));
        foreach (var e in sorted)
        {
            if (!first)
                sb.Append(',');
            first = false;
            Canonical(CanonicalString(sb, e.Key).Append(':'), e.Value);
        }
        return sb.Append('}');
    }

    /// <summary>The characters a canonical string writes as they are (everything but quote, backslash, controls and
    /// surrogates): runs of them are appended at once.</summary>
    private static readonly System.Buffers.SearchValues<char> Verbatim = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0x20, 0xD800 - 0x20).Concat(Enumerable.Range(0xE000, 0x10000 - 0xE000))
            .Where(c => c is not ('"' or '\\')).Select(c => (char)c)));

    private static StringBuilder CanonicalString(StringBuilder sb, string text)
    {
        sb.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var run = text.AsSpan(i).IndexOfAnyExcept(Verbatim);
            if (run < 0)
            {
                sb.Append(text.AsSpan(i));
                break;
            }
            sb.Append(text.AsSpan(i, run));
            i += run;
            var c = text[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                case var _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                    sb.Append(c).Append(text[++i]);
                    break;
                case var _ when char.IsSurrogate(c):
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.Append('"');
    }
}
