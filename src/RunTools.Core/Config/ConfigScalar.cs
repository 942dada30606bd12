using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace RunTools.Config;

/// <summary>
/// The YAML 1.2 core schema for plain scalars, shared by the parser (text → value) and the writers (value → text),
/// so that what one side writes the other reads back as the same type.
/// </summary>
internal static class ConfigScalar
{
    // [0-9], not \d: \d matches every Unicode digit. \z, not $: $ also matches before a final newline.
    private static readonly Regex DecimalInt = new(@"\A[-+]?[0-9]+\z", RegexOptions.CultureInvariant);
    private static readonly Regex OctalInt = new(@"\A0o[0-7]+\z", RegexOptions.CultureInvariant);
    private static readonly Regex HexInt = new(@"\A0x[0-9a-fA-F]+\z", RegexOptions.CultureInvariant);
    private static readonly Regex FiniteFloat =
        new(@"\A[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z", RegexOptions.CultureInvariant);
    private static readonly Regex Infinity = new(@"\A[-+]?\.(inf|Inf|INF)\z", RegexOptions.CultureInvariant);
    private static readonly Regex NotANumber = new(@"\A\.(nan|NaN|NAN)\z", RegexOptions.CultureInvariant);

    /// <summary>The type a plain (unquoted, untagged) scalar has under the core schema.</summary>
    public static ConfigValue ResolvePlain(string text) =>
        text.Length > 0 && !MayBeTyped(text[0]) ? new ConfigString(text) : Resolve(text);

    /// <summary>Whether a plain scalar starting with <paramref name="first"/> can be anything but a string: every null,
    /// boolean and number of the core schema starts with one of these. (Most config strings do not, and skip the
    /// patterns.)</summary>
    private static bool MayBeTyped(char first) =>
        first is (>= '0' and <= '9') or '+' or '-' or '.' or '~' or 'n' or 'N' or 't' or 'T' or 'f' or 'F';

    private static ConfigValue Resolve(string text) =>
        (Null(text).Map(_ => (ConfigValue)ConfigNull.Instance)
            | Bool(text).Map(b => (ConfigValue)new ConfigBool(b))
            | Integer(text).Map(n => n >= long.MinValue && n <= long.MaxValue
                ? (ConfigValue)new ConfigInt((long)n)
                : new ConfigFloat(ToDouble(n)))
            | Float(text).Map(d => (ConfigValue)new ConfigFloat(d))
            ).IfNone(() => new ConfigString(text));

    /// <summary><c>null</c>, <c>Null</c>, <c>NULL</c>, <c>~</c> or nothing.</summary>
    public static Option<Unit> Null(string text) =>
        text is "" or "~" or "null" or "Null" or "NULL" ? Some(unit) : None;

    public static Option<bool> Bool(string text) => text switch
    {
        "true" or "True" or "TRUE" => Some(true),
        "false" or "False" or "FALSE" => Some(false),
        _ => None,
    };

    /// <summary>A decimal (with sign), <c>0o</c> octal or <c>0x</c> hexadecimal integer, of any size.</summary>
    public static Option<BigInteger> Integer(string text) =>
        DecimalInt.IsMatch(text) ? Some(BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))
        : OctalInt.IsMatch(text) ? Some(text[2..].Aggregate(BigInteger.Zero, (n, c) => n * 8 + (c - '0')))
        : HexInt.IsMatch(text) ? Some(BigInteger.Parse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))
        : None;

    /// <summary>The nearest double (BigInteger's own conversion truncates instead of rounding).</summary>
    public static double ToDouble(BigInteger n) =>
        double.Parse(n.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A float: digits with a fraction and/or an exponent, or <c>.inf</c>, <c>-.inf</c>, <c>.nan</c>.</summary>
    public static Option<double> Float(string text) =>
        FiniteFloat.IsMatch(text) ? Some(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture))
        : Infinity.IsMatch(text) ? Some(text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity)
        : NotANumber.IsMatch(text) ? Some(double.NaN)
        : None;

    /// <summary>
    /// A float as YAML text that reads back as the same float (never as an integer): the shortest round-trip digits
    /// with a fraction always present (<c>2.0</c>, <c>1.0e+300</c>, <c>-0.0</c>), or <c>.nan</c>, <c>.inf</c>,
    /// <c>-.inf</c>. The mantissa always has a dot and the exponent a sign, which YAML 1.1 readers (PyYAML) also
    /// read as a float.
    /// </summary>
    public static string FormatFloat(double value) =>
        double.IsNaN(value) ? ".nan"
        : double.IsPositiveInfinity(value) ? ".inf"
        : double.IsNegativeInfinity(value) ? "-.inf"
        : FormatFinite(value);

    /// <summary>A finite float as JSON/YAML number text with a fraction or exponent, so it reads back as a float.</summary>
    public static string FormatFinite(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E');
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0 ? "" : "e" + text[(e + 1)..];
        return (mantissa.Contains('.') ? mantissa : mantissa + ".0") + exponent;
    }

    public static string FormatInt(long value) => value.ToString(CultureInfo.InvariantCulture);
}
