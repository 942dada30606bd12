using RunTools.Domain;

namespace RunTools.Training;

// Errors of training and scoring: codes 1901-1999 (1999 is UnexpectedFailure).

public sealed record LabelInvalid(string Column, string Detail)
    : RunError($"The label column '{Excerpt.Of(Column)}' cannot be used: {Excerpt.Detail(Detail)}.", 1901)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Column;
}

/// <summary>The training settings do not fit the fold plan or the data (several candidates without inner folds, an
/// outer fold whose inner folds all lack a class, a leaf class under two parents, ...). Found before the training
/// stage starts, so -WhatIf reports it and no stage is recorded as started and failed.</summary>
/// <param name="Key">The setting to change: <c>training.candidates</c>, <c>training.mode</c>, <c>folds.inner</c>, ...</param>
public sealed record TrainingSpecInvalid(string Key, string Detail)
    : RunError($"Training cannot run: {Detail} ({Key}).", 1902)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Key;
}

public sealed record ModelNotFound(string Run, string Model, Seq<string> Available)
    : RunError($"Run '{Excerpt.Path(Run)}' has no model '{Excerpt.Of(Model)}'" +
               (Available.IsEmpty ? " (it has no trained models: run Invoke-RunTraining first)." : $"; it has: {Excerpt.Names(Available, quoted: false)}."), 1903)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Model;
}

/// <summary>New data does not have what the model was trained on: every missing column and every column that should
/// be numeric but holds text, named together, each of those with its first value that is not a number and its data
/// row.</summary>
public sealed record InputSchemaMismatch(string Path, Seq<string> Missing, Seq<NonNumericCell> Mistyped)
    : RunError($"'{Excerpt.Path(Path)}' does not match the model's features." +
               (Missing.IsEmpty ? "" : $" Missing: {Excerpt.Names(Missing, quoted: false)}.") +
               (Mistyped.IsEmpty ? "" : $" Not numeric: {string.Join("; ", Mistyped.Take(10).Map(c => c.Describe()))}{(Mistyped.Count > 10 ? $"; and {Mistyped.Count - 10} more" : "")}."), 1904)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

/// <summary>A column the model reads as numbers that holds something else: its first value that is not a number
/// (null when every value is one, as in a text column of numbers) with that value's data row, from 1 (the first row
/// after a CSV header), and the column's type as the file gave it.</summary>
public sealed record NonNumericCell(string Column, long? Row, string? Value, string Type = "text")
{
    public string Describe() => Row is { } row
        ? $"{Excerpt.Of(Column)} ('{Excerpt.Of(Value ?? "")}' on data row {row})"
        : $"{Excerpt.Of(Column)} (a {Type} column)";

    /// <summary>The first non-empty value (of a column of type <paramref name="type"/>, as text) that does not read
    /// as a number (invariant culture; NaN and infinities read as numbers), with its data row.</summary>
    public static NonNumericCell First(string column, System.Collections.Immutable.ImmutableArray<string?> values, string type = "text")
    {
        for (var i = 0; i < values.Length; i++)
            if (values[i] is { Length: > 0 } v
                && !double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                return new NonNumericCell(column, i + 1, v, type);
        return new NonNumericCell(column, null, null, type);
    }
}
