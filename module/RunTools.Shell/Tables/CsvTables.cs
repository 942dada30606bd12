using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;
using RunTools.Domain;
using RunTools.Tables;

namespace RunTools.Shell.Tables;

/// <summary>
/// CSV/TSV files as tables, read from their UTF-8 bytes with the rules of <see cref="CsvText"/> and
/// <see cref="CsvInference"/> as <see cref="CsvUtf8"/> applies them to bytes, without a string per field.
/// <list type="number">
/// <item><b>Survey.</b> One pass reads the file front to back in blocks (1 MiB): it checks that the bytes are UTF-8,
/// finds the records of a block as field spans and validates them, then hands the block's cells to the columns, in
/// parallel (each column takes its own cells in row order, so the result does not depend on the scheduling). A column
/// folds each cell into its <see cref="KindEvidence"/>; and, from its first value on, it guesses that its kind is that
/// value's kind and keeps the parsed values while the guess holds. Text absorbs anything, and a cell of a column's
/// kind never changes its evidence, so a guess that holds to the end is the column's kind and its values are the
/// column. (Numbers, integers and booleans are parsed from the bytes; only text cells become strings.)</item>
/// <item><b>Fill.</b> Only for the columns whose guess broke (integers until a 0.5, numbers until an "n/a"): the
/// blocks of the survey hold whole records, so they are read again in parallel, each into its own rows of those
/// columns.</item>
/// </list>
/// While the columns take one block's cells, the next block is read and its records found.
/// <para>Memory: the table (the survey keeps values in 64 KiB pages, then copies them into the columns), two blocks and
/// their field spans; not the file's text.</para>
/// <para>The results and errors are those of <see cref="CsvTextTables"/>, the reader that decodes the file as text. A
/// file that is not entirely valid UTF-8 (which that reader either reports where its decoder meets the bad bytes, or,
/// after a UTF-8 byte order mark, reads with replacement characters) is handed to it, as is a non-ASCII delimiter.</para>
/// <para><b>Why this is hand-written and not Sep or Sylvan</b> (issue 10, item 5; tests/RunTools.Benchmarks
/// CsvReadBenchmarks, where both libraries, used the fast way, build the same tables from the same files in the same
/// run, and check that they do). Measured 2026-12-02 on the 2-core development machine while other builds ran (load
/// 20–38, so absolute times are 4–5× the quiet ones; the ratios are to this reader in the same run):
/// 100,000 × 32 numbers (60 MB): this reader 515 ms, 58 MB allocated; Sep 0.17.1 one thread (csFastFloat through
/// <c>TryParse&lt;double&gt;</c>) 955 ms (1.87), 94 MB; Sep <c>ParallelEnumerate</c> 1,092 ms (2.13), 200 MB;
/// Sylvan.Data.Csv 1.4.4 (<c>GetFieldSpan</c>) 2,528 ms (4.94). 200,000 rows of text (22 MB): this reader 558 ms;
/// Sep one thread 445 ms (0.80), Sylvan 634 ms (1.14), Sep parallel 1,414 ms (2.54). So neither library is as fast
/// on the numeric files that training reads (they decode the bytes to UTF-16 before parsing; this reader parses the
/// bytes and spreads the columns over the cores). Sep was faster on the text file only under load, where this
/// reader's parallel column work competes for the cores; on a quiet machine this reader reads it in 97 ms. And
/// neither library reads the dialect this reader and <see cref="CsvTextTables"/> define (checked with Sep 0.17.1):
/// Sep reads an unclosed quote to the end of the file without an error, splits records at a lone CR, opens a quoted
/// section at a quote inside an unquoted field (<c>x"y,2</c> swallows the line break), returns blank lines as records
/// (a ragged-row error in a file of two or more columns), keeps the spaces around a quoted field (<c> "b" </c>), and
/// reads <c>""</c> and an empty field alike, where text columns keep "" and missing apart. Sylvan throws on some of
/// the same inputs and reads others differently again. Files that read today would read differently or fail, which
/// the differential tests (tests/RunTools.Shell.Tests/CsvReaderTests.cs) would reject.</para>
/// </summary>
static class CsvTables
{
    /// <summary>The survey's block, and so the size of a segment of the fill (a block that ends inside a record grows
    /// to hold it). Tests pass tiny blocks, so that small files cross many block boundaries.</summary>
    public const int BlockSize = 1 << 20;

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public sealed record Shape(Seq<string> Names, Seq<ColumnKind> Kinds, long Rows)
    {
        public TableSchema Schema => new(Names.Zip(Kinds).Map(p => new ColumnInfo(p.Item1, p.Item2)), Rows);
    }

    /// <summary>Whole records read in one block of the survey: <see cref="Rows"/> rows from row <see cref="FirstRow"/>.</summary>
    readonly record struct Segment(long Offset, int Length, long FirstRow, int Rows);

    /// <param name="Columns">Null for a column the caller did not ask for (its kind in <see cref="Shape"/> is then
    /// meaningless: it was never looked at).</param>
    sealed record Survey(Shape Shape, Segment[] Segments, ColumnSurvey?[] Columns);

    /// <param name="limits">The bounds on columns, fields and records (<see cref="InputLimits.Default"/> when null).</param>
    public static Shape Scan(string path, char delimiter, int blockSize = BlockSize, InputLimits? limits = null)
    {
        var bounds = limits ?? InputLimits.Default;
        if (!IsByteDelimiter(delimiter)) return CsvTextTables.Scan(path, delimiter, bounds);
        using var file = Open(path);
        return SurveyOf(path, file, (byte)delimiter, keep: 0, blockSize, bounds)?.Shape ?? CsvTextTables.Scan(path, delimiter, bounds);
    }

    /// <param name="only">When given, only these columns are parsed and returned (in the file's order; a name the
    /// file lacks is simply absent); the other columns' cells are still delimited and counted, never parsed.</param>
    /// <param name="limits">The bounds on columns, fields and records (<see cref="InputLimits.Default"/> when null).</param>
    public static Table Read(string path, char delimiter, int? firstRows, int blockSize = BlockSize, IReadOnlySet<string>? only = null,
        InputLimits? limits = null)
    {
        var bounds = limits ?? InputLimits.Default;
        if (!IsByteDelimiter(delimiter)) return Project(CsvTextTables.Read(path, delimiter, firstRows, bounds), only, path);
        using var file = Open(path);
        var keep = firstRows is { } limit ? Math.Max(limit, 0) : System.Array.MaxLength;
        if (SurveyOf(path, file, (byte)delimiter, keep, blockSize, bounds, only) is not { } survey)
            return Project(CsvTextTables.Read(path, delimiter, firstRows, bounds), only, path);

        var shape = survey.Shape;
        var wanted = firstRows is { } first ? Math.Min(Math.Max(first, 0), shape.Rows) : shape.Rows;
        if (wanted > System.Array.MaxLength)
            throw new TableFileException(new DataFileInvalid(path, $"{shape.Rows} rows are more than a table holds ({System.Array.MaxLength})"));
        var rows = (int)wanted;
        var names = shape.Names.ToArray();
        var kinds = shape.Kinds.ToArray();
        var columns = new Column?[names.Length];
        Parallel.For(0, columns.Length, i => columns[i] = survey.Columns[i]?.Build(names[i], kinds[i], rows));
        var builders = columns.Select((c, i) => c is null && survey.Columns[i] is not null ? ColumnBuilder.For(kinds[i], rows) : null).ToArray();
        if (builders.Any(b => b is not null))
            Fill(path, file, (byte)delimiter, survey.Segments.Where(s => s.FirstRow < rows).ToArray(), names, kinds, builders, rows, blockSize);
        var read = Enumerable.Range(0, names.Length).Where(i => survey.Columns[i] is not null);
        return Table.Create(toSeq(read.Select(i => columns[i] ?? builders[i]!.Build(names[i])).ToArray()))
            .Match(t => t, e => throw new TableFileException(new DataFileInvalid(path, e.Message)));
    }

    /// <summary>The table's columns that <paramref name="only"/> names, in the table's order (all when null).</summary>
    static Table Project(Table table, IReadOnlySet<string>? only, string path) =>
        only is null
            ? table
            : table.Select(table.Columns.Map(c => c.Name).Filter(only.Contains))
                .Match(t => t, e => throw new TableFileException(new DataFileInvalid(path, e.Message)));

    public static void Write(Stream stream, Table table, char delimiter)
    {
        using var writer = new StreamWriter(stream, StrictUtf8, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(CsvText.Header(table, delimiter));
        for (var row = 0; row < table.RowCount; row++) writer.WriteLine(CsvText.Row(table, row, delimiter));
        writer.Flush();
    }

    /// <summary>The delimiters that the byte reader takes: ASCII, and none that the record rules give a meaning to.
    /// (Files get ',' or '\t'.)</summary>
    static bool IsByteDelimiter(char delimiter) => delimiter is < (char)0x80 and not ('"' or '\r' or '\n' or ' ');

    static SafeFileHandle Open(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);

    // ---- the survey -------------------------------------------------------------------------------------------

    /// <summary>The shape, the segments and the columns' values as far as they could be kept (the first
    /// <paramref name="keep"/> rows); null when the file is not entirely valid UTF-8 (the text reader decides then).
    /// A malformed record throws its error, once the rest of the file is known to be UTF-8, as does a bound crossed
    /// (<see cref="InputLimits.DataRecordBytes"/>, <see cref="InputLimits.DataFieldBytes"/>,
    /// <see cref="InputLimits.DataColumns"/>): a record is refused as soon as it is longer than the bound, so no buffer
    /// ever grows past it.</summary>
    static Survey? SurveyOf(string path, SafeFileHandle file, byte delimiter, int keep, int blockSize, InputLimits limits, IReadOnlySet<string>? only = null)
    {
        var blocks = new Blocks(file, blockSize, limits.DataRecordBytes);
        try
        {
            return SurveyOf(path, file, delimiter, keep, blocks, limits, only);
        }
        catch (RecordTooLong e)
        {
            return blocks.AllValid() ? throw new TableFileException(new DataRecordTooLong(path, LineAt(file, e.Offset), limits.DataRecordBytes)) : null;
        }
    }

    static Survey? SurveyOf(string path, SafeFileHandle file, byte delimiter, int keep, Blocks blocks, InputLimits limits, IReadOnlySet<string>? only)
    {
        var headerFields = new CsvFieldSpan[64];
        CsvUtf8Record header;
        while (true)
        {
            header = blocks.Read(delimiter, headerFields);
            if (header.Step != CsvUtf8Step.Record || header.Fields <= headerFields.Length) break;
            if (header.Fields > limits.DataColumns)
                return blocks.AllValid() ? throw new TableFileException(new DataColumnsExceeded(path, header.Fields, limits.DataColumns)) : null;
            headerFields = new CsvFieldSpan[header.Fields];
        }
        if (header.Step == CsvUtf8Step.Record)
        {
            if (header.Consumed > limits.DataRecordBytes) throw new RecordTooLong(blocks.Position);
            if (header.Fields > limits.DataColumns)
                return blocks.AllValid() ? throw new TableFileException(new DataColumnsExceeded(path, header.Fields, limits.DataColumns)) : null;
            if (LongField(blocks.Pending, headerFields.AsSpan(0, header.Fields), limits.DataFieldBytes) is var (index, bytes))
                return blocks.AllValid()
                    ? throw new TableFileException(new DataFieldTooLong(path, LineAt(file, blocks.Position + header.Start), $"column {index + 1}", bytes, limits.DataFieldBytes))
                    : null;
        }
        switch (header.Step)
        {
            case CsvUtf8Step.End:
                return blocks.AllValid() ? throw new TableFileException(new DataFileInvalid(path, "the file is empty: it has no header row")) : null;
            case CsvUtf8Step.UnclosedQuote:
                return blocks.AllValid() ? throw Unclosed(path, file, blocks.Position + header.Start) : null;
        }
        var names = toSeq(headerFields.Take(header.Fields).Select(f => (CsvUtf8.Text(blocks.Pending, f) ?? "").Trim()).ToArray());
        var headerStart = blocks.Position + header.Start;
        blocks.Consume(header.Consumed);
        var invalid = Table.CheckNames(names).Match(_ => (LanguageExt.Common.Error?)null, e => e);
        if (invalid is not null)
            return blocks.AllValid()
                ? throw new TableFileException(new CsvRecordInvalid(path, LineAt(file, headerStart), $"the header row is not valid: {invalid.Message}"))
                : null;

        var width = names.Count;
        var columns = names.Map(name => only is null || only.Contains(name) ? new ColumnSurvey(keep, width) : null).ToArray();
        var segments = new List<Segment>();
        long rows = 0;
        // While the columns take one block's cells (in the background), the next block is read and its records found:
        // two batches and two buffers (see Blocks.Fill) take turns.
        var batch = new Batch(width);
        var spare = new Batch(width);
        var observing = Task.CompletedTask;
        try
        {
            while (true)
            {
                // The whole records in the block.
                batch.Clear();
                var batchStart = blocks.Position;
                CsvUtf8Step step;
                while (true)
                {
                    var fields = batch.Next();
                    var record = CsvUtf8.ReadRecord(blocks.Pending, delimiter, blocks.AtEnd, fields);
                    step = record.Step;
                    if (step is CsvUtf8Step.NeedMore or CsvUtf8Step.End) break;
                    if (step == CsvUtf8Step.UnclosedQuote)
                        return blocks.AllValid() ? throw Unclosed(path, file, blocks.Position + record.Start) : null;
                    if (record.Consumed > limits.DataRecordBytes) throw new RecordTooLong(blocks.Position);
                    if (record.Fields != width)
                    {
                        if (!blocks.AllValid()) return null;
                        throw new TableFileException(new CsvRecordInvalid(path, LineAt(file, blocks.Position + record.Start),
                            $"the record has {record.Fields} field{(record.Fields == 1 ? "" : "s")}; the header has {width}"));
                    }
                    if (record.Consumed > limits.DataFieldBytes && LongField(blocks.Pending, fields, limits.DataFieldBytes) is var (index, bytes))
                        return blocks.AllValid()
                            ? throw new TableFileException(new DataFieldTooLong(path, LineAt(file, blocks.Position + record.Start), names[index], bytes, limits.DataFieldBytes))
                            : null;
                    batch.Add(blocks.Start);
                    blocks.Consume(record.Consumed);
                }
                observing.GetAwaiter().GetResult(); // the columns take blocks in order
                if (batch.Rows > 0)
                {
                    var (cells, buffer) = (batch, blocks.Buffer);
                    observing = Task.Run(() => cells.Observe(buffer, columns));
                    segments.Add(new Segment(batchStart, checked((int)(blocks.Position - batchStart)), rows, batch.Rows));
                    rows += batch.Rows;
                    (batch, spare) = (spare, batch);
                }
                if (step == CsvUtf8Step.End) break;
                blocks.Fill();
            }
            observing.GetAwaiter().GetResult();
        }
        finally
        {
            // Leaving with an error: the last block's columns finish first (whatever they throw, this error wins).
            try
            {
                observing.Wait();
            }
            catch (AggregateException)
            {
            }
        }
        if (!blocks.AllValid()) return null;
        return new Survey(new Shape(names, toSeq(columns.Select(c => c?.Evidence.Kind ?? ColumnKind.Text).ToArray()), rows), [.. segments], columns);
    }

    /// <summary>The first field whose text is longer than <paramref name="limit"/> UTF-8 bytes, and its length. A
    /// field's bytes bound its text's (quotes only add), so only a long one is decoded.</summary>
    static (int Index, long Bytes)? LongField(ReadOnlySpan<byte> text, ReadOnlySpan<CsvFieldSpan> fields, int limit)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (field.End - field.Start <= limit) continue;
            var bytes = field.Form == CsvFieldForm.Escaped ? Encoding.UTF8.GetByteCount(CsvUtf8.Text(text, field) ?? "") : field.End - field.Start;
            if (bytes > limit) return (i, bytes);
        }
        return null;
    }

    /// <summary>A record (from <see cref="Offset"/>, where the previous one ended) that is longer than the bound.</summary>
    sealed class RecordTooLong(long offset) : Exception("a CSV record is longer than the limit")
    {
        public long Offset { get; } = offset;
    }

    static TableFileException Unclosed(string path, SafeFileHandle file, long recordStart) =>
        new(new CsvRecordInvalid(path, LineAt(file, recordStart), "a quoted field is not closed before the end of the file"));

    /// <summary>The line (from 1) of a byte offset: one more than the line feeds before it. Only errors need it.</summary>
    internal static long LineAt(SafeFileHandle file, long offset)
    {
        var buffer = new byte[BlockSize];
        long line = 1, at = 0;
        while (at < offset)
        {
            var read = RandomAccess.Read(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, offset - at)), at);
            if (read == 0) break;
            line += buffer.AsSpan(0, read).Count((byte)'\n');
            at += read;
        }
        return line;
    }

    /// <summary>The records of one block: their fields (row by row, relative to the start of each record) and
    /// where each record starts in the block's buffer.</summary>
    sealed class Batch(int width)
    {
        // Room for 1,024 rows of a narrow file, or for one row of a wide one (never more than 64 Ki spans to start
        // with: a header of 65,536 columns must not cost a gigabyte before the first row); grown as rows come.
        CsvFieldSpan[] fields = new CsvFieldSpan[width * Math.Clamp((1 << 16) / Math.Max(width, 1), 1, 1024)];
        int[] starts = new int[Math.Clamp((1 << 16) / Math.Max(width, 1), 1, 1024)];

        public int Rows { get; private set; }

        public void Clear() => Rows = 0;

        /// <summary>Room for the next record's fields.</summary>
        public Span<CsvFieldSpan> Next()
        {
            if ((Rows + 1) * width > fields.Length || Rows + 1 > starts.Length)
            {
                System.Array.Resize(ref fields, Math.Max(fields.Length * 2, (Rows + 1) * width));
                System.Array.Resize(ref starts, starts.Length * 2);
            }
            return fields.AsSpan(Rows * width, width);
        }

        /// <summary>Keeps the record just read into <see cref="Next"/>, which starts at buffer[start].</summary>
        public void Add(int start) => starts[Rows++] = start;

        /// <summary>Gives every column its cells, in row order. With enough work, groups of neighbouring columns go in
        /// parallel, each group row by row (so that the block is read front to back, not once per column).</summary>
        public void Observe(byte[] buffer, ColumnSurvey?[] columns)
        {
            var groups = (long)Rows * width < 4096 ? 1 : Math.Min(width, Environment.ProcessorCount * 4);
            if (groups == 1)
            {
                Observe(buffer, columns, 0, width);
                return;
            }
            Parallel.For(0, groups, group => Observe(buffer, columns, width * group / groups, width * (group + 1) / groups));
        }

        void Observe(byte[] buffer, ColumnSurvey?[] columns, int from, int to)
        {
            for (var row = 0; row < Rows; row++)
            {
                var text = buffer.AsSpan(starts[row]);
                var first = row * width;
                for (var column = from; column < to; column++) columns[column]?.Add(text, fields[first + column]);
            }
        }
    }

    /// <summary>A file read front to back in blocks, for <see cref="CsvUtf8.ReadRecord"/>: <see cref="Pending"/> is
    /// the unread part of the block; a block that ends inside a record is refilled (and grown when one record is
    /// larger than it). Every byte is checked to be UTF-8 once whole records have been read from it.</summary>
    sealed class Blocks
    {
        readonly SafeFileHandle file;
        readonly int recordLimit;
        byte[]? spare; // the buffer before this one, which the columns may still be reading
        long offset; // where Buffer[0] is in the file
        int end, checkedTo;
        bool valid = true;

        /// <param name="recordLimit">The longest record: a buffer never grows to hold a longer one (RecordTooLong).</param>
        public Blocks(SafeFileHandle file, int blockSize, int recordLimit)
        {
            this.file = file;
            this.recordLimit = recordLimit;
            Buffer = new byte[blockSize];
            while (end < 3 && !AtEnd) Fill();
            // Like StreamReader: a UTF-8 byte order mark is not text. (Other marks are not valid UTF-8.)
            if (Pending.StartsWith("\uFEFF"u8)) Start = 3;
        }

        public byte[] Buffer { get; private set; }

        /// <summary>Where <see cref="Pending"/> starts in <see cref="Buffer"/>.</summary>
        public int Start { get; private set; }

        /// <summary>True when the block holds the rest of the file.</summary>
        public bool AtEnd { get; private set; }

        public ReadOnlySpan<byte> Pending => Buffer.AsSpan(Start, end - Start);

        /// <summary>The file offset of <see cref="Pending"/>.</summary>
        public long Position => offset + Start;

        /// <summary>The next record, with its fields relative to <see cref="Pending"/>; <see cref="Consume"/> it.</summary>
        public CsvUtf8Record Read(byte delimiter, Span<CsvFieldSpan> fields)
        {
            while (true)
            {
                var record = CsvUtf8.ReadRecord(Pending, delimiter, AtEnd, fields);
                if (record.Step != CsvUtf8Step.NeedMore) return record;
                Fill();
            }
        }

        public void Consume(int bytes) => Start += bytes;

        /// <summary>Drops what has been read and reads on (into a larger buffer when nothing could be read). The unread
        /// part is a record that needs more bytes: when it is already longer than the bound, RecordTooLong.</summary>
        public void Fill()
        {
            // What has been read is whole records, which end at a line feed (ASCII) or the end of the file: check it
            // as UTF-8 before it goes. The unread part moves to the front of the other buffer, so that this one stays
            // as it is until the next fill: the columns may still be reading the block's cells from it.
            valid = valid && Utf8.IsValid(Buffer.AsSpan(checkedTo, Start - checkedTo));
            if (end - Start > recordLimit) throw new RecordTooLong(Position);
            // One record fills the block: grow it, but never past what the bound needs to be seen crossed.
            var size = end - Start == Buffer.Length ? (int)Math.Max(Buffer.Length, Math.Min(2L * Buffer.Length, recordLimit + 1L)) : Buffer.Length;
            var buffer = spare is not null && spare.Length >= size ? spare : new byte[size];
            System.Array.Copy(Buffer, Start, buffer, 0, end - Start);
            (spare, Buffer) = (Buffer, buffer);
            offset += Start;
            end -= Start;
            Start = checkedTo = 0;
            var read = RandomAccess.Read(file, buffer.AsSpan(end), offset + end);
            if (read == 0) AtEnd = true;
            else end += read;
        }

        /// <summary>Whether every byte of the file, read or not, is UTF-8.</summary>
        public bool AllValid()
        {
            if (!valid) return false;
            if (AtEnd) return valid = Utf8.IsValid(Buffer.AsSpan(checkedTo, end - checkedTo));
            // The rest of the file, through a decoder that carries a character split between reads.
            var decoder = StrictUtf8.GetDecoder();
            try
            {
                decoder.GetCharCount(Buffer.AsSpan(checkedTo, end - checkedTo), flush: false);
                var rest = new byte[Math.Max(Buffer.Length, 1 << 16)];
                for (var at = offset + end; ;)
                {
                    var read = RandomAccess.Read(file, rest, at);
                    if (read == 0) break;
                    decoder.GetCharCount(rest.AsSpan(0, read), flush: false);
                    at += read;
                }
                decoder.GetCharCount([], flush: true);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return valid = false;
            }
        }
    }

    /// <summary>
    /// One column through the survey: its evidence, and the values of its first <c>keep</c> rows for as long as they
    /// are all of the kind of its first value (the guess). Before the first value, cells are empty and are kept as
    /// text (a text column keeps them as they are; any other kind makes them missing). A cell that is not of the
    /// guessed kind breaks the guess: the values are dropped and the column is left to the fill.
    /// </summary>
    /// <param name="width">The file's columns: the text caches of all columns together stay small.</param>
    sealed class ColumnSurvey(int keep, int width)
    {
        ColumnKind? guess;
        bool broken;
        int seen; // cells so far
        int leading; // empty cells before the first value
        readonly Pages<double> numbers = new();
        readonly Pages<long?> integers = new();
        readonly Pages<bool?> booleans = new();
        readonly Pages<string?> texts = new(); // the leading cells, then the values of a text column
        readonly TextCache cache = new(width);

        public KindEvidence Evidence { get; private set; } = KindEvidence.None;

        /// <summary>The next cell: <paramref name="text"/> from the start of its record.</summary>
        public void Add(ReadOnlySpan<byte> text, CsvFieldSpan field)
        {
            if (broken || seen >= keep)
            {
                Evidence = CsvUtf8.Observe(Evidence, text, field);
                seen++;
                return;
            }
            seen++;
            switch (guess)
            {
                case ColumnKind.Number:
                    if (CsvUtf8.TryNumberCell(text, field, out var number)) numbers.Add(number);
                    else Break(text, field);
                    return;
                case ColumnKind.Integer:
                    if (CsvUtf8.TryIntegerCell(text, field, out var integer)) integers.Add(integer);
                    else Break(text, field);
                    return;
                case ColumnKind.Boolean:
                    if (CsvUtf8.TryBooleanCell(text, field, out var boolean)) booleans.Add(boolean);
                    else Break(text, field);
                    return;
                case ColumnKind.Text:
                    texts.Add(cache.Text(text, field)); // text absorbs any cell: the evidence stays as it is
                    return;
            }
            // No value yet: this cell is empty (kept as text), or the first value, which sets the guess.
            Evidence = CsvUtf8.Observe(Evidence, text, field);
            if (!Evidence.AnyValue)
            {
                texts.Add(CsvUtf8.Text(text, field));
                leading++;
                return;
            }
            guess = Evidence.Kind;
            if (guess is ColumnKind.Date or ColumnKind.Timestamp)
            {
                // Dates and timestamps are not kept by the survey: the fill parses them (a second read of the blocks,
                // for these columns only).
                Break(text, field);
                return;
            }
            var added = guess switch
            {
                ColumnKind.Number => CsvUtf8.TryNumberCell(text, field, out var n) && numbers.Add(n),
                ColumnKind.Integer => CsvUtf8.TryIntegerCell(text, field, out var i) && integers.Add(i),
                ColumnKind.Boolean => CsvUtf8.TryBooleanCell(text, field, out var b) && booleans.Add(b),
                _ => texts.Add(cache.Text(text, field)),
            };
            if (!added) throw new InvalidOperationException("A cell of a kind does not parse as that kind.");
        }

        void Break(ReadOnlySpan<byte> text, CsvFieldSpan field)
        {
            Evidence = CsvUtf8.Observe(Evidence, text, field);
            broken = true;
            numbers.Clear();
            integers.Clear();
            booleans.Clear();
            texts.Clear();
        }

        /// <summary>The column of the first <paramref name="rows"/> rows, when the survey kept them as
        /// <paramref name="kind"/>; null when the fill must read them.</summary>
        public Column? Build(string name, ColumnKind kind, int rows)
        {
            if (broken || (guess is { } g && g != kind) || Math.Min(seen, keep) != rows) return null;
            var values = guess is null ? 0 : rows - leading;
            switch (kind)
            {
                case ColumnKind.Number:
                    var doubles = new double[rows];
                    doubles.AsSpan(0, rows - values).Fill(double.NaN);
                    numbers.MoveTo(doubles.AsSpan(rows - values));
                    return new NumberColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(doubles));
                case ColumnKind.Integer:
                    var longs = new long?[rows];
                    integers.MoveTo(longs.AsSpan(rows - values));
                    return new IntegerColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(longs));
                case ColumnKind.Boolean:
                    var bools = new bool?[rows];
                    booleans.MoveTo(bools.AsSpan(rows - values));
                    return new BooleanColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(bools));
                default:
                    var strings = new string?[rows];
                    texts.MoveTo(strings);
                    return new TextColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(strings));
            }
        }

        /// <summary>
        /// <see cref="CsvUtf8.Text"/>, reusing the string of an equal recent cell: categories repeat, and a million
        /// rows then hold a few strings instead of a million (which the collector would copy as they age). Direct-mapped
        /// by hash over short cells; a column whose cells seldom repeat stops looking after a trial. Strings are
        /// compared by value everywhere, so sharing one is invisible. The slots are made when a column first uses
        /// them, fewer for a wide file (64 Ki slots for all its columns together, at least 16 each).
        /// </summary>
        sealed class TextCache(int width)
        {
            const int MaxBytes = 64, Trial = 4096;
            readonly int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp((1 << 16) / Math.Max(width, 1), 16, 1024));
            string?[]? slots;
            int lookups, hits;

            public string? Text(ReadOnlySpan<byte> text, CsvFieldSpan field)
            {
                var length = field.End - field.Start;
                if (field.Form == CsvFieldForm.Escaped || length == 0 || length > MaxBytes || (lookups >= Trial && hits < Trial / 8))
                    return CsvUtf8.Text(text, field);
                Span<char> chars = stackalloc char[MaxBytes];
                var span = chars[..Encoding.UTF8.GetChars(text[field.Start..field.End], chars)];
                slots ??= new string?[size];
                ref var slot = ref slots[string.GetHashCode(span) & (size - 1)];
                if (lookups < Trial) lookups++;
                if (slot is { } known && span.SequenceEqual(known))
                {
                    if (hits < Trial) hits++;
                    return known;
                }
                return slot = new string(span);
            }
        }

        /// <summary>Values appended in pages (no copying as they grow), moved into one array at the end. A page is
        /// 64 KiB, under the large object threshold: the survey's pages live for one read, and large objects would
        /// bring on full collections.</summary>
        sealed class Pages<T>
        {
            static readonly int PageSize = (1 << 16) / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            readonly List<T[]> pages = [];
            T[] page = [];
            int count;

            public bool Add(T value)
            {
                var at = count++ % PageSize;
                if (at == 0) pages.Add(page = new T[PageSize]);
                page[at] = value;
                return true;
            }

            public void Clear()
            {
                pages.Clear();
                page = [];
                count = 0;
            }

            /// <summary>Copies the values into <paramref name="target"/> (exactly as many) and lets the pages go.</summary>
            public void MoveTo(Span<T> target)
            {
                if (target.Length != count) throw new InvalidOperationException($"{count} values for {target.Length} rows.");
                for (var page = 0; page < pages.Count; page++)
                {
                    var length = Math.Min(PageSize, count - page * PageSize);
                    pages[page].AsSpan(0, length).CopyTo(target[(page * PageSize)..]);
                    pages[page] = [];
                }
                Clear();
            }
        }
    }

    // ---- the fill ----------------------------------------------------------------------------------------------

    /// <summary>Parses the segments (in parallel; each writes only its own rows, so the result is the same in any
    /// order) into the builders that are not null, up to <paramref name="rows"/> rows. The file was surveyed:
    /// anything unexpected means that it changed since, and the error of the first such segment is thrown.</summary>
    static void Fill(string path, SafeFileHandle file, byte delimiter, Segment[] segments, string[] names, ColumnKind[] kinds,
        ColumnBuilder?[] builders, int rows, int blockSize)
    {
        var errors = new TableFileException?[segments.Length];
        Parallel.For(0, segments.Length,
            () => new byte[blockSize],
            (index, _, buffer) =>
            {
                var segment = segments[index];
                if (buffer.Length < segment.Length) buffer = new byte[segment.Length];
                try
                {
                    FillSegment(path, file, delimiter, segment, buffer.AsSpan(0, segment.Length), names, kinds, builders, rows);
                }
                catch (TableFileException e)
                {
                    errors[index] = e;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // As Guard reports a failed read; thrown here, Parallel.For would wrap it in an AggregateException.
                    errors[index] = new TableFileException(new DataFileInvalid(path, e.Message));
                }
                return buffer;
            },
            _ => { });
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw error;
    }

    static void FillSegment(string path, SafeFileHandle file, byte delimiter, Segment segment, Span<byte> text, string[] names,
        ColumnKind[] kinds, ColumnBuilder?[] builders, int rows)
    {
        for (var at = 0; at < text.Length;)
        {
            var read = RandomAccess.Read(file, text[at..], segment.Offset + at);
            if (read == 0) throw Changed(path);
            at += read;
        }
        if (!Utf8.IsValid(text)) throw Changed(path);

        var width = names.Length;
        Span<CsvFieldSpan> fields = new CsvFieldSpan[width + 1];
        var last = (int)Math.Min(segment.FirstRow + segment.Rows, rows);
        var pos = 0;
        for (var row = (int)segment.FirstRow; row < last; row++)
        {
            ReadOnlySpan<byte> rest = text[pos..];
            var record = CsvUtf8.ReadRecord(rest, delimiter, final: true, fields);
            if (record.Step != CsvUtf8Step.Record || record.Fields != width) throw Changed(path);
            for (var i = 0; i < width; i++)
            {
                if (builders[i] is { } builder && !builder.Set(row, rest, fields[i]))
                    throw new TableFileException(new ColumnTypeMismatch(path, names[i], kinds[i], null, LineAt(file, segment.Offset + pos + record.Start)));
            }
            pos += record.Consumed;
        }
        if (last == segment.FirstRow + segment.Rows && CsvUtf8.ReadRecord(text[pos..], delimiter, final: true, fields).Step != CsvUtf8Step.End)
            throw Changed(path);
    }

    internal static TableFileException Changed(string path) => new(new DataFileInvalid(path, "the file changed while it was being read"));

    /// <summary>One column's values as the fill writes them.</summary>
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

        /// <summary>False when the cell is not of the column's kind (the file changed since the survey).</summary>
        public abstract bool Set(int row, ReadOnlySpan<byte> text, CsvFieldSpan field);

        public abstract Column Build(string name);

        sealed class Numbers(double[] values) : ColumnBuilder
        {
            public override bool Set(int row, ReadOnlySpan<byte> text, CsvFieldSpan field) => CsvUtf8.TryNumberCell(text, field, out values[row]);

            public override Column Build(string name) => new NumberColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }

        sealed class Integers(long?[] values) : ColumnBuilder
        {
            public override bool Set(int row, ReadOnlySpan<byte> text, CsvFieldSpan field) => CsvUtf8.TryIntegerCell(text, field, out values[row]);

            public override Column Build(string name) => new IntegerColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }

        sealed class Booleans(bool?[] values) : ColumnBuilder
        {
            public override bool Set(int row, ReadOnlySpan<byte> text, CsvFieldSpan field) => CsvUtf8.TryBooleanCell(text, field, out values[row]);

            public override Column Build(string name) => new BooleanColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }

        sealed class Dates(DateOnly?[] values) : ColumnBuilder
        {
            public override bool Set(int row, ReadOnlySpan<byte> text, CsvFieldSpan field)
            {
                var cell = CsvUtf8.Text(text, field);
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

            public override bool Set(int row, ReadOnlySpan<byte> text, CsvFieldSpan field)
            {
                var cell = CsvUtf8.Text(text, field);
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
            public override bool Set(int row, ReadOnlySpan<byte> text, CsvFieldSpan field)
            {
                values[row] = CsvUtf8.Text(text, field);
                return true;
            }

            public override Column Build(string name) => new TextColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(values));
        }
    }
}
