using FsCheck.Xunit;
using RunTools.Tables;

namespace RunTools.Tests.Tables;

public sealed class CsvInferenceTests
{
    public static TheoryData<string?[], ColumnKind> Columns => new()
    {
        { [], ColumnKind.Text },
        { [null, "", "  "], ColumnKind.Text },
        { ["1", "2", "-3", "+4", " 5 "], ColumnKind.Integer },
        { ["1", null, "", "2"], ColumnKind.Integer },
        { ["9223372036854775807", "-9223372036854775808"], ColumnKind.Integer },
        { ["9223372036854775808"], ColumnKind.Number },
        { ["1", "2.5"], ColumnKind.Number },
        { ["1e3", "2"], ColumnKind.Number },
        { ["0.5", "NaN", "Infinity", "-infinity"], ColumnKind.Number },
        { ["1", null, "x"], ColumnKind.Text },
        { ["1,5"], ColumnKind.Text },
        { ["0x10"], ColumnKind.Text },
        { ["true", "False", " TRUE ", null], ColumnKind.Boolean },
        { ["true", "1"], ColumnKind.Text },
        { ["yes", "no"], ColumnKind.Text },
        { ["true", "x"], ColumnKind.Text },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void Infer_types_a_column_by_every_cell(string?[] cells, ColumnKind expected) =>
        Assert.Equal(expected, CsvInference.Infer(cells));

    [Fact]
    public void Evidence_folds_cell_by_cell_and_one_late_value_changes_the_kind()
    {
        var evidence = KindEvidence.None;
        foreach (var cell in Enumerable.Range(0, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            evidence = evidence.Observe(cell);
        Assert.Equal(ColumnKind.Integer, evidence.Kind);
        Assert.Equal(ColumnKind.Number, evidence.Observe("0.5").Kind);
        Assert.Equal(ColumnKind.Text, evidence.Observe("0.5").Observe("n/a").Kind);
        Assert.Equal(ColumnKind.Text, evidence.Observe("n/a").Observe("1").Kind);
    }

    [Fact]
    public void Cell_parsers_use_the_invariant_culture_whatever_the_current_one_is()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.True(CsvInference.TryNumber("1.5", out var value));
            Assert.Equal(1.5, value);
            Assert.False(CsvInference.TryNumber("1,5", out _));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Booleans_ignore_case_and_surrounding_space()
    {
        Assert.True(CsvInference.TryBoolean(" True ", out var t) && t);
        Assert.True(CsvInference.TryBoolean("FALSE", out var f) && !f);
        Assert.False(CsvInference.TryBoolean("t", out _));
    }

    [Property(MaxTest = 500)]
    public void Every_long_written_in_invariant_text_is_an_integer_column(long value) =>
        Assert.Equal(ColumnKind.Integer, CsvInference.Infer([value.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
}
