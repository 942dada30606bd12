namespace RunTools.Tables;

/// <summary>A column's name and kind, without its values.</summary>
public sealed record ColumnInfo(string Name, ColumnKind Kind);

/// <summary>A table's shape: its columns in order, and how many rows it has.</summary>
public sealed record TableSchema(Seq<ColumnInfo> Columns, long Rows);

/// <summary>
/// An immutable columnar table: named, typed columns of equal length. Valid by construction: only
/// <see cref="Create(Seq{Column})"/> makes one, and every operation returns another valid table. Column names are
/// non-empty and unique ignoring case, because each becomes a PowerShell property name (and PowerShell ignores case);
/// lookups by name ignore case too. A table with no columns has no rows.
/// </summary>
public sealed record Table
{
    Table(Seq<Column> columns)
    {
        Columns = columns;
        RowCount = columns.IsEmpty ? 0 : columns.Head.Count;
    }

    public static readonly Table Empty = new(Seq<Column>());

    public Seq<Column> Columns { get; }

    public int RowCount { get; }

    public TableSchema Schema => new(Columns.Map(c => new ColumnInfo(c.Name, c.Kind)), RowCount);

    /// <summary>Checks the names (<see cref="CheckNames"/>), then that every column has as many rows as the first.
    /// The first problem found is the error.</summary>
    public static Fin<Table> Create(Seq<Column> columns)
    {
        if (columns.Exists(c => c is null)) throw new ArgumentNullException(nameof(columns), "a column is null");
        return CheckNames(columns.Map(c => c.Name)).Bind(_ =>
            columns.Find(c => c.Count != columns.Head.Count).Match(
                Some: c => FinFail<Table>(new TableShapeInvalid(c.Name, c.Count, columns.Head.Count)),
                None: () => FinSucc(new Table(columns))));
    }

    /// <summary>Column names as a table needs them: non-empty, and unique ignoring case. The first problem found
    /// (in column order) is the error.</summary>
    public static Fin<Seq<string>> CheckNames(Seq<string> names)
    {
        var seen = new System.Collections.Generic.HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        foreach (var name in names)
        {
            position++;
            if (string.IsNullOrEmpty(name)) return FinFail<Seq<string>>(new ColumnNameInvalid(name ?? "", position, "a column needs a name"));
            if (!seen.Add(name)) return FinFail<Seq<string>>(new ColumnNameDuplicate(name));
        }
        return names;
    }

    public static Fin<Table> Create(params Column[] columns) => Create(toSeq(columns));

    /// <summary>The column with this name (ignoring case).</summary>
    public Option<Column> Column(string name) => Columns.Find(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The column with this name as the expected case, e.g. <c>table.Column&lt;NumberColumn&gt;("score")</c>.</summary>
    public Fin<T> Column<T>(string name) where T : Tables.Column =>
        Column(name).Match(
            Some: c => c is T typed
                ? FinSucc(typed)
                : FinFail<T>(new ColumnTypeMismatch(null, c.Name, KindOf<T>(), c.Kind, null)),
            None: () => FinFail<T>(new ColumnNotFound(Seq1(name), Names)));

    /// <summary>These columns, in this order. Every missing name is reported; a name asked for twice is an error.</summary>
    public Fin<Table> Select(Seq<string> names)
    {
        var missing = names.Filter(n => Column(n).IsNone);
        return missing.IsEmpty
            ? Create(names.Map(n => Column(n).Match(c => c, () => throw new InvalidOperationException("checked above"))))
            : FinFail<Table>(new ColumnNotFound(missing, Names));
    }

    public Fin<Table> Select(params string[] names) => Select(toSeq(names));

    /// <summary>The first <paramref name="count"/> rows (all of them if there are fewer; none if count ≤ 0).</summary>
    public Table Take(int count) =>
        count >= RowCount ? this : new Table(Columns.Map(c => c.Slice(0, Math.Max(0, count))));

    /// <summary>The rows whose index satisfies <paramref name="keep"/>, in order.</summary>
    public Table Filter(Func<int, bool> keep)
    {
        var rows = new List<int>(RowCount);
        for (var i = 0; i < RowCount; i++)
            if (keep(i)) rows.Add(i);
        return rows.Count == RowCount ? this : Gather(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
    }

    /// <summary>The rows at these indices (from 0), in this order; an index may repeat.</summary>
    public Fin<Table> Rows(Seq<int> rows)
    {
        var indices = rows.ToArray();
        foreach (var row in indices)
            if (row < 0 || row >= RowCount) return FinFail<Table>(new RowIndexOutOfRange(row, RowCount));
        return Gather(indices);
    }

    /// <summary>The table, when every column holds its values; the first <see cref="UnsupportedColumn"/> (a file's
    /// column of a type no kind holds) otherwise, as <see cref="TableColumnUnsupported"/> of <paramref name="path"/>:
    /// for whatever needs every value (showing the whole table, writing it).</summary>
    public Fin<Table> CheckValues(string path) =>
        Columns.Find(c => c is UnsupportedColumn).Case is UnsupportedColumn unsupported
            ? FinFail<Table>(new TableColumnUnsupported(path, unsupported.Name, unsupported.Type))
            : FinSucc(this);

    Seq<string> Names => Columns.Map(c => c.Name);

    Table Gather(ReadOnlySpan<int> rows)
    {
        var picked = new Tables.Column[Columns.Count];
        var i = 0;
        foreach (var column in Columns) picked[i++] = column.Gather(rows);
        return new Table(toSeq(picked));
    }

    static ColumnKind KindOf<T>() where T : Tables.Column =>
        typeof(T) == typeof(NumberColumn) ? ColumnKind.Number
        : typeof(T) == typeof(IntegerColumn) ? ColumnKind.Integer
        : typeof(T) == typeof(BooleanColumn) ? ColumnKind.Boolean
        : typeof(T) == typeof(DateColumn) ? ColumnKind.Date
        : typeof(T) == typeof(TimestampColumn) ? ColumnKind.Timestamp
        : typeof(T) == typeof(UnsupportedColumn) ? ColumnKind.Unsupported
        : ColumnKind.Text;
}
