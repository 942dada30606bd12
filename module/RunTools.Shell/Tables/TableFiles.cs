using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;
using RunTools.Tables;

namespace RunTools.Shell.Tables;

/// <summary>
/// Reads and writes <see cref="Table"/> values as files: CSV/TSV (by extension) and Parquet.
/// <list type="bullet">
/// <item><b>Missing values.</b> A number column's missing value is NaN. Parquet: every column is written OPTIONAL,
/// NaN is written as null, and null reads back as NaN; a NaN stored by another writer reads as NaN too, so NaN and
/// null are one value in a table (as in pandas) and a NaN's payload bits are not kept. Every other double, -0.0,
/// subnormals and infinities included, round-trips bit for bit. CSV: missing is an empty field; text keeps null
/// (empty, unquoted) apart from "" (<c>""</c>).</item>
/// <item><b>Round trips.</b> Parquet gives back an equal table (<see cref="Table"/> equality), except that timestamps
/// are written with microsecond precision (TIMESTAMP(MICROS), as pandas and DuckDB read them), so a value's last 100 ns
/// digit is dropped; a table with an <see cref="UnsupportedColumn"/> is not written (TableColumnUnsupported). CSV gives back equal
/// values but re-infers kinds, so a text column whose values all look like numbers or booleans comes back typed,
/// a column with no values comes back as text, and in a one-column table a null text cell comes back as ""
/// (see <see cref="CsvText.FormatRecord"/>). Numbers are written so that they come back as numbers.</item>
/// <item><b>Writes are atomic</b> (<see cref="AtomicFile"/>): a reader sees the old file or the new one.</item>
/// </list>
/// </summary>
public static class TableFiles
{
    /// <summary>The whole table. CSV/TSV (UTF-8, BOM optional): the first non-blank record is the header (names
    /// trimmed); each column's kind is inferred from all of its cells (<see cref="CsvInference"/>); every record must
    /// have as many fields as the header. Parquet: flat columns of floating-point, integer, string and boolean types.</summary>
    /// <remarks>Every read is bounded by <see cref="InputLimits"/> (the <paramref name="limits"/> given, or those the
    /// environment sets): columns, the length of a CSV field and record, the size of a Parquet footer, and what a Parquet
    /// footer may declare; each bound crossed is its own error with the file as target.</remarks>
    public static Fin<Table> Read(string path, InputLimits? limits = null) => Read(path, null, limits);

    /// <summary>Only the named columns, in the file's order (the others are not decoded: a CSV file's other cells are
    /// only delimited, a Parquet file's other columns not read). A name the file lacks is simply absent from the
    /// result.</summary>
    public static Fin<Table> ReadColumns(string path, Seq<string> columns, InputLimits? limits = null)
    {
        var only = new System.Collections.Generic.HashSet<string>(columns, StringComparer.Ordinal);
        return Guard(path, limits, (format, bounds) => format switch
        {
            DataFormat.Csv => CsvTables.Read(path, DelimiterOf(path), null, only: only, limits: bounds),
            _ => ParquetTables.Read(path, null, bounds, only),
        });
    }

    /// <summary>The first <paramref name="firstRows"/> rows (all when null). Column kinds are those of the whole
    /// file, so the result equals <c>Read(path)</c> cut to that many rows. A CSV file is still scanned to its end
    /// (for the kinds); a Parquet file is read only as far as the row groups that hold those rows.</summary>
    public static Fin<Table> Read(string path, int? firstRows, InputLimits? limits = null) =>
        Guard(path, limits, (format, bounds) => format switch
        {
            DataFormat.Csv => CsvTables.Read(path, DelimiterOf(path), firstRows, limits: bounds),
            _ => ParquetTables.Read(path, firstRows, bounds),
        });

    /// <summary>
    /// The columns' names and kinds and the number of rows, without loading the values. Parquet: from the footer
    /// alone, whatever the file's size. CSV/TSV: kinds need every cell (one odd value in the last row makes a column
    /// text, so a sample is not enough), so this streams the whole file once, in constant memory, and returns exactly
    /// the kinds and row count that <see cref="Read(string)"/> would; it also fails where Read would on a malformed
    /// record.
    /// </summary>
    public static Fin<TableSchema> ReadSchema(string path, InputLimits? limits = null) =>
        Guard(path, limits, (format, bounds) => format switch
        {
            DataFormat.Csv => CsvTables.Scan(path, DelimiterOf(path), limits: bounds).Schema,
            _ => ParquetTables.ReadSchema(path, bounds),
        });

    /// <summary>Writes the table as Parquet with <see cref="ParquetSettings.Default"/>, atomically.</summary>
    public static Fin<Unit> WriteParquet(string path, Table table) => WriteParquet(path, table, ParquetSettings.Default);

    public static Fin<Unit> WriteParquet(string path, Table table, ParquetSettings settings) =>
        Write(path, table, stream => ParquetTables.Write(stream, table, settings));

    /// <summary>Writes the table as UTF-8 CSV (TSV for a .tsv path) with LF line breaks, atomically.</summary>
    public static Fin<Unit> WriteCsv(string path, Table table) =>
        Write(path, table, stream => CsvTables.Write(stream, table, DelimiterOf(path)));

    static char DelimiterOf(string path) => (char)FileInspector.DelimiterOf(path);

    static Fin<Unit> Write(string path, Table table, Action<Stream> write)
    {
        if (table.Columns.IsEmpty) return FinFail<Unit>(new StorageFailed(path, "write", "a table without columns has nothing to write"));
        if (table.CheckValues(path).IsFail) return table.CheckValues(path).Map(_ => unit);
        try
        {
            AtomicFile.Write(path, write);
            return unit;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<Unit>(new StorageFailed(path, "write", e.Message));
        }
        catch (EncoderFallbackException e)
        {
            return FinFail<Unit>(new StorageFailed(path, "write", $"a text value is not valid Unicode ({e.Message})"));
        }
    }

    static Fin<T> Guard<T>(string path, InputLimits? limits, Func<DataFormat, InputLimits, T> read)
    {
        var format = FileInspector.FormatOf(path);
        if (format == DataFormat.Other) return FinFail<T>(new TableFormatUnsupported(path));
        if (!File.Exists(path)) return FinFail<T>(new DataFileNotFound(path));
        var resolved = ShellLimits.Or(limits);
        if (resolved.IsFail) return resolved.Map(_ => default(T)!);
        try
        {
            return read(format, (InputLimits)resolved);
        }
        catch (TableFileException e)
        {
            return FinFail<T>(e.Error);
        }
        catch (DecoderFallbackException e)
        {
            return FinFail<T>(new DataFileInvalid(path, $"the file is not UTF-8 text ({e.Message})"));
        }
        catch (Exception e) when (format == DataFormat.Parquet && e is not (UnauthorizedAccessException or OutOfMemoryException or InsufficientExecutionStackException))
        {
            // Parquet.Net reports a malformed file with assorted exception types (IOException among them).
            return FinFail<T>(new DataFileInvalid(path, $"not a readable Parquet file: {e.Message}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<T>(new DataFileInvalid(path, e.Message));
        }
    }
}

/// <summary>How Parquet files are written.</summary>
/// <param name="RowGroupRows">Rows per row group: Parquet.Net holds a whole row group in memory while it writes it,
/// and a reader that wants the first rows reads whole row groups.</param>
public sealed record ParquetSettings(Parquet.CompressionMethod Compression, System.IO.Compression.CompressionLevel Level, int RowGroupRows)
{
    /// <summary>
    /// Zstd at CompressionLevel.Fastest, 1,048,576 rows per row group. Always set the level explicitly: Parquet.Net's
    /// own default level is SmallestSize (Zstd level 19), which took minutes for a 1M-row table.
    /// Measured with tests/RunTools.Benchmarks (TableFileBenchmarks: TableFiles.WriteParquet, atomic and fsynced, and
    /// TableFiles.Read of 1M rows: two columns of random doubles, a 20-value category, a random 4-24 character id;
    /// 2-core EPYC VM, BenchmarkDotNet mean of 7; reads from two runs because the VM is noisy):
    /// <code>
    /// codec           size      write     read
    /// none            42.0 MB   281 ms    266-313 ms
    /// snappy          33.5 MB   328 ms    388-405 ms
    /// lz4raw          35.1 MB   253 ms    386-433 ms
    /// zstd fastest    26.0 MB   288 ms    449-450 ms   ← default
    /// zstd optimal    25.3 MB   370 ms    583-642 ms
    /// gzip fastest    32.8 MB   615 ms    416-648 ms
    /// </code>
    /// Zstd Fastest writes as fast as no compression and makes files 38% smaller than uncompressed and 22% smaller than
    /// Snappy; it reads about 60 ms per million rows slower than Snappy or LZ4, which is small next to anything that
    /// uses the rows (Import-RunTable builds a PowerShell object per row). Zstd Optimal saves only 3% more and is
    /// slower both ways. Runs accumulate on plain disk, so size wins over the last 60 ms.
    /// </summary>
    public static readonly ParquetSettings Default = new(Parquet.CompressionMethod.Zstd, System.IO.Compression.CompressionLevel.Fastest, 1 << 20);
}

/// <summary>Carries a typed error out of the imperative read/write loops to <see cref="TableFiles"/>.</summary>
sealed class TableFileException(RunError error) : Exception(error.Message)
{
    public RunError Error { get; } = error;
}
