using System.Collections.Immutable;
using System.Runtime.InteropServices;
using RunTools.Tables;

namespace RunTools.Shell.Training;

/// <summary>
/// Columns that the tables of a fold plan, a training and an inference share, in the types a user of pandas or DuckDB
/// expects: <c>row_key</c> has the id column's type (its values as they are in the data), or is the data row's index
/// from 0 (int64) when there is no id column.
/// </summary>
public static class OutputColumns
{
    public const string RowKey = "row_key";

    /// <summary>The row key of every row of <paramref name="table"/>: the id column (any type; a missing id stays
    /// missing) named <paramref name="name"/>, or the row index from 0 when there is no id column or the table does
    /// not have it.</summary>
    public static Column Keys(Table table, string? id, string name = RowKey) =>
        id is not null && table.Column(id).Case is Column column
            ? Renamed(column, name)
            : new IntegerColumn(name, ImmutableCollectionsMarshal.AsImmutableArray(Enumerable.Range(0, table.RowCount).Select(i => (long?)i).ToArray()));

    /// <summary>The row keys of a run's data (see <see cref="Keys(Table, string?, string)"/>).</summary>
    public static Column Keys(this DataSet data, string name = RowKey) => Keys(data.Table, data.Schema.Id, name);

    /// <summary>The values of <paramref name="column"/> at these rows (data row indices, which may repeat), in this
    /// order, under another name.</summary>
    public static Column Gather(Column column, IEnumerable<int> rows, string name) =>
        Table.Create(Renamed(column, name)).Bind(t => t.Rows(toSeq(rows))).Map(t => t.Columns.Head)
            .Match(c => c, e => throw new ArgumentOutOfRangeException(nameof(rows), e.Message)); // the callers' rows are the data's

    static Column Renamed(Column column, string name) => column.Name == name ? column : column with { Name = name };
}
