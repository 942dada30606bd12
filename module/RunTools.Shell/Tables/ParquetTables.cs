using System.Runtime.InteropServices;
using Parquet;
using Parquet.Schema;
using RunTools.Domain;
using RunTools.Tables;

namespace RunTools.Shell.Tables;

/// <summary>
/// Parquet files as tables, with Parquet.Net 6. Writing: one OPTIONAL column per table column (DOUBLE, INT64, UTF-8
/// BYTE_ARRAY, BOOLEAN, DATE as INT32, TIMESTAMP(MICROS) as INT64 with isAdjustedToUTC as the column's zone), NaN
/// written as null. Reading: flat columns only; float/double (and half) and DECIMAL (INT32, INT64, FIXED_LEN_BYTE_ARRAY
/// or BYTE_ARRAY; as the nearest double) → Number, signed and unsigned integers of every width → Integer (an unsigned
/// 64-bit value above long.MaxValue is an error), strings → Text, booleans → Boolean, DATE → Date, TIMESTAMP (millis,
/// micros, nanos; isAdjustedToUTC true → UTC, false → naive), the legacy TIMESTAMP_MILLIS/MICROS (UTC) and INT96
/// (naive, as pandas reads it) → Timestamp, null → missing. Any other column (struct, list, map, repeated, binary,
/// UUID, interval) becomes an <see cref="UnsupportedColumn"/> placeholder whose values are never read: it is refused
/// only where something uses it.
/// </summary>
static class ParquetTables
{
    public static void Write(Stream stream, Table table, ParquetSettings settings)
    {
        var fields = table.Columns.Map(FieldFor).ToArray();
        var options = new ParquetOptions { CompressionMethod = settings.Compression, CompressionLevel = settings.Level };
        var writer = Wait(ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, options));
        try
        {
            for (var start = 0; start < table.RowCount; start += settings.RowGroupRows)
            {
                var count = Math.Min(settings.RowGroupRows, table.RowCount - start);
                using var group = writer.CreateRowGroup();
                var i = 0;
                foreach (var column in table.Columns) Wait(WriteColumn(group, fields[i++], column, start, count));
                group.CompleteValidate();
            }
        }
        finally
        {
            Wait(writer.DisposeAsync().AsTask());
        }
    }

    /// <param name="only">Read only these columns (in file order); null reads every column.</param>
    public static Table Read(string path, int? firstRows, InputLimits limits, IReadOnlySet<string>? only = null)
    {
        using var stream = Open(path);
        var reader = OpenChecked(path, stream, limits);
        try
        {
            var plan = Plan(path, reader.Schema).Where(p => only is null || only.Contains(p.Field.Name)).ToArray();
            var total = reader.RowGroups.Sum(g => g.RowCount);
            var wanted = firstRows is { } first ? Math.Min(Math.Max(first, 0), total) : total;
            if (wanted > System.Array.MaxLength)
                throw new TableFileException(new DataFileInvalid(path, $"{total} rows are more than a table holds ({System.Array.MaxLength})"));
            CheckMemory(path, reader, total, wanted, plan.Length);
            var rows = (int)wanted;
            var columns = plan.Select(p => p.Reader(rows)).ToArray();
            var offset = 0;
            for (var g = 0; g < reader.RowGroupCount && offset < rows; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var take = (int)Math.Min(group.RowCount, rows - offset);
                foreach (var column in columns) column.Read(group, offset, take);
                offset += take;
            }
            return Table.Create(toSeq(columns.Select(c => c.Build()).ToArray()))
                .Match(t => t, e => throw new TableFileException(new DataFileInvalid(path, e.Message)));
        }
        finally
        {
            Wait(reader.DisposeAsync().AsTask());
        }
    }

    /// <summary>Names, kinds and row count from the footer; no column data is read.</summary>
    public static TableSchema ReadSchema(string path, InputLimits limits)
    {
        using var stream = Open(path);
        var reader = OpenChecked(path, stream, limits);
        try
        {
            var plan = Plan(path, reader.Schema);
            return new TableSchema(toSeq(plan.Select(p => new ColumnInfo(p.Field.Name, p.Kind)).ToArray()), reader.RowGroups.Sum(g => g.RowCount));
        }
        finally
        {
            Wait(reader.DisposeAsync().AsTask());
        }
    }

    static FileStream Open(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);

    // ---- the footer's checks ------------------------------------------------------------------------------------

    /// <summary>
    /// A Parquet.Net reader over the file, once its footer has been checked: the declared footer length against the
    /// file and <see cref="InputLimits.DataFooterBytes"/>, the footer's encoding (no declared list or string longer than
    /// the bytes left, a schema that nests at most 64 levels and has at most <see cref="InputLimits.DataColumns"/>
    /// columns; see <see cref="ParquetFooter"/>), then, on the metadata Parquet.Net read, that every row and value count
    /// is positive and every column chunk lies inside the file. Parquet.Net allocates what a footer declares and builds
    /// the schema recursively, so none of this may reach it unchecked. A file without the Parquet tail is left to
    /// Parquet.Net to refuse. Failures throw <see cref="TableFileException"/>.
    /// </summary>
    internal static ParquetReader OpenChecked(string path, Stream stream, InputLimits limits)
    {
        var footerBytes = CheckFooter(path, stream, limits);
        var reader = Wait(ParquetReader.CreateAsync(stream, ReadOptions(), leaveStreamOpen: true));
        try
        {
            if (footerBytes is { } footer && reader.Metadata is { } meta)
                CheckChunks(path, meta, stream.Length - ParquetFooter.TailBytes - footer);
            return reader;
        }
        catch
        {
            Wait(reader.DisposeAsync().AsTask());
            throw;
        }
    }

    /// <summary>How the reader maps Parquet types: DATE as DateOnly (not a DateTime at midnight), DECIMAL as BigDecimal
    /// (System.Decimal holds 28 digits; a DECIMAL(38, s) column may hold more), INT96 as a timestamp.</summary>
    static ParquetOptions ReadOptions() => new() { UseDateOnlyTypeForDates = true, UseBigDecimal = true, TreatBigIntegersAsDates = true };

    /// <summary>The footer's length, once its length and encoding are checked; null when the file has no Parquet tail.</summary>
    static int? CheckFooter(string path, Stream stream, InputLimits limits)
    {
        var length = stream.Length;
        if (length < ParquetFooter.Magic.Length + ParquetFooter.TailBytes) return null;
        Span<byte> tail = stackalloc byte[ParquetFooter.TailBytes];
        stream.Seek(-ParquetFooter.TailBytes, SeekOrigin.End);
        stream.ReadExactly(tail);
        if (!tail[4..].SequenceEqual(ParquetFooter.Magic)) return null;
        var footerBytes = ParquetFooter.CheckLength(path, length, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(tail), limits)
            .Match(n => n, e => throw new TableFileException((RunError)e));
        var footer = new byte[footerBytes];
        stream.Seek(-ParquetFooter.TailBytes - footerBytes, SeekOrigin.End);
        stream.ReadExactly(footer);
        ParquetFooter.CheckThrift(path, footer, limits).IfFail(e => throw new TableFileException((RunError)e));
        stream.Seek(0, SeekOrigin.Begin);
        return footerBytes;
    }

    /// <summary>Every row group's rows and every column chunk's values and bytes, against the data the file holds
    /// (between the leading magic and the footer).</summary>
    static void CheckChunks(string path, Parquet.Meta.FileMetaData meta, long dataEnd)
    {
        for (var g = 0; g < meta.RowGroups.Count; g++)
        {
            var group = meta.RowGroups[g];
            if (group.NumRows < 0) throw Invalid($"row group {g} declares {group.NumRows} rows.");
            foreach (var chunk in group.Columns)
            {
                if (chunk.MetaData is not { } column) continue; // Parquet.Net refuses it when it reads the column
                var name = Excerpt.Of(string.Join(".", column.PathInSchema));
                if (column.NumValues < 0) throw Invalid($"the column '{name}' of row group {g} declares {column.NumValues} values.");
                var start = column.DictionaryPageOffset is { } dictionary && dictionary > 0 && dictionary < column.DataPageOffset
                    ? dictionary
                    : column.DataPageOffset;
                if (start < ParquetFooter.Magic.Length || column.TotalCompressedSize < 0 || start + column.TotalCompressedSize > dataEnd)
                    throw Invalid($"the column '{name}' of row group {g} declares {Excerpt.Count(column.TotalCompressedSize)} bytes "
                                  + $"from offset {Excerpt.Count(start)}, but the data ends at {Excerpt.Count(dataEnd)}.");
            }
        }

        TableFileException Invalid(string detail) => new(new DataFooterInvalid(path, detail));
    }

    /// <summary>
    /// The table's arrays (and one row group's read buffer per column) must fit in the memory this process may use: a
    /// footer that declares two billion rows in a file of a few kilobytes (run-length encoding makes that possible, and
    /// legitimate for a small table) is refused here rather than by an OutOfMemoryException half way through.
    /// </summary>
    static void CheckMemory(string path, ParquetReader reader, long declared, long wanted, int columns)
    {
        const long BytesPerValue = 16; // a nullable 64-bit value, or a reference and its share of a string
        var largestGroup = reader.RowGroups.Count == 0 ? 0 : reader.RowGroups.Max(g => g.RowCount);
        var bytes = ((double)wanted + largestGroup) * BytesPerValue * Math.Max(columns, 1); // no overflow for any declaration
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
            throw new TableFileException(new DataTableTooLarge(path, declared, columns, (long)Math.Min(bytes, long.MaxValue), available));
    }

    // ---- writing ---------------------------------------------------------------------------------------------

    static DataField FieldFor(Column column) => column switch
    {
        NumberColumn => new DataField<double?>(column.Name),
        IntegerColumn => new DataField<long?>(column.Name),
        BooleanColumn => new DataField<bool?>(column.Name),
        TextColumn => new DataField<string>(column.Name, nullable: true),
        DateColumn => new DataField<DateOnly?>(column.Name),
        TimestampColumn t => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: t.Zone == TimestampZone.Utc,
            unit: DateTimeTimeUnit.Micros, isNullable: true),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.GetType().Name, "a column of this kind is not written"),
    };

    static Task WriteColumn(ParquetRowGroupWriter group, DataField field, Column column, int start, int count) => column switch
    {
        NumberColumn n => group.WriteAsync<double>(field, NullForNaN(n.Values.AsSpan(start, count))),
        IntegerColumn i => group.WriteAsync<long>(field, i.Values.AsMemory().Slice(start, count)),
        BooleanColumn b => group.WriteAsync<bool>(field, b.Values.AsMemory().Slice(start, count)),
        TextColumn t => group.WriteAsync(field, new ArraySegment<string?>(ImmutableCollectionsMarshal.AsArray(t.Values)!, start, count)),
        DateColumn d => group.WriteAsync<DateOnly>(field, d.Values.AsMemory().Slice(start, count)),
        TimestampColumn t => group.WriteAsync<DateTime>(field, Unspecified(t.Values.AsSpan(start, count))),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.GetType().Name, "a column of this kind is not written"),
    };

    /// <summary>The values with the kind Unspecified: Parquet.Net converts a Local DateTime to UTC when it writes
    /// micros, and the ticks are already the instant (or the naive reading) to write.</summary>
    static DateTime?[] Unspecified(ReadOnlySpan<DateTime?> values)
    {
        var unspecified = new DateTime?[values.Length];
        for (var i = 0; i < values.Length; i++)
            if (values[i] is { } v) unspecified[i] = new DateTime(v.Ticks, DateTimeKind.Unspecified);
        return unspecified;
    }

    static double?[] NullForNaN(ReadOnlySpan<double> values)
    {
        var nullable = new double?[values.Length];
        for (var i = 0; i < values.Length; i++)
            if (!double.IsNaN(values[i])) nullable[i] = values[i];
        return nullable;
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    /// <summary>A column to read: its field, its kind, and how to make the reader that fills it.</summary>
    sealed record ColumnPlan(Field Field, ColumnKind Kind, Func<int, ColumnReader> Reader);

    static ColumnPlan[] Plan(string path, ParquetSchema schema)
    {
        var plan = schema.Fields.Select(field => PlanFor(path, field)).ToArray();
        Table.CheckNames(toSeq(plan.Select(p => p.Field.Name).ToArray()))
            .IfFail(e => throw new TableFileException(new DataFileInvalid(path, e.Message)));
        return plan;
    }

    static ColumnPlan PlanFor(string path, Field field)
    {
        if (field is not DataField data || field.SchemaType != SchemaType.Data)
            return Placeholder(field, field.SchemaType.ToString().ToLowerInvariant());
        if (data.IsArray || data.MaxRepetitionLevel > 0)
            return Placeholder(field, $"repeated {TypeName(data.ClrType)}");
        var type = data.ClrType;
        if (type == typeof(double)) return Number<double>(v => v ?? double.NaN);
        if (type == typeof(float)) return Number<float>(v => v ?? double.NaN);
        if (type == typeof(Half)) return Number<Half>(v => v is { } h ? (double)h : double.NaN);
        if (type == typeof(Parquet.Data.BigDecimal)) return Number<Parquet.Data.BigDecimal>(v => v is { } d ? ToDouble(d) : double.NaN);
        if (type == typeof(decimal)) return Number<decimal>(v => v is { } d ? (double)d : double.NaN);
        if (type == typeof(long)) return Integer<long>(v => v);
        if (type == typeof(int)) return Integer<int>(v => v);
        if (type == typeof(short)) return Integer<short>(v => v);
        if (type == typeof(sbyte)) return Integer<sbyte>(v => v);
        if (type == typeof(uint)) return Integer<uint>(v => v);
        if (type == typeof(ushort)) return Integer<ushort>(v => v);
        if (type == typeof(byte)) return Integer<byte>(v => v);
        if (type == typeof(ulong))
            return Integer<ulong>(v => v is > long.MaxValue
                ? throw Unsupported(path, field.Name, $"UInt64 (the value {v} is above {long.MaxValue})")
                : (long?)v);
        if (type == typeof(bool)) return new ColumnPlan(data, ColumnKind.Boolean, rows => new Values<bool, bool?>(data, new bool?[rows], v => v, Booleans));
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>)) return new ColumnPlan(data, ColumnKind.Text, rows => new Texts(data, new string?[rows]));
        if (type == typeof(DateOnly)) return new ColumnPlan(data, ColumnKind.Date, rows => new Values<DateOnly, DateOnly?>(data, new DateOnly?[rows], v => v, Dates));
        if (type == typeof(DateTime))
        {
            var zone = ZoneOf(data);
            return new ColumnPlan(data, ColumnKind.Timestamp, rows => new Values<DateTime, DateTime?>(data, new DateTime?[rows], v => v,
                (name, values) => new TimestampColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values), zone)));
        }
        return Placeholder(field, TypeName(type));

        ColumnPlan Number<T>(Func<T?, double> convert) where T : struct =>
            new(data, ColumnKind.Number, rows => new Values<T, double>(data, new double[rows], convert, Numbers));

        ColumnPlan Integer<T>(Func<T?, long?> convert) where T : struct =>
            new(data, ColumnKind.Integer, rows => new Values<T, long?>(data, new long?[rows], convert, Integers));
    }

    /// <summary>A column no kind holds: its name and type, and as many rows as the table; nothing of it is read.</summary>
    static ColumnPlan Placeholder(Field field, string type) =>
        new(field, ColumnKind.Unsupported, rows => new Unread(field.Name, type, rows));

    /// <summary>TIMESTAMP's isAdjustedToUTC; the legacy TIMESTAMP_MILLIS/MICROS are UTC by the Parquet format's
    /// definition; INT96 (Impala, Spark) is naive, as pandas, pyarrow and DuckDB read it.</summary>
    static TimestampZone ZoneOf(DataField field) => field is DateTimeDataField timestamp
        ? timestamp.DateTimeFormat switch
        {
            DateTimeFormat.Timestamp => timestamp.IsAdjustedToUTC ? TimestampZone.Utc : TimestampZone.Naive,
            DateTimeFormat.DateAndTime or DateTimeFormat.DateAndTimeMicros => TimestampZone.Utc,
            _ => TimestampZone.Naive,
        }
        : TimestampZone.Naive;

    /// <summary>The double nearest the decimal: through System.Decimal (exact, then correctly rounded) when the unscaled
    /// value fits in its 96 bits and the scale in 28; otherwise parsed from its decimal text (also correctly rounded).</summary>
    internal static double ToDouble(Parquet.Data.BigDecimal value)
    {
        var unscaled = value.UnscaledValue;
        var magnitude = System.Numerics.BigInteger.Abs(unscaled);
        if (value.Scale is >= 0 and <= 28 && magnitude.GetBitLength() <= 96)
        {
            var bits = (UInt128)magnitude;
            return (double)new decimal((int)(uint)bits, (int)(uint)(bits >> 32), (int)(uint)(bits >> 64), unscaled.Sign < 0, (byte)value.Scale);
        }
        return double.Parse($"{unscaled.ToString(System.Globalization.CultureInfo.InvariantCulture)}E{-value.Scale}", System.Globalization.CultureInfo.InvariantCulture);
    }

    static Column Numbers(string name, double[] values) => new NumberColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
    static Column Integers(string name, long?[] values) => new IntegerColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
    static Column Booleans(string name, bool?[] values) => new BooleanColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
    static Column Dates(string name, DateOnly?[] values) => new DateColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));

    static string TypeName(Type type) =>
        type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) ? "binary" : type.Name;

    static TableFileException Unsupported(string path, string column, string type) => new(new TableColumnUnsupported(path, column, type));

    /// <summary>A placeholder column: nothing to read.</summary>
    sealed class Unread(string name, string type, int rows) : ColumnReader
    {
        public override void Read(ParquetRowGroupReader group, int offset, int count) { }

        public override Column Build() => new UnsupportedColumn(name, type, rows);
    }

    /// <summary>Fills one column's array, row group by row group.</summary>
    abstract class ColumnReader
    {
        /// <summary>Reads <paramref name="count"/> rows (the first of the group) into the rows from <paramref name="offset"/>.</summary>
        public abstract void Read(ParquetRowGroupReader group, int offset, int count);

        public abstract Column Build();
    }

    /// <summary>A reader of one data field.</summary>
    abstract class FieldReader(DataField field) : ColumnReader
    {
        protected DataField Field { get; } = field;
    }

    /// <summary>A value column: Parquet.Net reads a row group as <typeparamref name="TSource"/>? (null where the
    /// definition level says so) or, for a required column, as <typeparamref name="TSource"/>; either is converted into
    /// the table's array. (A required column must not be read into a nullable buffer: Parquet.Net 6.1 then applies
    /// definition levels left over from the column read before it, turning values into nulls and shifting the rest.)</summary>
    sealed class Values<TSource, TTarget>(DataField field, TTarget[] target, Func<TSource?, TTarget> convert, Func<string, TTarget[], Column> build)
        : FieldReader(field) where TSource : struct
    {
        public override void Read(ParquetRowGroupReader group, int offset, int count)
        {
            if (!Field.IsNullable)
            {
                var required = new TSource[group.RowCount];
                Wait(group.ReadAsync<TSource>(Field, required.AsMemory()).AsTask());
                for (var i = 0; i < count; i++) target[offset + i] = convert(required[i]);
                return;
            }
            var buffer = new TSource?[group.RowCount];
            Wait(group.ReadAsync<TSource>(Field, buffer.AsMemory()).AsTask());
            for (var i = 0; i < count; i++) target[offset + i] = convert(buffer[i]);
        }

        public override Column Build() => build(Field.Name, target);
    }

    sealed class Texts(DataField field, string?[] target) : FieldReader(field)
    {
        public override void Read(ParquetRowGroupReader group, int offset, int count)
        {
            if (count == group.RowCount)
            {
                Wait(group.ReadAsync(Field, target.AsMemory(offset, count)).AsTask());
                return;
            }
            var buffer = new string?[group.RowCount];
            Wait(group.ReadAsync(Field, buffer.AsMemory()).AsTask());
            System.Array.Copy(buffer, 0, target, offset, count);
        }

        public override Column Build() => new TextColumn(Field.Name, ImmutableCollectionsMarshal.AsImmutableArray(target));
    }

    // Parquet.Net 6 is async-only. Cmdlets run on a pipeline thread without a synchronization context, so waiting
    // here cannot deadlock; the file work itself is synchronous FileStream IO.
    static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    static void Wait(Task task) => task.GetAwaiter().GetResult();
}
