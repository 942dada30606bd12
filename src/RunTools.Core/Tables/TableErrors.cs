using RunTools.Domain;

namespace RunTools.Tables;

// The errors of tables and table files (codes 1801-1899). In-memory checks (shape, names, rows) carry no path: a
// reader that meets them in a file reports DataFileInvalid with the file as target and this error's text as detail.

public sealed record TableShapeInvalid(string Column, int Rows, int Expected)
    : RunError($"The column '{Excerpt.Of(Column)}' has {Rows} row{(Rows == 1 ? "" : "s")}; the table's first column has {Expected}.", 1801)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Column;
}

/// <summary>Two columns whose names differ only in case collide: they become PowerShell properties, which ignore case.</summary>
public sealed record ColumnNameDuplicate(string Column)
    : RunError($"The column name '{Excerpt.Of(Column)}' appears more than once (names are compared ignoring case).", 1802)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Column;
}

public sealed record ColumnNameInvalid(string Column, int Position, string Reason)
    : RunError($"Column {Position} has an invalid name '{Excerpt.Of(Column)}': {Reason}", 1803)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Column;
}

public sealed record ColumnNotFound(Seq<string> Columns, Seq<string> Available)
    : RunError($"The table has no column{(Columns.Count == 1 ? "" : "s")} {Excerpt.Names(Columns)}; "
               + $"it has {(Available.IsEmpty ? "none" : Excerpt.Names(Available))}.", 1804)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Columns.HeadOrNone().ToNullable();
}

public sealed record RowIndexOutOfRange(int Row, int RowCount)
    : RunError($"Row {Row} does not exist: the table has {RowCount} row{(RowCount == 1 ? "" : "s")} (rows count from 0).", 1805)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Row;
}

/// <summary>A column holds a different kind of value than asked for (or than the rest of the file said).</summary>
/// <param name="Path">The file, when the column came from one.</param>
/// <param name="Row">The row (a CSV line number when read from CSV), when one value is at fault.</param>
public sealed record ColumnTypeMismatch(string? Path, string Column, ColumnKind Expected, ColumnKind? Found, long? Row)
    : RunError($"{(Path is null ? "" : $"'{Excerpt.Path(Path)}': ")}the column '{Excerpt.Of(Column)}' "
               + (Found is { } found ? $"holds {found} values, not {Expected}" : $"has a value that is not {Expected}")
               + (Row is { } row ? $" (row {row})." : "."), 1806)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path ?? Column;
}

public sealed record TableFormatUnsupported(string Path)
    : RunError($"'{Excerpt.Path(Path)}' is not a table file RunTools reads: use .csv, .tsv or .parquet.", 1807)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Path;
}

/// <summary>A column of a type RunTools tables do not hold (a Parquet list, struct, map, repeated or binary column),
/// met where its values are needed: Import-RunTable of the whole table, or writing the table. Reading a file with such
/// a column is not an error in itself; a training refuses it only when a role uses it
/// (<see cref="ColumnRoleUnsupported"/>).</summary>
public sealed record TableColumnUnsupported(string Path, string Column, string Type)
    : RunError($"'{Excerpt.Path(Path)}': the column '{Excerpt.Of(Column)}' has the type {Excerpt.Of(Type)}, which RunTools tables do not hold "
               + "(they hold numbers, integers, text, booleans, dates and timestamps, one value per row).", 1808)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

/// <summary>A malformed CSV record. <paramref name="Line"/> is the physical line (from 1) where the record starts.</summary>
public sealed record CsvRecordInvalid(string Path, long Line, string Detail)
    : RunError($"{Excerpt.Path(Path)}({Line}): {Excerpt.Detail(Detail)}", 1809)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

public sealed record ArtifactNotRegistered(string Path, string Run)
    : RunError($"The run '{Excerpt.Path(Run)}' has no registered artifact '{Excerpt.Path(Path)}'.", 1810)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Path;
}

/// <summary>The artifact exists but is not a table (its kind is not table, predictions or fold_plan).</summary>
public sealed record ArtifactNotTable(string Path, string Found)
    : RunError($"The artifact '{Excerpt.Path(Path)}' is a {Excerpt.Of(Found)} artifact, not a table (table, predictions or fold_plan).", 1811)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Path;
}

/// <summary>A column used in a role its type cannot fill: a list or binary column as anything, a date or timestamp as a
/// feature or label. <paramref name="Role"/> names the role and its setting (e.g. "a feature (data.features)");
/// <paramref name="Advice"/> says what to change.</summary>
public sealed record ColumnRoleUnsupported(string Path, string Column, string Type, string Role, string Advice)
    : RunError($"'{Excerpt.Path(Path)}': the column '{Excerpt.Of(Column)}' is a {Excerpt.Of(Type)} column, which cannot be {Role}: {Advice}", 1812)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Column;
}
