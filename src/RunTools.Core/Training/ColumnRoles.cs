using System.Collections.Immutable;
using System.Globalization;
using RunTools.Domain;
using RunTools.Tables;

namespace RunTools.Training;

/// <summary>
/// What each data role makes of each column kind. Every function takes the column as the data file held it and the
/// file's path (for the error), and refuses a kind the role cannot use with <see cref="ColumnRoleUnsupported"/>,
/// naming the column, its type and the setting to change.
/// <code>
///                features / label       id, group                time
/// number         numeric                its text ("R")           the value
/// integer        numeric                its text                 the value
/// boolean        numeric 0/1            true / false             0/1
/// text           categorical            the text                 parsed as ISO-8601 (to UTC ticks)
/// date           refused (derive)       yyyy-MM-dd               midnight UTC, in ticks
/// timestamp      refused (derive)       ISO-8601 (Z when UTC)    the instant, in UTC ticks
/// unsupported    refused                refused                  refused
/// </code>
/// A column no role names (an excluded one) is never looked at, whatever its kind.
/// </summary>
public static class ColumnRoles
{
    /// <summary>A feature: numbers, integers and booleans (0/1) are numeric; text is categorical.</summary>
    public static Fin<FeatureSource> Feature(Column column, string path) => column switch
    {
        NumberColumn or IntegerColumn or BooleanColumn or TextColumn => FinSucc(Source(column)),
        DateColumn or TimestampColumn => FinFail<FeatureSource>(new ColumnRoleUnsupported(path, column.Name, TypeName(column), "a feature (data.features)",
            $"a model cannot use a {(column is DateColumn ? "date" : "timestamp")} as it is. Add '{column.Name}' to data.exclude (or leave it out of "
            + "data.features) and derive number columns from it in the data file, such as the day of the week, the month or the seconds since "
            + $"1970 (pandas: df['{column.Name}'].dt.dayofweek, .dt.month, .astype('int64') // 10**9); to order the folds by it, make it "
            + "data.time (folds.kind: walk_forward).")),
        _ => FinFail<FeatureSource>(Refused(column, path, "a feature (data.features)",
            $"add '{column.Name}' to data.exclude (or leave it out of data.features).")),
    };

    /// <summary>The label: what a feature accepts (numbers, integers, booleans, text); never a date, timestamp or an
    /// unsupported column.</summary>
    public static Fin<FeatureSource> Label(Column column, string path) => column switch
    {
        NumberColumn or IntegerColumn or BooleanColumn or TextColumn => FinSucc(Source(column)),
        _ => FinFail<FeatureSource>(Refused(column, path, "the label (data.label)",
            "a label holds numbers, integers, booleans or text; set data.label to such a column.")),
    };

    /// <summary>The group column: numbers, integers and booleans as they are; text, dates and timestamps as their text
    /// (so two rows are in one group when their values are equal).</summary>
    public static Fin<FeatureSource> Group(Column column, string path) => column switch
    {
        NumberColumn or IntegerColumn or BooleanColumn or TextColumn => FinSucc(Source(column)),
        DateColumn or TimestampColumn => FinSucc<FeatureSource>(new CategoricalSource(column.Name, ImmutableCollectionsMarshal(Texts(column)))),
        _ => FinFail<FeatureSource>(Refused(column, path, "the group column (data.group)",
            "set data.group to a column of numbers, integers, booleans, text, dates or timestamps, or remove it.")),
    };

    /// <summary>The walk-forward time column, as UTC ticks for dates (midnight), timestamps and text (ISO-8601,
    /// read as UTC when it has no offset), or as the numbers themselves; missing is NaN.</summary>
    public static Fin<FeatureSource> Time(Column column, string path) => column switch
    {
        DateColumn d => FinSucc<FeatureSource>(new NumericSource(d.Name,
            d.Values.Select(v => v is { } x ? (double)DateColumn.Ticks(x) : double.NaN).ToImmutableArray())),
        TimestampColumn t => FinSucc<FeatureSource>(new NumericSource(t.Name,
            t.Values.Select(v => v is { } x ? (double)x.Ticks : double.NaN).ToImmutableArray())),
        TextColumn text => text.Values.Select((v, row) => v is null
                ? FinSucc(double.NaN)
                : DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? FinSucc((double)at.UtcTicks)
                    : FinFail<double>(new DataFileInvalid(path, $"the time column '{text.Name}' has '{v}' on data row {row + 1}, which is neither a number nor a date")))
            .ToSeq().Sequence().Map(values => (FeatureSource)new NumericSource(text.Name, values.ToImmutableArray())),
        NumberColumn or IntegerColumn or BooleanColumn => FinSucc(Source(column)),
        _ => FinFail<FeatureSource>(Refused(column, path, "the time column (data.time)",
            "set data.time to a column of dates, timestamps or numbers, or remove it.")),
    };

    /// <summary>The time column holds instants (dates, timestamps or ISO-8601 text) rather than plain numbers: a fold
    /// plan's summary then shows its range as ISO-8601 UTC.</summary>
    public static bool IsInstant(Column column) => column is DateColumn or TimestampColumn or TextColumn;

    /// <summary>The id column's values as text (null when missing): ISO-8601 for dates and timestamps.</summary>
    public static Fin<string?[]> Keys(Column column, string path) => column is UnsupportedColumn
        ? FinFail<string?[]>(Refused(column, path, "the id column (data.id)",
            "set data.id to a column of integers, text, dates or timestamps, or remove it (rows are then keyed by their number)."))
        : FinSucc(Texts(column));

    /// <summary>Column values as text (null when missing, and for every row of an unsupported column): what fold plans
    /// stratify and group by and what row keys are made of. Numbers round-trip ("R"), booleans are true/false, dates
    /// and timestamps are ISO-8601 (<see cref="DateColumn.Format"/>, <see cref="TimestampColumn.Format"/>); empty text
    /// is missing.</summary>
    public static string?[] Texts(Column column) => column switch
    {
        NumberColumn n => n.Values.Select(v => double.IsNaN(v) ? null : v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
        IntegerColumn i => i.Values.Select(v => v?.ToString(CultureInfo.InvariantCulture)).ToArray(),
        BooleanColumn b => b.Values.Select(v => v is { } x ? (x ? "true" : "false") : null).ToArray(),
        TextColumn t => t.Values.Select(v => string.IsNullOrEmpty(v) ? null : v).ToArray(),
        DateColumn d => d.Values.Select(v => v is { } x ? DateColumn.Format(x) : null).ToArray(),
        TimestampColumn t => t.Values.Select(v => v is { } x ? TimestampColumn.Format(x, t.Zone) : null).ToArray(),
        _ => new string?[column.Count],
    };

    /// <summary>The column's type as an error names it: number, integer, boolean, text, date, timestamp (UTC),
    /// timestamp (naive), or the file's type of an unsupported column.</summary>
    public static string TypeName(Column column) => column switch
    {
        TimestampColumn t => t.Zone == TimestampZone.Utc ? "timestamp (UTC)" : "timestamp (naive)",
        UnsupportedColumn u => u.Type,
        _ => column.Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Numbers, integers and booleans (0/1) as numeric values, text as categories.</summary>
    static FeatureSource Source(Column column) => column switch
    {
        NumberColumn n => new NumericSource(n.Name, n.Values),
        IntegerColumn i => new NumericSource(i.Name, i.Values.Select(v => v is { } x ? (double)x : double.NaN).ToImmutableArray()),
        BooleanColumn b => new NumericSource(b.Name, b.Values.Select(v => v is { } x ? (x ? 1.0 : 0.0) : double.NaN).ToImmutableArray()),
        TextColumn t => new CategoricalSource(t.Name, t.Values),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Kind, "only number, integer, boolean and text columns are sources as they are"),
    };

    static ColumnRoleUnsupported Refused(Column column, string path, string role, string advice) =>
        new(path, column.Name, TypeName(column), role, advice);

    static ImmutableArray<string?> ImmutableCollectionsMarshal(string?[] values) =>
        System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(values);
}
