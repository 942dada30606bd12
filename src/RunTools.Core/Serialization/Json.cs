using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RunTools.Serialization;

/// <summary>Small helpers shared by the run.json and events.jsonl codecs.</summary>
internal static class Json
{
    public static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    public static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonWriterOptions options, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, options)) write(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Timestamps are UTC ISO-8601 with 7 fractional digits, e.g. 2026-11-24T10:30:00.1234567Z.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static void Time(this Utf8JsonWriter w, string name, DateTimeOffset t) => w.WriteString(name, Time(t));

    public static void Time(this Utf8JsonWriter w, string name, DateTimeOffset? t)
    {
        if (t is { } value) w.WriteString(name, Time(value));
        else w.WriteNull(name);
    }

    public static void StringOrNull(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    public static void NumberOrNull(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    public static void NumberOrNull(this Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    public static void Strings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    public static void Array<T>(this Utf8JsonWriter w, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            write(w, item);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void ObjectOrNull<T>(this Utf8JsonWriter w, string name, T? value, Action<Utf8JsonWriter, T> write) where T : class
    {
        if (value is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        write(w, value);
        w.WriteEndObject();
    }
}

/// <summary>Thrown only inside the decoders, for a field that is missing or of the wrong type; the decoders turn it
/// into a RunCorrupted error value at their boundary.</summary>
internal sealed class JsonShapeException(string message) : Exception(message);

/// <summary>Typed access to a JSON object's fields that names the field when it is missing or mistyped.</summary>
internal readonly struct JsonFields(JsonElement element, string path)
{
    public JsonElement Element => element;

    public static JsonFields Of(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? new JsonFields(element, path) : throw new JsonShapeException($"'{path}' is not an object");

    bool TryGet(string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    JsonElement Required(string name) =>
        TryGet(name, out var value) ? value : throw new JsonShapeException($"'{path}.{name}' is missing");

    public bool Has(string name) => TryGet(name, out _);

    public string String(string name) =>
        Required(name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw Wrong(name, "a string");

    public string? OptionalString(string name) => TryGet(name, out _) ? String(name) : null;

    public long Int(string name) =>
        Required(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : throw Wrong(name, "an integer");

    public long? OptionalInt(string name) => TryGet(name, out _) ? Int(name) : null;

    public double Double(string name) =>
        Required(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw Wrong(name, "a number");

    public bool? OptionalBool(string name) => TryGet(name, out _) ? Bool(name) : null;

    public bool Bool(string name) =>
        Required(name) is { ValueKind: JsonValueKind.True or JsonValueKind.False } v ? v.GetBoolean() : throw Wrong(name, "true or false");

    public Guid Guid(string name) =>
        System.Guid.TryParse(String(name), out var g) ? g : throw Wrong(name, "a UUID");

    public DateTimeOffset Time(string name) =>
        DateTimeOffset.TryParse(String(name), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : throw Wrong(name, "an ISO-8601 time");

    public DateTimeOffset? OptionalTime(string name) => TryGet(name, out _) ? Time(name) : null;

    public TEnum Enum<TEnum>(string name) where TEnum : struct, Enum =>
        System.Enum.TryParse<TEnum>(String(name), ignoreCase: true, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw Wrong(name, $"one of {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}");

    public JsonFields Object(string name) => Of(Required(name), $"{path}.{name}");

    public JsonFields? OptionalObject(string name) => TryGet(name, out var v) ? Of(v, $"{path}.{name}") : null;

    public JsonElement Raw(string name) => Required(name);

    public Seq<T> Array<T>(string name, Func<JsonFields, T> read)
    {
        if (!TryGet(name, out var v)) return Seq<T>();
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(name, "an array");
        var p = path;
        var items = new List<T>();
        var index = 0;
        foreach (var item in v.EnumerateArray()) items.Add(read(Of(item, $"{p}.{name}[{index++}]")));
        return toSeq(items);
    }

    public Seq<string> Strings(string name)
    {
        if (!TryGet(name, out var v)) return Seq<string>();
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(name, "an array");
        var items = new List<string>();
        foreach (var item in v.EnumerateArray()) items.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong(name, "an array of strings"));
        return toSeq(items);
    }

    JsonShapeException Wrong(string name, string expected) => new($"'{path}.{name}' is not {expected}");
}
