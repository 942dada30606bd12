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
/// <para><b>Limits.</b> Every parse is bounded by an <see cref="InputLimits"/> value: nesting depth, scalar length,
/// alias uses, and the size of the value with its aliases expanded (nodes and characters), each its own error at the
/// line and column where the bound was crossed. They are checked on the reader's events, before any node is built, so
/// hostile input (a flow sequence nested 8,000 deep, a "billion laughs" of aliases) never reaches a recursive builder
/// and never grows past the bounds. Depth is counted the way every later walk over the value sees it: an alias adds
/// the depth of its anchored node where it is used. Since the depth limit has a hard ceiling
/// (<see cref="InputLimits.DepthCeiling"/>), nothing the parser accepts can overflow a recursive writer or hash later.</para>
/// </remarks>
public static partial class ConfigParser
{
    /// <summary>The format a file's name implies: <c>.json</c> (any case) is JSON, everything else YAML.</summary>
    public static ConfigFormat FormatOf(string path) =>
        string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase)
            ? ConfigFormat.Json
            : ConfigFormat.Yaml;

    /// <summary>Parses config text within <see cref="InputLimits.Default"/>.</summary>
    public static Fin<ConfigValue> Parse(string text, string source, ConfigFormat format) =>
        Parse(text, source, format, InputLimits.Default);

    /// <summary>Parses config text. <paramref name="source"/> is the file name that error messages show.</summary>
    public static Fin<ConfigValue> Parse(string text, string source, ConfigFormat format, InputLimits limits) =>
        format switch
        {
            ConfigFormat.Json => ParseJson(WithoutBom(text), source, limits),
            _ => ParseYaml(WithoutBom(text), source, limits),
        };

    /// <summary>A config file of <paramref name="bytes"/> bytes may be read: ask before reading it.</summary>
    public static Fin<Unit> CheckFileSize(string source, long bytes, InputLimits limits) =>
        bytes > limits.ConfigFileBytes
            ? FinFail<Unit>(new ConfigFileTooLarge(source, bytes, limits.ConfigFileBytes))
            : FinSucc(unit);

    /// <summary>Editors count columns after a byte-order mark, and neither reader should see it as content.</summary>
    private static string WithoutBom(string text) =>
        text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;

    private static Fin<ConfigValue> Fail(string source, long line, long column, string detail) =>
        FinFail<ConfigValue>(new ConfigParseError(source, (int)line, (int)column, detail));

    private const string RootNotMapping = "the root of a config file must be a mapping of keys to values";

    /// <summary>Carries a limit's error out of a reader's callbacks (or a recursive reader) to the parse's boundary.</summary>
    private sealed class LimitExceeded(RunError error) : Exception(error.Message)
    {
        public RunError Error { get; } = error;
    }
}
