namespace RunTools.Folds;

// The plan's JSON summary, written next to the plan's Parquet file. Plain records of text, numbers and lists (Seq
// serialises as a JSON array) so System.Text.Json or ConvertTo-Json writes it as it is; kinds are config names.

/// <summary>A fold plan in numbers: the spec, the data's classes, groups and times, and each fold's sides.</summary>
/// <param name="Rows">Row keys in the data.</param>
/// <param name="Classes">The distinct labels in ordinal order (empty without labels); each side counts them in
/// this order.</param>
/// <param name="Groups">Distinct groups in the data (null without groups).</param>
/// <param name="Times">Time range of the data (null without times).</param>
public sealed record FoldSummary(
    FoldSettings Spec,
    string ContentHash,
    int Rows,
    Seq<string> Classes,
    int? Groups,
    TimeRange? Times,
    Seq<FoldStats> Folds);

/// <summary>A fold spec with the config's names (kind: stratified_group, window: sliding).</summary>
public sealed record FoldSettings(
    string Kind,
    int K,
    int Repeats,
    ulong Seed,
    bool Shuffle,
    bool Production,
    WalkForwardSettings? WalkForward,
    FoldSettings? Inner);

public sealed record WalkForwardSettings(string Window, int? Horizon, int Gap, int? TrainSize, int MinTrain);

/// <summary>One fold (as in <see cref="Fold"/>: InnerFold -1 for outer folds, OuterFold -1 for the production
/// fold) with its training side and its held side (role test or validation).</summary>
/// <param name="SharedGroups">Groups with rows on both sides (null without groups): 0 for group kinds; more than
/// 0 shows that another kind let groups straddle training and held rows.</param>
public sealed record FoldStats(int Repeat, int OuterFold, int InnerFold, FoldSide Train, FoldSide Held, int? SharedGroups);

/// <summary>One side of a fold.</summary>
/// <param name="Role">train, test or validation.</param>
/// <param name="Classes">Rows of each class, for every class of <see cref="FoldSummary.Classes"/> in that order
/// (zeros included; empty without labels).</param>
/// <param name="Groups">Distinct groups on this side (null without groups).</param>
/// <param name="Times">Time range on this side (null without times or when the side has no rows with a time).</param>
public sealed record FoldSide(string Role, int Rows, Seq<ClassCount> Classes, int? Groups, TimeRange? Times);

public sealed record ClassCount(string Class, int Rows);

/// <summary>The first and last time, and the number of distinct time points.</summary>
public sealed record TimeRange(double First, double Last, int Points)
{
    /// <summary>First and Last are UTC ticks of instants (dates, timestamps), shown as ISO-8601 UTC (see <see cref="Show"/>;
    /// not a field of its own in JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Instants { get; init; }

    /// <summary>A bound as JSON writes it: ISO-8601 UTC for an instant (<c>2024-01-01T00:00:00.0000000Z</c>), else the number.</summary>
    public object Show(double value) =>
        Instants && value >= DateTime.MinValue.Ticks && value <= DateTime.MaxValue.Ticks
            ? new DateTime((long)value, DateTimeKind.Utc).ToString("O", System.Globalization.CultureInfo.InvariantCulture)
            : value;
}

/// <summary>Builds <see cref="FoldSummary"/> values.</summary>
public static class FoldSummaries
{
    public static FoldSummary Of(FoldPlan plan, FoldData data)
    {
        if (data.RowKeys.Count != plan.RowKeys.Count
            || !data.RowKeys.ToArray().AsSpan().SequenceEqual(plan.RowKeys.ToArray(), StringComparer.Ordinal))
            throw new ArgumentException("The data's row keys are not the ones the fold plan was made for.", nameof(data));
        if (data.Labels?.Count is { } l && l != plan.RowKeys.Count
            || data.Groups?.Count is { } g && g != plan.RowKeys.Count
            || data.Times?.Count is { } t && t != plan.RowKeys.Count)
            throw new ArgumentException("A column of the data does not have one value per row.", nameof(data));
        var columns = FoldColumns.Of(data);
        var counter = new Counter(columns);
        var all = Enumerable.Range(0, columns.Rows).ToArray();
        return new FoldSummary(
            FoldSpecs.Settings(plan.Spec),
            plan.ContentHash,
            columns.Rows,
            toSeq(columns.Classes),
            columns.GroupOf is null ? null : columns.GroupCount,
            counter.Side("all", all).Times,
            toSeq(plan.Folds.Select(counter.Fold).ToArray())); // eager: the counter has scratch state
    }

    /// <summary>Counting with scratch arrays reused across folds: a fold costs time in its rows, not in the
    /// number of classes, groups or time points (but for listing the class counts).</summary>
    private sealed class Counter(FoldColumns columns)
    {
        private readonly int[] classCounts = new int[columns.Classes.Length];
        private readonly int[] groupMark = new int[columns.GroupCount];
        private readonly int[] sharedMark = new int[columns.GroupCount];
        private readonly int[] timeMark = new int[columns.TimePoints.Length];
        private int stamp;

        public FoldStats Fold(Fold fold)
        {
            var train = Side("train", fold.Train);
            int? shared = columns.GroupOf is { } groupOf ? Shared(groupOf, fold.Held) : null;
            var held = Side(fold.IsInner ? "validation" : "test", fold.Held);
            return new FoldStats(fold.Repeat, fold.Outer, fold.Inner, train, held, shared);
        }

        /// <summary>Distinct groups of <paramref name="held"/> that the side counted last (training) also has.</summary>
        private int Shared(int[] groupOf, Seq<int> held)
        {
            var shared = 0;
            foreach (var r in held)
            {
                var g = groupOf[r];
                if (groupMark[g] == stamp && sharedMark[g] != stamp)
                {
                    sharedMark[g] = stamp;
                    shared++;
                }
            }
            return shared;
        }

        public FoldSide Side(string role, IEnumerable<int> rows)
        {
            stamp++;
            var count = 0;
            var groups = 0;
            var points = 0;
            int first = int.MaxValue, last = -1;
            foreach (var r in rows)
            {
                count++;
                if (columns.ClassOf is { } classOf) classCounts[classOf[r]]++;
                if (columns.GroupOf is { } groupOf && groupMark[groupOf[r]] != stamp)
                {
                    groupMark[groupOf[r]] = stamp;
                    groups++;
                }
                if (columns.TimeRank is { } rank && rank[r] >= 0)
                {
                    var t = rank[r];
                    if (timeMark[t] != stamp)
                    {
                        timeMark[t] = stamp;
                        points++;
                    }
                    first = Math.Min(first, t);
                    last = Math.Max(last, t);
                }
            }
            var classes = toSeq(columns.Classes.Select((name, c) => new ClassCount(name, classCounts[c])).ToArray());
            System.Array.Clear(classCounts);
            return new FoldSide(
                role,
                count,
                classes,
                columns.GroupOf is null ? null : groups,
                columns.TimeRank is null || last < 0 ? null : new TimeRange(columns.TimePoints[first], columns.TimePoints[last], points) { Instants = columns.TimesAreInstants });
        }
    }
}
