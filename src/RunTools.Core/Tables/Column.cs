using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace RunTools.Tables;

/// <summary>What a column holds. Every kind has a missing value (see the column records). <see cref="Unsupported"/>
/// is a column of a file whose type no other kind holds (a list, struct, map or binary Parquet column): it keeps its
/// place and its type's name, not its values, so that a file with such a column can be read as long as the column is
/// not used (see <see cref="UnsupportedColumn"/>).</summary>
public enum ColumnKind { Number, Integer, Text, Boolean, Date, Timestamp, Unsupported }

/// <summary>What a timestamp column's source recorded about time zones. Either way the values are held as UTC instants:
/// a naive timestamp's wall-clock reading is taken as if it were UTC (as pandas does with a tz-naive datetime), so
/// that it can be written back as the same reading.</summary>
public enum TimestampZone
{
    /// <summary>No zone: a wall-clock reading (Parquet TIMESTAMP with isAdjustedToUTC = false, legacy INT96, a CSV
    /// date-time without an offset). pandas: datetime64[ns].</summary>
    Naive,

    /// <summary>Instants adjusted to UTC (Parquet TIMESTAMP with isAdjustedToUTC = true, a CSV date-time with Z or an
    /// offset). pandas: datetime64[ns, UTC].</summary>
    Utc,
}

/// <summary>
/// One named column of a <see cref="Table"/>: a closed set of sealed cases, one per <see cref="ColumnKind"/>.
/// Values live in an <see cref="ImmutableArray{T}"/> (not a Seq) because tables run to millions of rows and the
/// Parquet writer and reader work on contiguous memory; equality is still structural (element by element).
/// </summary>
public abstract record Column(string Name)
{
    public abstract ColumnKind Kind { get; }

    public abstract int Count { get; }

    public abstract bool IsMissing(int row);

    /// <summary>The value as a plain .NET object: double, long, string, bool, or null when missing
    /// (a NaN number is missing, so it is null here).</summary>
    public abstract object? ValueAt(int row);

    /// <summary>The rows at <paramref name="rows"/>, in that order. The indices are already checked.</summary>
    internal abstract Column Gather(ReadOnlySpan<int> rows);

    internal abstract Column Slice(int start, int length);

    protected static ImmutableArray<T> Normalize<T>(ImmutableArray<T> values) => values.IsDefault ? [] : values;

    protected static ImmutableArray<T> GatherValues<T>(ImmutableArray<T> values, ReadOnlySpan<int> rows)
    {
        var picked = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++) picked[i] = values[rows[i]];
        return ImmutableCollectionsMarshal.AsImmutableArray(picked);
    }
}

/// <summary>Floating-point values; missing is NaN (any NaN: the payload is not kept). Equality is bit for bit
/// (so 0.0 and -0.0 differ), except that every NaN equals every other NaN.</summary>
public sealed record NumberColumn(string Name, ImmutableArray<double> Values) : Column(Name)
{
    public ImmutableArray<double> Values { get; init => field = Normalize(value); } = Normalize(Values);

    public override ColumnKind Kind => ColumnKind.Number;
    public override int Count => Values.Length;
    public override bool IsMissing(int row) => double.IsNaN(Values[row]);
    public override object? ValueAt(int row) => double.IsNaN(Values[row]) ? null : Values[row];
    internal override Column Gather(ReadOnlySpan<int> rows) => this with { Values = GatherValues(Values, rows) };
    internal override Column Slice(int start, int length) => this with { Values = Values.Slice(start, length) };

    public bool Equals(NumberColumn? other)
    {
        if (other is null || Name != other.Name || Values.Length != other.Values.Length) return false;
        ReadOnlySpan<double> a = Values.AsSpan(), b = other.Values.AsSpan();
        for (var i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]) && !(double.IsNaN(a[i]) && double.IsNaN(b[i])))
                return false;
        return true;
    }

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Values.Length);
}

/// <summary>64-bit integers; missing is null. A nullable element (rather than a value array plus a validity mask)
/// costs 16 bytes a value instead of 8, and in exchange maps one to one onto Parquet.Net's nullable columns and
/// onto PowerShell's <c>$null</c>, with no second array to keep in step.</summary>
public sealed record IntegerColumn(string Name, ImmutableArray<long?> Values) : Column(Name)
{
    public ImmutableArray<long?> Values { get; init => field = Normalize(value); } = Normalize(Values);

    public override ColumnKind Kind => ColumnKind.Integer;
    public override int Count => Values.Length;
    public override bool IsMissing(int row) => Values[row] is null;
    public override object? ValueAt(int row) => Values[row];
    internal override Column Gather(ReadOnlySpan<int> rows) => this with { Values = GatherValues(Values, rows) };
    internal override Column Slice(int start, int length) => this with { Values = Values.Slice(start, length) };

    public bool Equals(IntegerColumn? other) =>
        other is not null && Name == other.Name && Values.AsSpan().SequenceEqual(other.Values.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Values.Length);
}

/// <summary>Strings; missing is null, which is not the empty string.</summary>
public sealed record TextColumn(string Name, ImmutableArray<string?> Values) : Column(Name)
{
    public ImmutableArray<string?> Values { get; init => field = Normalize(value); } = Normalize(Values);

    public override ColumnKind Kind => ColumnKind.Text;
    public override int Count => Values.Length;
    public override bool IsMissing(int row) => Values[row] is null;
    public override object? ValueAt(int row) => Values[row];
    internal override Column Gather(ReadOnlySpan<int> rows) => this with { Values = GatherValues(Values, rows) };
    internal override Column Slice(int start, int length) => this with { Values = Values.Slice(start, length) };

    public bool Equals(TextColumn? other) =>
        other is not null && Name == other.Name && Values.AsSpan().SequenceEqual(other.Values.AsSpan(), StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Values.Length);
}

/// <summary>Booleans; missing is null.</summary>
public sealed record BooleanColumn(string Name, ImmutableArray<bool?> Values) : Column(Name)
{
    public ImmutableArray<bool?> Values { get; init => field = Normalize(value); } = Normalize(Values);

    public override ColumnKind Kind => ColumnKind.Boolean;
    public override int Count => Values.Length;
    public override bool IsMissing(int row) => Values[row] is null;
    public override object? ValueAt(int row) => Values[row];
    internal override Column Gather(ReadOnlySpan<int> rows) => this with { Values = GatherValues(Values, rows) };
    internal override Column Slice(int start, int length) => this with { Values = Values.Slice(start, length) };

    public bool Equals(BooleanColumn? other) =>
        other is not null && Name == other.Name && Values.AsSpan().SequenceEqual(other.Values.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Values.Length);
}

/// <summary>Calendar dates (no time of day, no zone); missing is null.</summary>
public sealed record DateColumn(string Name, ImmutableArray<DateOnly?> Values) : Column(Name)
{
    public ImmutableArray<DateOnly?> Values { get; init => field = Normalize(value); } = Normalize(Values);

    public override ColumnKind Kind => ColumnKind.Date;
    public override int Count => Values.Length;
    public override bool IsMissing(int row) => Values[row] is null;

    /// <summary>A <see cref="DateOnly"/>, or null.</summary>
    public override object? ValueAt(int row) => Values[row];
    internal override Column Gather(ReadOnlySpan<int> rows) => this with { Values = GatherValues(Values, rows) };
    internal override Column Slice(int start, int length) => this with { Values = Values.Slice(start, length) };

    /// <summary>The date at midnight UTC, in ticks: where a date sits on a time axis (the walk-forward <c>time</c>
    /// role).</summary>
    public static long Ticks(DateOnly date) => date.DayNumber * TimeSpan.TicksPerDay;

    /// <summary>ISO-8601: yyyy-MM-dd.</summary>
    public static string Format(DateOnly date) => date.ToString("yyyy'-'MM'-'dd", System.Globalization.CultureInfo.InvariantCulture);

    public bool Equals(DateColumn? other) =>
        other is not null && Name == other.Name && Values.AsSpan().SequenceEqual(other.Values.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Values.Length);
}

/// <summary>
/// Timestamps as UTC instants (100 ns ticks; a Parquet nanosecond value loses its last two digits), with the
/// <see cref="Zone"/> the source recorded; missing is null. A value's <see cref="DateTime.Kind"/> is not part of it:
/// <see cref="Zone"/> says what the ticks mean, and <see cref="ValueAt"/> gives a DateTime of the matching kind.
/// </summary>
public sealed record TimestampColumn(string Name, ImmutableArray<DateTime?> Values, TimestampZone Zone) : Column(Name)
{
    public ImmutableArray<DateTime?> Values { get; init => field = Normalize(value); } = Normalize(Values);

    public override ColumnKind Kind => ColumnKind.Timestamp;
    public override int Count => Values.Length;
    public override bool IsMissing(int row) => Values[row] is null;

    /// <summary>A <see cref="DateTime"/> of kind Utc (UTC-adjusted) or Unspecified (naive), or null.</summary>
    public override object? ValueAt(int row) => Values[row] is { } v ? At(v.Ticks, Zone) : null;
    internal override Column Gather(ReadOnlySpan<int> rows) => this with { Values = GatherValues(Values, rows) };
    internal override Column Slice(int start, int length) => this with { Values = Values.Slice(start, length) };

    /// <summary>The instant as a DateTime whose kind says the zone: Utc or Unspecified (never Local).</summary>
    public static DateTime At(long ticks, TimestampZone zone) =>
        new(ticks, zone == TimestampZone.Utc ? DateTimeKind.Utc : DateTimeKind.Unspecified);

    /// <summary>ISO-8601 with as many fraction digits as needed (none for a whole second), and Z when the zone is UTC:
    /// 2024-01-01T10:00:00Z, 2024-01-01T10:00:00.25 (naive).</summary>
    public static string Format(DateTime value, TimestampZone zone) =>
        value.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture)
        + (zone == TimestampZone.Utc ? "Z" : "");

    public bool Equals(TimestampColumn? other)
    {
        if (other is null || Name != other.Name || Zone != other.Zone || Values.Length != other.Values.Length) return false;
        ReadOnlySpan<DateTime?> a = Values.AsSpan(), b = other.Values.AsSpan();
        for (var i = 0; i < a.Length; i++)
            if (a[i]?.Ticks != b[i]?.Ticks) return false;
        return true;
    }

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Zone, Values.Length);
}

/// <summary>
/// A column of a type no other kind holds (a Parquet list, struct, map or binary column), as a placeholder: its name,
/// its type as the file describes it, and its row count, not its values (they were never read). A table may carry one
/// (an excluded column of any type is simply ignored); whatever would use its values refuses it, naming the column,
/// its type and the setting to change (see <see cref="ColumnRoleUnsupported"/>). Every row counts as missing.
/// </summary>
public sealed record UnsupportedColumn(string Name, string Type, int Rows) : Column(Name)
{
    public override ColumnKind Kind => ColumnKind.Unsupported;
    public override int Count => Rows;
    public override bool IsMissing(int row) => true;
    public override object? ValueAt(int row) => null;
    internal override Column Gather(ReadOnlySpan<int> rows) => this with { Rows = rows.Length };
    internal override Column Slice(int start, int length) => this with { Rows = length };
}
