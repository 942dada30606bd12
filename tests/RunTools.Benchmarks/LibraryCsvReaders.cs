using System.Globalization;
using System.Runtime.InteropServices;
using nietras.SeparatedValues;
using RunTools.Tables;
using Sylvan.Data.Csv;

namespace RunTools.Benchmarks;

/// <summary>
/// The same job as <see cref="RunTools.Shell.Tables.CsvTables.Read"/> (a CSV file into a <see cref="Table"/> whose
/// columns' kinds are inferred from all of their cells, as <see cref="CsvInference"/> infers them) done through a
/// maintained parser, written the fast way each library documents: Sep (spans, csFastFloat through
/// <c>TryParse&lt;double&gt;</c>, <c>ParallelEnumerate</c>) and Sylvan (<c>GetFieldSpan</c>). No string is made for a
/// cell that is not text. These are the candidates the benchmark weighs against the hand-written byte reader; they
/// keep only what the benchmark files need of the reader's rules (the dialect differences are listed in
/// CsvReadBenchmarks), so they are no replacement for it unless they win.
/// </summary>
static class LibraryCsvReaders
{
    /// <summary>Sep, one thread: each column guesses its kind from its first value and parses its cells as that
    /// kind while the guess holds (csFastFloat for numbers); a column whose guess breaks keeps only its evidence and
    /// is read again in a second pass, as the byte reader's fill does.</summary>
    public static Table SepSequential(string path, char delimiter)
    {
        string[] names;
        Fold[] folds;
        using (var reader = OpenSep(path, delimiter))
        {
            names = [.. reader.Header.ColNames.Select(n => n.Trim())];
            folds = [.. names.Select(_ => new Fold())];
            foreach (var row in reader)
            {
                for (var i = 0; i < folds.Length; i++)
                {
                    var col = row[i];
                    var fold = folds[i];
                    if (fold.Guess == ColumnKind.Number && !fold.Broken && col.TryParse<double>(out var number) && !IsEmpty(col.Span))
                        fold.AddNumber(number);
                    else
                        fold.Add(col.Span);
                }
            }
        }
        return Finish(path, delimiter, names, folds);
    }

    /// <summary>Sep's <c>ParallelEnumerate</c>: every cell is classified and parsed on the worker threads (one struct
    /// per cell, one array per row); the ordered rows are folded into the columns on the reading thread.</summary>
    public static Table SepParallel(string path, char delimiter)
    {
        string[] names;
        Fold[] folds;
        using (var reader = OpenSep(path, delimiter))
        {
            names = [.. reader.Header.ColNames.Select(n => n.Trim())];
            folds = [.. names.Select(_ => new Fold())];
            var width = names.Length;
            foreach (var cells in reader.ParallelEnumerate(row =>
                     {
                         var parsed = new Cell[width];
                         for (var i = 0; i < width; i++)
                         {
                             var col = row[i];
                             parsed[i] = Classify(col.Span, col.TryParse<double>(out var n) ? n : null);
                         }
                         return parsed;
                     }))
            {
                for (var i = 0; i < width; i++) folds[i].Add(cells[i]);
            }
        }
        return Finish(path, delimiter, names, folds);
    }

    /// <summary>Sylvan's <see cref="CsvDataReader"/>, one thread, cells as spans.</summary>
    public static Table Sylvan(string path, char delimiter)
    {
        using var reader = CsvDataReader.Create(path, new CsvDataReaderOptions { Delimiter = delimiter, HasHeaders = true, BufferSize = 1 << 16 });
        var names = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i).Trim()).ToArray();
        var folds = names.Select(_ => new Fold()).ToArray();
        while (reader.Read())
        {
            if (reader.RowFieldCount != names.Length) throw new InvalidDataException($"a record has {reader.RowFieldCount} fields");
            for (var i = 0; i < folds.Length; i++) folds[i].Add(reader.GetFieldSpan(i));
        }
        var columns = folds.Select((f, i) => f.Build(names[i])).ToArray();
        if (columns.Any(c => c is null))
        {
            // The second pass: the broken columns, parsed as the kind their evidence gives.
            using var again = CsvDataReader.Create(path, new CsvDataReaderOptions { Delimiter = delimiter, HasHeaders = true, BufferSize = 1 << 16 });
            var refill = folds.Select((f, i) => columns[i] is null ? new Fold(f.Evidence.Kind) : null).ToArray();
            while (again.Read())
                for (var i = 0; i < refill.Length; i++) refill[i]?.Add(again.GetFieldSpan(i));
            for (var i = 0; i < columns.Length; i++) columns[i] ??= refill[i]!.Build(names[i]);
        }
        return Create(columns!);
    }

    static SepReader OpenSep(string path, char delimiter) =>
        Sep.Reader(o => o with { Sep = new Sep(delimiter), Unescape = true, CultureInfo = CultureInfo.InvariantCulture }).FromFile(path);

    static Table Finish(string path, char delimiter, string[] names, Fold[] folds)
    {
        var columns = folds.Select((f, i) => f.Build(names[i])).ToArray();
        if (columns.Any(c => c is null))
        {
            using var reader = OpenSep(path, delimiter);
            var refill = folds.Select((f, i) => columns[i] is null ? new Fold(f.Evidence.Kind) : null).ToArray();
            foreach (var row in reader)
                for (var i = 0; i < refill.Length; i++) refill[i]?.Add(row[i].Span);
            for (var i = 0; i < columns.Length; i++) columns[i] ??= refill[i]!.Build(names[i]);
        }
        return Create(columns!);
    }

    static Table Create(Column[] columns) =>
        Table.Create(toSeq(columns)).Match(t => t, e => throw new InvalidDataException(e.Message));

    static bool IsEmpty(ReadOnlySpan<char> cell) => cell.IsWhiteSpace();

    enum Tag : byte { Empty, Integer, Number, True, False, Text }

    readonly record struct Cell(Tag Tag, long Integer, double Number, string? Text);

    /// <summary>A cell's kind and value by <see cref="CsvInference"/>'s rules (an integer is also a number).</summary>
    static Cell Classify(ReadOnlySpan<char> cell, double? fast)
    {
        if (IsEmpty(cell)) return new Cell(Tag.Empty, 0, double.NaN, cell.Length == 0 ? null : cell.ToString());
        if (long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
            return new Cell(Tag.Integer, integer, fast ?? double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture), null);
        if (fast is { } n || double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out n)) return new Cell(Tag.Number, 0, n, null);
        var trimmed = cell.Trim();
        if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase)) return new Cell(Tag.True, 0, 0, cell.SequenceEqual("true") ? "true" : cell.ToString());
        if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase)) return new Cell(Tag.False, 0, 0, cell.SequenceEqual("false") ? "false" : cell.ToString());
        return new Cell(Tag.Text, 0, 0, cell.ToString());
    }

    /// <summary>One column: its evidence, and its values as the kind of its first value while that holds (or as a
    /// fixed kind, in the second pass).</summary>
    sealed class Fold(ColumnKind? fixedKind = null)
    {
        readonly List<double> numbers = [];
        readonly List<long?> integers = [];
        readonly List<bool?> booleans = [];
        readonly List<string?> texts = [];
        int leading;

        public ColumnKind? Guess { get; private set; } = fixedKind;
        public bool Broken { get; private set; }
        public KindEvidence Evidence { get; private set; } = KindEvidence.None;

        public void AddNumber(double value)
        {
            numbers.Add(value);
            Evidence = Evidence with { AnyValue = true, AllIntegers = false, AllBooleans = false };
        }

        public void Add(ReadOnlySpan<char> cell)
        {
            if (Guess == ColumnKind.Text && !Broken)
                texts.Add(cell.Length == 0 ? null : cell.ToString()); // text absorbs any cell
            else
                Add(Classify(cell, null));
        }

        public void Add(Cell cell)
        {
            if (fixedKind is null) Observe(cell);
            if (Broken) return;
            if (fixedKind is ColumnKind.Date or ColumnKind.Timestamp)
            {
                texts.Add(cell.Text); // parsed in Build
                return;
            }
            if (Guess is null)
            {
                if (cell.Tag == Tag.Empty)
                {
                    texts.Add(cell.Text);
                    leading++;
                    return;
                }
                Guess = Evidence.Kind;
                if (Guess is ColumnKind.Date or ColumnKind.Timestamp)
                {
                    Broken = true; // as the byte reader's survey: the second pass parses dates and timestamps
                    return;
                }
            }
            var fits = Guess switch
            {
                ColumnKind.Number => cell.Tag is Tag.Empty or Tag.Integer or Tag.Number && Add(numbers, cell.Tag == Tag.Empty ? double.NaN : cell.Number),
                ColumnKind.Integer => cell.Tag is Tag.Empty or Tag.Integer && Add(integers, cell.Tag == Tag.Empty ? null : cell.Integer),
                ColumnKind.Boolean => cell.Tag is Tag.Empty or Tag.True or Tag.False && Add(booleans, cell.Tag switch { Tag.True => true, Tag.False => false, _ => null }),
                _ => (cell.Tag is not (Tag.Integer or Tag.Number)) && Add(texts, cell.Text), // a number's text is not kept: read again
            };
            if (!fits) Broken = true;
        }

        static bool Add<T>(List<T> list, T value)
        {
            list.Add(value);
            return true;
        }

        void Observe(Cell cell)
        {
            if (cell.Tag == Tag.Empty) return;
            Evidence = cell.Tag == Tag.Text
                ? Evidence.Observe(cell.Text) // dates and timestamps: the string rules
                : Evidence with
                {
                    AnyValue = true,
                    AllIntegers = Evidence.AllIntegers && cell.Tag == Tag.Integer,
                    AllNumbers = Evidence.AllNumbers && cell.Tag is Tag.Integer or Tag.Number,
                    AllBooleans = Evidence.AllBooleans && cell.Tag is Tag.True or Tag.False,
                    AllDates = false,
                    AllNaive = false,
                    AllUtc = false,
                };
        }

        /// <summary>The column, or null when the guess broke (the second pass reads it).</summary>
        public Column? Build(string name)
        {
            var kind = fixedKind ?? Evidence.Kind;
            if (Broken || (Guess is { } g && g != kind)) return null;
            return kind switch
            {
                ColumnKind.Number => new NumberColumn(name, Prefixed(numbers, double.NaN)),
                ColumnKind.Integer => new IntegerColumn(name, Prefixed(integers, null)),
                ColumnKind.Boolean => new BooleanColumn(name, Prefixed(booleans, null)),
                ColumnKind.Date => new DateColumn(name, [.. texts.Select(t => CsvInference.TryDate(t, out var d) ? d : (DateOnly?)null)]),
                ColumnKind.Timestamp => Timestamps(name),
                _ => new TextColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(texts.ToArray())),
            };
        }

        Column Timestamps(string name)
        {
            var zone = default(TimestampZone);
            var values = texts.Select(t => CsvInference.TryTimestamp(t, out var v, out zone) ? v : (DateTime?)null).ToArray();
            return new TimestampColumn(name, [.. values], zone);
        }

        /// <summary>The values, after as many missing values as there were leading empty cells.</summary>
        System.Collections.Immutable.ImmutableArray<T> Prefixed<T>(List<T> list, T missing)
        {
            var skip = fixedKind is null ? leading : 0;
            var array = new T[skip + list.Count];
            array.AsSpan(0, skip).Fill(missing);
            CollectionsMarshal.AsSpan(list).CopyTo(array.AsSpan(skip));
            return ImmutableCollectionsMarshal.AsImmutableArray(array);
        }
    }
}
