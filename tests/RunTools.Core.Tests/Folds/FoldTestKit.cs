using RunTools.Folds;

namespace RunTools.Tests.Folds;

/// <summary>Short constructors for specs, data and expected folds.</summary>
internal static class F
{
    public static FoldSpec Spec(FoldKind kind, int k, bool shuffle = false, ulong seed = 42, int repeats = 1,
        WalkForwardSpec? walkForward = null, FoldSpec? inner = null, bool production = false) =>
        new(kind, k, repeats, seed, shuffle, walkForward, inner, production);

    /// <summary>An inner spec fitting an outer spec with seed 42.</summary>
    public static FoldSpec Inner(FoldKind kind, int k, bool shuffle = false, WalkForwardSpec? walkForward = null) =>
        new(kind, k, 1, 42, shuffle, walkForward, null, false);

    public static WalkForwardSpec Expanding(int? horizon = null, int gap = 0, int minTrain = 1) =>
        new(WindowKind.Expanding, horizon, gap, null, minTrain);

    public static WalkForwardSpec Sliding(int trainSize, int? horizon = null, int gap = 0, int minTrain = 1) =>
        new(WindowKind.Sliding, horizon, gap, trainSize, minTrain);

    /// <summary>Row keys r0, r1, … for n rows.</summary>
    public static Seq<string> Keys(int n) => toSeq(Enumerable.Range(0, n).Select(i => $"r{i}").ToArray());

    public static FoldData Data(int n, string[]? labels = null, string[]? groups = null, double[]? times = null) =>
        new(Keys(n),
            labels is null ? null : toSeq(labels),
            groups is null ? null : toSeq(groups),
            times is null ? null : toSeq(times));

    public static Seq<int> Rows(params int[] rows) => toSeq(rows);

    public static Fold Outer(int outer, Seq<int> train, Seq<int> held, int repeat = 0) => new(repeat, outer, -1, train, held);

    public static Fold InnerFold(int outer, int inner, Seq<int> train, Seq<int> held, int repeat = 0) => new(repeat, outer, inner, train, held);

    /// <summary>The rows 0..n-1 not in <paramref name="held"/>.</summary>
    public static Seq<int> Rest(int n, Seq<int> held) => toSeq(Enumerable.Range(0, n).Where(i => !held.Contains(i)).ToArray());

    public static Seq<int> Rest(Seq<int> of, Seq<int> held) => of.Filter(i => !held.Contains(i));
}
