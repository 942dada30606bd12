using System.Text.RegularExpressions;
using LanguageExt.Common;
using RunTools.Domain;

namespace RunTools.Config;

/// <summary>
/// One <c>a.b.c=value</c> override: the key path (never empty, each segment letters, digits, '_' or '-'), the value
/// to set there, and the text it came from (for messages and the run's record of what was asked).
/// Build it with <see cref="ConfigOverrides.Parse(string, InputLimits)"/> or <see cref="ConfigOverrides.Of(string, ConfigValue, InputLimits)"/>.
/// </summary>
public sealed record ConfigOverride(Seq<string> Path, ConfigValue Value, string Text)
{
    /// <summary>The path as the user writes it: <c>model.trees</c>.</summary>
    public string Key => string.Join(".", Path);
}

/// <summary>Smart constructors for <see cref="ConfigOverride"/>. Both check the <see cref="InputLimits"/>: the maps a
/// dotted key creates count towards the depth limit, each key segment is a scalar, and the value is bounded as a
/// config file's content is.</summary>
public static class ConfigOverrides
{
    private static readonly Regex Segment = new(@"\A[A-Za-z0-9_-]+\z", RegexOptions.CultureInvariant);

    /// <summary><see cref="Parse(string, InputLimits)"/> within <see cref="InputLimits.Default"/>.</summary>
    public static Fin<ConfigOverride> Parse(string text) => Parse(text, InputLimits.Default);

    /// <summary>
    /// Parses a Hydra-style override <c>a.b.c=value</c>. The value is read with the YAML rules of a config file
    /// (<c>200</c> is an int, <c>"200"</c> a string, <c>[1, 2]</c> a list, <c>{a: 1}</c> a map, <c>null</c> null);
    /// <c>key=</c> sets the empty string. A limit crossed inside the value is reported at its column in the whole text.
    /// </summary>
    public static Fin<ConfigOverride> Parse(string text, InputLimits limits)
    {
        var eq = text.IndexOf('=');
        if (eq < 0)
            return Invalid(text, "expected key=value, for example model.trees=200");

        var valueText = text[(eq + 1)..];
        return from path in KeyPath(text, text[..eq], limits)
               from value in valueText.Length == 0
                   ? FinSucc<ConfigValue>(new ConfigString(""))
                   : ConfigParser.ParseYamlValue(valueText, text, limits, path.Count).BiMap(
                       Succ: v => v,
                       Fail: e => e switch
                       {
                           ConfigParseError p => new ConfigOverrideInvalid(text, $"{p.Detail} ({Where(p.Line, p.Column, eq, valueText)})"),
                           _ => InWholeText(e, eq),
                       })
               select new ConfigOverride(path, value, text);
    }

    /// <summary><see cref="Of(string, ConfigValue, InputLimits)"/> within <see cref="InputLimits.Default"/>.</summary>
    public static Fin<ConfigOverride> Of(string dottedKey, ConfigValue value) => Of(dottedKey, value, InputLimits.Default);

    /// <summary>
    /// An override from a dotted key and a value already typed (a PowerShell hashtable entry). Its text is the
    /// <c>key=value</c> form that <see cref="Parse(string)"/> reads back as the same override (<c>name="200"</c> for the
    /// string 200). The value is checked against the limits (<see cref="ConfigLimits.Check"/>) with the key as source.
    /// </summary>
    public static Fin<ConfigOverride> Of(string dottedKey, ConfigValue value, InputLimits limits) =>
        from path in KeyPath(dottedKey, dottedKey, limits)
        from checkedValue in ConfigLimits.Check(value, dottedKey, limits, path.Count)
        select new ConfigOverride(path, checkedValue, $"{dottedKey}={ConfigYaml.Flow(checkedValue)}");

    /// <summary>The key's segments. Read one at a time, so a hostile key (ten million dots) is refused at the first
    /// bad segment or at the first segment past the depth limit, without splitting all of it.</summary>
    private static Fin<Seq<string>> KeyPath(string text, string key, InputLimits limits)
    {
        if (key.Length == 0)
            return Invalid(text, "the key is empty").Map(_ => Seq<string>());
        var segments = new List<string>();
        for (var start = 0; ; )
        {
            var dot = key.IndexOf('.', start);
            var end = dot < 0 ? key.Length : dot;
            if (end - start > limits.ConfigScalarChars)
                return FinFail<Seq<string>>(new ConfigScalarTooLong(text, 1, start + 1, end - start, limits.ConfigScalarChars));
            var segment = key[start..end];
            if (segment.Length == 0)
                return Invalid(text, $"the key '{Excerpt.Of(key)}' has an empty segment").Map(_ => Seq<string>());
            if (!Segment.IsMatch(segment))
                return Invalid(text, $"'{Excerpt.Of(segment)}' is not a valid key segment (letters, digits, '_' and '-', joined by dots)").Map(_ => Seq<string>());
            segments.Add(segment);
            if (segments.Count > limits.ConfigDepth)
                return FinFail<Seq<string>>(new ConfigTooDeep(text, 1, start + 1, segments.Count, limits.ConfigDepth));
            if (dot < 0)
                return FinSucc(toSeq(segments));
            start = dot + 1;
        }
    }

    /// <summary>A limit's error inside the value, placed in the whole override text. (Built anew, not with <c>with</c>:
    /// an error's message is made when it is constructed.)</summary>
    private static Error InWholeText(Error error, int eq) => error switch
    {
        ConfigTooDeep { Line: 1 } e => new ConfigTooDeep(e.Source, 1, e.Column + eq + 1, e.Found, e.Limit),
        ConfigScalarTooLong { Line: 1 } e => new ConfigScalarTooLong(e.Source, 1, e.Column + eq + 1, e.Length, e.Limit),
        ConfigAliasesExceeded { Line: 1 } e => new ConfigAliasesExceeded(e.Source, 1, e.Column + eq + 1, e.Limit),
        ConfigExpansionTooLarge { Line: 1 } e => new ConfigExpansionTooLarge(e.Source, 1, e.Column + eq + 1, e.Measure, e.Found, e.Limit),
        _ => error,
    };

    /// <summary>A position inside the value as a position in the whole override text.</summary>
    private static string Where(int line, int column, int eq, string valueText) =>
        line == 1 ? $"column {column + eq + 1}"
        : line > valueText.Count(c => c == '\n') + 1 ? "at the end of the value"
        : $"line {line}, column {column} of the value";

    private static Fin<ConfigOverride> Invalid(string text, string detail) =>
        FinFail<ConfigOverride>(new ConfigOverrideInvalid(text, detail));
}
