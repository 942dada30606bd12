using System.Globalization;

namespace RunTools.Tables;

/// <summary>What one CSV cell could be (see <see cref="CsvInference.Classify(ReadOnlySpan{char})"/>). Integers are
/// numbers too; a date (yyyy-MM-dd) is also a naive timestamp (its midnight); nothing is both a number and anything
/// else but an integer.</summary>
[Flags]
public enum CellKinds
{
    /// <summary>Only text.</summary>
    Text = 0,
    /// <summary>Empty or white space only: missing in every kind but text.</summary>
    Empty = 1,
    Integer = 2,
    Number = 4,
    Boolean = 8,
    /// <summary>An ISO-8601 calendar date, yyyy-MM-dd.</summary>
    Date = 16,
    /// <summary>An ISO-8601 date-time without an offset (or a date).</summary>
    NaiveTimestamp = 32,
    /// <summary>An ISO-8601 date-time with Z or an offset.</summary>
    UtcTimestamp = 64,
}

/// <summary>
/// What the cells of a CSV column seen so far allow it to be. Fold every cell of the column through
/// <see cref="Observe(string)"/> (or, with a cell already classified, <see cref="Observe(CellKinds)"/>; the shell does
/// it while streaming, so no cell is kept) and read <see cref="Kind"/> (and, for a timestamp column, <see cref="Zone"/>).
/// </summary>
/// <param name="AnyValue">Some cell was not empty.</param>
/// <param name="AllIntegers">Every non-empty cell is an integer that fits in a long.</param>
/// <param name="AllNumbers">Every non-empty cell is an invariant-culture number.</param>
/// <param name="AllBooleans">Every non-empty cell is true or false.</param>
/// <param name="AllDates">Every non-empty cell is an ISO-8601 date.</param>
/// <param name="AllNaive">Every non-empty cell is an ISO-8601 date-time without an offset, or a date.</param>
/// <param name="AllUtc">Every non-empty cell is an ISO-8601 date-time with Z or an offset.</param>
public readonly record struct KindEvidence(bool AnyValue, bool AllIntegers, bool AllNumbers, bool AllBooleans,
    bool AllDates, bool AllNaive, bool AllUtc)
{
    /// <summary>Before the first cell: anything is still possible.</summary>
    public static readonly KindEvidence None = new(false, true, true, true, true, true, true);

    /// <summary>Already text: no cell can change that.</summary>
    public bool IsText => AnyValue && !AllNumbers && !AllBooleans && !AllNaive && !AllUtc;

    public KindEvidence Observe(string? cell) => cell is null || IsText ? this : Observe(CsvInference.Classify(cell.AsSpan()));

    public KindEvidence Observe(ReadOnlySpan<char> cell) => IsText ? this : Observe(CsvInference.Classify(cell));

    /// <summary>The evidence after one more cell, given what the cell could be.</summary>
    public KindEvidence Observe(CellKinds cell) => cell == CellKinds.Empty || IsText
        ? this
        : new KindEvidence(
            AnyValue: true,
            AllIntegers: AllIntegers && (cell & CellKinds.Integer) != 0,
            AllNumbers: AllNumbers && (cell & CellKinds.Number) != 0,
            AllBooleans: AllBooleans && (cell & CellKinds.Boolean) != 0,
            AllDates: AllDates && (cell & CellKinds.Date) != 0,
            AllNaive: AllNaive && (cell & CellKinds.NaiveTimestamp) != 0,
            AllUtc: AllUtc && (cell & CellKinds.UtcTimestamp) != 0);

    /// <summary>All empty → Text; else integers → Integer; numbers → Number; true/false → Boolean; ISO-8601 dates →
    /// Date; ISO-8601 date-times (and dates), all with an offset or all without → Timestamp; else Text (a column that
    /// mixes date-times with and without an offset is text, as in pandas).</summary>
    public ColumnKind Kind =>
        !AnyValue ? ColumnKind.Text
        : AllIntegers ? ColumnKind.Integer
        : AllNumbers ? ColumnKind.Number
        : AllBooleans ? ColumnKind.Boolean
        : AllDates ? ColumnKind.Date
        : AllNaive || AllUtc ? ColumnKind.Timestamp
        : ColumnKind.Text;

    /// <summary>A timestamp column's zone: UTC when its cells have offsets, naive when they have none.</summary>
    public TimestampZone Zone => AllUtc ? TimestampZone.Utc : TimestampZone.Naive;
}

/// <summary>
/// The type of a CSV column from its raw cells, over the whole column (one odd value in the last row makes a column
/// Text, so a sample cannot decide), and the cell parsers that go with it. Empty means null (an empty unquoted
/// field), "" or white space only: in a Number, Integer, Boolean, Date or Timestamp column it is missing; a Text
/// column keeps the cell as it is.
/// </summary>
public static class CsvInference
{
    public static ColumnKind Infer(IEnumerable<string?> cells) => Evidence(cells).Kind;

    public static KindEvidence Evidence(IEnumerable<string?> cells) =>
        cells.Aggregate(KindEvidence.None, (evidence, cell) => evidence.Observe(cell));

    public static bool IsEmpty([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] string? cell) => string.IsNullOrWhiteSpace(cell);

    /// <summary>Every kind the cell could be.</summary>
    public static CellKinds Classify(ReadOnlySpan<char> cell)
    {
        if (cell.IsWhiteSpace()) return CellKinds.Empty;
        if (long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) return CellKinds.Integer | CellKinds.Number;
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return CellKinds.Number;
        if (TryBoolean(cell, out _)) return CellKinds.Boolean;
        return ClassifyInstant(cell);
    }

    /// <summary>Date, NaiveTimestamp or UtcTimestamp for an ISO-8601 cell; Text otherwise.</summary>
    public static CellKinds ClassifyInstant(ReadOnlySpan<char> cell)
    {
        var text = cell.Trim();
        if (text.Length < 10 || !char.IsAsciiDigit(text[0])) return CellKinds.Text; // the common case: cheap to refuse
        if (TryDate(text, out _)) return CellKinds.Date | CellKinds.NaiveTimestamp;
        if (TryTimestamp(text, out _, out var zone)) return zone == TimestampZone.Utc ? CellKinds.UtcTimestamp : CellKinds.NaiveTimestamp;
        return CellKinds.Text;
    }

    /// <summary>An invariant-culture double: optional sign, digits, '.', exponent, surrounding white space; also
    /// NaN and Infinity in any case. No thousands separators, no hex.</summary>
    public static bool TryNumber(string cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>An optionally signed decimal integer within the range of a long, with surrounding white space.</summary>
    public static bool TryInteger(string cell, out long value) =>
        long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    /// <summary>true or false in any case, with surrounding white space.</summary>
    public static bool TryBoolean(string cell, out bool value) => TryBoolean(cell.AsSpan(), out value);

    public static bool TryBoolean(ReadOnlySpan<char> cell, out bool value)
    {
        var text = cell.Trim();
        value = text.Equals("true", StringComparison.OrdinalIgnoreCase);
        return value || text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An ISO-8601 calendar date, yyyy-MM-dd (four-digit year, two-digit month and day, a real date), with
    /// surrounding white space.</summary>
    public static bool TryDate(ReadOnlySpan<char> cell, out DateOnly value)
    {
        var text = cell.Trim();
        value = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-') return false;
        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        value = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>
    /// An ISO-8601 date-time: yyyy-MM-dd, then 'T' or one space, HH:mm, optionally :ss and a fraction of up to nine
    /// digits ('.' or ','; digits beyond the seventh, below 100 ns, are dropped), then optionally Z or an offset
    /// (±HH:mm, ±HHmm or ±HH). With an offset, <paramref name="value"/> is the UTC instant and the zone is UTC; without
    /// one it is the wall-clock reading and the zone is naive. Surrounding white space is allowed.
    /// </summary>
    public static bool TryTimestamp(ReadOnlySpan<char> cell, out DateTime value, out TimestampZone zone)
    {
        var text = cell.Trim();
        value = default;
        zone = TimestampZone.Naive;
        if (text.Length < 16 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return false;
        if (!TryDate(text[..10], out var date)) return false;
        if (text[13] != ':' || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || hour > 23 || minute > 59) return false;
        var i = 16;
        var second = 0;
        long fraction = 0;
        if (i < text.Length && text[i] == ':')
        {
            if (!Digits(text, i + 1, 2, out second) || second > 59) return false;
            i += 3;
            if (i < text.Length && (text[i] == '.' || text[i] == ','))
            {
                var start = ++i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                var digits = i - start;
                if (digits is 0 or > 9) return false;
                for (var d = 0; d < 7; d++) fraction = fraction * 10 + (d < digits ? text[start + d] - '0' : 0);
            }
        }
        long offsetTicks = 0;
        if (i < text.Length)
        {
            var rest = text[i..];
            if (rest is "Z" or "z") zone = TimestampZone.Utc;
            else if (rest[0] is '+' or '-' && TryOffset(rest[1..], out var minutes))
            {
                zone = TimestampZone.Utc;
                offsetTicks = (rest[0] == '-' ? -minutes : minutes) * TimeSpan.TicksPerMinute;
            }
            else return false;
        }
        var ticks = DateColumn.Ticks(date) + hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute + second * TimeSpan.TicksPerSecond + fraction - offsetTicks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) return false;
        value = TimestampColumn.At(ticks, zone);
        return true;
    }

    /// <summary>A cell of a Timestamp column: a date-time (<see cref="TryTimestamp"/>), or a date, which is its
    /// midnight with no zone.</summary>
    public static bool TryInstant(ReadOnlySpan<char> cell, out DateTime value, out TimestampZone zone)
    {
        if (TryDate(cell, out var date))
        {
            value = TimestampColumn.At(DateColumn.Ticks(date), TimestampZone.Naive);
            zone = TimestampZone.Naive;
            return true;
        }
        return TryTimestamp(cell, out value, out zone);
    }

    /// <summary>HH:mm, HHmm or HH, at most 18:00.</summary>
    static bool TryOffset(ReadOnlySpan<char> text, out long minutes)
    {
        minutes = 0;
        int hours, mins = 0;
        switch (text.Length)
        {
            case 2 when Digits(text, 0, 2, out hours): break;
            case 4 when Digits(text, 0, 2, out hours) && Digits(text, 2, 2, out mins): break;
            case 5 when text[2] == ':' && Digits(text, 0, 2, out hours) && Digits(text, 3, 2, out mins): break;
            default: return false;
        }
        if (mins > 59 || hours * 60 + mins > 18 * 60) return false;
        minutes = hours * 60 + mins;
        return true;
    }

    static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length) return false;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i])) return false;
            value = value * 10 + (text[i] - '0');
        }
        return true;
    }
}
