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
    public static string Write(ConfigValue value)
    {
        var lines = value switch
        {
            ConfigMap { Entries.IsEmpty: false } map => MapLines(map, 0),
            ConfigList { Items.IsEmpty: false } list => ListLines(list, 0),
            _ => Seq1(Inline(value)),
        };
        return string.Concat(lines.Map(l => l + "\n"));
    }

    /// <summary>
    /// The value on one line in YAML flow style (<c>[1, "x y"]</c>, <c>{a: 1}</c>), which the override parser reads
    /// back as the same value.
    /// </summary>
    internal static string Flow(ConfigValue value) => value switch
    {
        ConfigList l => "[" + string.Join(", ", l.Items.Map(Flow)) + "]",
        ConfigMap m => "{" + string.Join(", ", m.Entries.Map(e => Scalar(e.Key) + ": " + Flow(e.Value))) + "}",
        _ => Inline(value),
    };

    private static Seq<string> MapLines(ConfigMap map, int indent) =>
        map.Entries.Bind(e => EntryLines(e, indent));

    private static Seq<string> EntryLines(ConfigEntry entry, int indent)
    {
        var pad = new string(' ', indent);
        var key = Scalar(entry.Key);
        var nested = Nested(entry.Value, indent + 2);
        return key.Length > MaxImplicitKey
            ? nested.Match(
                Some: lines => Seq(pad + "? " + key, pad + ":") + lines,
                None: () => Seq(pad + "? " + key, pad + ": " + Inline(entry.Value)))
            : nested.Match(
                Some: lines => Seq1(pad + key + ":") + lines,
                None: () => Seq1(pad + key + ": " + Inline(entry.Value)));
    }

    /// <summary>
    /// A list item: a scalar follows the dash; a collection is rendered two columns deeper and its first line's
    /// indentation takes the dash (<c>- key: v</c>, <c>- - x</c>).
    /// </summary>
    private static Seq<string> ListLines(ConfigList list, int indent) =>
        list.Items.Bind(item => Nested(item, indent + 2).Match(
            Some: lines => Seq1(new string(' ', indent) + "- " + lines.Head[(indent + 2)..]) + lines.Tail,
            None: () => Seq1(new string(' ', indent) + "- " + Inline(item))));

    /// <summary>The lines of a non-empty collection at <paramref name="indent"/>, or None for what fits on one line.</summary>
    private static Option<Seq<string>> Nested(ConfigValue value, int indent) => value switch
    {
        ConfigMap { Entries.IsEmpty: false } map => Some(MapLines(map, indent)),
        ConfigList { Items.IsEmpty: false } list => Some(ListLines(list, indent)),
        _ => None,
    };

    private static string Inline(ConfigValue value) => value switch
    {
        ConfigNull => "null",
        ConfigBool b => b.Value ? "true" : "false",
        ConfigInt i => ConfigScalar.FormatInt(i.Value),
        ConfigFloat f => ConfigScalar.FormatFloat(f.Value),
        ConfigString s => Scalar(s.Value),
        ConfigList => "[]",
        _ => "{}",
    };

    /// <summary>A string (value or key) plain when that is safe, double-quoted otherwise.</summary>
    internal static string Scalar(string text) => IsPlainSafe(text) ? text : Quote(text);

    private static bool IsPlainSafe(string text) =>
        text.Length > 0
        && (char.IsAsciiLetter(text[0]) || text[0] is '_' or '/')
        && text[^1] != ' '
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-' or ' ')
        && !Yaml11Words.Contains(text)
        && ConfigScalar.ResolvePlain(text) is ConfigString;

    /// <summary>A YAML double-quoted scalar. Lone surrogates cannot be represented in YAML and are escaped anyway.</summary>
    internal static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
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
        return sb.Append('"').ToString();
    }
}
