using System.Globalization;

namespace RunTools.Tables;

/// <summary>
/// What the cells of a CSV column seen so far allow it to be. Fold every cell of the column through
/// <see cref="Observe"/> (the shell does it while streaming, so no cell is kept) and read <see cref="Kind"/>.
/// </summary>
/// <param name="AnyValue">Some cell was not empty.</param>
/// <param name="AllIntegers">Every non-empty cell is an integer that fits in a long.</param>
/// <param name="AllNumbers">Every non-empty cell is an invariant-culture number.</param>
/// <param name="AllBooleans">Every non-empty cell is true or false.</param>
public readonly record struct KindEvidence(bool AnyValue, bool AllIntegers, bool AllNumbers, bool AllBooleans)
{
    /// <summary>Before the first cell: anything is still possible.</summary>
    public static readonly KindEvidence None = new(false, true, true, true);

    public KindEvidence Observe(string? cell)
    {
        if (CsvInference.IsEmpty(cell)) return this;
        if (AnyValue && !AllNumbers && !AllBooleans) return this; // already text: nothing can change that
        return new KindEvidence(
            AnyValue: true,
            AllIntegers: AllIntegers && CsvInference.TryInteger(cell, out _),
            AllNumbers: AllNumbers && CsvInference.TryNumber(cell, out _),
            AllBooleans: AllBooleans && CsvInference.TryBoolean(cell, out _));
    }

    /// <summary>All empty → Text; else integers → Integer; numbers → Number; true/false → Boolean; else Text.</summary>
    public ColumnKind Kind =>
        !AnyValue ? ColumnKind.Text
        : AllIntegers ? ColumnKind.Integer
        : AllNumbers ? ColumnKind.Number
        : AllBooleans ? ColumnKind.Boolean
        : ColumnKind.Text;
}

/// <summary>
/// The type of a CSV column from its raw cells, over the whole column (one odd value in the last row makes a column
/// Text, so a sample cannot decide), and the cell parsers that go with it. Empty means null (an empty unquoted
/// field), "" or white space only: in a Number, Integer or Boolean column it is missing; a Text column keeps the
/// cell as it is.
/// </summary>
public static class CsvInference
{
    public static ColumnKind Infer(IEnumerable<string?> cells) =>
        cells.Aggregate(KindEvidence.None, (evidence, cell) => evidence.Observe(cell)).Kind;

    public static bool IsEmpty([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? cell) => string.IsNullOrWhiteSpace(cell);

    /// <summary>An invariant-culture double: optional sign, digits, '.', exponent, surrounding white space; also
    /// NaN and Infinity in any case. No thousands separators, no hex.</summary>
    public static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>An optionally signed decimal integer within the range of a long, with surrounding white space.</summary>
    public static bool TryInteger(string cell, out long value) =>
        long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    /// <summary>true or false in any case, with surrounding white space.</summary>
    public static bool TryBoolean(string cell, out bool value)
    {
        var text = cell.AsSpan().Trim();
        value = text.Equals("true", StringComparison.OrdinalIgnoreCase);
        return value || text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }
}
