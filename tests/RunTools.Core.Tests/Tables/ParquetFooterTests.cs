using RunTools.Domain;
using RunTools.Tables;
using RunTools.Tests.Config;
using RunTools.Tests.Hostile;

namespace RunTools.Tests.Tables;

/// <summary>The footer checks on their own: the bytes between the data and the tail of the files in
/// <see cref="ParquetFiles"/>.</summary>
public sealed class ParquetFooterTests
{
    static byte[] Footer(byte[] file)
    {
        var length = BitConverter.ToInt32(file, file.Length - 8);
        return file[(file.Length - 8 - length)..(file.Length - 8)];
    }

    [Fact]
    public void A_plain_footer_passes()
    {
        var file = ParquetFiles.Plain(rows: 3, columns: 2);
        Expect.Succ(ParquetFooter.CheckLength("f.parquet", file.Length, Footer(file).Length, InputLimits.Default));
        Expect.Succ(ParquetFooter.CheckThrift("f.parquet", Footer(file), InputLimits.Default));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void A_declared_length_the_file_cannot_hold_is_DataFooterInvalid(int declared) =>
        Assert.IsType<DataFooterInvalid>(Expect.Fail(ParquetFooter.CheckLength("f.parquet", 1000, declared, InputLimits.Default)));

    [Fact]
    public void A_footer_over_the_limit_is_DataFooterTooLarge() =>
        Expect.Error(new DataFooterTooLarge("f.parquet", 500, 100),
            ParquetFooter.CheckLength("f.parquet", 1000, 500, InputLimits.Default with { DataFooterBytes = 100 }));

    [Fact]
    public void A_list_that_declares_more_items_than_bytes_left_is_refused_before_anything_is_built() =>
        Expect.Error(new DataFooterInvalid("f.parquet", "a list declares 2,147,483,647 items, but only 21 bytes are left."),
            ParquetFooter.CheckThrift("f.parquet", Footer(ParquetFiles.HugeSchemaList()), InputLimits.Default));

    [Fact]
    public void A_string_that_declares_more_bytes_than_are_left_is_refused() =>
        Assert.Contains("a string or binary value declares 2,147,483,647 bytes",
            Assert.IsType<DataFooterInvalid>(Expect.Fail(ParquetFooter.CheckThrift("f.parquet", Footer(ParquetFiles.HugeName()), InputLimits.Default))).Detail);

    [Fact]
    public void A_schema_nested_deeper_than_64_levels_is_refused_without_recursion() =>
        Expect.Error(new DataFooterInvalid("f.parquet", "its schema nests more than 64 levels deep."),
            ParquetFooter.CheckThrift("f.parquet", Footer(ParquetFiles.NestedSchema(100_000)), InputLimits.Default));

    [Fact]
    public void A_schema_of_more_columns_than_the_limit_is_DataColumnsExceeded() =>
        Expect.Error(new DataColumnsExceeded("f.parquet", 65_537, 65_536),
            ParquetFooter.CheckThrift("f.parquet", Footer(ParquetFiles.Plain(rows: 0, columns: 65_537)), InputLimits.Default));

    [Fact]
    public void A_footer_cut_short_is_refused_wherever_it_ends()
    {
        var footer = Footer(ParquetFiles.Plain(rows: 3, columns: 2));
        for (var length = 0; length < footer.Length - 1; length++)
            Assert.IsType<DataFooterInvalid>(Expect.Fail(ParquetFooter.CheckThrift("f.parquet", footer[..length], InputLimits.Default)));
    }
}
