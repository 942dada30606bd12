using System.Text;

namespace RunTools.Tests.Hostile;

/// <summary>Where a hostile input goes in: a config file (<c>-ConfigPath</c>), an override string (<c>-Set</c>), or a
/// data file (<c>-DataPath</c>, <c>Import-RunTable</c>).</summary>
public enum HostileKind
{
    ConfigFile,
    SetText,
    DataFile,
}

/// <summary>
/// One hostile or huge input and what RunTools must answer: an error with this ErrorId and category, with the input
/// (the file as given, or the override text) as target, and nothing written. Plain data (no RunTools types), so the
/// core, shell and module tests all run the same rows, and a catalogue of bad inputs can reuse them.
/// </summary>
/// <param name="Name">What the input is, as a test shows it.</param>
/// <param name="FileName">The file to write (for a -Set text, a file holding the text).</param>
/// <param name="Content">The file's bytes; made on demand (some are megabytes).</param>
/// <param name="Variable">The environment variable of the limit involved.</param>
/// <param name="Setting">The value of <paramref name="Variable"/> under which the input is refused; null: the defaults
/// refuse it (a row with a setting keeps its file small by lowering the limit).</param>
/// <param name="Raised">A value of <paramref name="Variable"/> under which the same input is accepted; null when no
/// value can (a ceiling, or the input is also malformed).</param>
/// <param name="NewRunRefuses">For a data file: whether New-Run, which hashes and describes the file without loading
/// it, refuses it too (it checks records, the header and a Parquet footer; a long field in a data row or a table too
/// large for memory only matters when the table is read).</param>
public sealed record HostileInput(
    string Name,
    HostileKind Kind,
    string FileName,
    Func<byte[]> Content,
    string ErrorId,
    string Category,
    string? Variable,
    string? Setting = null,
    string? Raised = null,
    bool NewRunRefuses = true)
{
    public override string ToString() => Name;

    /// <summary>The content as text (config files and overrides are UTF-8).</summary>
    public string Text => Encoding.UTF8.GetString(Content());

    /// <summary>The environment with the row's setting (<paramref name="value"/>, or <see cref="Setting"/>) and nothing
    /// else: what <c>InputLimits.FromVariables</c> is given.</summary>
    public Func<string, string?> Environment(string? value = null) =>
        name => Variable is not null && name == Variable ? value ?? Setting : null;
}

/// <summary>The rows. Every limit has at least one row at its default and, where the limit can be raised, one whose
/// <see cref="HostileInput.Raised"/> setting makes the same input pass.</summary>
public static class HostileInputs
{
    const string Depth = "RUNTOOLS_LIMIT_CONFIG_DEPTH";
    const string Scalar = "RUNTOOLS_LIMIT_CONFIG_SCALAR_CHARS";
    const string Aliases = "RUNTOOLS_LIMIT_CONFIG_ALIASES";
    const string Nodes = "RUNTOOLS_LIMIT_CONFIG_NODES";
    const string Chars = "RUNTOOLS_LIMIT_CONFIG_CHARS";
    const string FileBytes = "RUNTOOLS_LIMIT_CONFIG_FILE_BYTES";
    const string Columns = "RUNTOOLS_LIMIT_DATA_COLUMNS";
    const string Field = "RUNTOOLS_LIMIT_DATA_FIELD_BYTES";
    const string Record = "RUNTOOLS_LIMIT_DATA_RECORD_BYTES";
    const string Footer = "RUNTOOLS_LIMIT_DATA_FOOTER_BYTES";
    const string Limits = "LimitsExceeded";

    static Func<byte[]> Utf8(Func<string> text) => () => Encoding.UTF8.GetBytes(text());

    static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    static string FlowSequence(int depth) => Repeat("[", depth) + Repeat("]", depth);

    static string BlockMaps(int depth) =>
        string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', 2 * i) + $"k{i}:\n")) + new string(' ', 2 * depth) + "leaf: 1\n";

    /// <summary>The classic: <paramref name="levels"/> anchors, each a list of nine aliases to the one before.</summary>
    static string Laughs(int levels, bool flow = false)
    {
        var lines = new List<string> { "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]" };
        for (var i = 1; i < levels; i++) lines.Add($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))}]");
        return flow ? "{" + string.Join(", ", lines) + "}" : string.Join("\n", lines) + "\n";
    }

    /// <summary>Anchors that each wrap the one before in <paramref name="levels"/> more lists: every alias adds its
    /// anchor's depth where it is used.</summary>
    static string AliasDepth(int anchors, int levels)
    {
        var lines = new List<string> { $"x0: &x0 {FlowSequence(levels)}" };
        for (var i = 1; i < anchors; i++) lines.Add($"x{i}: &x{i} {Repeat("[", levels)}*x{i - 1}{Repeat("]", levels)}");
        return string.Join("\n", lines) + "\n";
    }

    public static readonly IReadOnlyList<HostileInput> Config =
    [
        new("a YAML flow sequence nested 8,000 deep", HostileKind.ConfigFile, "deep8000.yaml", Utf8(() => "a: " + FlowSequence(8000) + "\n"), "ConfigTooDeep", Limits, Depth),
        new("a YAML flow sequence nested 5,000 deep", HostileKind.ConfigFile, "deep5000.yaml", Utf8(() => "a: " + FlowSequence(5000) + "\n"), "ConfigTooDeep", Limits, Depth),
        new("a YAML flow sequence nested 1,000 deep", HostileKind.ConfigFile, "deep1000.yaml", Utf8(() => "a: " + FlowSequence(1000) + "\n"), "ConfigTooDeep", Limits, Depth),
        new("YAML block maps nested 100 deep", HostileKind.ConfigFile, "maps100.yaml", Utf8(() => BlockMaps(100)), "ConfigTooDeep", Limits, Depth, Raised: "128"),
        new("a JSON object nested 10,000 deep", HostileKind.ConfigFile, "deep10000.json",
            Utf8(() => "{\"a\": " + Repeat("{\"b\": ", 10_000) + "1" + Repeat("}", 10_000) + "}"), "ConfigTooDeep", Limits, Depth),
        new("a JSON array nested 100 deep", HostileKind.ConfigFile, "deep100.json", Utf8(() => "{\"a\": " + FlowSequence(100) + "}"), "ConfigTooDeep", Limits, Depth, Raised: "101"),
        new("aliases that nest 40 levels inside each other", HostileKind.ConfigFile, "aliasdepth.yaml", Utf8(() => AliasDepth(2, 40)), "ConfigTooDeep", Limits, Depth, Raised: "100"),
        new("the classic billion laughs (9 levels of 9 aliases)", HostileKind.ConfigFile, "laughs.yaml", Utf8(() => Laughs(9)), "ConfigExpansionTooLarge", Limits, Nodes),
        new("a small billion laughs (5 levels) over a lowered node limit", HostileKind.ConfigFile, "laughs5.yaml", Utf8(() => Laughs(5)), "ConfigExpansionTooLarge", Limits, Nodes,
            Setting: "10000", Raised: "100000"),
        new("a 1,000-character string used 200 times over a lowered character limit", HostileKind.ConfigFile, "chars.yaml",
            Utf8(() => $"s: &s {new string('x', 1000)}\nl: [{string.Join(", ", Enumerable.Repeat("*s", 200))}]\n"), "ConfigExpansionTooLarge", Limits, Chars,
            Setting: "100000", Raised: "1M"),
        new("10,001 alias uses", HostileKind.ConfigFile, "aliases.yaml",
            Utf8(() => $"a: &a 1\nl: [{string.Join(", ", Enumerable.Repeat("*a", 10_001))}]\n"), "ConfigAliasesExceeded", Limits, Aliases, Raised: "20000"),
        new("a YAML scalar of 1,048,577 characters", HostileKind.ConfigFile, "scalar.yaml", Utf8(() => "a: " + new string('x', (1 << 20) + 1) + "\n"),
            "ConfigScalarTooLong", Limits, Scalar, Raised: "2M"),
        new("a YAML key of 1,048,577 characters", HostileKind.ConfigFile, "key.yaml", Utf8(() => "? " + new string('k', (1 << 20) + 1) + "\n: 1\n"),
            "ConfigScalarTooLong", Limits, Scalar, Raised: "2M"),
        new("a JSON string of 1,048,577 characters", HostileKind.ConfigFile, "string.json", Utf8(() => "{\"a\": \"" + new string('x', (1 << 20) + 1) + "\"}"),
            "ConfigScalarTooLong", Limits, Scalar, Raised: "2M"),
        new("a 2 KB config over a lowered file size limit", HostileKind.ConfigFile, "big.yaml",
            Utf8(() => string.Concat(Enumerable.Range(0, 100).Select(i => $"item_{i:000}: value {i:000}\n"))), "ConfigFileTooLarge", Limits, FileBytes,
            Setting: "1k", Raised: "4k"),
    ];

    public static readonly IReadOnlyList<HostileInput> Set =
    [
        new("a -Set value nested 10,000 deep", HostileKind.SetText, "set-deep.txt", Utf8(() => "a=" + FlowSequence(10_000)), "ConfigTooDeep", Limits, Depth),
        new("a -Set key of 100 segments", HostileKind.SetText, "set-segments.txt", Utf8(() => string.Join(".", Enumerable.Repeat("k", 100)) + "=1"),
            "ConfigTooDeep", Limits, Depth, Raised: "100"),
        new("a -Set key segment of 1,048,577 characters", HostileKind.SetText, "set-key.txt", Utf8(() => new string('k', (1 << 20) + 1) + "=1"),
            "ConfigScalarTooLong", Limits, Scalar, Raised: "2M"),
        new("a -Set value that is a billion laughs", HostileKind.SetText, "set-laughs.txt", Utf8(() => "a=" + Laughs(9, flow: true)),
            "ConfigExpansionTooLarge", Limits, Nodes),
        new("a -Set key of a million dots", HostileKind.SetText, "set-dots.txt", Utf8(() => "a" + new string('.', 1_000_000) + "=1"),
            "ConfigOverrideInvalid", "InvalidArgument", null),
    ];

    public static readonly IReadOnlyList<HostileInput> Data =
    [
        new("a CSV field over a lowered field limit", HostileKind.DataFile, "field.csv", Utf8(() => "a,b\n1," + new string('y', 2000) + "\n"),
            "DataFieldTooLong", Limits, Field, Setting: "1k", Raised: "4k", NewRunRefuses: false),
        new("a CSV header name over a lowered field limit", HostileKind.DataFile, "name.csv", Utf8(() => "a," + new string('n', 2000) + "\n1,2\n"),
            "DataFieldTooLong", Limits, Field, Setting: "1k", Raised: "4k"),
        new("a CSV line over a lowered record limit", HostileKind.DataFile, "line.csv", Utf8(() => "a,b\n1," + new string('y', 100_000) + "\n2,3\n"),
            "DataRecordTooLong", Limits, Record, Setting: "64k", Raised: "1M"),
        new("a CSV quote never closed, over a lowered record limit", HostileKind.DataFile, "quote.csv",
            Utf8(() => "a,b\n1,\"" + Repeat("more text, and more\n", 10_000)), "DataRecordTooLong", Limits, Record, Setting: "64k"),
        new("a TSV header whose quote is never closed, over a lowered record limit", HostileKind.DataFile, "header.tsv",
            Utf8(() => "\"a\tb\n" + Repeat("1\t2\n", 50_000)), "DataRecordTooLong", Limits, Record, Setting: "64k"),
        new("a CSV header of 65,537 columns", HostileKind.DataFile, "wide.csv",
            Utf8(() => string.Join(",", Enumerable.Range(0, 65_537).Select(i => $"c{i}")) + "\n" + string.Join(",", Enumerable.Repeat("1", 65_537)) + "\n"),
            "DataColumnsExceeded", Limits, Columns, Raised: "70000"),
        new("a Parquet footer that declares 2 GiB", HostileKind.DataFile, "footer-length.parquet", () => ParquetFiles.FooterLength(int.MaxValue),
            "DataFooterInvalid", "InvalidData", Footer),
        new("a Parquet footer over a lowered footer limit", HostileKind.DataFile, "footer-limit.parquet", () => ParquetFiles.Plain(rows: 3, columns: 2),
            "DataFooterTooLarge", Limits, Footer, Setting: "64", Raised: "64k"),
        new("a Parquet schema list that declares 2^31 - 1 elements", HostileKind.DataFile, "schema-count.parquet", ParquetFiles.HugeSchemaList,
            "DataFooterInvalid", "InvalidData", Footer),
        new("a Parquet column name that declares 2 GiB", HostileKind.DataFile, "name-length.parquet", ParquetFiles.HugeName,
            "DataFooterInvalid", "InvalidData", Footer),
        new("a Parquet column chunk past the end of the file", HostileKind.DataFile, "chunk.parquet", () => ParquetFiles.Plain(rows: 3, columns: 1, chunkBytes: 1 << 30),
            "DataFooterInvalid", "InvalidData", Footer),
        new("a Parquet schema nested 100,000 deep", HostileKind.DataFile, "schema-depth.parquet", () => ParquetFiles.NestedSchema(100_000),
            "DataFooterInvalid", "InvalidData", Footer),
        new("a Parquet schema of 65,537 columns", HostileKind.DataFile, "wide.parquet", () => ParquetFiles.Plain(rows: 0, columns: 65_537),
            "DataColumnsExceeded", Limits, Columns, Raised: "70000"),
        new("a Parquet footer that declares 2 billion rows of 64 columns", HostileKind.DataFile, "rows.parquet", () => ParquetFiles.Plain(rows: 2_000_000_000, columns: 64),
            "DataTableTooLarge", Limits, null, NewRunRefuses: false),
    ];

    public static IEnumerable<HostileInput> All => Config.Concat(Set).Concat(Data);

    public static HostileInput Named(string name) => All.Single(row => row.Name == name);

    /// <summary>Row names for a theory, optionally only the rows that pass <paramref name="where"/>.</summary>
    public static TheoryData<string> Names(IEnumerable<HostileInput> rows, Func<HostileInput, bool>? where = null)
    {
        var data = new TheoryData<string>();
        foreach (var row in rows.Where(where ?? (_ => true))) data.Add(row.Name);
        return data;
    }
}

/// <summary>
/// Parquet files written byte by byte, so that their footers can declare what no writer would: "PAR1", a data section
/// of filler bytes, the footer (Thrift compact protocol: FileMetaData), its length and "PAR1". Columns are OPTIONAL
/// INT64. Only the footer is ever meant to be read.
/// </summary>
public static class ParquetFiles
{
    /// <summary>A flat schema of <paramref name="columns"/> columns and one row group of <paramref name="rows"/> rows whose
    /// column chunks each declare <paramref name="chunkBytes"/> bytes (the file holds 16 bytes of data per chunk).</summary>
    public static byte[] Plain(long rows, int columns, long chunkBytes = 16)
    {
        var data = new byte[16 * Math.Min(columns, 64)];
        var footer = new Thrift();
        footer.Field(1, Thrift.I32).Int(1);
        footer.Field(2, Thrift.List).ListHeader(columns + 1, Thrift.Struct);
        footer.SchemaElement(null, "schema", columns);
        for (var i = 0; i < columns; i++) footer.SchemaElement(2, $"c{i}", null);
        footer.Field(3, Thrift.I64).Int(rows);
        var chunks = rows == 0 ? 0 : Math.Min(columns, 64);
        footer.Field(4, Thrift.List).ListHeader(chunks == 0 ? 0 : 1, Thrift.Struct);
        if (chunks > 0)
        {
            footer.BeginItem(); // the row group
            footer.Field(1, Thrift.List).ListHeader(columns, Thrift.Struct);
            for (var i = 0; i < columns; i++)
            {
                footer.BeginItem(); // a column chunk
                var offset = 4 + 16L * (i % 64);
                footer.Field(2, Thrift.I64).Int(offset);
                footer.Field(3, Thrift.Struct);
                footer.Field(1, Thrift.I32).Int(2);
                footer.Field(2, Thrift.List).ListHeader(1, Thrift.I32).Int(0);
                footer.Field(3, Thrift.List).ListHeader(1, Thrift.BinaryType).Binary($"c{i}");
                footer.Field(4, Thrift.I32).Int(0);
                footer.Field(5, Thrift.I64).Int(rows);
                footer.Field(6, Thrift.I64).Int(chunkBytes);
                footer.Field(7, Thrift.I64).Int(chunkBytes);
                footer.Field(9, Thrift.I64).Int(offset);
                footer.Stop(); // ColumnMetaData
                footer.Stop(); // ColumnChunk
            }
            footer.Field(2, Thrift.I64).Int(16L * columns);
            footer.Field(3, Thrift.I64).Int(rows);
            footer.Stop(); // RowGroup
        }
        footer.Stop(); // FileMetaData
        return File(data, footer.Bytes);
    }

    /// <summary>A small file whose footer length says <paramref name="declared"/> bytes.</summary>
    public static byte[] FooterLength(int declared)
    {
        var bytes = Plain(rows: 3, columns: 1);
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 8, 4), declared);
        return bytes;
    }

    /// <summary>A footer whose schema list declares int.MaxValue elements (and holds two).</summary>
    public static byte[] HugeSchemaList()
    {
        var footer = new Thrift();
        footer.Field(1, Thrift.I32).Int(1);
        footer.Field(2, Thrift.List).ListHeader(int.MaxValue, Thrift.Struct);
        footer.SchemaElement(null, "schema", 1);
        footer.SchemaElement(2, "c0", null);
        footer.Stop();
        return File(new byte[16], footer.Bytes);
    }

    /// <summary>A footer whose one column name declares int.MaxValue bytes.</summary>
    public static byte[] HugeName()
    {
        var footer = new Thrift();
        footer.Field(1, Thrift.I32).Int(1);
        footer.Field(2, Thrift.List).ListHeader(2, Thrift.Struct);
        footer.SchemaElement(null, "schema", 1);
        footer.BeginItem();
        footer.Field(1, Thrift.I32).Int(2);
        footer.Field(4, Thrift.BinaryType).Varint(int.MaxValue).Raw("c0"u8);
        footer.Stop();
        footer.Stop();
        return File(new byte[16], footer.Bytes);
    }

    /// <summary>A schema of <paramref name="depth"/> groups, each the only child of the one before, then one column.</summary>
    public static byte[] NestedSchema(int depth)
    {
        var footer = new Thrift();
        footer.Field(1, Thrift.I32).Int(1);
        footer.Field(2, Thrift.List).ListHeader(depth + 2, Thrift.Struct);
        footer.SchemaElement(null, "schema", 1);
        for (var i = 0; i < depth; i++) footer.SchemaElement(null, $"g{i}", 1);
        footer.SchemaElement(2, "leaf", null);
        footer.Field(3, Thrift.I64).Int(0);
        footer.Field(4, Thrift.List).ListHeader(0, Thrift.Struct);
        footer.Stop();
        return File(new byte[16], footer.Bytes);
    }

    static byte[] File(byte[] data, byte[] footer)
    {
        var file = new List<byte>();
        file.AddRange("PAR1"u8.ToArray());
        file.AddRange(data);
        file.AddRange(footer);
        file.AddRange(BitConverter.GetBytes(footer.Length));
        file.AddRange("PAR1"u8.ToArray());
        return [.. file];
    }

    /// <summary>Just enough of the Thrift compact protocol to write a footer. Field ids are written as deltas from the
    /// last field of the same struct, so a struct's fields are written in increasing order.</summary>
    sealed class Thrift
    {
        public const byte I32 = 5, I64 = 6, BinaryType = 8, List = 9, Struct = 12;
        readonly List<byte> bytes = [];
        readonly Stack<short> lastField = new([0]);

        public byte[] Bytes => [.. bytes];

        public Thrift Field(short id, byte type)
        {
            var delta = id - lastField.Pop();
            lastField.Push(id);
            if (delta is > 0 and <= 15) bytes.Add((byte)((delta << 4) | type));
            else
            {
                bytes.Add(type);
                Varint((ulong)((id << 1) ^ (id >> 15)));
            }
            if (type == Struct) lastField.Push(0);
            return this;
        }

        public Thrift ListHeader(long size, byte element)
        {
            if (size < 15) bytes.Add((byte)((size << 4) | element));
            else
            {
                bytes.Add((byte)(0xF0 | element));
                Varint((ulong)size);
            }
            return this;
        }

        /// <summary>A struct as a list item begins without a field header.</summary>
        public void BeginItem() => lastField.Push(0);

        public Thrift Stop()
        {
            bytes.Add(0);
            lastField.Pop();
            return this;
        }

        public Thrift Int(long value) => Varint((ulong)((value << 1) ^ (value >> 63)));

        public Thrift Binary(string text)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            Varint((ulong)utf8.Length);
            bytes.AddRange(utf8);
            return this;
        }

        public Thrift Raw(ReadOnlySpan<byte> raw)
        {
            bytes.AddRange(raw.ToArray());
            return this;
        }

        public Thrift Varint(ulong value)
        {
            while (value >= 0x80)
            {
                bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }
            bytes.Add((byte)value);
            return this;
        }

        /// <summary>A SchemaElement list item: type (for a column), repetition OPTIONAL, name, children (for a group).</summary>
        public void SchemaElement(int? type, string name, int? children)
        {
            BeginItem();
            if (type is { } t) Field(1, I32).Int(t);
            if (children is null) Field(3, I32).Int(1);
            Field(4, BinaryType).Binary(name);
            if (children is { } c) Field(5, I32).Int(c);
            Stop();
        }
    }
}
