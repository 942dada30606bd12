using RunTools.Domain;

namespace RunTools.Folds;

// Errors of the fold planner (codes 1601-1699). Settings are named by their config key (folds.k, folds.inner.k,
// folds.walk_forward.gap) so the message says which line of the config to change; data columns by their role
// (row key, label, group, time). "Where" is the set of rows being split: "the data", or for inner folds
// "the training rows of outer fold 2 (repeat 0)" / "all rows (production fold)".

/// <summary>A fold setting that cannot be used, whatever the data: <see cref="Key"/> is its config key.</summary>
public sealed record FoldSpecInvalid(string Key, string Detail)
    : RunError($"The fold setting '{Excerpt.Of(Key)}' is not valid: {Excerpt.Detail(Detail)}", 1601)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Key;
}

/// <summary>The fold kind needs a column (label, group or time) that was not given.</summary>
public sealed record FoldColumnMissing(string Column, string FoldKind)
    : RunError($"'{FoldKind}' folds need a {Column} for every row, but no {Column} column was given.", 1602)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Column;
}

/// <summary>A column has a different number of values than there are row keys.</summary>
public sealed record FoldColumnLength(string Column, int Values, int Rows)
    : RunError($"The {Column} column has {Values} value{(Values == 1 ? "" : "s")} for {Rows} row{(Rows == 1 ? "" : "s")}; give exactly one per row.", 1603)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Column;
}

/// <summary>A row key occurs more than once (the first such key, in row order, and how many rows have it).</summary>
public sealed record DuplicateRowKey(string Key, int Rows)
    : RunError($"The row key '{Excerpt.Of(Key)}' is on {Rows} rows; every row needs its own key so the fold plan can name it.", 1604)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Key;
}

/// <summary>Rows without a value in a column the plan needs: an empty (or null) key, label or group, or a time
/// that is NaN or infinite. <see cref="FirstRow"/> is the first such row: its key in quotes, or #n (1-based) when
/// the key itself is missing.</summary>
public sealed record MissingValues(string Column, int Rows, string FirstRow)
    : RunError($"{Rows} row{(Rows == 1 ? " has" : "s have")} no {Column}{(Column == "time" ? " (NaN or infinite)" : "")}; the first is {Excerpt.Of(FirstRow)}. Fill in or drop {(Rows == 1 ? "it" : "them")} before planning folds.", 1605)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Column;
}

/// <summary>Fewer rows than folds.</summary>
public sealed record TooFewRows(int Rows, int Folds, string Setting, string Where)
    : RunError($"Cannot make {Folds} folds ({Setting}) from the {Rows} row{(Rows == 1 ? "" : "s")} of {Where}; lower {Setting} or supply more rows.", 1606)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Setting;
}

/// <summary>Fewer distinct groups than folds (a group's rows always stay in one fold).</summary>
public sealed record TooFewGroups(int Groups, int Folds, string Setting, string Where)
    : RunError($"Cannot make {Folds} group folds ({Setting}) from the {Groups} distinct group{(Groups == 1 ? "" : "s")} of {Where}: the rows of a group stay together, so there must be at least as many groups as folds. Lower {Setting} or use a finer grouping.", 1607)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Setting;
}

/// <summary>A class with fewer rows than folds, so stratified folds cannot all contain it.</summary>
public sealed record ClassTooSmall(string Class, int Count, int Folds, string Setting, string Where)
    : RunError($"The class '{Excerpt.Of(Class)}' has {Count} row{(Count == 1 ? "" : "s")} in {Where}, fewer than the {Folds} stratified folds ({Setting}), so some folds would have none. Lower {Setting}, merge or drop the class, or use kind: kfold.", 1608)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Class;
}

/// <summary>Too few distinct time points for the walk-forward windows. <see cref="Setting"/> is the fold section
/// (folds or folds.inner); <see cref="Detail"/> spells out what the points are needed for.</summary>
public sealed record TooFewTimePoints(int Points, int Needed, string Setting, string Where, string Detail)
    : RunError($"Walk-forward folds ({Setting}) need at least {Needed} distinct time points in {Where}, which has {Points}: {Detail}. Lower {Setting}.k, the horizon, the gap or min_train, or supply more time points.", 1609)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Setting;
}
