using System.Text.RegularExpressions;
using RunTools.Domain;

namespace RunTools.Config;

/// <summary>
/// One <c>a.b.c=value</c> override: the key path (never empty, each segment letters, digits, '_' or '-'), the value
/// to set there, and the text it came from (for messages and the run's record of what was asked).
/// Build it with <see cref="ConfigOverrides.Parse"/> or <see cref="ConfigOverrides.Of"/>.
/// </summary>
public sealed record ConfigOverride(Seq<string> Path, ConfigValue Value, string Text)
{
    /// <summary>The path as the user writes it: <c>model.trees</c>.</summary>
    public string Key => string.Join(".", Path);
}

/// <summary>Smart constructors for <see cref="ConfigOverride"/>.</summary>
public static class ConfigOverrides
{
    private static readonly Regex Segment = new(@"\A[A-Za-z0-9_-]+\z", RegexOptions.CultureInvariant);

    /// <summary>
    /// Parses a Hydra-style override <c>a.b.c=value</c>. The value is read with the YAML rules of a config file
    /// (<c>200</c> is an int, <c>"200"</c> a string, <c>[1, 2]</c> a list, <c>{a: 1}</c> a map, <c>null</c> null);
    /// <c>key=</c> sets the empty string.
    /// </summary>
    public static Fin<ConfigOverride> Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq < 0)
            return Invalid(text, "expected key=value, for example model.trees=200");

        var valueText = text[(eq + 1)..];
        return from path in KeyPath(text, text[..eq])
               from value in valueText.Length == 0
                   ? FinSucc<ConfigValue>(new ConfigString(""))
                   : ConfigParser.ParseYamlValue(valueText, text).BiMap(
                       Succ: v => v,
                       Fail: e => e is ConfigParseError p
                           ? new ConfigOverrideInvalid(text, $"{p.Detail} ({Where(p, eq, valueText)})")
                           : e)
               select new ConfigOverride(path, value, text);
    }

    /// <summary>
    /// An override from a dotted key and a value already typed (a PowerShell hashtable entry). Its text is the
    /// <c>key=value</c> form that <see cref="Parse"/> reads back as the same override (<c>name="200"</c> for the
    /// string 200).
    /// </summary>
    public static Fin<ConfigOverride> Of(string dottedKey, ConfigValue value) =>
        KeyPath(dottedKey, dottedKey).Map(path => new ConfigOverride(path, value, $"{dottedKey}={ConfigYaml.Flow(value)}"));

    private static Fin<Seq<string>> KeyPath(string text, string key)
    {
        if (key.Length == 0)
            return Invalid(text, "the key is empty").Map(_ => Seq<string>());
        var segments = toSeq(key.Split('.')).Strict();
        return segments.Find(s => !Segment.IsMatch(s)).Match(
            Some: bad => Invalid(text, bad.Length == 0
                ? $"the key '{key}' has an empty segment"
                : $"'{bad}' is not a valid key segment (letters, digits, '_' and '-', joined by dots)").Map(_ => Seq<string>()),
            None: () => FinSucc(segments));
    }

    /// <summary>A position inside the value as a position in the whole override text.</summary>
    private static string Where(ConfigParseError e, int eq, string valueText) =>
        e.Line == 1 ? $"column {e.Column + eq + 1}"
        : e.Line > valueText.Count(c => c == '\n') + 1 ? "at the end of the value"
        : $"line {e.Line}, column {e.Column} of the value";

    private static Fin<ConfigOverride> Invalid(string text, string detail) =>
        FinFail<ConfigOverride>(new ConfigOverrideInvalid(text, detail));
}
