using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Tables;
using RunTools.Tables;
using RunTools.Tests.Hostile;

namespace RunTools.Shell.Tests;

/// <summary>The limits on data files: every hostile row of <see cref="HostileInputs.Data"/> through the table reader
/// and through New-Run's inspection, and the byte and text CSV readers agreeing on every limit.</summary>
public sealed class DataLimitsTests : IDisposable
{
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> DataRows => HostileInputs.Names(HostileInputs.Data);

    public static TheoryData<string> RaisableRows => HostileInputs.Names(HostileInputs.Data, row => row.Raised is not null);

    static InputLimits Limits(Func<string, string?> environment) => Expect.Succ(InputLimits.FromVariables(environment));

    static RunError Refused<T>(Fin<T> result) => Assert.IsAssignableFrom<RunError>(Expect.Fail(result));

    [Theory]
    [MemberData(nameof(DataRows))]
    public void A_hostile_data_file_is_refused_by_the_table_reader_with_its_own_error_and_the_file_as_target(string name)
    {
        var row = HostileInputs.Named(name);
        var path = dir.WriteBytes(row.FileName, row.Content());
        var limits = Limits(row.Environment());

        var error = Refused(TableFiles.Read(path, limits));

        Assert.Equal((row.ErrorId, row.Category, (object)path), (error.ErrorId, error.Kind.ToString(), error.Target));
        Assert.InRange(error.Message.Length, 1, 600);
        if (row.Category == "LimitsExceeded" && row.Variable is not null) Assert.Contains(row.Variable, error.Message);
        // Reading the schema meets the same bound, except the memory a whole table needs.
        if (row.ErrorId != "DataTableTooLarge") Assert.Equal(error, Refused(TableFiles.ReadSchema(path, limits)));
    }

    [Theory]
    [MemberData(nameof(DataRows))]
    public void New_Run_refuses_a_hostile_data_file_it_would_have_to_hold_and_describes_the_others(string name)
    {
        var row = HostileInputs.Named(name);
        var path = dir.WriteBytes(row.FileName, row.Content());

        var inspected = FileInspector.Inspect(row.FileName, path, Limits(row.Environment()));

        if (row.NewRunRefuses)
        {
            var error = Refused(inspected);
            Assert.Equal((row.ErrorId, (object)row.FileName), (error.ErrorId, error.Target));
        }
        else
        {
            Expect.Succ(inspected);
        }
    }

    [Theory]
    [MemberData(nameof(RaisableRows))]
    public void Raising_the_limit_through_its_variable_makes_the_same_file_pass(string name)
    {
        var row = HostileInputs.Named(name);
        var path = dir.WriteBytes(row.FileName, row.Content());
        var limits = Limits(row.Environment(row.Raised));

        Expect.Succ(FileInspector.Inspect(row.FileName, path, limits));
        // The Parquet rows hold filler where their data would be: only their footers can be read.
        if (FileInspector.FormatOf(path) == DataFormat.Csv) Expect.Succ(TableFiles.Read(path, limits));
    }

    [Fact]
    public void A_CSV_record_over_the_limit_is_refused_before_its_buffer_grows_past_the_limit()
    {
        // A quote opened on line 2 and never closed: 8 MB of lines that would all be one record.
        var path = dir.Write("quote.csv", "a,b\n1,\"" + string.Concat(Enumerable.Repeat("text, more text\n", 500_000)));
        var limits = InputLimits.Default with { DataRecordBytes = 1 << 20 };

        Expect.Error(new DataRecordTooLong(path, 2, 1 << 20), TableFiles.Read(path, limits));
        Expect.Error(new DataRecordTooLong("quote.csv", 2, 1 << 20), FileInspector.Inspect("quote.csv", path, limits));
    }

    [Fact]
    public void A_field_over_the_limit_names_its_line_and_column()
    {
        var path = dir.Write("f.csv", "id,text\n1,short\n2,\"" + new string('x', 300) + "\"\"quoted\"\"\"\n");
        Expect.Error(new DataFieldTooLong(path, 3, "text", 308, 256), TableFiles.Read(path, InputLimits.Default with { DataFieldBytes = 256 }));
    }

    [Fact]
    public void A_header_of_65536_columns_is_within_the_default_limit_and_reads()
    {
        var header = string.Join(",", Enumerable.Range(0, 65_536).Select(i => $"c{i}"));
        var path = dir.Write("wide.csv", header + "\n" + string.Join(",", Enumerable.Range(0, 65_536)) + "\n");

        var table = Expect.Succ(TableFiles.Read(path, InputLimits.Default));

        Assert.Equal((65_536, 1), (table.Columns.Count, table.RowCount));
    }

    [Property(Arbitrary = [typeof(CsvFileArbitraries), typeof(LimitArbitraries)], MaxTest = 800)]
    public void Under_any_limits_the_byte_reader_gives_the_same_table_or_error_as_the_text_reader(CsvFile file, SmallLimits small)
    {
        using var scratch = new TempDirectory();
        var path = scratch.WriteBytes(file.Tab ? "f.tsv" : "f.csv", file.Bytes);
        var delimiter = file.Tab ? '\t' : ',';
        var limits = small.Limits;

        AssertSame(Outcome(path, () => CsvTextTables.Read(path, delimiter, file.FirstRows, limits)),
            Outcome(path, () => CsvTables.Read(path, delimiter, file.FirstRows, file.BlockSize, limits: limits)));
        AssertSame(Outcome(path, () => CsvTextTables.Scan(path, delimiter, limits)),
            Outcome(path, () => CsvTables.Scan(path, delimiter, file.BlockSize, limits)));
    }

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
}

/// <summary>Limits small enough for generated files to cross them.</summary>
public sealed record SmallLimits(int Columns, int Field, int Record)
{
    public InputLimits Limits => InputLimits.Default with { DataColumns = Columns, DataFieldBytes = Field, DataRecordBytes = Record };

    public override string ToString() => $"columns {Columns}, field {Field} B, record {Record} B";
}

public static class LimitArbitraries
{
    public static Arbitrary<SmallLimits> Limits() =>
        Arb.From(
            from columns in Gen.Choose(1, 8)
            from field in Gen.Choose(1, 40)
            from record in Gen.Choose(1, 120)
            select new SmallLimits(columns, field, record));
}
