using System.Globalization;
using System.Text;

namespace RunTools.Config;

/// <summary>
/// A deterministic block-style YAML writer whose output <see cref="ConfigParser"/> reads back as the same value.
/// </summary>
/// <remarks>
/// Rules: two-space indentation, lists indented under their key, <c>{}</c> and <c>[]</c> for empty collections.
/// A string is written plain only when it is unmistakably a string: it starts with an ASCII letter, '_' or '/', has
/// only ASCII letters, digits, spaces and <c>_ . / -</c>, does not end with a space, and is not a null, boolean or
/// number under the YAML 1.2 core schema or a YAML 1.1 boolean (<c>yes</c>, <c>off</c>, ...), so that YAML 1.1
/// readers such as PyYAML see a string too. Every other string is double-quoted, escaping what is not printable.
/// Floats always carry a fraction (<c>2.0</c>, <c>1.0e+300</c>) or are <c>.nan</c>, <c>.inf</c>, <c>-.inf</c>.
/// A key longer than <see cref="MaxImplicitKey"/> characters uses the explicit <c>? key</c> form (YAML limits
/// implicit keys to 1024 characters).
/// </remarks>
public static class ConfigYaml
{
    private const int MaxImplicitKey = 1000;

    private static readonly System.Collections.Generic.HashSet<string> Yaml11Words = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    };

    /// <summary>The value as YAML text ending with a newline.</summary>
    /// <remarks>One pass into one buffer: a collection's lines are written where they go, and the first line of a
    /// collection that is a list item starts with the item's dash instead of its indentation (<c>- key: v</c>,
    /// <c>- - x</c>). The recursion is as deep as the value, which the parser's depth limit bounds.</remarks>
    public static string Write(ConfigValue value)
    {
        var sb = new StringBuilder();
        switch (value)
        {
            case ConfigMap { Entries.IsEmpty: false } map:
                WriteMap(sb, map, 0, "");
                break;
            case ConfigList { Items.IsEmpty: false } list:
                WriteList(sb, list, 0, "");
                break;
            default:
                AppendInline(sb, value).Append('\n');
                break;
        }
        return sb.ToString();
    }

    /// <summary>
    /// The value on one line in YAML flow style (<c>[1, "x y"]</c>, <c>{a: 1}</c>), which the override parser reads
    /// back as the same value.
    /// </summary>
    internal static string Flow(ConfigValue value) => AppendFlow(new StringBuilder(), value).ToString();

    private static StringBuilder AppendFlow(StringBuilder sb, ConfigValue value)
    {
        switch (value)
        {
            case ConfigList l:
                sb.Append('[');
                var first = true;
                foreach (var item in l.Items)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    AppendFlow(sb, item);
                }
                return sb.Append(']');
            case ConfigMap m:
                sb.Append('{');
                var firstEntry = true;
                foreach (var e in m.Entries)
                {
                    if (!firstEntry) sb.Append(", ");
                    firstEntry = false;
                    AppendFlow(AppendScalar(sb, e.Key).Append(": "), e.Value);
                }
                return sb.Append('}');
            default:
                return AppendInline(sb, value);
        }
    }

    /// <summary>A map's lines at <paramref name="indent"/>; the first starts with <paramref name="first"/> (as long as
    /// the indentation: spaces, or a list item's spaces and dash).</summary>
    private static void WriteMap(StringBuilder sb, ConfigMap map, int indent, string first)
    {
        var isFirst = true;
        foreach (var entry in map.Entries)
        {
            if (isFirst) sb.Append(first);
            else sb.Append(' ', indent);
            isFirst = false;
            var keyStart = sb.Length;
            AppendScalar(sb, entry.Key);
            var explicitKey = sb.Length - keyStart > MaxImplicitKey;
            if (explicitKey)
            {
                sb.Insert(keyStart, "? ");
                sb.Append('\n').Append(' ', indent).Append(':');
            }
            else
            {
                sb.Append(':');
            }
            if (IsNested(entry.Value))
            {
                sb.Append('\n');
                WriteNested(sb, entry.Value, indent + 2, new string(' ', indent + 2));
            }
            else
            {
                AppendInline(sb.Append(' '), entry.Value).Append('\n');
            }
        }
    }

    /// <summary>A list's lines at <paramref name="indent"/>: a scalar follows the dash; a collection is written two
    /// columns deeper with the dash in its first line.</summary>
    private static void WriteList(StringBuilder sb, ConfigList list, int indent, string first)
    {
        var isFirst = true;
        foreach (var item in list.Items)
        {
            var prefix = isFirst ? first : new string(' ', indent);
            isFirst = false;
            if (IsNested(item))
            {
                WriteNested(sb, item, indent + 2, prefix + "- ");
            }
            else
            {
                AppendInline(sb.Append(prefix).Append("- "), item).Append('\n');
            }
        }
    }

    private static void WriteNested(StringBuilder sb, ConfigValue value, int indent, string first)
    {
        if (value is ConfigMap map) WriteMap(sb, map, indent, first);
        else WriteList(sb, (ConfigList)value, indent, first);
    }

    /// <summary>A non-empty collection, which takes lines of its own; everything else fits on one line.</summary>
    private static bool IsNested(ConfigValue value) =>
        value is ConfigMap { Entries.IsEmpty: false } or ConfigList { Items.IsEmpty: false };

    private static StringBuilder AppendInline(StringBuilder sb, ConfigValue value) => value switch
    {
        ConfigNull => sb.Append("null"),
        ConfigBool b => sb.Append(b.Value ? "true" : "false"),
        ConfigInt i => sb.Append(ConfigScalar.FormatInt(i.Value)),
        ConfigFloat f => sb.Append(ConfigScalar.FormatFloat(f.Value)),
        ConfigString s => AppendScalar(sb, s.Value),
        ConfigList => sb.Append("[]"),
        _ => sb.Append("{}"),
    };

    /// <summary>A string (value or key) plain when that is safe, double-quoted otherwise.</summary>
    internal static string Scalar(string text) => IsPlainSafe(text) ? text : Quote(text);

    private static StringBuilder AppendScalar(StringBuilder sb, string text) =>
        IsPlainSafe(text) ? sb.Append(text) : AppendQuoted(sb, text);

    private static readonly System.Buffers.SearchValues<char> PlainChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./- ");

    private static bool IsPlainSafe(string text) =>
        text.Length > 0
        && (char.IsAsciiLetter(text[0]) || text[0] is '_' or '/')
        && text[^1] != ' '
        && !text.AsSpan().ContainsAnyExcept(PlainChars)
        && !Yaml11Words.Contains(text)
        && ConfigScalar.ResolvePlain(text) is ConfigString;

    /// <summary>A YAML double-quoted scalar. Lone surrogates cannot be represented in YAML and are escaped anyway.</summary>
    internal static string Quote(string text) => AppendQuoted(new StringBuilder(text.Length + 2), text).ToString();

    private static StringBuilder AppendQuoted(StringBuilder sb, string text)
    {
        sb.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\0': sb.Append("\\0"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\v': sb.Append("\\v"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                case '\u001B': sb.Append("\\e"); break;
                case '\u0085': sb.Append("\\N"); break;
                case '\u00A0': sb.Append("\\_"); break;
                case '\u2028': sb.Append("\\L"); break;
                case '\u2029': sb.Append("\\P"); break;
                case < ' ' or (>= '\u007F' and <= '\u009F'):
                    sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    break;
                case '\uFEFF' or '\uFFFE' or '\uFFFF':
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                case var _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                    sb.Append(c).Append(text[++i]);
                    break;
                case var _ when char.IsSurrogate(c):
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.Append('"');
    }
}
