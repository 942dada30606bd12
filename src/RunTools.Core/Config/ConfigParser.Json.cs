using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RunTools.Domain;

namespace RunTools.Config;

/// <summary>
/// JSON through System.Text.Json's <see cref="Utf8JsonReader"/> (the reader <see cref="JsonDocument"/> is built on),
/// read directly so that a duplicate key can be reported at its own line and column; comments and trailing commas
/// are allowed. Positions are 1-based lines and 1-based character (not byte) columns. The limits are checked as the
/// tokens come, before a nested value is read (the reader recurses once per level).
/// </summary>
public static partial class ConfigParser
{
    /// <summary>The reader's own bound sits above the deepest config allowed, so the depth limit is reported first.</summary>
    private static readonly JsonReaderOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = InputLimits.DepthCeiling + 2,
    };

    private static readonly Regex JsonPositionSuffix =
        new(@"\s*(Path: .*?\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*\z", RegexOptions.CultureInvariant);

    private static Fin<ConfigValue> ParseJson(string text, string source, InputLimits limits)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, JsonOptions);
        var budget = new JsonBudget(limits);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonShapeException(reader.TokenStartIndex, $"{RootNotMapping} (a JSON object), not {JsonKind(reader.TokenType)}");
            var root = ReadJson(ref reader, budget, 1);
            // Past the root only comments and whitespace may follow; the reader throws on anything else.
            reader.Read();
            return FinSucc(root);
        }
        catch (JsonLimitException e)
        {
            var (line, column) = JsonPosition(bytes, e.ByteOffset);
            return FinFail<ConfigValue>(e.Error(source, (int)line, (int)column));
        }
        catch (JsonShapeException e)
        {
            var (line, column) = JsonPosition(bytes, e.ByteOffset);
            return Fail(source, line, column, e.Message);
        }
        catch (JsonException e)
        {
            var (line, column) = JsonPosition(bytes, LineStart(bytes, e.LineNumber ?? 0) + (e.BytePositionInLine ?? 0));
            return Fail(source, line, column, Excerpt.Detail(JsonPositionSuffix.Replace(e.Message, "")));
        }
    }

    /// <param name="depth">The depth of the value the reader is on, if it is a collection (the root object is 1).</param>
    private static ConfigValue ReadJson(ref Utf8JsonReader reader, JsonBudget budget, int depth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                budget.Enter(ref reader, depth);
                var entries = new List<ConfigEntry>();
                var keys = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var keyAt = reader.TokenStartIndex;
                    var key = JsonString(ref reader, budget);
                    if (!keys.Add(key))
                        throw new JsonShapeException(keyAt, $"duplicate key '{Excerpt.Of(key)}'");
                    reader.Read();
                    entries.Add(new ConfigEntry(key, ReadJson(ref reader, budget, depth + 1)));
                }
                return new ConfigMap(toSeq(entries).Strict());

            case JsonTokenType.StartArray:
                budget.Enter(ref reader, depth);
                var items = new List<ConfigValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.Add(ReadJson(ref reader, budget, depth + 1));
                return new ConfigList(toSeq(items).Strict());

            case JsonTokenType.String:
                return new ConfigString(JsonString(ref reader, budget));
            case JsonTokenType.Number:
                budget.Scalar(ref reader, reader.ValueSpan.Length);
                return JsonNumber(Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True:
                budget.Scalar(ref reader, 4);
                return new ConfigBool(true);
            case JsonTokenType.False:
                budget.Scalar(ref reader, 5);
                return new ConfigBool(false);
            case JsonTokenType.Null:
                budget.Scalar(ref reader, 4);
                return ConfigNull.Instance;
            default:
                throw new JsonShapeException(reader.TokenStartIndex, $"unexpected {JsonKind(reader.TokenType)}");
        }
    }

    /// <summary>An integer that fits a long, written without fraction or exponent, is an int; any other number a float.</summary>
    internal static ConfigValue JsonNumber(string raw) =>
        raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && long.TryParse(raw, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? new ConfigInt(n)
            : new ConfigFloat(double.Parse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A string or property name, counted as a scalar.</summary>
    private static string JsonString(ref Utf8JsonReader reader, JsonBudget budget)
    {
        var text = JsonString(ref reader);
        budget.Scalar(ref reader, text.Length);
        return text;
    }

    private static string JsonString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            throw new JsonShapeException(reader.TokenStartIndex, "the string escapes a lone UTF-16 surrogate, which is not text");
        }
    }

    private static string JsonKind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => $"the token {token}",
    };

    /// <summary>The byte offset where 0-based line <paramref name="line"/> starts (the reader counts '\n' only).</summary>
    private static long LineStart(byte[] bytes, long line)
    {
        var start = 0;
        for (var seen = 0L; seen < line; seen++)
        {
            var next = System.Array.IndexOf(bytes, (byte)'\n', start);
            if (next < 0)
                return bytes.Length;
            start = next + 1;
        }
        return start;
    }

    /// <summary>A byte offset as a 1-based line and a 1-based UTF-16 character column.</summary>
    private static (long Line, long Column) JsonPosition(byte[] bytes, long offset)
    {
        var end = (int)Math.Clamp(offset, 0, bytes.Length);
        var line = 1L;
        var lineStart = 0;
        for (var i = 0; i < end; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, Encoding.UTF8.GetCharCount(bytes, lineStart, end - lineStart) + 1);
    }

    /// <summary>The limits as the JSON reader meets them: the depth of each collection, the length of each scalar, and
    /// the running count of nodes (every key, value and collection) and of scalar characters. JSON has no aliases, so
    /// the expanded size is the size read.</summary>
    private sealed class JsonBudget(InputLimits limits)
    {
        private long nodes, chars;

        public void Enter(ref Utf8JsonReader reader, int depth)
        {
            if (depth > limits.ConfigDepth)
                throw new JsonLimitException(reader.TokenStartIndex, (s, l, c) => new ConfigTooDeep(s, l, c, depth, limits.ConfigDepth));
            Grow(ref reader, 0);
        }

        public void Scalar(ref Utf8JsonReader reader, long length)
        {
            if (length > limits.ConfigScalarChars)
                throw new JsonLimitException(reader.TokenStartIndex, (s, l, c) => new ConfigScalarTooLong(s, l, c, length, limits.ConfigScalarChars));
            Grow(ref reader, length);
        }

        private void Grow(ref Utf8JsonReader reader, long length)
        {
            var (n, ch) = (++nodes, chars += length);
            if (n > limits.ConfigNodes)
                throw new JsonLimitException(reader.TokenStartIndex, (s, l, c) => new ConfigExpansionTooLarge(s, l, c, "nodes", n, limits.ConfigNodes));
            if (ch > limits.ConfigChars)
                throw new JsonLimitException(reader.TokenStartIndex, (s, l, c) => new ConfigExpansionTooLarge(s, l, c, "characters", ch, limits.ConfigChars));
        }
    }

    /// <summary>A limit crossed at a byte offset; the error is made once the offset is a line and column.</summary>
    private sealed class JsonLimitException(long byteOffset, Func<string, int, int, RunError> error) : Exception("a config limit was exceeded")
    {
        public long ByteOffset { get; } = byteOffset;
        public Func<string, int, int, RunError> Error { get; } = error;
    }

    /// <summary>A structural problem the reader does not check for (a duplicate key, a non-object root).</summary>
    private sealed class JsonShapeException(long byteOffset, string message) : Exception(message)
    {
        public long ByteOffset { get; } = byteOffset;
    }
}
