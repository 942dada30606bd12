using RunTools.Domain;
using static System.FormattableString;

namespace RunTools.Evaluation;

// Errors of the evaluation functions (metrics, summaries, SMOTE, conformal calibration): codes 1701-1799.
// Numbers in messages are written with the invariant culture, so an error reads the same on every machine.

/// <summary>An input has a different number of values than the one it is paired with (the labels).</summary>
public sealed record EvaluationLengthMismatch(string What, int Expected, int Actual)
    : RunError(Invariant($"'{What}' has {Actual} value(s) but {Expected} were expected."), 1701)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => What;
}

/// <summary>An input has no rows; no metric is defined on nothing.</summary>
public sealed record EvaluationInputEmpty(string What)
    : RunError($"'{What}' is empty; at least one row is needed.", 1702)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => What;
}

/// <summary>A probability is NaN or outside [0, 1].</summary>
public sealed record EvaluationProbabilityInvalid(string What, int Index, double Value)
    : RunError(Invariant($"{What}[{Index}] is {Value}; a probability must be a number in [0, 1]."), 1703)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => What;
}

/// <summary>A value that must be a finite number is NaN or infinite.</summary>
public sealed record EvaluationValueNotFinite(string What, int Index, double Value)
    : RunError(Invariant($"{What}[{Index}] is {Value}; a finite number is required."), 1704)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => What;
}

/// <summary>A class label is outside 0 .. classes-1.</summary>
public sealed record EvaluationLabelOutOfRange(string What, int Index, int Label, int Classes)
    : RunError(Invariant($"{What}[{Index}] is {Label}; class labels must lie in 0..{Classes - 1}."), 1705)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => What;
}

/// <summary>A scalar argument (threshold, alpha, k, class count, ratio) is outside its domain.</summary>
public sealed record EvaluationArgumentInvalid(string Parameter, double Value, string Detail)
    : RunError(Invariant($"The argument '{Parameter}' = {Value} is not valid: {Detail}"), 1706)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Parameter;
}

/// <summary>A feature row is missing (null) or has a different width than row 0.</summary>
public sealed record EvaluationFeatureRowInvalid(int Row, string Detail)
    : RunError(Invariant($"Feature row {Row} is not valid: {Detail}"), 1707)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Row;
}
