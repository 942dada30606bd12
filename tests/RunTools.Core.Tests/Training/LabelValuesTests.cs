using System.Collections.Immutable;
using RunTools.Tables;
using RunTools.Training;
using static RunTools.Tests.Training.Sources;

namespace RunTools.Tests.Training;

public sealed class LabelValuesTests
{
    static Column Of(LabelKind kind, params string?[] texts) => LabelValues.Column("label", kind, texts);

    [Fact]
    public void An_integer_label_is_written_as_int64_with_missing_as_null() =>
        Assert.Equal(new IntegerColumn("label", ImmutableArray.Create<long?>(0, 1, null, 42)), Of(LabelKind.Integer, "0", "1", null, "42"));

    [Fact]
    public void An_integer_label_class_written_in_exponent_form_is_still_an_integer() =>
        Assert.Equal(new IntegerColumn("label", ImmutableArray.Create<long?>(10_000_000_000_000_000)), Of(LabelKind.Integer, "1E+16"));

    [Fact]
    public void A_number_label_is_written_as_double_with_missing_as_NaN() =>
        Assert.Equal(new NumberColumn("label", ImmutableArray.Create(0.0, 1.5, double.NaN)), Of(LabelKind.Number, "0", "1.5", null));

    [Fact]
    public void A_boolean_label_reads_its_classes_as_0_1_or_true_false() =>
        Assert.Equal(new BooleanColumn("label", ImmutableArray.Create<bool?>(false, true, true, null)), Of(LabelKind.Boolean, "0", "1", "True", null));

    [Theory]
    [InlineData(LabelKind.Integer, "2.5")]
    [InlineData(LabelKind.Integer, "maybe")]
    [InlineData(LabelKind.Number, "maybe")]
    [InlineData(LabelKind.Boolean, "2")]
    public void A_value_that_is_not_of_the_kind_makes_the_whole_column_text_unchanged(LabelKind kind, string odd) =>
        Assert.Equal(new TextColumn("label", ImmutableArray.Create<string?>("1", odd, null)), Of(kind, "1", odd, null));

    [Fact]
    public void A_text_label_stays_text() =>
        Assert.Equal(new TextColumn("label", ImmutableArray.Create<string?>("a", "1")), Of(LabelKind.Text, "a", "1"));

    [Theory]
    [InlineData(ColumnKind.Integer, LabelKind.Integer)]
    [InlineData(ColumnKind.Number, LabelKind.Number)]
    [InlineData(ColumnKind.Boolean, LabelKind.Boolean)]
    [InlineData(ColumnKind.Text, LabelKind.Text)]
    public void The_label_kind_follows_the_column_kind(ColumnKind column, LabelKind label) => Assert.Equal(label, LabelValues.KindOf(column));

    [Fact]
    public void Encode_records_the_kind_and_a_round_trip_through_the_classes_gives_the_values_back()
    {
        var encoded = Labels.Encode(TrainingTask.Binary, Num("y", 1, 0, 1, double.NaN), null, LabelKind.Integer).Match(e => e, e => throw new InvalidOperationException(e.Message));

        Assert.Equal(LabelKind.Integer, encoded.Encoding.Kind);
        var written = LabelValues.Column("label", encoded.Encoding.Kind, encoded.Classes.Select(id => id < 0 ? null : encoded.Encoding.Classes[id]).ToArray());
        Assert.Equal(new IntegerColumn("label", ImmutableArray.Create<long?>(1, 0, 1, null)), written);
    }

    [Fact]
    public void A_text_cell_in_a_numeric_feature_is_named_by_its_first_bad_value_and_data_row()
    {
        Assert.Equal(new NonNumericCell("f3", 3, "n/a"), NonNumericCell.First("f3", ImmutableArray.Create<string?>("1.5", null, "n/a", "x")));
        Assert.Equal(new NonNumericCell("f3", null, null), NonNumericCell.First("f3", ImmutableArray.Create<string?>("1.5", "", "NaN")));
        Assert.Equal("'d.csv' does not match the model's features. Missing: f1. Not numeric: f3 ('n/a' on data row 3).",
            new InputSchemaMismatch("d.csv", Seq1("f1"), Seq1(new NonNumericCell("f3", 3, "n/a"))).Message);
    }
}
