using System.Diagnostics;
using RunTools.Folds;
using RunTools.Tests.Config;
using Xunit.Abstractions;
using static RunTools.Tests.Folds.F;

namespace RunTools.Tests.Folds;

/// <summary>Runs alone, after the tests that run in parallel, so timings measure the planner and not the machine.</summary>
[CollectionDefinition(nameof(FoldPerformanceTests), DisableParallelization = true)]
public sealed class FoldPerformanceCollection;

/// <summary>100,000 rows (20,000 groups, 2,000 time points, a 2% class), 5 outer × 3 inner folds, production on:
/// each kind plans in well under a second even in a Debug build (the best of three runs, so one slow run does not
/// fail the test; an O(n²) step would take minutes).</summary>
[Collection(nameof(FoldPerformanceTests))]
public sealed class FoldPerformanceTests(ITestOutputHelper output)
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
    public void Plans_100000_rows_nested_5_by_3_in_well_under_a_second(FoldKind outer, FoldKind inner)
    {
        var walkForward = outer == FoldKind.WalkForward;
        var spec = Spec(outer, 5, shuffle: !walkForward, production: true,
            walkForward: walkForward ? Expanding(gap: 7) : null,
            inner: Inner(inner, 3, shuffle: inner != FoldKind.WalkForward, walkForward: inner == FoldKind.WalkForward ? Expanding(gap: 7) : null));
        FoldPlan plan = null!;
        var best = Enumerable.Range(0, 3).Min(_ =>
        {
            var clock = Stopwatch.StartNew();
            plan = Expect.Succ(FoldPlanner.Plan(spec, Big));
            return clock.Elapsed;
        });
        output.WriteLine($"{outer}/{inner}: {best.TotalMilliseconds:0} ms");
        Assert.Equal(6 * 4, plan.Folds.Count);
        Assert.True(best < TimeSpan.FromMilliseconds(500), $"planning took {best.TotalMilliseconds:0} ms");
    }

    [Fact]
    public void Hashes_and_summarises_a_big_plan_in_well_under_a_second()
    {
        var plan = Expect.Succ(FoldPlanner.Plan(Spec(FoldKind.StratifiedGroup, 5, shuffle: true, production: true, inner: Inner(FoldKind.Stratified, 3, shuffle: true)), Big));
        var clock = Stopwatch.StartNew();
        var hash = plan.ContentHash;
        var hashing = clock.Elapsed;
        clock.Restart();
        var summary = plan.Summary(Big);
        var summarising = clock.Elapsed;
        output.WriteLine($"hash {hashing.TotalMilliseconds:0} ms, summary {summarising.TotalMilliseconds:0} ms, rows {plan.Rows().LongCount()}");
        Assert.Equal(24, summary.Folds.Count);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.True(hashing < TimeSpan.FromMilliseconds(800), $"hashing 2.1 million rows took {hashing.TotalMilliseconds:0} ms");
        Assert.True(summarising < TimeSpan.FromMilliseconds(500), $"summarising took {summarising.TotalMilliseconds:0} ms");
    }
}
