using RunTools.Domain;
using RunTools.Tests.Config;
using RunTools.Training;
using static RunTools.Tests.Training.Sources;

namespace RunTools.Tests.Training;

public sealed class LabelsTests
{
    const double NaN = double.NaN;

    static EncodedLabels Ok(TrainingTask task, FeatureSource label, string? positive = null) => Expect.Succ(Labels.Encode(task, label, positive));

    static LabelInvalid Invalid(TrainingTask task, FeatureSource label, string? positive = null) =>
        Assert.IsType<LabelInvalid>(Expect.Fail(Labels.Encode(task, label, positive)));

    // ---- class order ----------------------------------------------------------------------------------------

    [Fact]
    public void Numeric_labels_are_ordered_by_value_not_as_text()
    {
        var encoded = Ok(TrainingTask.Multiclass, Num("y", 10, 9, 2, 10, 1.5));
        Assert.Equal(Seq("1.5", "2", "9", "10"), encoded.Encoding.Classes);
        Assert.Equal([3, 2, 1, 3, 0], encoded.Classes.ToArray());
    }

    [Fact]
    public void Text_labels_that_are_all_numbers_are_ordered_by_value_too()
    {
        var encoded = Ok(TrainingTask.Multiclass, Cat("y", "10", "9", "2"));
        Assert.Equal(Seq("2", "9", "10"), encoded.Encoding.Classes);
    }

    [Fact]
    public void Text_labels_are_ordered_ordinally()
    {
        var encoded = Ok(TrainingTask.Multiclass, Cat("y", "b", "a", "B", "10", "9"));
        Assert.Equal(Seq("10", "9", "B", "a", "b"), encoded.Encoding.Classes);
        Assert.Equal([4, 3, 2, 0, 1], encoded.Classes.ToArray());
    }

    [Fact]
    public void Integral_numbers_become_classes_without_a_fraction() =>
        Assert.Equal(Seq("0", "1"), Ok(TrainingTask.Binary, Num("y", 1.0, 0.0, 1.0)).Encoding.Classes);

    // ---- binary -------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("0", "1")]
    [InlineData("no", "yes")]
    [InlineData("false", "true")]
    [InlineData("healthy", "sick")]
    public void The_positive_class_is_the_second_in_order(string negative, string positive)
    {
        var encoded = Ok(TrainingTask.Binary, Cat("y", positive, negative, positive));
        Assert.Equal(new LabelEncoding(TrainingTask.Binary, Seq(negative, positive)), encoded.Encoding);
        Assert.Equal(positive, encoded.Encoding.Positive);
        Assert.Equal([1, 0, 1], encoded.Classes.ToArray());
        Assert.Empty(encoded.Targets);
    }

    [Fact]
    public void A_given_positive_class_comes_second_and_is_class_1()
    {
        var encoded = Ok(TrainingTask.Binary, Cat("y", "sick", "healthy", "sick"), positive: "healthy");
        Assert.Equal(Seq("sick", "healthy"), encoded.Encoding.Classes);
        Assert.Equal("healthy", encoded.Encoding.Positive);
        Assert.Equal([0, 1, 0], encoded.Classes.ToArray());
    }

    [Fact]
    public void A_positive_class_the_data_does_not_have_is_LabelInvalid() =>
        Assert.Equal(new LabelInvalid("y", "the positive class 'maybe' is not one of no, yes"),
            Invalid(TrainingTask.Binary, Cat("y", "yes", "no"), positive: "maybe"));

    [Fact]
    public void Binary_with_one_class_is_LabelInvalid()
    {
        var e = Invalid(TrainingTask.Binary, Num("y", 1, 1, NaN, 1));
        Assert.Equal(new LabelInvalid("y", "a binary task needs exactly 2 classes, found 1: 1"), e);
        Assert.Equal("y", e.Target);
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
    }

    [Fact]
    public void Binary_with_three_classes_is_LabelInvalid() =>
        Assert.Equal(new LabelInvalid("y", "a binary task needs exactly 2 classes, found 3: a, b, c"),
            Invalid(TrainingTask.Binary, Cat("y", "c", "a", "b")));

    [Fact]
    public void Multiclass_with_one_class_is_LabelInvalid() =>
        Assert.Equal(new LabelInvalid("y", "a multiclass task needs at least 2 classes, found 1"),
            Invalid(TrainingTask.Multiclass, Cat("y", "a", null, "a")));

    // ---- missing labels -------------------------------------------------------------------------------------

    [Fact]
    public void Missing_labels_are_rejected_with_their_row_indices_and_class_minus_1()
    {
        var encoded = Ok(TrainingTask.Binary, Cat("y", "1", null, "0", "", "1", null));
        Assert.Equal(Seq(1, 3, 5), encoded.RejectedRows);
        Assert.Equal([1, -1, 0, -1, 1, -1], encoded.Classes.ToArray());
        Assert.Equal(Seq("0", "1"), encoded.Encoding.Classes);
    }

    [Fact]
    public void Missing_numeric_labels_are_rejected_in_every_task()
    {
        Assert.Equal(Seq(0, 3), Ok(TrainingTask.Binary, Num("y", NaN, 0, 1, NaN)).RejectedRows);
        Assert.Equal(Seq1(2), Ok(TrainingTask.Multiclass, Num("y", 0, 1, NaN, 2)).RejectedRows);
        Assert.Equal(Seq1(1), Ok(TrainingTask.Regression, Num("y", 0.5, NaN, 2.5)).RejectedRows);
    }

    [Fact]
    public void Without_missing_labels_nothing_is_rejected() =>
        Assert.Empty(Ok(TrainingTask.Binary, Cat("y", "a", "b")).RejectedRows);

    // ---- regression -------------------------------------------------------------------------------------------

    [Fact]
    public void Regression_keeps_the_numbers_as_targets_and_has_no_classes()
    {
        var encoded = Ok(TrainingTask.Regression, Num("y", 1.5, -2, 1e6));
        Assert.Equal([1.5, -2, 1e6], encoded.Targets.ToArray());
        Assert.Empty(encoded.Classes);
        Assert.Equal(new LabelEncoding(TrainingTask.Regression, Seq<string>()), encoded.Encoding);
        Assert.Null(encoded.Encoding.Positive);
    }

    [Fact]
    public void Regression_needs_a_numeric_label() =>
        Assert.Equal(new LabelInvalid("y", "a regression label must be numeric"), Invalid(TrainingTask.Regression, Cat("y", "1.5", "high")));

    [Fact]
    public void Label_texts_are_null_when_missing_and_integral_numbers_have_no_fraction()
    {
        Assert.Equal(new string?[] { "1", null, "2.5", "-3" }, Labels.Texts(Num("y", 1, NaN, 2.5, -3)));
        Assert.Equal(new string?[] { "a", null, null }, Labels.Texts(Cat("y", "a", "", null)));
    }
}
