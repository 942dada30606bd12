namespace RunTools.Folds;

/// <summary>How rows are split into folds.</summary>
public enum FoldKind { KFold, Stratified, Group, StratifiedGroup, WalkForward }

/// <summary>How a walk-forward training window moves: from the first time point on, or a fixed number of points.</summary>
public enum WindowKind { Expanding, Sliding }

/// <summary>Walk-forward settings, all counted in distinct time points.</summary>
/// <param name="Horizon">Time points in each test window (null: m / (k + 1) of the m distinct time points).</param>
/// <param name="Gap">Time points skipped between the end of training and the test window.</param>
/// <param name="TrainSize">Time points in a sliding window (required for <see cref="WindowKind.Sliding"/>, not
/// allowed for <see cref="WindowKind.Expanding"/>); the first windows may be shorter when fewer points precede them.</param>
/// <param name="MinTrain">Minimum training time points (training is never empty, so 0 acts as 1).</param>
public sealed record WalkForwardSpec(WindowKind Window, int? Horizon, int Gap, int? TrainSize, int MinTrain)
{
    /// <summary>Expanding windows, horizon m / (k + 1), no gap, at least one training point.</summary>
    public static readonly WalkForwardSpec Default = new(WindowKind.Expanding, null, 0, null, 1);
}

/// <summary>What fold plan to make. <see cref="Inner"/> makes the plan nested: inner folds of the inner kind are
/// planned over each outer fold's training rows. The inner spec must have the outer <see cref="Seed"/>, one repeat,
/// no production fold and no inner spec of its own (its folds' seeds derive from the outer seed, repeat and fold).
/// <see cref="WalkForward"/> is only for <see cref="FoldKind.WalkForward"/>; null there means
/// <see cref="WalkForwardSpec.Default"/>.</summary>
public sealed record FoldSpec(
    FoldKind Kind,
    int Folds,
    int Repeats,
    ulong Seed,
    bool Shuffle,
    WalkForwardSpec? WalkForward,
    FoldSpec? Inner,
    bool Production);

/// <summary>The rows to plan folds for. Each column, when given, has one value per row key.</summary>
/// <param name="Labels">Class label per row, as text (for stratification).</param>
/// <param name="Groups">Group id per row (rows of a group never straddle training and held-out rows).</param>
/// <param name="Times">Sortable time per row (walk-forward); equal times are one time point.</param>
public sealed record FoldData(Seq<string> RowKeys, Seq<string>? Labels, Seq<string>? Groups, Seq<double>? Times)
{
    /// <summary>The times are instants (UTC ticks of dates and timestamps), not plain numbers: summaries show them as
    /// ISO-8601 UTC.</summary>
    public bool TimesAreInstants { get; init; }
}

/// <summary>One fold: indices into the <see cref="FoldData"/> rows, ascending.
/// <see cref="Inner"/> == -1 for an outer fold (<see cref="Held"/> = its test rows); <see cref="Inner"/> &gt;= 0 for
/// an inner fold of outer fold <see cref="Outer"/> (Train/Held = inner training/validation rows, all taken from that
/// outer fold's Train). <see cref="Outer"/> == -1 is the production fold (Repeat 0, all rows train, Held empty)
/// and, when the spec is nested, its inner folds over all rows.</summary>
public sealed record Fold(int Repeat, int Outer, int Inner, Seq<int> Train, Seq<int> Held)
{
    public bool IsProduction => Outer == -1;
    public bool IsInner => Inner >= 0;
}

/// <summary>The role a row plays in a fold: Held rows are Test in outer folds and Validation in inner folds.</summary>
public enum FoldRole { Train, Test, Validation }

/// <summary>One line of the plan's table (the Parquet file): a row's role in one fold. <see cref="Row"/> is the data
/// row's index (from 0), <see cref="RowKey"/> its key. A value type: a plan has folds × rows of them.</summary>
public readonly record struct FoldPlanRow(int Repeat, int OuterFold, int InnerFold, int Row, string RowKey, FoldRole Role);
