using System.Globalization;
using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Tables;

namespace RunTools.Tests.Tables;

/// <summary>The byte rules of <see cref="CsvUtf8"/> give exactly what the string rules of <see cref="CsvInference"/>
/// and <see cref="CsvText"/> give for the decoded text.</summary>
public sealed class CsvUtf8Tests
{
    static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // ---- cells ---------------------------------------------------------------------------------------------

    public static TheoryData<string> TrickyCells => new()
    {
        "", " ", "\t", "\r\n", "\u00A0", "\u2009", "\u3000", "\u0085", "\u200B", "\uFEFF", " \u00A0 ",
        "0", "-0", "+0", "00", "-0.0", "0.", ".0", ".", "-", "+", "+-1", "--1", "1-", "1e", "1e+", "1e-", "e5", ".e5", "1.e5",
        "1.5", "1,5", "1_000", "1 000", " 5 ", "\t5\n", "\v5\f", "5\0", "\05", "\u00A05", "5\u00A0", "\u20095",
        "0x10", "0X1F", "&H10", "1e5", "1E+05", "-2.5e-3", "1e308", "1e309", "-1e400", "1e-320", "1e-400", "4.9e-324",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308", "1.7976931348623159e308",
        "9007199254740993", "9007199254740992.5", "0.1", "0.3", "123456789012345678", "1234567890123456789",
        "12345678901234567890", "0.12345678901234567890123", "000000000000000000000000001", "0.000000000000000000000000001",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "+9223372036854775807",
        "18446744073709551616", " 9223372036854775807 ", "1e99999", "1e100000", "1e0000000000005", "0e999999999",
        "NaN", "nan", "-NaN", "+nan", " NaN ", "Infinity", "-Infinity", "+infinity", "INFINITY", "∞", "-∞", "Inf",
        "true", "TRUE", "True", " true ", "\ttrue\r", "false", "FALSE", "fAlSe", "\u00A0true", "true\u2009", "truee", "t", "yes", "no",
        "tru\u0435", "falſe", "١", "٣٤", "１２", "1٣", "½", "²", "é", "日本", "😀", "\"1\"", "'1'", "(1)", "1%", "$1", "1$",
    };

    [Theory]
    [MemberData(nameof(TrickyCells))]
    public void Tricky_cells_are_classified_and_parsed_as_the_string_rules_do(string cell) => AssertSameAsStrings(cell);

    [Property(Arbitrary = [typeof(CellArbitraries)], MaxTest = 5000)]
    public void Random_cells_are_classified_and_parsed_as_the_string_rules_do(Cell cell) => AssertSameAsStrings(cell.Text);

    static void AssertSameAsStrings(string cell)
    {
        var bytes = Utf8(cell);
        Assert.Equal(CsvInference.IsEmpty(cell), CsvUtf8.IsEmpty(bytes));
        Assert.Equal(CsvInference.TryInteger(cell, out var integer), CsvUtf8.TryInteger(bytes, out var byteInteger));
        Assert.Equal(integer, byteInteger);
        Assert.Equal(CsvInference.TryNumber(cell, out var number), CsvUtf8.TryNumber(bytes, out var byteNumber));
        Assert.Equal(BitConverter.DoubleToInt64Bits(number), BitConverter.DoubleToInt64Bits(byteNumber));
        Assert.Equal(CsvInference.TryBoolean(cell, out var boolean), CsvUtf8.TryBoolean(bytes, out var byteBoolean));
        Assert.Equal(boolean, byteBoolean);
        foreach (var evidence in Evidences)
            Assert.Equal(evidence.Observe(cell), CsvUtf8.Observe(evidence, bytes));

        // The survey's shape-only scan agrees with the full scan.
        var expected = Utf8Decimal.TryScan(bytes, out var scanned)
            ? scanned.TryToLong(out _) ? NumberShape.Integer : NumberShape.Number
            : NumberShape.Undecided;
        Assert.Equal(expected, Utf8Decimal.ShapeOf(bytes));
    }

    /// <summary>Every state a column's evidence can be in.</summary>
    static readonly KindEvidence[] Evidences =
    [
        KindEvidence.None,
        KindEvidence.None.Observe("1"),
        KindEvidence.None.Observe("1.5"),
        KindEvidence.None.Observe("true"),
        KindEvidence.None.Observe("x"),
    ];

    [Fact]
    public void A_column_folded_from_bytes_has_the_kind_folded_from_strings()
    {
        string?[][] columns =
        [
            ["1", "2", "", " 3 "], ["1", "2.5"], ["1", "NaN"], ["true", " FALSE ", ""], ["true", "1"], ["1", "x", "2"],
            ["9223372036854775807", "9223372036854775808"], ["", " ", "\u00A0"], [],
        ];
        foreach (var column in columns)
            Assert.Equal(CsvInference.Infer(column),
                column.Aggregate(KindEvidence.None, (e, cell) => CsvUtf8.Observe(e, Utf8(cell ?? ""))).Kind);
    }

    // ---- numbers -------------------------------------------------------------------------------------------

    /// <summary>The fast decimal path must give double.Parse's bits exactly: every double in the shortest round-trip
    /// form, in 17 significant digits and in other formats, and decimal strings of any length and exponent.</summary>
    [Property(MaxTest = 20000)]
    public void Any_double_as_text_parses_to_the_bits_double_Parse_gives(long bits, byte format)
    {
        var value = BitConverter.Int64BitsToDouble(bits);
        var text = (format % 6) switch
        {
            0 => value.ToString("R", CultureInfo.InvariantCulture),
            1 => value.ToString("E16", CultureInfo.InvariantCulture),
            2 => value.ToString("G17", CultureInfo.InvariantCulture),
            3 => value.ToString("E18", CultureInfo.InvariantCulture),
            4 => value.ToString("G15", CultureInfo.InvariantCulture),
            _ => value.ToString("F3", CultureInfo.InvariantCulture),
        };
        AssertParsesLikeDoubleParse(text);
    }

    [Property(MaxTest = 20000)]
    public void Any_decimal_string_parses_to_the_bits_double_Parse_gives(ulong mantissa, short exponent, byte digits, byte point)
    {
        var all = mantissa.ToString(digits % 3 == 0 ? "D22" : "D", CultureInfo.InvariantCulture); // with leading zeros, a third of the time
        var significant = all[..Math.Min(all.Length, 1 + digits % 22)];
        var at = point % (significant.Length + 2);
        var written = at > significant.Length ? significant : significant[..at] + "." + significant[at..];
        if (written == ".") written = "0.";
        AssertParsesLikeDoubleParse($"{written}e{exponent % 400}");
        AssertParsesLikeDoubleParse(written);
    }

    [Fact]
    public void A_million_random_doubles_and_the_texts_closest_to_halfway_between_neighbours_parse_exactly()
    {
        var random = new Random(20240601);
        var buffer = new byte[8];
        for (var i = 0; i < 1_000_000; i++)
        {
            random.NextBytes(buffer);
            var value = BitConverter.ToDouble(buffer);
            if (!double.IsFinite(value)) continue;
            AssertParsesLikeDoubleParse(value.ToString("R", CultureInfo.InvariantCulture));
            if (i % 20 == 0)
                foreach (var text in NearHalfway(value, random.Next(15, 20)))
                    AssertParsesLikeDoubleParse(text);
        }
        for (var i = 0; i < 200_000; i++)
            AssertParsesLikeDoubleParse((random.NextDouble() * 2 - 1).ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>The exact midpoint between a positive double and the next one, cut to this many significant digits,
    /// and one unit in the last digit either side: the texts on which a fast path must not round the wrong way.</summary>
    static IEnumerable<string> NearHalfway(double value, int digits)
    {
        value = Math.Abs(value);
        if (value == 0 || double.IsInfinity(Math.BitIncrement(value))) yield break;
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xF_FFFF_FFFF_FFFF;
        BigInteger m = exponent == 0 ? mantissa : mantissa | (1L << 52);
        var e2 = (exponent == 0 ? 1 : exponent) - 1075;
        // midpoint = (2m + 1) * 2^(e2 - 1)
        var numerator = 2 * m + 1;
        var shift = e2 - 1;
        BigInteger scaled;
        int e10;
        if (shift >= 0)
        {
            scaled = numerator << shift;
            e10 = 0;
        }
        else
        {
            scaled = numerator * BigInteger.Pow(5, -shift);
            e10 = shift;
        }
        var text = scaled.ToString(CultureInfo.InvariantCulture);
        var cut = Math.Min(digits, text.Length);
        var head = BigInteger.Parse(text[..cut], CultureInfo.InvariantCulture);
        var exponent10 = e10 + text.Length - cut;
        foreach (var delta in new[] { -1, 0, 1 })
            yield return $"{head + delta}e{exponent10}";
    }

    static void AssertParsesLikeDoubleParse(string text)
    {
        var expectedOk = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);
        var ok = CsvUtf8.TryNumber(Utf8(text), out var actual);
        Assert.True(expectedOk == ok, $"'{text}': double.TryParse says {expectedOk}, CsvUtf8.TryNumber {ok}");
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
            $"'{text}': double.Parse gives {expected:R}, CsvUtf8.TryNumber {actual:R}");
        // And the fast path alone, where it decides, decides the same.
        if (Utf8Decimal.TryScan(Utf8(text), out var scanned) && scanned.TryToDouble(out var fast))
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(fast), $"'{text}': fast path gives {fast:R}");
    }

    [Property(MaxTest = 2000)]
    public void Any_long_as_text_parses_as_an_integer(long value, bool plus, byte zeros)
    {
        var text = (plus && value >= 0 ? "+" : "") + value.ToString(CultureInfo.InvariantCulture);
        if (zeros % 4 == 0) text = text.Insert(text.Length - value.ToString(CultureInfo.InvariantCulture).TrimStart('-').Length, new string('0', zeros % 30));
        AssertSameAsStrings(text);
    }

    // ---- records -------------------------------------------------------------------------------------------

    public static TheoryData<string> Records => new()
    {
        "a,b,c", "a,,c", ",", "a,\"\",c", "\"a,b\",c", "\"say \"\"hi\"\"\",x", "\"\"\"\"", "\"line1\nline2\",x",
        "\"crlf\r\ninside\",x", " a , b ", "a, \"b, c\" ,d", "  \"q\"  \r\n", " \"x\"y", "a b\"c\"", "a\r", "a,b\r\nnext",
        "ab\"c,d", "\"ab\"c,d", "a,\"\"", "a,", "\n\n  \r\nx", "é,日本,😀", "\"a\" \r", "\"a\"\r\r\n", "\"a\r\"\r\n", "\"a\" b \n",
        "\"\" ,\"\"\"\"\r", "a\r,b\r", " \r a\n", "\"open", "\n \"open\nstill", "\r\r\n\r", "", " ", "\"a\"\"", "x,\"é\"\"日\" 本 ,",
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Records_are_read_as_CsvText_reads_them(string text)
    {
        AssertSameRecord(text, ',', final: true);
        for (var cut = 0; cut <= text.Length; cut++) AssertSameRecord(text[..cut], ',', final: false);
    }

    [Property(Arbitrary = [typeof(CsvTextArbitraries)], MaxTest = 3000)]
    public void Random_texts_are_read_as_CsvText_reads_them(CsvTextSample sample, bool tab, bool final)
    {
        var text = tab ? sample.Text.Replace(',', '\t') : sample.Text;
        var delimiter = tab ? '\t' : ',';
        // Read every record, as a reader does.
        for (var offset = 0; offset <= text.Length;)
        {
            var consumed = AssertSameRecord(text[offset..], delimiter, final);
            if (consumed <= 0) break;
            offset += consumed;
        }
    }

    /// <summary>Compares one step; returns the characters consumed (0 when the step consumed nothing).</summary>
    static int AssertSameRecord(string text, char delimiter, bool final)
    {
        var bytes = Utf8(text);
        var fields = new CsvFieldSpan[2];
        var step = CsvUtf8.ReadRecord(bytes, (byte)delimiter, final, fields);
        if (step.Step == CsvUtf8Step.Record && step.Fields > fields.Length)
        {
            fields = new CsvFieldSpan[step.Fields];
            Assert.Equal(step, CsvUtf8.ReadRecord(bytes, (byte)delimiter, final, fields));
        }
        int LinesBefore(int byteOffset) => bytes.AsSpan(0, byteOffset).Count((byte)'\n');
        int Bytes(int chars) => Encoding.UTF8.GetByteCount(text.AsSpan(0, chars));
        switch (CsvText.ReadRecord(text, delimiter, final))
        {
            case CsvRecord r:
                Assert.Equal(CsvUtf8Step.Record, step.Step);
                Assert.Equal(r.Fields, toSeq(fields.Take(step.Fields).Select(f => CsvUtf8.Text(bytes, f)).ToArray()));
                Assert.Equal(Bytes(r.Consumed), step.Consumed);
                Assert.Equal(r.BlankLines, LinesBefore(step.Start));
                Assert.Equal(r.Newlines, LinesBefore(step.Consumed));
                // A field read as bytes is a cell of the same kind as its text.
                foreach (var (field, cell) in fields.Take(step.Fields).Zip(r.Fields))
                    Assert.Equal(KindEvidence.None.Observe(cell), CsvUtf8.Observe(KindEvidence.None, bytes, field));
                return r.Consumed;
            case CsvEnd e:
                Assert.Equal(CsvUtf8Step.End, step.Step);
                Assert.Equal(Bytes(e.Consumed), step.Consumed);
                return 0;
            case CsvUnclosedQuote u:
                Assert.Equal(CsvUtf8Step.UnclosedQuote, step.Step);
                Assert.Equal(u.BlankLines, LinesBefore(step.Start));
                return 0;
            default:
                Assert.Equal(CsvUtf8Step.NeedMore, step.Step);
                return 0;
        }
    }

    [Fact]
    public void Cells_of_each_form_parse_as_their_text()
    {
        var bytes = Utf8("1.5,\" 2 \",\"3\"\"\",\"\",,\" tRUE\" ,\"x\"y");
        var fields = new CsvFieldSpan[8];
        var step = CsvUtf8.ReadRecord(bytes, (byte)',', true, fields);
        Assert.Equal(7, step.Fields);
        Assert.Equal([CsvFieldForm.Plain, CsvFieldForm.Quoted, CsvFieldForm.Escaped, CsvFieldForm.Quoted, CsvFieldForm.Plain, CsvFieldForm.Quoted, CsvFieldForm.Escaped],
            fields.Take(7).Select(f => f.Form));
        Assert.True(CsvUtf8.TryNumberCell(bytes, fields[0], out var a) && a == 1.5);
        Assert.True(CsvUtf8.TryIntegerCell(bytes, fields[1], out var b) && b == 2);
        Assert.False(CsvUtf8.TryNumberCell(bytes, fields[2], out _));
        Assert.Equal("3\"", CsvUtf8.Text(bytes, fields[2]));
        Assert.True(CsvUtf8.TryNumberCell(bytes, fields[3], out var empty) && double.IsNaN(empty));
        Assert.True(CsvUtf8.TryIntegerCell(bytes, fields[4], out var missing) && missing is null);
        Assert.Null(CsvUtf8.Text(bytes, fields[4]));
        Assert.Equal("", CsvUtf8.Text(bytes, fields[3]));
        Assert.True(CsvUtf8.TryBooleanCell(bytes, fields[5], out var t) && t == true);
        Assert.Equal("xy", CsvUtf8.Text(bytes, fields[6]));
        Assert.False(CsvUtf8.TryBooleanCell(bytes, fields[6], out _));
    }

    [Fact]
    public void Quotes_line_breaks_and_non_ASCII_cannot_be_byte_delimiters()
    {
        foreach (var delimiter in new[] { '"', '\r', '\n', 'é' })
            Assert.Throws<ArgumentException>(() => CsvUtf8.ReadRecord("a"u8, (byte)delimiter, true, new CsvFieldSpan[1]));
    }
}

/// <summary>A cell's text, for property tests.</summary>
public sealed record Cell(string Text)
{
    public override string ToString() => $"<{Text}> ({string.Join(' ', Text.Select(c => ((int)c).ToString("X4", CultureInfo.InvariantCulture)))})";
}

public static class CellArbitraries
{
    static readonly string[] Pieces =
    [
        "0", "1", "7", "9", "00", "12345678", "123456789", "9223372036854775807", "9223372036854775808", "-", "+", ".", "e", "E",
        "e-", "e+", " ", "\t", "\n", "\r", "\v", "\f", "\0", "\u00A0", "\u2009", "\u3000", "\u0085", "NaN", "nan", "Infinity", "∞",
        "true", "TRUE", "fAlSe", "yes", "x", "ſ", "٣", "１", ",", "_", "é", "日本", "😀", "\"", "0x", "000000000000",
    ];

    static Gen<string> Decimal =>
        from sign in Gen.Elements("", "-", "+")
        from whole in Gen.Choose(0, 22).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 9), n))
        from point in Gen.Elements(true, false)
        from fraction in Gen.Choose(0, 22).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 9), n))
        from exponent in Gen.Frequency((2, Gen.Constant("")), (1, Gen.Choose(-400, 400).Select(e => "e" + e.ToString(CultureInfo.InvariantCulture))),
            (1, Gen.Choose(0, 99).Select(e => "E+" + e.ToString("D3", CultureInfo.InvariantCulture))))
        from pad in Gen.Elements("", " ", "\t", "\u00A0")
        select pad + sign + string.Concat(whole) + (point ? "." + string.Concat(fraction) : "") + exponent + pad;

    public static Arbitrary<Cell> Cells() =>
        Arb.From(
            Gen.Frequency(
                (3, Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(string.Concat)),
                (3, Decimal),
                (1, ArbMap.Default.GeneratorFor<long>().Select(v => v.ToString(CultureInfo.InvariantCulture))),
                (1, ArbMap.Default.GeneratorFor<double>().Select(v => v.ToString("R", CultureInfo.InvariantCulture))))
            .Select(t => new Cell(t)));
}

/// <summary>A CSV-ish text, for property tests of the record step.</summary>
public sealed record CsvTextSample(string Text)
{
    public override string ToString() => Text.Replace("\r", "\\r").Replace("\n", "\\n");
}

public static class CsvTextArbitraries
{
    static readonly string[] Pieces = ["a", "1", " ", "  ", ",", ",", "\"", "\"\"", "\r", "\n", "\n", "\r\n", "é", "日本", "😀", "x y", "\t"];

    public static Arbitrary<CsvTextSample> Texts() =>
        Arb.From(Gen.Choose(0, 30).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(p => new CsvTextSample(string.Concat(p))));
}
