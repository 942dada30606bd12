using System.Runtime.InteropServices;
using System.Text;
using RunTools.Domain;
using RunTools.Tables;

namespace RunTools.Shell.Tables;

/// <summary>
/// CSV/TSV files as tables, read through a UTF-8 decoder as text, in two streaming passes: <see cref="Scan"/>
/// validates every record and infers each column's kind from all of its cells (keeping no cell), then
/// <see cref="Read"/> reads the file again into arrays of exactly the right size and kind. Memory is the table's, not
/// the file's text.
/// <para>This is the reference reader: <see cref="CsvTables"/> reads the bytes without decoding them and hands over to
/// it whatever it does not decide itself (a file that is not entirely valid UTF-8, whose errors depend on where the
/// decoder meets the bad bytes; a delimiter that is not ASCII). Tests hold the two to identical tables and errors.</para>
/// <para>Sep and Sylvan could read the text here (both take a TextReader), but not by these rules: see
/// <see cref="CsvTables"/> for the measured comparison and the dialect differences. This reader defines the rules
/// the byte reader is tested against, so it stays with them.</para>
/// </summary>
static class CsvTextTables
{
    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="limits">The bounds on columns, fields and records (<see cref="InputLimits.Default"/> when null),
    /// applied as <see cref="CsvTables"/> applies them, in UTF-8 bytes.</param>
    public static CsvTables.Shape Scan(string path, char delimiter, InputLimits? limits = null)
    {
        var bounds = limits ?? InputLimits.Default;
        using var reader = new CsvRecordReader(path, delimiter, bounds.DataRecordBytes);
        var names = Header(path, reader, bounds);
        var evidence = Enumerable.Repeat(KindEvidence.None, names.Count).ToArray();
        long rows = 0;
        while (reader.Next() is { } record)
        {
            CheckWidth(path, record, names.Count);
            CheckFields(path, record, bounds.DataFieldBytes, i => names[i]);
            var i = 0;
            foreach (var cell in record.Fields)
            {
                evidence[i] = evidence[i].Observe(cell);
                i++;
            }
            rows++;
        }
        return new CsvTables.Shape(names, toSeq(evidence.Select(e => e.Kind).ToArray()), rows);
    }

    public static Table Read(string path, char delimiter, int? firstRows, InputLimits? limits = null)
    {
        var shape = Scan(path, delimiter, limits);
        var wanted = firstRows is { } first ? Math.Min(Math.Max(first, 0), shape.Rows) : shape.Rows;
        if (wanted > System.Array.MaxLength)
            throw new TableFileException(new DataFileInvalid(path, $"{shape.Rows} rows are more than a table holds ({System.Array.MaxLength})"));
        var rows = (int)wanted;
        var kinds = shape.Kinds.ToArray();
        var names = shape.Names.ToArray();
        var builders = kinds.Select(kind => ColumnBuilder.For(kind, rows)).ToArray();

        using var reader = new CsvRecordReader(path, delimiter, int.MaxValue); // the scan checked every record
        if (reader.Next() is null) throw CsvTables.Changed(path);
        for (var row = 0; row < rows; row++)
        {
            var record = reader.Next() ?? throw CsvTables.Changed(path);
            if (record.Fields.Count != names.Length) throw CsvTables.Changed(path);
            var i = 0;
            foreach (var cell in record.Fields)
            {
                if (!builders[i].Set(row, cell))
                    throw new TableFileException(new ColumnTypeMismatch(path, names[i], kinds[i], null, record.Line));
                i++;
            }
        }
        return Table.Create(toSeq(builders.Select((b, i) => b.Build(names[i])).ToArray()))
            .Match(t => t, e => throw new TableFileException(new DataFileInvalid(path, e.Message)));
    }

    static Seq<string> Header(string path, CsvRecordReader reader, InputLimits limits)
    {
        var header = reader.Next() ?? throw new TableFileException(new DataFileInvalid(path, "the file is empty: it has no header row"));
        if (header.Fields.Count > limits.DataColumns)
            throw new TableFileException(new DataColumnsExceeded(path, header.Fields.Count, limits.DataColumns));
        CheckFields(path, header, limits.DataFieldBytes, i => $"column {i + 1}");
        var names = header.Fields.Map(f => (f ?? "").Trim());
        return Table.CheckNames(names).Match(
            n => n,
            e => throw new TableFileException(new CsvRecordInvalid(path, header.Line, $"the header row is not valid: {e.Message}")));
    }

    /// <summary>No field's text is longer than <paramref name="limit"/> UTF-8 bytes (at most 3 per UTF-16 unit, so only
    /// a long one is counted).</summary>
    static void CheckFields(string path, CsvRow record, int limit, Func<int, string> column)
    {
        var i = 0;
        foreach (var field in record.Fields)
        {
            if (field is { Length: var length } && (long)length * 3 > limit && Encoding.UTF8.GetByteCount(field) is var bytes && bytes > limit)
                throw new TableFileException(new DataFieldTooLong(path, record.Line, column(i), bytes, limit));
            i++;
        }
    }

    static void CheckWidth(string path, CsvRow record, int width)
    {
        if (record.Fields.Count != width)
            throw new TableFileException(new CsvRecordInvalid(path, record.Line,
                $"the record has {record.Fields.Count} field{(record.Fields.Count == 1 ? "" : "s")}; the header has {width}"));
    }

    /// <summary>One column's values as the second pass fills them in.</summary>
    abstract class ColumnBuilder
    {
        public static ColumnBuilder For(ColumnKind kind, int rows) => kind switch
        {
            ColumnKind.Number => new Numbers(new double[rows]),
            ColumnKind.Integer => new Integers(new long?[rows]),
            ColumnKind.Boolean => new Booleans(new bool?[rows]),
            ColumnKind.Date => new Dates(new DateOnly?[rows]),
            ColumnKind.Timestamp => new Timestamps(new DateTime?[rows]),
            _ => new Texts(new string?[rows]),
        };

        /// <summary>False when the cell is not of the column's kind (the file changed since the scan).</summary>
        public abstract bool Set(int row, string? cell);

        public abstract Column Build(string name);

        sealed class Numbers(double[] values) : ColumnBuilder
        {
            public override bool Set(int row, string? cell)
            {
                if (CsvInference.IsEmpty(cell)) values[row] = double.NaN;
                else if (CsvInference.TryNumber(cell, out var value)) values[row] = value;
                else return false;
                return true;
            }

            public override Column Build(string name) => new NumberColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }

        sealed class Integers(long?[] values) : ColumnBuilder
        {
            public override bool Set(int row, string? cell)
            {
                if (CsvInference.IsEmpty(cell)) values[row] = null;
                else if (CsvInference.TryInteger(cell, out var value)) values[row] = value;
                else return false;
                return true;
            }

            public override Column Build(string name) => new IntegerColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }

        sealed class Booleans(bool?[] values) : ColumnBuilder
        {
            public override bool Set(int row, string? cell)
            {
                if (CsvInference.IsEmpty(cell)) values[row] = null;
                else if (CsvInference.TryBoolean(cell, out var value)) values[row] = value;
                else return false;
                return true;
            }

            public override Column Build(string name) => new BooleanColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }

        sealed class Dates(DateOnly?[] values) : ColumnBuilder
        {
            public override bool Set(int row, string? cell)
            {
                if (CsvInference.IsEmpty(cell)) values[row] = null;
                else if (CsvInference.TryDate(cell, out var value)) values[row] = value;
                else return false;
                return true;
            }

            public override Column Build(string name) => new DateColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }

        /// <summary>The column's cells agree on the zone (<see cref="KindEvidence"/>): any cell with an offset makes it UTC.</summary>
        sealed class Timestamps(DateTime?[] values) : ColumnBuilder
        {
            TimestampZone zone = TimestampZone.Naive;

            public override bool Set(int row, string? cell)
            {
                if (CsvInference.IsEmpty(cell)) values[row] = null;
                else if (CsvInference.TryInstant(cell, out var value, out var cellZone))
                {
                    values[row] = value;
                    if (cellZone == TimestampZone.Utc) zone = TimestampZone.Utc;
                }
                else return false;
                return true;
            }

            public override Column Build(string name) => new TimestampColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values), zone);
        }

        sealed class Texts(string?[] values) : ColumnBuilder
        {
            public override bool Set(int row, string? cell)
            {
                values[row] = cell;
                return true;
            }

            public override Column Build(string name) => new TextColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }
    }

    /// <summary>Streams a file's records through <see cref="CsvText.ReadRecord"/>: a char buffer that is refilled (and
    /// grown when one record is larger than it) until the step finds a whole record. A record longer than
    /// <c>recordLimit</c> UTF-8 bytes (counted from the end of the previous record) is DataRecordTooLong, and the
    /// buffer never grows past what it takes to see that.</summary>
    sealed class CsvRecordReader : IDisposable
    {
        readonly StreamReader reader;
        readonly string path;
        readonly char delimiter;
        readonly int recordLimit;
        char[] buffer = new char[1 << 16];
        int start, end;
        bool eof;
        long line = 1;

        public CsvRecordReader(string path, char delimiter, int recordLimit)
        {
            this.path = path;
            this.delimiter = delimiter;
            this.recordLimit = recordLimit;
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        }

        /// <summary>The next record, or null at the end of the file.</summary>
        public CsvRow? Next()
        {
            while (true)
            {
                switch (CsvText.ReadRecord(buffer.AsSpan(start, end - start), delimiter, eof))
                {
                    case CsvRecord r:
                        if (TooLong(r.Consumed)) throw TooLongHere();
                        var row = new CsvRow(line + r.BlankLines, r.Fields);
                        line += r.Newlines;
                        start += r.Consumed;
                        return row;
                    case CsvUnclosedQuote u:
                        throw new TableFileException(new CsvRecordInvalid(path, line + u.BlankLines, "a quoted field is not closed before the end of the file"));
                    case CsvNeedMore:
                        Fill();
                        break;
                    default:
                        return null;
                }
            }
        }

        /// <summary>Whether the first <paramref name="chars"/> unread characters are more UTF-8 bytes than the bound.</summary>
        bool TooLong(int chars) =>
            (long)chars * 3 > recordLimit && Encoding.UTF8.GetByteCount(buffer.AsSpan(start, chars)) > recordLimit;

        TableFileException TooLongHere() => new(new DataRecordTooLong(path, line, recordLimit));

        void Fill()
        {
            if (TooLong(end - start)) throw TooLongHere();
            if (start > 0)
            {
                System.Array.Copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            // A character is at least one byte: more than recordLimit + 1 characters are never needed to see the bound crossed.
            if (end == buffer.Length) System.Array.Resize(ref buffer, (int)Math.Max(buffer.Length, Math.Min(2L * buffer.Length, recordLimit + 1L)));
            var read = reader.Read(buffer, end, buffer.Length - end);
            if (read == 0) eof = true;
            else end += read;
        }

        public void Dispose() => reader.Dispose();
    }
}
