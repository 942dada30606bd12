using System.Globalization;
using System.Text;
using System.Text.Json;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Serialization;

namespace RunTools.Indexing;

/// <summary>One line of the run index: an entry for a directory, or the directory's removal.</summary>
public abstract record RunIndexLine
{
    private RunIndexLine() { }

    public sealed record Set(RunIndexEntry Entry) : RunIndexLine;

    public sealed record Drop(string Directory) : RunIndexLine;
}

/// <summary>
/// The run index's line format, shared by its snapshot and its journal: <c>&lt;check&gt; &lt;json&gt;</c>, where the check is
/// the first 16 hex digits of the SHA-256 of the JSON text. A line that was cut off by a crash, hand-edited or damaged
/// fails the check and is skipped, never half-believed.
/// </summary>
public static class RunIndexJson
{
    /// <summary>The format's version, in every line: a line of another version is skipped (and its run read again).</summary>
    public const int Version = 1;

    const int CheckChars = 16;

    public static string Encode(RunIndexLine line)
    {
        var json = Json.Write(Json.Compact, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            switch (line)
            {
                case RunIndexLine.Drop drop:
                    w.WriteString("drop", drop.Directory);
                    break;
                case RunIndexLine.Set { Entry: var e }:
                    w.WriteString("dir", e.Directory);
                    w.WriteNumber("bytes", e.Stamp.ManifestBytes);
                    w.WriteNumber("ticks", e.Stamp.ManifestTicks);
                    w.NumberOrNull("events", e.Stamp.EventsBytes);
                    w.WriteString("id", e.Id.ToString("D"));
                    w.WriteString("name", e.Name);
                    w.WriteString("key", e.Key);
                    w.WriteString("status", e.Status.ToString());
                    w.Time("created", e.Created);
                    w.Time("started", e.Started);
                    w.Time("ended", e.Ended);
                    w.WriteStartArray("params");
                    foreach (var (key, value) in e.Params)
                    {
                        w.WriteStartArray();
                        w.WriteStringValue(key);
                        ConfigJson.Write(w, value);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("metrics");
                    foreach (var (name, value) in e.Metrics)
                    {
                        w.WriteStartArray();
                        w.WriteStringValue(name);
                        if (double.IsFinite(value)) w.WriteNumberValue(value);
                        else w.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    break;
            }
            w.WriteEndObject();
        });
        return $"{Check(json)} {json}";
    }

    /// <summary>The line's content; null for a line that fails its check or is not of this format's version.</summary>
    public static RunIndexLine? Decode(string line)
    {
        if (line.Length < CheckChars + 2 || line[CheckChars] != ' ') return null;
        var json = line[(CheckChars + 1)..];
        if (!line.AsSpan(0, CheckChars).SequenceEqual(Check(json))) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("v", out var v) || !v.TryGetInt32(out var version) || version != Version)
                return null;
            if (o.TryGetProperty("drop", out var drop)) return new RunIndexLine.Drop(drop.GetString()!);
            var stamp = new RunStamp(o.GetProperty("bytes").GetInt64(), o.GetProperty("ticks").GetInt64(),
                o.GetProperty("events") is { ValueKind: JsonValueKind.Number } events ? events.GetInt64() : null);
            var status = Enum.Parse<RunStatus>(o.GetProperty("status").GetString()!);
            var @params = o.GetProperty("params").EnumerateArray()
                .Select(p => (p[0].GetString()!, ConfigJson.Read(p[1]))).ToArray();
            var metrics = o.GetProperty("metrics").EnumerateArray()
                .Select(m => (m[0].GetString()!, m[1].ValueKind == JsonValueKind.String
                    ? double.Parse(m[1].GetString()!, CultureInfo.InvariantCulture)
                    : m[1].GetDouble())).ToArray();
            return new RunIndexLine.Set(new RunIndexEntry(
                o.GetProperty("dir").GetString()!, stamp, Guid.Parse(o.GetProperty("id").GetString()!),
                o.GetProperty("name").GetString()!, o.GetProperty("key").GetString()!, status,
                Time(o.GetProperty("created"))!.Value, Time(o.GetProperty("started")), Time(o.GetProperty("ended")),
                toSeq(@params), toSeq(metrics)));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException
                                      or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    static DateTimeOffset? Time(JsonElement e) =>
        e.ValueKind == JsonValueKind.Null ? null : DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    static string Check(string json) => RunJson.Sha256(Encoding.UTF8.GetBytes(json))[..CheckChars];
}
