using System.Collections.Immutable;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parquet;
using Parquet.Schema;
using RunTools.Domain;
using RunTools.Shell.Files;
using RunTools.Shell.Tables;
using RunTools.Tables;

namespace RunTools.Shell.Tests;

public sealed class TableFilesTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    static readonly double[] AwkwardDoubles =
    [
        0.0, -0.0, 1.0, 0.1, -2.5e-310, double.Epsilon, double.MaxValue, double.MinValue, double.PositiveInfinity,
        double.NegativeInfinity, double.NaN, 123456789.123456789, 1e16,
    ];

    /// <summary>Every column kind, each with missing values, and names that need care.</summary>
    static Table EveryKind() => Expect.Succ(Table.Create(
        new NumberColumn("score", [.. AwkwardDoubles]),
        new IntegerColumn("fold", [0, null, long.MinValue, long.MaxValue, -1, 1, null, 2, 3, 4, 5, 6, 7]),
        new TextColumn("note, with \"quotes\"", ["a", null, "", " padded ", "line\nbreak", "crlf\r\n", "é日本😀", "a,b", "\"", "true", "1", "NaN", "\t"]),
        new BooleanColumn("hit.flag", [true, false, null, true, false, null, true, false, null, true, false, null, true]),
        new NumberColumn("all missing", [.. Enumerable.Repeat(double.NaN, 13)])));

    // ---- Parquet ---------------------------------------------------------------------------------------------

    [Fact]
    public void Parquet_round_trips_every_column_kind_with_nulls_exactly()
    {
        var table = EveryKind();
        var path = dir.File("t.parquet");
        Expect.Succ(TableFiles.WriteParquet(path, table));
        var back = Expect.Succ(TableFiles.Read(path));
        Assert.Equal(table, back);
        // Number equality is bitwise: spell it out for the awkward values anyway.
        var written = ((NumberColumn)table.Columns[0]).Values;
        var read = ((NumberColumn)back.Columns[0]).Values;
        for (var i = 0; i < written.Length; i++)
            if (!double.IsNaN(written[i])) Assert.Equal(BitConverter.DoubleToInt64Bits(written[i]), BitConverter.DoubleToInt64Bits(read[i]));
        Assert.Equal(table.Schema, Expect.Succ(TableFiles.ReadSchema(path)));
    }

    [Fact]
    public async Task Parquet_stores_NaN_as_null_in_optional_columns_of_the_plain_types()
    {
        var path = dir.File("t.parquet");
        Expect.Succ(TableFiles.WriteParquet(path, EveryKind()));
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.DataFields;
        Assert.All(fields, f => Assert.True(f.IsNullable));
        Assert.Equal([typeof(double), typeof(long), typeof(string), typeof(bool), typeof(double)],
            fields.Select(f => f.ClrType == typeof(ReadOnlyMemory<char>) ? typeof(string) : f.ClrType));
        var scores = new double?[13];
        await reader.OpenRowGroupReader(0).ReadAsync<double>(fields[0], scores.AsMemory());
        Assert.Null(scores[10]);
        Assert.Equal(double.NegativeInfinity, scores[9]);
    }

    [Fact]
    public async Task Parquet_with_several_row_groups_reads_back_whole_and_first_rows_cross_group_boundaries()
    {
        var rows = 10;
        var table = Expect.Succ(Table.Create(
            new IntegerColumn("i", [.. Enumerable.Range(0, rows).Select(i => (long?)i)]),
            new TextColumn("t", [.. Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? null : $"r{i}")]),
            new NumberColumn("x", [.. Enumerable.Range(0, rows).Select(i => i % 4 == 0 ? double.NaN : i / 3.0)]),
            new BooleanColumn("b", [.. Enumerable.Range(0, rows).Select(i => i % 5 == 0 ? (bool?)null : i % 2 == 0)])));
        var path = dir.File("groups.parquet");
        Expect.Succ(TableFiles.WriteParquet(path, table, ParquetSettings.Default with { RowGroupRows = 3 }));

        await using (var stream = File.OpenRead(path))
        await using (var reader = await ParquetReader.CreateAsync(stream))
            Assert.Equal(4, reader.RowGroupCount);
        Assert.Equal(table, Expect.Succ(TableFiles.Read(path)));
        foreach (var first in new[] { 0, 1, 3, 4, 9, 10, 50 })
            Assert.Equal(table.Take(first), Expect.Succ(TableFiles.Read(path, first)));
    }

    [Fact]
    public void An_empty_table_keeps_its_columns_and_kinds_through_Parquet()
    {
        var table = EveryKind().Take(0);
        var path = dir.File("empty.parquet");
        Expect.Succ(TableFiles.WriteParquet(path, table));
        Assert.Equal(table, Expect.Succ(TableFiles.Read(path)));
        Assert.Equal(table.Schema, Expect.Succ(TableFiles.ReadSchema(path)));
    }

    [Theory]
    [InlineData(CompressionMethod.None)]
    [InlineData(CompressionMethod.Snappy)]
    [InlineData(CompressionMethod.Gzip)]
    [InlineData(CompressionMethod.Lz4Raw)]
    [InlineData(CompressionMethod.Zstd)]
    public void Every_codec_round_trips(CompressionMethod codec)
    {
        var path = dir.File($"{codec}.parquet");
        Expect.Succ(TableFiles.WriteParquet(path, EveryKind(), new ParquetSettings(codec, System.IO.Compression.CompressionLevel.Fastest, 5)));
        Assert.Equal(EveryKind(), Expect.Succ(TableFiles.Read(path)));
    }

    [Fact]
    public async Task Parquet_from_other_writers_maps_every_width_of_number_and_required_columns()
    {
        var path = dir.File("foreign.parquet");
        await WriteForeign(path, new ParquetSchema(
                new DataField<int>("i32"), new DataField<short?>("i16"), new DataField<byte>("u8"), new DataField<uint>("u32"),
                new DataField<ulong>("u64"), new DataField<float?>("f32"), new DataField<double>("f64"), new DataField<string>("s", nullable: false),
                new DataField<bool>("b")),
            async (group, fields) =>
            {
                await group.WriteAsync<int>(fields[0], new[] { int.MinValue, 7 }.AsMemory());
                await group.WriteAsync<short>(fields[1], new short?[] { null, -3 }.AsMemory());
                await group.WriteAsync<byte>(fields[2], new byte[] { 255, 0 }.AsMemory());
                await group.WriteAsync<uint>(fields[3], new[] { uint.MaxValue, 1u }.AsMemory());
                await group.WriteAsync<ulong>(fields[4], new[] { (ulong)long.MaxValue, 0ul }.AsMemory());
                await group.WriteAsync<float>(fields[5], new float?[] { 0.1f, float.NaN }.AsMemory());
                await group.WriteAsync<double>(fields[6], new[] { double.NaN, -0.0 }.AsMemory());
                await group.WriteAsync(fields[7], new[] { "x", "" });
                await group.WriteAsync<bool>(fields[8], new[] { true, false }.AsMemory());
            });
        var expected = Expect.Succ(Table.Create(
            new IntegerColumn("i32", [int.MinValue, 7]), new IntegerColumn("i16", [null, -3]), new IntegerColumn("u8", [255, 0]),
            new IntegerColumn("u32", [uint.MaxValue, 1]), new IntegerColumn("u64", [long.MaxValue, 0]),
            new NumberColumn("f32", [0.1f, double.NaN]), new NumberColumn("f64", [double.NaN, -0.0]),
            new TextColumn("s", ["x", ""]), new BooleanColumn("b", [true, false])));
        Assert.Equal(expected, Expect.Succ(TableFiles.Read(path)));
        Assert.Equal(expected.Schema, Expect.Succ(TableFiles.ReadSchema(path)));
    }

    [Fact]
    public async Task Required_columns_after_nullable_ones_read_their_own_values_file_after_file()
    {
        // Parquet.Net 6.1 reads a required column into a nullable buffer with the definition levels of the column
        // read before it: from the second file on, [MinValue, 7] came back as [null, MinValue].
        for (var n = 0; n < 5; n++)
        {
            var path = dir.File($"required{n}.parquet");
            await WriteForeign(path, new ParquetSchema(
                    new DataField<short?>("nullable"), new DataField<int>("required"), new DataField<double?>("x"), new DataField<bool>("flag")),
                async (group, fields) =>
                {
                    await group.WriteAsync<short>(fields[0], new short?[] { null, -3 }.AsMemory());
                    await group.WriteAsync<int>(fields[1], new[] { int.MinValue, 7 }.AsMemory());
                    await group.WriteAsync<double>(fields[2], new double?[] { null, 1.5 }.AsMemory());
                    await group.WriteAsync<bool>(fields[3], new[] { true, false }.AsMemory());
                });

            Assert.Equal(Expect.Succ(Table.Create(
                    new IntegerColumn("nullable", [null, -3]), new IntegerColumn("required", [int.MinValue, 7]),
                    new NumberColumn("x", [double.NaN, 1.5]), new BooleanColumn("flag", [true, false]))),
                Expect.Succ(TableFiles.Read(path)));
        }
    }

    [Fact]
    public async Task An_unsigned_64_bit_value_beyond_a_long_is_refused()
    {
        var path = dir.File("u64.parquet");
        await WriteForeign(path, new ParquetSchema(new DataField<ulong>("big")),
            (group, fields) => group.WriteAsync<ulong>(fields[0], new[] { ulong.MaxValue }.AsMemory()));
        Expect.Error(new TableColumnUnsupported(path, "big", $"UInt64 (the value {ulong.MaxValue} is above {long.MaxValue})"), TableFiles.Read(path));
    }

    public static TheoryData<string, Field, string> UnsupportedColumns => new()
    {
        { "struct", new StructField("point", new DataField<int>("x")), "struct" },
        { "list", new ListField("tags", new DataField<int>("item")), "list" },
        { "map", new MapField("attributes", new DataField<string>("key", nullable: false), new DataField<int>("value")), "map" },
        { "array", new DataField<int[]>("values"), "repeated Int32" },
        { "binary", new DataField<byte[]>("blob"), "binary" },
        { "uuid", new DataField<Guid>("uuid"), "Guid" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedColumns))]
    public async Task Nested_repeated_and_binary_columns_are_placeholders_that_are_refused_when_their_values_are_needed(string file, Field field, string type)
    {
        var path = dir.File(file + ".parquet");
        var id = new DataField<int>("id");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, field), stream))
        using (var group = writer.CreateRowGroup())
            await group.WriteAsync<int>(id, new[] { 1, 2 }.AsMemory()); // the other column is not written: it is never read
        var table = Expect.Succ(TableFiles.ReadColumns(path, Seq1("id")));
        Assert.Equal(Expect.Succ(Table.Create(new IntegerColumn("id", [1, 2]))), table);

        var schema = Expect.Succ(TableFiles.ReadSchema(path));
        Assert.Equal(Seq(new ColumnInfo("id", ColumnKind.Integer), new ColumnInfo(field.Name, ColumnKind.Unsupported)), schema.Columns);
        var expected = new TableColumnUnsupported(path, field.Name, type);
        Assert.Contains($"'{field.Name}'", expected.Message);
        var empty = dir.File(file + "-empty.parquet");
        await using (var stream = File.Create(empty))
        await using (await ParquetWriter.CreateAsync(new ParquetSchema(id, field), stream)) { }
        var whole = Expect.Succ(TableFiles.Read(empty));
        Assert.Equal(new UnsupportedColumn(field.Name, type, 0), whole.Columns[1]);
        Expect.Error(new TableColumnUnsupported(empty, field.Name, type), whole.CheckValues(empty));
        var copy = dir.File(file + "-copy.parquet");
        Expect.Error(new TableColumnUnsupported(copy, field.Name, type), TableFiles.WriteParquet(copy, whole));
        Assert.False(File.Exists(copy));
    }

    [Fact]
    public void A_file_that_is_not_Parquet_is_a_data_file_error()
    {
        var path = dir.Write("broken.parquet", "this is not parquet at all");
        var error = Assert.IsType<DataFileInvalid>(Expect.Fail(TableFiles.Read(path)));
        Assert.Equal(path, error.Path);
        Assert.StartsWith("not a readable Parquet file", error.Detail);
        Assert.IsType<DataFileInvalid>(Expect.Fail(TableFiles.ReadSchema(path)));
    }

    // ---- CSV -------------------------------------------------------------------------------------------------

    [Fact]
    public void CSV_round_trips_values_and_the_kinds_of_typed_columns()
    {
        var table = Expect.Succ(EveryKind().Select("score", "fold", "note, with \"quotes\"", "hit.flag"));
        var path = dir.File("t.csv");
        Expect.Succ(TableFiles.WriteCsv(path, table));
        Assert.Equal(table, Expect.Succ(TableFiles.Read(path)));
    }

    [Fact]
    public void TSV_round_trips_with_tabs_as_delimiters()
    {
        var table = Expect.Succ(EveryKind().Select("fold", "note, with \"quotes\"", "hit.flag"));
        var path = dir.File("t.tsv");
        Expect.Succ(TableFiles.WriteCsv(path, table));
        Assert.StartsWith("fold\t\"note, with \"\"quotes\"\"\"\thit.flag\n", File.ReadAllText(path));
        Assert.Equal(table, Expect.Succ(TableFiles.Read(path)));
    }

    [Fact]
    public void CSV_cannot_carry_kinds_so_text_that_looks_typed_and_columns_without_values_come_back_inferred()
    {
        var table = Expect.Succ(Table.Create(
            new TextColumn("code", ["1", "2"]), new TextColumn("flag", ["true", null]), new NumberColumn("none", [double.NaN, double.NaN])));
        var path = dir.File("kinds.csv");
        Expect.Succ(TableFiles.WriteCsv(path, table));
        Assert.Equal(
            Expect.Succ(Table.Create(new IntegerColumn("code", [1, 2]), new BooleanColumn("flag", [true, null]), new TextColumn("none", [null, null]))),
            Expect.Succ(TableFiles.Read(path)));
    }

    [Fact]
    public void A_one_column_table_keeps_its_rows_through_CSV()
    {
        var table = Expect.Succ(Table.Create(new NumberColumn("x", [1, double.NaN, 2])));
        var path = dir.File("one.csv");
        Expect.Succ(TableFiles.WriteCsv(path, table));
        Assert.Equal("x\n1.0\n\"\"\n2.0\n", File.ReadAllText(path));
        Assert.Equal(table, Expect.Succ(TableFiles.Read(path)));
    }

    [Fact]
    public void CSV_reading_handles_a_BOM_CRLF_quoted_line_breaks_blank_lines_and_infers_over_the_whole_column()
    {
        var lines = new StringBuilder("\uFEFF id , score,label,flag\r\n");
        for (var i = 0; i < 5000; i++) lines.Append($"{i},{i * 0.5},{(i % 2 == 0 ? "\"multi\r\nline\"" : "plain")},{(i % 3 == 0 ? "TRUE" : "false")}\r\n");
        lines.Append("\r\n   \r\n");
        lines.Append("5000,,late-text,\r\n");
        lines.Append("x,1,\"\",true"); // no final line break; 'x' in the last row makes id text
        var path = dir.WriteBytes("big.csv", Encoding.UTF8.GetBytes(lines.ToString()));

        var table = Expect.Succ(TableFiles.Read(path));
        Assert.Equal(
            new TableSchema(Seq(new ColumnInfo("id", ColumnKind.Text), new ColumnInfo("score", ColumnKind.Number),
                new ColumnInfo("label", ColumnKind.Text), new ColumnInfo("flag", ColumnKind.Boolean)), 5002),
            table.Schema);
        Assert.Equal(table.Schema, Expect.Succ(TableFiles.ReadSchema(path)));
        Assert.Equal(new object?[] { "0", 0.0, "multi\r\nline", true }, table.Columns.Map(c => c.ValueAt(0)).ToArray());
        Assert.Equal(new object?[] { "5000", null, "late-text", null }, table.Columns.Map(c => c.ValueAt(5000)).ToArray());
        Assert.Equal(new object?[] { "x", 1.0, "", true }, table.Columns.Map(c => c.ValueAt(5001)).ToArray());
        Assert.Equal(table.Take(7), Expect.Succ(TableFiles.Read(path, 7)));
    }

    [Fact]
    public void A_header_without_rows_is_a_table_with_no_rows()
    {
        var path = dir.Write("header.csv", "a,b\n");
        Assert.Equal(Expect.Succ(Table.Create(new TextColumn("a", []), new TextColumn("b", []))), Expect.Succ(TableFiles.Read(path)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \r\n")]
    [InlineData("\uFEFF")]
    public void An_empty_CSV_has_no_header_and_is_an_error(string content)
    {
        var path = dir.Write("empty.csv", content);
        Expect.Error(new DataFileInvalid(path, "the file is empty: it has no header row"), TableFiles.Read(path));
        Expect.Error(new DataFileInvalid(path, "the file is empty: it has no header row"), TableFiles.ReadSchema(path));
    }

    [Fact]
    public void A_record_with_the_wrong_number_of_fields_is_an_error_at_its_line()
    {
        // The record on line 3 holds a quoted line break and line 5 is blank, so the bad record starts on line 6.
        var path = dir.Write("bad.csv", "a,b\n1,2\n3,\"x\ny\"\n\n5,6,7\n8,9\n");
        var expected = new CsvRecordInvalid(path, 6, "the record has 3 fields; the header has 2");
        Expect.Error(expected, TableFiles.Read(path));
        Expect.Error(expected, TableFiles.Read(path, 1));
        Expect.Error(expected, TableFiles.ReadSchema(path));
        Assert.Equal($"{path}(6): the record has 3 fields; the header has 2", expected.Message);
    }

    [Fact]
    public void An_unclosed_quote_is_an_error_at_the_line_where_its_record_starts()
    {
        var path = dir.Write("open.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");
        Expect.Error(new CsvRecordInvalid(path, 3, "a quoted field is not closed before the end of the file"), TableFiles.Read(path));
    }

    [Fact]
    public void A_header_with_a_repeated_or_empty_name_is_an_error_on_the_header_line()
    {
        var repeated = dir.Write("repeated.csv", "\nid,ID\n1,2\n");
        Expect.Error(new CsvRecordInvalid(repeated, 2, $"the header row is not valid: {new ColumnNameDuplicate("ID").Message}"), TableFiles.Read(repeated));
        var empty = dir.Write("empty-name.csv", ",a\n1,2\n");
        Expect.Error(new CsvRecordInvalid(empty, 1, $"the header row is not valid: {new ColumnNameInvalid("", 1, "a column needs a name").Message}"), TableFiles.Read(empty));
    }

    [Fact]
    public void A_CSV_that_is_not_UTF8_is_an_error_rather_than_mangled_text()
    {
        var path = dir.WriteBytes("latin1.csv", [(byte)'a', (byte)'\n', 0xE9, (byte)'\n']);
        var error = Assert.IsType<DataFileInvalid>(Expect.Fail(TableFiles.Read(path)));
        Assert.StartsWith("the file is not UTF-8 text", error.Detail);
    }

    // ---- files -----------------------------------------------------------------------------------------------

    [Fact]
    public void A_missing_file_and_an_unknown_extension_are_reported_with_the_path()
    {
        var missing = dir.File("nope.parquet");
        Expect.Error(new DataFileNotFound(missing), TableFiles.Read(missing));
        Expect.Error(new DataFileNotFound(missing), TableFiles.ReadSchema(missing));
        var text = dir.Write("notes.txt", "a,b\n");
        Expect.Error(new TableFormatUnsupported(text), TableFiles.Read(text));
    }

    [Fact]
    public void Writes_replace_the_file_atomically_and_leave_no_temporary_file()
    {
        var path = dir.Write("t.parquet", "old content");
        Expect.Succ(TableFiles.WriteParquet(path, EveryKind()));
        Expect.Succ(TableFiles.WriteCsv(dir.File("t.csv"), EveryKind()));
        Assert.Equal(["t.csv", "t.parquet"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        Assert.Equal(EveryKind(), Expect.Succ(TableFiles.Read(path)));
    }

    [Fact]
    public void A_write_that_fails_half_way_leaves_the_old_file_as_it_was()
    {
        var path = dir.Write("t.csv", "a\n1\n");
        var bad = Expect.Succ(Table.Create(new TextColumn("a", [.. Enumerable.Repeat("fine", 100_000), "lone \ud800 surrogate"])));
        var error = Assert.IsType<StorageFailed>(Expect.Fail(TableFiles.WriteCsv(path, bad)));
        Assert.Equal(path, error.Path);
        Assert.Equal("a\n1\n", File.ReadAllText(path));
        Assert.Equal(["t.csv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_table_without_columns_is_not_written()
    {
        Assert.IsType<StorageFailed>(Expect.Fail(TableFiles.WriteParquet(dir.File("none.parquet"), Table.Empty)));
        Assert.IsType<StorageFailed>(Expect.Fail(TableFiles.WriteCsv(dir.File("none.csv"), Table.Empty)));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void FileInspector_reads_the_header_with_the_same_record_parser()
    {
        var path = dir.WriteBytes("h.csv", Encoding.UTF8.GetBytes("\uFEFF\n\"id, quoted\" , \"say \"\"x\"\"\",last\r\n1,2,3\n"));
        var inspected = Expect.Succ(FileInspector.Inspect("h.csv", path));
        Assert.Equal(Seq("id, quoted", "say \"x\"", "last"), inspected.Columns.Items);
        Assert.Equal(1, inspected.Rows);
    }

    // ---- properties ------------------------------------------------------------------------------------------

    [Property(Arbitrary = [typeof(TableArbitraries)], MaxTest = 100)]
    public void Any_table_round_trips_through_Parquet(Table table)
    {
        using var scratch = new TempDirectory();
        var path = scratch.File("p.parquet");
        Expect.Succ(TableFiles.WriteParquet(path, table, ParquetSettings.Default with { RowGroupRows = 4 }));
        Assert.Equal(table, Expect.Succ(TableFiles.Read(path)));
    }

    /// <summary>CSV re-infers kinds: the property holds the table to what the documented rules promise. Every text
    /// column gets a word in its first row (text that looks numeric comes back typed, see the test above); a column
    /// with no values comes back as text; in a one-column table a null text cell comes back as "".</summary>
    [Property(Arbitrary = [typeof(TableArbitraries)], MaxTest = 100)]
    public void Any_table_round_trips_through_CSV_as_the_kind_rules_promise(Table table)
    {
        var guarded = Expect.Succ(Table.Create(table.Columns.Map(c => c is TextColumn t && t.Count > 0 ? t with { Values = t.Values.SetItem(0, "word") } : c)));
        var single = guarded.Columns.Count == 1;
        var expected = Expect.Succ(Table.Create(guarded.Columns.Map(c =>
            Enumerable.Range(0, guarded.RowCount).All(c.IsMissing)
                ? new TextColumn(c.Name, [.. Enumerable.Repeat(single ? "" : null, guarded.RowCount)])
                : c is TextColumn t && single ? t with { Values = [.. t.Values.Select(v => v ?? "")] } : c)));
        using var scratch = new TempDirectory();
        var path = scratch.File("p.csv");
        Expect.Succ(TableFiles.WriteCsv(path, guarded));
        Assert.Equal(expected, Expect.Succ(TableFiles.Read(path)));
    }

    static async Task WriteForeign(string path, ParquetSchema schema, Func<ParquetRowGroupWriter, DataField[], Task> write)
    {
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        await write(group, schema.DataFields);
    }
}

/// <summary>Random valid tables: 1-5 columns of any kind with unique names, 0-12 rows, missing values and awkward
/// values (every double bit pattern, extreme longs, text with quotes, delimiters and line breaks).</summary>
public static class TableArbitraries
{
    static readonly string[] Pieces = ["a", "Z", "0", "1.5", " ", "\t", ",", "\"", "\r", "\n", "é", "日本", "😀", "true", "NaN", ""];

    static Gen<double> Double =>
        Gen.Frequency(
            (3, Gen.Elements(0.0, -0.0, 1.0, 0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue)),
            (2, Gen.Choose(-1000, 1000).Select(i => i / 8.0)),
            (3, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
                .Select(t => BitConverter.Int64BitsToDouble(((long)t.Item1 << 32) | (uint)t.Item2))));

    static Gen<long?> Long =>
        Gen.Frequency(
            (1, Gen.Constant<long?>(null)),
            (1, Gen.Elements<long?>(long.MinValue, long.MaxValue, 0, -1)),
            (3, Gen.Choose(-1000, 1000).Select(i => (long?)i)));

    static Gen<string?> Text =>
        Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (4, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(p => (string?)string.Concat(p))));

    static Gen<bool?> Bool => Gen.Elements<bool?>(true, false, null);

    static Gen<Column> ColumnOf(string name, int rows) =>
        Gen.Choose(0, 3).SelectMany(kind => kind switch
        {
            0 => Gen.ArrayOf(Double, rows).Select(v => (Column)new NumberColumn(name, [.. v])),
            1 => Gen.ArrayOf(Long, rows).Select(v => (Column)new IntegerColumn(name, [.. v])),
            2 => Gen.ArrayOf(Text, rows).Select(v => (Column)new TextColumn(name, [.. v])),
            _ => Gen.ArrayOf(Bool, rows).Select(v => (Column)new BooleanColumn(name, [.. v])),
        });

    static readonly string[] Names = ["id", "score", "fold", "label, y", "é", "with space", "quote\"d", "x.y"];

    public static Arbitrary<Table> Tables() =>
        Arb.From(
            from rows in Gen.Choose(0, 12)
            from width in Gen.Choose(1, 5)
            from names in Gen.Shuffle(Names)
            from columns in Gen.CollectToSequence(names.Take(width), name => ColumnOf(name, rows))
            select Table.Create(toSeq(columns)).Match(t => t, e => throw new InvalidOperationException(e.Message)));
}
