using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Parquet;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Hosting;
using RunTools.Shell.Tables;
using RunTools.Tables;

namespace RunTools.Shell.Files;

/// <summary>Hashes files and, for data files, counts rows and reads column names, in one read of the file.</summary>
public static class FileInspector
{
    const int BufferSize = 4 << 20;

    /// <summary>SHA-256 (lower-case hex) and length of a file; a file that cannot be read is StorageFailed.</summary>
    public static Fin<FileHash> Hash(string fullPath, string recordedPath)
    {
        try
        {
            var (sha, bytes) = HashWith(fullPath, null);
            return new FileHash(recordedPath, sha, bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<FileHash>(new StorageFailed(fullPath, "read", e.Message));
        }
    }

    /// <summary>Describes a data file for the manifest. CSV/TSV: data rows (records after the header, quotes
    /// respected, blank lines ignored) and header names. Parquet: rows and column names from the footer.</summary>
    /// <remarks>Bounded by <paramref name="limits"/> (those of the environment when null): a CSV record longer than
    /// <see cref="InputLimits.DataRecordBytes"/> (the header included, which is kept to parse it), a header with more than
    /// <see cref="InputLimits.DataColumns"/> columns or a name longer than <see cref="InputLimits.DataFieldBytes"/>; a
    /// Parquet footer that fails the checks the table reader makes. Data rows are only counted, never kept, so their
    /// fields are checked when a table is read.</remarks>
    public static Fin<InputFile> Inspect(string givenPath, string fullPath, InputLimits? limits = null)
    {
        if (!File.Exists(fullPath)) return FinFail<InputFile>(new DataFileNotFound(givenPath));
        var resolved = ShellLimits.Or(limits);
        if (resolved.IsFail) return resolved.Map(_ => default(InputFile)!);
        var bounds = (InputLimits)resolved;
        var format = FormatOf(fullPath);
        try
        {
            switch (format)
            {
                case DataFormat.Csv:
                {
                    var scanner = new CsvScanner(DelimiterOf(fullPath), bounds.DataRecordBytes);
                    var (sha, bytes) = HashWith(fullPath, scanner);
                    var header = scanner.Header();
                    if (header.Count > bounds.DataColumns)
                        return FinFail<InputFile>(new DataColumnsExceeded(givenPath, header.Count, bounds.DataColumns));
                    var index = 0;
                    foreach (var name in header)
                    {
                        if (Encoding.UTF8.GetByteCount(name) is var length && length > bounds.DataFieldBytes)
                            return FinFail<InputFile>(new DataFieldTooLong(givenPath, LineAt(fullPath, scanner.HeaderStart), $"column {index + 1}", length, bounds.DataFieldBytes));
                        index++;
                    }
                    return header.IsEmpty
                        ? FinFail<InputFile>(new DataFileInvalid(givenPath, "the file has no header row"))
                        : FinSucc(new InputFile(givenPath, fullPath, sha, bytes, format, Math.Max(0, scanner.Records - 1), new NameList(header)));
                }
                case DataFormat.Parquet:
                {
                    var (sha, bytes) = HashWith(fullPath, null);
                    var (rows, columns, decimals) = ParquetShape(givenPath, fullPath, bounds);
                    return FinSucc(new InputFile(givenPath, fullPath, sha, bytes, format, rows, new NameList(columns)) { Decimals = decimals });
                }
                default:
                {
                    var (sha, bytes) = HashWith(fullPath, null);
                    return FinSucc(new InputFile(givenPath, fullPath, sha, bytes, format, null, NameList.Empty));
                }
            }
        }
        catch (CsvRecordTooLong e)
        {
            return FinFail<InputFile>(new DataRecordTooLong(givenPath, LineAt(fullPath, e.Offset), bounds.DataRecordBytes));
        }
        catch (TableFileException e)
        {
            return FinFail<InputFile>(e.Error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or CsvFormatException)
        {
            return FinFail<InputFile>(new DataFileInvalid(givenPath, e.Message));
        }
        catch (Exception e) when (format == DataFormat.Parquet)
        {
            // Parquet.Net reports a malformed footer with assorted exception types.
            return FinFail<InputFile>(new DataFileInvalid(givenPath, $"not a readable Parquet file: {e.Message}"));
        }
    }

    public static DataFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" or ".tsv" => DataFormat.Csv,
        ".parquet" or ".pq" => DataFormat.Parquet,
        _ => DataFormat.Other,
    };

    public static byte DelimiterOf(string path) => Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? (byte)'\t' : (byte)',';

    /// <summary>The line (from 1) of a byte offset, for an error.</summary>
    static long LineAt(string path, long offset)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return CsvTables.LineAt(file, offset);
    }

    /// <summary>Rows, the top-level columns' names (a struct or list column is one column, as a table reads it) and the
    /// DECIMAL columns' precision and scale.</summary>
    static (long Rows, Seq<string> Columns, Seq<DecimalInfo> Decimals) ParquetShape(string givenPath, string path, InputLimits limits)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var reader = ParquetTables.OpenChecked(givenPath, stream, limits);
        try
        {
            long rows = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                rows += group.RowCount;
            }
            var fields = reader.Schema.Fields;
            return (rows, toSeq(fields.Select(f => f.Name).ToArray()),
                toSeq(fields.OfType<Parquet.Schema.DecimalDataField>().Select(d => new DecimalInfo(d.Name, d.Precision, d.Scale)).ToArray()));
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Streams the file once through SHA-256 (OpenSSL-backed on Linux) and an optional scanner. With a
    /// scanner, each chunk is hashed and scanned at the same time on two threads, so counting CSV rows costs almost
    /// nothing over hashing alone; reading the next chunk overlaps with both.</summary>
    static (string Sha256, long Bytes) HashWith(string path, CsvScanner? scanner)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var current = ArrayPool<byte>.Shared.Rent(BufferSize);
        var next = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            var read = stream.Read(current, 0, BufferSize);
            while (read > 0)
            {
                var chunk = current;
                var length = read;
                if (scanner is null)
                {
                    hash.AppendData(chunk, 0, length);
                    read = stream.Read(next, 0, BufferSize);
                }
                else
                {
                    var scan = Task.Run(() => scanner.Feed(chunk.AsSpan(0, length)));
                    hash.AppendData(chunk, 0, length);
                    read = stream.Read(next, 0, BufferSize);
                    scan.GetAwaiter().GetResult();
                }
                total += length;
                (current, next) = (next, current);
            }
            scanner?.Finish();
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }
}

public sealed class CsvFormatException(string message) : Exception(message);

/// <summary>A CSV record, from <see cref="Offset"/> (where the previous line ended), longer than the bound.</summary>
sealed class CsvRecordTooLong(long offset) : Exception("a CSV record is longer than the limit")
{
    public long Offset { get; } = offset;
}

/// <summary>Counts CSV records (RFC 4180: a newline inside quotes is data; blank lines do not count) and keeps
/// the first record's bytes to parse the header. Vectorised search for quote/newline keeps it near memory speed.
/// A line (a record, with the line breaks inside its quotes) longer than <c>recordLimit</c> bytes is
/// <see cref="CsvRecordTooLong"/>, found at the line break that ends it or at the end of the chunk it runs past, so
/// the header it keeps never grows past the bound either.</summary>
sealed class CsvScanner(byte delimiter, int recordLimit)
{
    readonly List<byte> header = [];
    bool inQuotes, headerDone, lineHasContent, started;
    long position; // bytes fed so far
    long lineStart; // where the current line began

    public long Records { get; private set; }

    /// <summary>Where the header's line begins (blank lines before it are separate lines).</summary>
    public long HeaderStart { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        var offset = 0;
        if (!started)
        {
            // A UTF-8 byte order mark is not content: a BOM followed by a blank line is not the header.
            started = true;
            if (chunk.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) (offset, lineStart, HeaderStart) = (3, 3, 3);
        }
        while (offset < chunk.Length)
        {
            var rest = chunk[offset..];
            var hit = inQuotes ? rest.IndexOf((byte)'"') : rest.IndexOfAny((byte)'"', (byte)'\n');
            var upTo = hit < 0 ? rest.Length : hit;
            if (!lineHasContent && HasContent(rest[..upTo])) lineHasContent = true;
            if (!headerDone) AppendHeader(rest[..(hit < 0 ? rest.Length : hit + 1)]);
            if (hit < 0) break;
            if (rest[hit] == (byte)'"')
            {
                inQuotes = !inQuotes; // a doubled quote "" toggles twice: still correct
                lineHasContent = true;
            }
            else
            {
                var end = position + offset + hit + 1;
                if (end - lineStart > recordLimit) throw new CsvRecordTooLong(lineStart);
                if (lineHasContent) Records++;
                else if (!headerDone) HeaderStart = end;
                lineStart = end;
                lineHasContent = false;
                headerDone |= Records > 0;
            }
            offset += hit + 1;
        }
        position += chunk.Length;
        if (position - lineStart > recordLimit) throw new CsvRecordTooLong(lineStart);
    }

    public void Finish()
    {
        if (inQuotes) throw new CsvFormatException($"a quoted field is not closed (record {Records + 1})");
        if (lineHasContent) Records++;
    }

    static bool HasContent(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)'\r', (byte)' ') >= 0;

    void AppendHeader(ReadOnlySpan<byte> bytes)
    {
        if (header.Count + bytes.Length > recordLimit) throw new CsvRecordTooLong(HeaderStart);
        header.AddRange(bytes);
    }

    /// <summary>The header's field names (BOM stripped, blank lines before it skipped, quotes removed, doubled quotes
    /// unescaped, names trimmed), parsed by the same record reader as tables (<see cref="CsvText"/>).</summary>
    public Seq<string> Header()
    {
        var text = Encoding.UTF8.GetString(header.ToArray()).TrimStart('\uFEFF');
        return CsvText.SplitRecord(text, (char)delimiter).Map(f => (f ?? "").Trim());
    }
}
