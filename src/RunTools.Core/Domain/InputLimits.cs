using System.Globalization;
using System.Text.RegularExpressions;

namespace RunTools.Domain;

/// <summary>
/// One bound on input: what it bounds (for messages), the environment variable that sets it, its default, the most it
/// can be raised to, and the unit it counts.
/// </summary>
/// <param name="Ceiling">The hard maximum. Depth has a real one (every walk over a config recurses once per level, so
/// the ceiling keeps the deepest accepted config far from the end of a 1 MiB stack); byte sizes are bounded by what
/// one .NET array holds.</param>
public sealed record InputLimit(string What, string Variable, long Default, long Ceiling, string Unit)
{
    /// <summary>How a message says to raise it: <c>raise RUNTOOLS_LIMIT_CONFIG_DEPTH (now 64, at most 256)</c>.</summary>
    public string HowToRaise(long current) =>
        current >= Ceiling
            ? $"{What} cannot be raised above {Excerpt.Count(Ceiling)} {Unit}"
            : $"to allow more, set the environment variable {Variable} (now {Excerpt.Count(current)}, at most {Excerpt.Count(Ceiling)})";
}

/// <summary>
/// The bounds that keep hostile or huge input (config files, -Set overrides, data files) from crashing the process,
/// overflowing the stack or exhausting memory. A pure value: the parsers take it as an argument; the shell builds it
/// from environment variables (<see cref="FromVariables"/>). Each bound has its own error (its ErrorId) naming the
/// bound, what was found and the variable that raises it.
/// </summary>
/// <param name="ConfigFileBytes">Size of one config file (ConfigFileTooLarge).</param>
/// <param name="ConfigDepth">Nesting of maps and lists, counted with aliases expanded and with the levels an override's
/// dotted key adds (ConfigTooDeep).</param>
/// <param name="ConfigScalarChars">Characters of one scalar: a key, a string, a number's text (ConfigScalarTooLong).</param>
/// <param name="ConfigAliases">YAML alias uses (<c>*name</c>) in one file or value (ConfigAliasesExceeded).</param>
/// <param name="ConfigNodes">Nodes (every key, value and collection) with aliases expanded (ConfigExpansionTooLarge).</param>
/// <param name="ConfigChars">Characters of all scalars, keys included, with aliases expanded (ConfigExpansionTooLarge).</param>
/// <param name="DataColumns">Columns of a CSV/TSV header or a Parquet schema (DataColumnsExceeded).</param>
/// <param name="DataFieldBytes">UTF-8 bytes of one CSV/TSV field's text (DataFieldTooLong).</param>
/// <param name="DataRecordBytes">Bytes of one CSV/TSV record, line breaks inside quotes included (DataRecordTooLong):
/// a reader holds a whole record in memory, so this bounds its buffer.</param>
/// <param name="DataFooterBytes">Bytes of a Parquet file's footer (its metadata), which is read whole (DataFooterTooLarge).</param>
public sealed record InputLimits(
    long ConfigFileBytes,
    int ConfigDepth,
    int ConfigScalarChars,
    int ConfigAliases,
    long ConfigNodes,
    long ConfigChars,
    int DataColumns,
    int DataFieldBytes,
    int DataRecordBytes,
    int DataFooterBytes)
{
    const long MiB = 1 << 20;

    /// <summary>The deepest a config can ever be, whatever the variables say.</summary>
    public const int DepthCeiling = 256;

    public static readonly InputLimit ConfigFileBytesLimit =
        new("the size of a config file", "RUNTOOLS_LIMIT_CONFIG_FILE_BYTES", 32 * MiB, 1L << 30, "bytes");
    public static readonly InputLimit ConfigDepthLimit =
        new("the nesting depth of a config", "RUNTOOLS_LIMIT_CONFIG_DEPTH", 64, DepthCeiling, "levels");
    public static readonly InputLimit ConfigScalarCharsLimit =
        new("the length of a config scalar", "RUNTOOLS_LIMIT_CONFIG_SCALAR_CHARS", MiB, 1L << 30, "characters");
    public static readonly InputLimit ConfigAliasesLimit =
        new("the number of YAML alias uses", "RUNTOOLS_LIMIT_CONFIG_ALIASES", 10_000, int.MaxValue, "aliases");
    public static readonly InputLimit ConfigNodesLimit =
        new("the number of config nodes after alias expansion", "RUNTOOLS_LIMIT_CONFIG_NODES", 4_000_000, 1L << 30, "nodes");
    public static readonly InputLimit ConfigCharsLimit =
        new("the characters of a config after alias expansion", "RUNTOOLS_LIMIT_CONFIG_CHARS", 64 * MiB, 1L << 34, "characters");
    public static readonly InputLimit DataColumnsLimit =
        new("the number of columns of a data file", "RUNTOOLS_LIMIT_DATA_COLUMNS", 65_536, 1 << 24, "columns");
    public static readonly InputLimit DataFieldBytesLimit =
        new("the length of a CSV field", "RUNTOOLS_LIMIT_DATA_FIELD_BYTES", 16 * MiB, System.Array.MaxLength, "bytes");
    public static readonly InputLimit DataRecordBytesLimit =
        new("the length of a CSV record", "RUNTOOLS_LIMIT_DATA_RECORD_BYTES", 64 * MiB, System.Array.MaxLength / 2, "bytes");
    public static readonly InputLimit DataFooterBytesLimit =
        new("the size of a Parquet footer", "RUNTOOLS_LIMIT_DATA_FOOTER_BYTES", 64 * MiB, int.MaxValue, "bytes");

    /// <summary>Every limit, in the order the documentation lists them.</summary>
    public static readonly Seq<InputLimit> All = Seq(
        ConfigFileBytesLimit, ConfigDepthLimit, ConfigScalarCharsLimit, ConfigAliasesLimit, ConfigNodesLimit, ConfigCharsLimit,
        DataColumnsLimit, DataFieldBytesLimit, DataRecordBytesLimit, DataFooterBytesLimit);

    /// <summary>Every limit at its default.</summary>
    public static readonly InputLimits Default = From(l => l.Default);

    /// <summary>Every limit at its ceiling: for files RunTools wrote itself (a run's config_resolved.yaml, a
    /// manifest's config), which were checked against the limits in force when they were created.</summary>
    public static readonly InputLimits Ceiling = From(l => l.Ceiling);

    /// <summary>The current value of a limit.</summary>
    public long ValueOf(InputLimit limit) =>
        limit == ConfigFileBytesLimit ? ConfigFileBytes
        : limit == ConfigDepthLimit ? ConfigDepth
        : limit == ConfigScalarCharsLimit ? ConfigScalarChars
        : limit == ConfigAliasesLimit ? ConfigAliases
        : limit == ConfigNodesLimit ? ConfigNodes
        : limit == ConfigCharsLimit ? ConfigChars
        : limit == DataColumnsLimit ? DataColumns
        : limit == DataFieldBytesLimit ? DataFieldBytes
        : limit == DataRecordBytesLimit ? DataRecordBytes
        : limit == DataFooterBytesLimit ? DataFooterBytes
        : throw new ArgumentOutOfRangeException(nameof(limit), limit.Variable, "not one of InputLimits.All");

    static InputLimits From(Func<InputLimit, long> value) => new(
        value(ConfigFileBytesLimit), (int)value(ConfigDepthLimit), (int)value(ConfigScalarCharsLimit), (int)value(ConfigAliasesLimit),
        value(ConfigNodesLimit), value(ConfigCharsLimit), (int)value(DataColumnsLimit), (int)value(DataFieldBytesLimit),
        (int)value(DataRecordBytesLimit), (int)value(DataFooterBytesLimit));

    static readonly Regex Setting = new(@"\A\s*([0-9]+)\s*(?:([kmgKMG])(?:i?[bB])?)?\s*\z", RegexOptions.CultureInvariant);

    /// <summary>
    /// The limits that the variables set, the defaults for the others. A value is a positive whole number, optionally
    /// with a binary suffix (<c>64M</c>, <c>64MiB</c>, <c>512k</c>, <c>1G</c>); an empty variable is unset. A value that
    /// is not a number, is 0, or is above the limit's ceiling is an <see cref="InputLimitInvalid"/> naming the first such
    /// variable, not silently ignored.
    /// </summary>
    /// <param name="variable">The value of an environment variable, or null when it is not set.</param>
    public static Fin<InputLimits> FromVariables(Func<string, string?> variable) =>
        All.Map(limit => Parse(limit, variable(limit.Variable)).Map(value => (limit, value))).Sequence()
            .Map(values =>
            {
                var map = toHashMap(values);
                return From(l => map[l]);
            });

    static Fin<long> Parse(InputLimit limit, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return FinSucc(limit.Default);
        var match = Setting.Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return FinFail<long>(new InputLimitInvalid(limit.Variable, text, "it is not a whole number (optionally with a k, M or G suffix)"));
        var scale = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            _ => 1L,
        };
        var value = number > limit.Ceiling / scale ? long.MaxValue : number * scale;
        return value switch
        {
            <= 0 => FinFail<long>(new InputLimitInvalid(limit.Variable, text, "a limit must be at least 1")),
            _ when value > limit.Ceiling => FinFail<long>(new InputLimitInvalid(limit.Variable, text,
                $"{limit.What} cannot be raised above {Excerpt.Count(limit.Ceiling)} {limit.Unit}")),
            _ => FinSucc(value),
        };
    }
}
