using BenchmarkDotNet.Attributes;
using RunTools.Folds;

namespace RunTools.Benchmarks;

/// <summary>
/// Planning 100,000 rows (20,000 groups, 2,000 time points, a 2% class), 5 outer × 3 inner folds with a production
/// fold, for each kind, and hashing the stratified group plan, against the least any fold assignment does: a seeded
/// shuffle of the row indices and one pass that deals them into 5 folds (what a plain shuffled k-fold is). A nested
/// 5 × 3 plan with a production fold makes 24 folds over 21 times the rows, so linear work shows as ratios of tens;
/// the goal is every kind within 100× the baseline (an O(n²) step would be thousands of times slower).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
public class FoldPlanBenchmarks
{
    const int N = 100_000;
    FoldData data = null!;
    FoldPlan stratifiedGroup = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var labels = new string[N];
        var groups = new string[N];
        var times = new double[N];
        for (var i = 0; i < N; i++)
        {
            var u = random.NextDouble();
            labels[i] = u < 0.02 ? "rare" : u < 0.3 ? "minor" : "major";
            groups[i] = $"patient{random.Next(20_000)}";
            times[i] = random.Next(2_000);
        }
        data = new FoldData(toSeq(Enumerable.Range(0, N).Select(i => $"r{i}").ToArray()), toSeq(labels), toSeq(groups), toSeq(times));
        stratifiedGroup = Plan(FoldKind.StratifiedGroup, FoldKind.Stratified);
    }

    static FoldSpec Spec(FoldKind kind, FoldKind inner)
    {
        var walkForward = kind == FoldKind.WalkForward ? new WalkForwardSpec(WindowKind.Expanding, null, 7, null, 1) : null;
        var innerWalk = inner == FoldKind.WalkForward ? new WalkForwardSpec(WindowKind.Expanding, null, 7, null, 1) : null;
        return new FoldSpec(kind, 5, 1, 42, walkForward is null, walkForward,
            new FoldSpec(inner, 3, 1, 42, innerWalk is null, innerWalk, null, false), true);
    }

    FoldPlan Plan(FoldKind outer, FoldKind inner) =>
        FoldPlanner.Plan(Spec(outer, inner), data).Match(p => p, e => throw new InvalidOperationException(e.Message));

    [Benchmark(Baseline = true, Description = "shuffle 100k indices + deal into 5 folds")]
    public int ShuffleAndDeal()
    {
        var indices = Enumerable.Range(0, N).ToArray();
        new Random(42).Shuffle(indices);
        var folds = new int[N];
        for (var i = 0; i < N; i++) folds[indices[i]] = i % 5;
        return folds[N / 2];
    }

    [Benchmark(Description = "k-fold, nested 5×3")] public int KFold() => Plan(FoldKind.KFold, FoldKind.KFold).Folds.Count;
    [Benchmark(Description = "stratified, nested 5×3")] public int Stratified() => Plan(FoldKind.Stratified, FoldKind.Stratified).Folds.Count;
    [Benchmark(Description = "group, nested 5×3")] public int Group() => Plan(FoldKind.Group, FoldKind.Group).Folds.Count;
    [Benchmark(Description = "stratified group, nested 5×3")] public int StratifiedGroup() => Plan(FoldKind.StratifiedGroup, FoldKind.StratifiedGroup).Folds.Count;
    [Benchmark(Description = "walk-forward, nested 5×3")] public int WalkForward() => Plan(FoldKind.WalkForward, FoldKind.WalkForward).Folds.Count;
    [Benchmark(Description = "content hash of a 2.1M-row plan")] public string Hash() => (stratifiedGroup with { }).ContentHash;
}
