using RunTools.Folds;
using RunTools.Tests.Config;
using static RunTools.Tests.Folds.F;

namespace RunTools.Tests.Folds;

/// <summary>Plans at scale: 100,000 rows (20,000 groups, 2,000 time points, a 2% class), 5 outer × 3 inner folds,
/// production on, for every kind, with the plan's shape and its content hash checked. How fast is measured in the
/// benchmarks (FoldPlanBenchmarks, a ratio against a shuffle-and-deal baseline), never asserted here: a busy machine
/// must not fail a test.</summary>
public sealed class FoldPerformanceTests
{
    private const int N = 100_000;

    private static readonly FoldData Big = BigData();

    private static FoldData BigData()
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
        return new FoldData(Keys(N), toSeq(labels), toSeq(groups), toSeq(times));
    }

    [Theory]
    [InlineData(FoldKind.KFold, FoldKind.KFold)]
    [InlineData(FoldKind.Stratified, FoldKind.Stratified)]
    [InlineData(FoldKind.Group, FoldKind.Group)]
    [InlineData(FoldKind.StratifiedGroup, FoldKind.StratifiedGroup)]
    [InlineData(FoldKind.WalkForward, FoldKind.WalkForward)]
    [InlineData(FoldKind.StratifiedGroup, FoldKind.WalkForward)]
    public void Plans_100000_rows_nested_5_by_3(FoldKind outer, FoldKind inner)
    {
        var walkForward = outer == FoldKind.WalkForward;
        var spec = Spec(outer, 5, shuffle: !walkForward, production: true,
            walkForward: walkForward ? Expanding(gap: 7) : null,
            inner: Inner(inner, 3, shuffle: inner != FoldKind.WalkForward, walkForward: inner == FoldKind.WalkForward ? Expanding(gap: 7) : null));
        var plan = Expect.Succ(FoldPlanner.Plan(spec, Big));
        Assert.Equal(6 * 4, plan.Folds.Count);
        // Every outer fold's held-out rows and the training rows of its inner folds partition its rows.
        foreach (var outerFold in plan.Folds.Filter(f => f.Inner == -1 && f.Outer >= 0))
            Assert.Empty(outerFold.Train.Intersect(outerFold.Held));
        Assert.Equal(plan.ContentHash, Expect.Succ(FoldPlanner.Plan(spec, Big)).ContentHash);
    }

    [Fact]
    public void Hashes_and_summarises_a_big_plan()
    {
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.StratifiedGroup, 5, shuffle: true, production: true, inner: Inner(FoldKind.Stratified, 3, shuffle: true)), Big));
        var summary = plan.Summary(Big);
        Assert.Equal(24, summary.Folds.Count);
        Assert.Matches("^[0-9a-f]{64}$", plan.ContentHash);
        Assert.True(plan.Rows().LongCount() > 2_000_000);
    }
}
