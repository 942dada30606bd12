using RunTools.Domain;

namespace RunTools.Config;

/// <summary>The syntax of a config file.</summary>
public enum ConfigFormat
{
    Yaml,
    Json,
}

/// <summary>
/// Config text (YAML or JSON) to a <see cref="ConfigValue"/> tree. The root must be a mapping; every failure is a
/// <see cref="ConfigParseError"/> naming the source, a 1-based line and column, and what is wrong there.
/// </summary>
/// <remarks>
/// Parsing runs the third-party YAML/JSON readers over an in-memory string: no IO. The readers keep mutable
/// state while they run, but nothing escapes a call, so <c>Parse</c> is a pure function of its arguments.
/// </remarks>
public static partial class ConfigParser
{
    /// <summary>The format a file's name implies: <c>.json</c> (any case) is JSON, everything else YAML.</summary>
    public static ConfigFormat FormatOf(string path) =>
        string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase)
            ? ConfigFormat.Json
            : ConfigFormat.Yaml;

    /// <summary>Parses config text. <paramref name="source"/> is the file name that error messages show.</summary>
    public static Fin<ConfigValue> Parse(string text, string source, ConfigFormat format) =>
        format switch
        {
            ConfigFormat.Json => ParseJson(WithoutBom(text), source),
            _ => ParseYaml(WithoutBom(text), source),
        };

    /// <summary>Editors count columns after a byte-order mark, and neither reader should see it as content.</summary>
    private static string WithoutBom(string text) =>
        text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;

    private static Fin<ConfigValue> Fail(string source, long line, long column, string detail) =>
        FinFail<ConfigValue>(new ConfigParseError(source, (int)line, (int)column, detail));

    private const string RootNotMapping = "the root of a config file must be a mapping of keys to values";
}
