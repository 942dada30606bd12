using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Tables;
using RunTools.Tests.Config;

namespace RunTools.Tests.Tables;

public sealed class CsvTextTests
{
    static Seq<string?> F(params string?[] fields) => toSeq(fields);

    public static TheoryData<string, string?[]> Records => new()
    {
        { "a,b,c", ["a", "b", "c"] },
        { "a,,c", ["a", null, "c"] },
        { ",", [null, null] },
        { "a,\"\",c", ["a", "", "c"] },
        { "\"a,b\",c", ["a,b", "c"] },
        { "\"say \"\"hi\"\"\",x", ["say \"hi\"", "x"] },
        { "\"\"\"\"", ["\""] },
        { "\"line1\nline2\",x", ["line1\nline2", "x"] },
        { "\"crlf\r\ninside\",x", ["crlf\r\ninside", "x"] },
        { " a , b ", [" a ", " b "] },
        { "a, \"b, c\" ,d", ["a", "b, c", "d"] },
        { "  \"q\"  \r\n", ["q"] },
        { " \"x\"y", ["xy"] },
        { "a b\"c\"", ["a b\"c\""] },
        { "a\r", ["a"] },
        { "a,b\r\nnext", ["a", "b"] },
        { "ab\"c,d", ["ab\"c", "d"] },
        { "\"ab\"c,d", ["abc", "d"] },
        { "a,\"\"", ["a", ""] },
        { "a,", ["a", null] },
        { "\n\n  \r\nx", ["x"] },
        { "é,日本,😀", ["é", "日本", "😀"] },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void SplitRecord_reads_the_fields_of_the_first_record(string text, string?[] expected) =>
        Assert.Equal(toSeq(expected), CsvText.SplitRecord(text, ','));

    [Fact]
    public void The_delimiter_can_be_a_tab_and_commas_are_then_data() =>
        Assert.Equal(F("a,b", "c", null), CsvText.SplitRecord("a,b\tc\t", '\t'));

    [Fact]
    public void Parse_gives_every_record_with_the_line_it_starts_on()
    {
        var text = "h1,h2\r\n1,\"two\nlines\"\n\n   \n3,4\n\"x\",\"y\"";
        var rows = Expect.Succ(CsvText.Parse(text, ',', "t.csv"));
        Assert.Equal(
            Seq(new CsvRow(1, F("h1", "h2")), new CsvRow(2, F("1", "two\nlines")), new CsvRow(6, F("3", "4")), new CsvRow(7, F("x", "y"))),
            rows);
    }

    [Fact]
    public void Parse_of_blank_text_has_no_records()
    {
        Assert.Empty(Expect.Succ(CsvText.Parse("", ',', "t.csv")));
        Assert.Empty(Expect.Succ(CsvText.Parse("\n \r\n\n", ',', "t.csv")));
    }

    [Fact]
    public void An_unclosed_quote_is_an_error_at_the_line_where_its_record_starts() =>
        Expect.Error(new CsvRecordInvalid("t.csv", 3, "a quoted field is not closed"),
            CsvText.Parse("a,b\n\n1,\"open\n2,3\n", ',', "t.csv"));

    [Fact]
    public void ReadRecord_asks_for_more_text_until_it_can_tell_where_a_record_ends()
    {
        Assert.Equal(CsvNeedMore.Instance, CsvText.ReadRecord("a,b", ',', final: false));
        Assert.Equal(CsvNeedMore.Instance, CsvText.ReadRecord("a,\"b\nc", ',', final: false));
        Assert.Equal(CsvNeedMore.Instance, CsvText.ReadRecord("a,\"b\"", ',', final: false)); // could be "b""...
        Assert.Equal(CsvNeedMore.Instance, CsvText.ReadRecord("\n  ", ',', final: false));
        Assert.Equal(new CsvRecord(F("a", "b"), 4, 0, 1), CsvText.ReadRecord("a,b\nc", ',', final: false));
        Assert.Equal(new CsvRecord(F("a", "b"), 5, 0, 1), CsvText.ReadRecord("a,b\r\n", ',', final: false));
        Assert.Equal(new CsvRecord(F("a"), 4, 2, 3), CsvText.ReadRecord("\n\na\n", ',', final: false));
        Assert.Equal(new CsvEnd(3, 1), CsvText.ReadRecord(" \n ", ',', final: true));
        Assert.Equal(new CsvUnclosedQuote(1), CsvText.ReadRecord("\n\"a", ',', final: true));
    }

    [Fact]
    public void Quotes_and_line_breaks_cannot_be_delimiters() =>
        Assert.Throws<ArgumentException>(() => CsvText.ReadRecord("a", '"', final: true));

    public static TheoryData<string?, string> Fields => new()
    {
        { null, "" },
        { "", "\"\"" },
        { "plain", "plain" },
        { "a,b", "\"a,b\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "two\nlines", "\"two\nlines\"" },
        { "cr\r", "\"cr\r\"" },
        { " padded", "\" padded\"" },
        { "tab\t", "\"tab\t\"" },
        { "1.5", "1.5" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void FormatField_quotes_only_what_needs_it(string? value, string expected) =>
        Assert.Equal(expected, CsvText.FormatField(value, ','));

    [Fact]
    public void A_record_of_one_null_field_is_written_as_an_empty_quoted_field_so_it_is_not_a_blank_line()
    {
        Assert.Equal("\"\"", CsvText.FormatRecord([null], ','));
        Assert.Equal(",", CsvText.FormatRecord([null, null], ','));
    }

    public static TheoryData<double, string?> Numbers => new()
    {
        { 1.0, "1.0" },
        { -0.0, "-0.0" },
        { 0.1, "0.1" },
        { 1e20, "1E+20" },
        { 5e-324, "5E-324" },
        { 123456789012.0, "123456789012.0" },
        { double.PositiveInfinity, "Infinity" },
        { double.NegativeInfinity, "-Infinity" },
        { double.NaN, null },
    };

    [Theory]
    [MemberData(nameof(Numbers))]
    public void FormatNumber_writes_the_shortest_exact_text_and_marks_whole_numbers_as_numbers(double value, string? expected) =>
        Assert.Equal(expected, CsvText.FormatNumber(value));

    [Fact]
    public void Header_and_Row_format_a_table_with_missing_values_as_empty_fields()
    {
        var table = Expect.Succ(Table.Create(
            new NumberColumn("score", [0.5, double.NaN]),
            new IntegerColumn("fold", [1, null]),
            new TextColumn("note, free", ["a \"b\"", null]),
            new BooleanColumn("ok", [true, null])));
        Assert.Equal("score,fold,\"note, free\",ok", CsvText.Header(table, ','));
        Assert.Equal("0.5,1,\"a \"\"b\"\"\",true", CsvText.Row(table, 0, ','));
        Assert.Equal(",,,", CsvText.Row(table, 1, ','));
    }

    // ---- properties ----------------------------------------------------------------------------------------

    [Property(Arbitrary = [typeof(CsvArbitraries)], MaxTest = 1000)]
    public void Fields_written_with_FormatRecord_read_back_identically(CsvFields record, bool tab)
    {
        var delimiter = tab ? '\t' : ',';
        var expected = record.Values is [null] ? F("") : toSeq(record.Values);
        Assert.Equal(expected, CsvText.SplitRecord(CsvText.FormatRecord(record.Values, delimiter), delimiter));
    }

    [Property(Arbitrary = [typeof(CsvArbitraries)], MaxTest = 300)]
    public void Records_read_the_same_however_the_text_is_cut_into_buffers(CsvFields[] records, bool crlf, int seed)
    {
        var newline = crlf ? "\r\n" : "\n";
        var text = string.Concat(records.Select(r => CsvText.FormatRecord(r.Values, ',') + newline));
        var whole = Expect.Succ(CsvText.Parse(text, ',', "t.csv"));
        Assert.Equal(records.Length, whole.Count);
        Assert.Equal(whole, Streamed(text, new Random(seed)));
    }

    [Property(MaxTest = 1000)]
    public void Numbers_written_as_text_parse_back_to_the_same_bits_and_as_numbers(long bits)
    {
        var value = BitConverter.Int64BitsToDouble(bits);
        var text = CsvText.FormatNumber(value);
        if (double.IsNaN(value))
        {
            Assert.Null(text);
            return;
        }
        Assert.True(CsvInference.TryNumber(text!, out var back));
        Assert.Equal(bits, BitConverter.DoubleToInt64Bits(back));
        Assert.Equal(ColumnKind.Number, CsvInference.Infer([text]));
    }

    /// <summary>What the shell does with a file: read records from a buffer that is refilled in random-sized pieces.</summary>
    static Seq<CsvRow> Streamed(string text, Random random)
    {
        var rows = new List<CsvRow>();
        var buffer = "";
        var offset = 0;
        long line = 1;
        while (true)
        {
            var final = offset == text.Length;
            switch (CsvText.ReadRecord(buffer, ',', final))
            {
                case CsvRecord r:
                    rows.Add(new CsvRow(line + r.BlankLines, r.Fields));
                    line += r.Newlines;
                    buffer = buffer[r.Consumed..];
                    break;
                case CsvNeedMore:
                    var take = Math.Min(text.Length - offset, random.Next(1, 8));
                    buffer += text.Substring(offset, take);
                    offset += take;
                    break;
                case CsvUnclosedQuote:
                    throw new Xunit.Sdk.XunitException("unclosed quote");
                default:
                    return toSeq(rows);
            }
        }
    }
}

/// <summary>A record's fields (at least one), for property tests.</summary>
public sealed record CsvFields(string?[] Values)
{
    public override string ToString() => "[" + string.Join(" | ", Values.Select(v => v is null ? "null" : $"<{v}>")) + "]";
}

public static class CsvArbitraries
{
    static readonly string[] Pieces = ["a", "Z", "0", "1.5", "-", " ", "\t", ",", ";", "\"", "\"\"", "\r", "\n", "\r\n", "é", "日本", "😀", "\uFEFF", "true", "NaN"];

    static Gen<string?> Field =>
        Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (1, Gen.Constant<string?>("")),
            (6, Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(p => (string?)string.Concat(p))));

    public static Arbitrary<CsvFields> Records() =>
        Arb.From(Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Field, n)).Select(v => new CsvFields(v)),
            r => r.Values.Length <= 1 ? [] : r.Values.Select((_, i) => new CsvFields(r.Values.Where((_, j) => j != i).ToArray())));
}
