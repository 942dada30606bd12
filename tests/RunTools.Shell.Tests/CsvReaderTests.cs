using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Domain;
using RunTools.Shell.Tables;
using RunTools.Tables;

namespace RunTools.Shell.Tests;

/// <summary>
/// The byte reader (<see cref="CsvTables"/>) against the reader that decodes the file as text
/// (<see cref="CsvTextTables"/>), which is the oracle: the same table, or the same error, for any file. The byte
/// reader is run with tiny blocks as well as its own, so that small files cross many block boundaries (records split
/// between blocks, records larger than a block, many segments filled in parallel).
/// </summary>
public sealed class CsvReaderTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>What <see cref="TableFiles"/> makes of a reader's outcome.</summary>
    static Fin<T> Outcome<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (TableFileException e)
        {
            return FinFail<T>(e.Error);
        }
        catch (DecoderFallbackException e)
        {
            return FinFail<T>(new DataFileInvalid(path, $"the file is not UTF-8 text ({e.Message})"));
        }
    }

    static void AssertSame<T>(Fin<T> expected, Fin<T> actual) =>
        expected.Match(
            Succ: value => Assert.Equal(value, Expect.Succ(actual)),
            Fail: error => Assert.Equal(error, Expect.Fail(actual)));

    static void AssertSameAsTextReader(string path, char delimiter, int? firstRows, int blockSize)
    {
        AssertSame(Outcome(path, () => CsvTextTables.Read(path, delimiter, firstRows)),
            Outcome(path, () => CsvTables.Read(path, delimiter, firstRows, blockSize)));
        AssertSame(Outcome(path, () => CsvTextTables.Scan(path, delimiter)),
            Outcome(path, () => CsvTables.Scan(path, delimiter, blockSize)));
    }

    [Property(Arbitrary = [typeof(CsvFileArbitraries)], MaxTest = 1500)]
    public void Any_file_reads_to_the_same_table_or_error_as_the_text_reader_gives(CsvFile file)
    {
        using var scratch = new TempDirectory();
        var path = scratch.WriteBytes(file.Tab ? "f.tsv" : "f.csv", file.Bytes);
        AssertSameAsTextReader(path, file.Tab ? '\t' : ',', file.FirstRows, file.BlockSize);
    }

    [Property(Arbitrary = [typeof(CsvFileArbitraries)], MaxTest = 500)]
    public void Reading_some_columns_gives_those_columns_of_the_whole_table_or_the_same_error(CsvFile file, bool[] pick)
    {
        using var scratch = new TempDirectory();
        var path = scratch.WriteBytes(file.Tab ? "f.tsv" : "f.csv", file.Bytes);
        var delimiter = file.Tab ? '\t' : ',';
        var whole = Outcome(path, () => CsvTextTables.Read(path, delimiter, file.FirstRows));
        var names = whole.Match(t => t.Columns.Map(c => c.Name).ToArray(), _ => ["a", "b"]);
        // Some of the file's columns (any order in the set), and a name the file does not have.
        var only = names.Where((_, i) => pick.Length > 0 && pick[i % pick.Length]).Append("not in the file").ToHashSet(StringComparer.Ordinal);

        AssertSame(whole.Bind(t => t.Select(t.Columns.Map(c => c.Name).Filter(only.Contains))),
            Outcome(path, () => CsvTables.Read(path, delimiter, file.FirstRows, file.BlockSize, only)));
    }

    public static TheoryData<string> Files => new()
    {
        "a,b\n1,2\n", "a,b\r\n1,2", "\uFEFF a , b \r\n1,2\r\n", "\n\n  \r\na\n1\n\n", "a\n\"\"\n", "a,b\n1,2,3\n", "a,b\n1\n",
        "a,b\n1,\"open\n2,3\n", "\"open", "", "\uFEFF", " \n", "a,A\n", ",a\n", "a, \"b\" \n\"x\"y,\" 1 \"\n", "n\n1\nx\n", "n\nNaN\n1e5\n-0\n",
        "n\n9223372036854775808\n", "n\n9223372036854775807\n-9223372036854775808\n", "b\nTRUE\n false \n\n", "b\ntrue\n1\n",
        "t\n\"multi\r\nline\"\n\"say \"\"x\"\"\"\n", "a,b\n\"1\"\"\",2\n", "a\n \u00A0\n1\n", "a\n1\n \"2\" x\n", "a\r\n1\r\r\n",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Small_files_with_every_rule_read_the_same(string content)
    {
        var path = dir.WriteBytes("s.csv", Encoding.UTF8.GetBytes(content));
        foreach (var block in new[] { 4, 5, 16, CsvTables.BlockSize })
            foreach (var first in new int?[] { null, 0, 1, 2 })
                AssertSameAsTextReader(path, ',', first, block);
    }

    /// <summary>The text reader's decoder decides these, and the byte reader hands them over: after a UTF-8 BOM bad
    /// bytes become U+FFFD; a bad byte in the same decoded chunk as an earlier malformed record is reported instead of
    /// the record; a UTF-16 file (BOM) is read as UTF-16.</summary>
    [Fact]
    public void Files_that_are_not_entirely_UTF8_are_read_as_the_text_reader_reads_them()
    {
        byte[][] files =
        [
            [0xEF, 0xBB, 0xBF, (byte)'a', (byte)'\n', 0xE9, (byte)'\n'],
            [.. "a,b\n1,2,3\n"u8, 0xE9, (byte)'\n'],
            [.. "a,b\n"u8, 0xFF, (byte)'\n'],
            [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("a,b\n1,2\n")],
            [.. Encoding.ASCII.GetBytes("a\n" + string.Concat(Enumerable.Repeat("1\n", 100_000)) + "x,y\n"), 0xC3],
        ];
        var i = 0;
        foreach (var content in files)
        {
            var path = dir.WriteBytes($"u{i++}.csv", content);
            AssertSameAsTextReader(path, ',', null, CsvTables.BlockSize);
            AssertSameAsTextReader(path, ',', null, 8);
        }
        Assert.Equal("\uFFFD", Expect.Succ(TableFiles.Read(dir.File("u0.csv"))).Columns[0].ValueAt(0));
    }

    /// <summary>Files of several blocks at the real block size: many segments, filled in parallel.</summary>
    [Fact]
    public void Large_files_of_every_kind_of_cell_read_the_same()
    {
        var random = new Random(7);
        var text = new StringBuilder("id,score,count,flag,note,mixed\r\n");
        for (var i = 0; i < 60_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{(random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)):R},");
            text.Append(random.Next(10) == 0 ? "" : random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture)).Append(',');
            text.Append(random.Next(3) switch { 0 => "TRUE", 1 => " false", _ => "" }).Append(',');
            text.Append(random.Next(4) switch { 0 => "\"multi\nline, \"\"quoted\"\"\"", 1 => "plain é 日本", 2 => "", _ => " \"spaced\" " }).Append(',');
            text.Append(random.Next(5) switch { 0 => "NaN", 1 => "1e5", 2 => "-0", 3 => "\"7\"", _ => "0.1" });
            text.Append(random.Next(50) == 0 ? "\n\n" : "\r\n");
        }
        var path = dir.WriteBytes("large.csv", Encoding.UTF8.GetBytes(text.ToString()));
        Assert.True(new FileInfo(path).Length > 3 * CsvTables.BlockSize);
        foreach (var first in new int?[] { null, 0, 1, 12_345 })
            AssertSameAsTextReader(path, ',', first, CsvTables.BlockSize);
        AssertSameAsTextReader(path, ',', null, 4096);
        var table = Expect.Succ(TableFiles.Read(path));
        Assert.Equal(new[] { ColumnKind.Integer, ColumnKind.Number, ColumnKind.Integer, ColumnKind.Boolean, ColumnKind.Text, ColumnKind.Number },
            table.Columns.Map(c => c.Kind).ToArray());
    }

    [Fact]
    public void An_error_in_a_late_block_is_reported_at_its_line()
    {
        var text = new StringBuilder("a,b\n");
        for (var i = 0; i < 200_000; i++) text.Append(CultureInfo.InvariantCulture, $"{i},\"x\ny\"\n");
        text.Append("1,2,3\n");
        var path = dir.Write("late.csv", text.ToString());
        Expect.Error(new CsvRecordInvalid(path, 400_002, "the record has 3 fields; the header has 2"), TableFiles.Read(path));
        AssertSameAsTextReader(path, ',', null, CsvTables.BlockSize);
    }
}

/// <summary>The bytes of a CSV file and how to read it.</summary>
public sealed record CsvFile(byte[] Bytes, bool Tab, int? FirstRows, int BlockSize)
{
    public override string ToString() =>
        $"block {BlockSize}, first {FirstRows?.ToString(CultureInfo.InvariantCulture) ?? "all"}, {(Tab ? "tsv" : "csv")}: "
        + Encoding.UTF8.GetString(Bytes).Replace("\r", "\\r").Replace("\n", "\\n\n");
}

/// <summary>
/// Random CSV files: a header and rows whose columns draw mostly on one kind of value (integers, numbers, booleans,
/// text or a mix) and sometimes on anything; fields written plainly or quoted in every way the rules allow (spaces
/// around quotes, text after the closing quote, doubled quotes, line breaks inside); LF or CRLF, blank lines, a BOM;
/// and sometimes a malformed file: fields written raw whatever they hold, a record with a field too many or too few,
/// an unclosed quote, a bad name, bytes that are not UTF-8.
/// </summary>
public static class CsvFileArbitraries
{
    static readonly string[] Integers = ["0", "1", "-7", "+3", " 42 ", "007", "9223372036854775807", "-9223372036854775808", "", " "];
    static readonly string[] Numbers = ["0.5", "-0", "-0.0", "1e3", "2.5E-3", ".5", "5.", "NaN", "Infinity", "-infinity", "1e400", "0.1",
        "123456789.123456789", "9223372036854775808", "4.9e-324", " 1.5 ", "1.7976931348623157e308", "", "\t"];
    static readonly string[] Booleans = ["true", "false", "TRUE", " False ", "", "\u00A0true"];
    static readonly string[] Texts = ["a", "x y", "é", "日本", "😀", "a,b", "a\tb", "say \"hi\"", "line\nbreak", "crlf\r\n", " ", "", "\u00A0", "1,5", "0x10", "yes"];
    static readonly string[][] Pools = [Integers, Numbers, Booleans, Texts, [.. Integers, .. Numbers, .. Booleans]];
    static readonly string[] Anything = [.. Integers, .. Numbers, .. Booleans, .. Texts];
    static readonly string[] Names = ["id", "score", "Label", " padded ", "x y", "é", "quoted, name", "a\"b", "ID", "", "n"];

    /// <summary>A value as a field: plain when that reads back as the value, or quoted in one of the ways the rules
    /// read; now and then written raw whatever it holds (which may split or merge fields and records).</summary>
    static Gen<string> Field(string value, bool chaos)
    {
        var quoted = value.Replace("\"", "\"\"");
        var plain = value.AsSpan().IndexOfAny(",\t\r\n") < 0 && !value.TrimStart(' ').StartsWith('"');
        return Gen.Frequency(
            (plain ? 12 : chaos ? 2 : 0, Gen.Constant(value)),
            (6, Gen.Constant(CsvText.FormatField(value, ','))),
            (2, Gen.Constant($"  \"{quoted}\" ")),
            (2, Gen.Elements("x", " x", "\r").Select(tail => $"\"{quoted}\"{tail}")),
            (chaos ? 2 : 0, Gen.Constant($"\"{quoted}\"\"")));
    }

    static Gen<string> Record(IReadOnlyList<string[]> pools, bool chaos) =>
        from values in Gen.CollectToSequence(pools, pool => Gen.Frequency((5, Gen.Elements(pool)), (1, Gen.Elements(Anything))))
        from fields in Gen.CollectToSequence(values, v => Field(v, chaos))
        select string.Join(',', fields);

    static Gen<string> Break => Gen.Frequency((6, Gen.Constant("\n")), (3, Gen.Constant("\r\n")), (1, Gen.Elements("\n\n", "\n  \n", "\r\n\r\n", "\n \r\n")));

    static Gen<byte[]> Content =>
        from chaos in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from width in Gen.Choose(1, 4)
        from names in Gen.Frequency(
            (8, Gen.Shuffle(Names.Where(n => n is not ("" or "ID")).ToArray()).Select(n => n.Take(width).ToArray())),
            (1, Gen.ArrayOf(Gen.Elements(Names), width)))
        from header in Gen.CollectToSequence(names, n => Field(n, chaos))
        from pools in Gen.ArrayOf(Gen.Elements(Pools), width)
        from rows in Gen.Choose(0, 14)
        from records in Gen.ArrayOf(Record(pools, chaos), rows)
        from breaks in Gen.ArrayOf(Break, rows + 1)
        from last in Gen.Elements(true, true, false)
        from lead in Gen.Frequency((6, Gen.Constant("")), (1, Gen.Elements("\uFEFF", "\n", " \r\n", "\uFEFF\n")))
        from damage in Gen.Frequency((12, Gen.Constant(0)), (1, Gen.Choose(1, 4)))
        from position in Gen.Choose(0, 1_000_000)
        select Damage(lead + string.Join(',', header) + breaks[0]
            + string.Concat(records.Select((r, i) => r + (i < rows - 1 || last ? breaks[i + 1] : ""))), damage, position);

    /// <summary>Breaks a file: 1, a field too many; 2, a field too few; 3, an unclosed quote; 4, a byte that is not UTF-8.</summary>
    static byte[] Damage(string text, int damage, int where)
    {
        var lines = text.Split('\n');
        var line = where % lines.Length;
        switch (damage)
        {
            case 1:
                lines[line] += ",extra";
                return Encoding.UTF8.GetBytes(string.Join('\n', lines));
            case 2:
                var cut = lines[line].LastIndexOf(',');
                if (cut >= 0) lines[line] = lines[line][..cut];
                return Encoding.UTF8.GetBytes(string.Join('\n', lines));
            case 3:
                return Encoding.UTF8.GetBytes(text + "\n1,\"never closed");
            case 4:
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                bytes.Insert(where % (bytes.Count + 1), (byte)(where % 2 == 0 ? 0xE9 : 0xFF));
                return [.. bytes];
            default:
                return Encoding.UTF8.GetBytes(text);
        }
    }

    public static Arbitrary<CsvFile> Files() =>
        Arb.From(
            from bytes in Content
            from tab in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
            from first in Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Choose(0, 16).Select(n => (int?)n)))
            from block in Gen.Elements(4, 5, 7, 16, 64, CsvTables.BlockSize)
            select new CsvFile(tab ? bytes.Select(b => b == (byte)',' ? (byte)'\t' : b).ToArray() : bytes, tab, first, block));
}
