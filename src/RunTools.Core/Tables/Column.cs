using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace RunTools.Tables;

/// <summary>What a column holds. Every kind has a missing value (see the column records).</summary>
public enum ColumnKind { Number, Integer, Text, Boolean }

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
