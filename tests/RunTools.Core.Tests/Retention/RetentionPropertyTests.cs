using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Domain;
using RunTools.Retention;
using static RunTools.Tests.Retention.R;

namespace RunTools.Tests.Retention;

/// <summary>Invariants of every retention plan, on random runs (keys, ages, locks, live processes, metrics),
/// references among them and from outside, and policies.</summary>
public sealed class RetentionPropertyTests
{
    const int Tests = 500;

    public sealed record Case(RetentionRun[] Runs, RunReference[] References, RetentionPolicy Policy)
    {
        public override string ToString() =>
            $"{Policy}\n{string.Join("\n", Runs.Select(r => $"{r.Name} {r.Key} {r.CreatedAt:O} locked={r.Locked} live={r.Live} m={r.Metrics.Find("m").Map(v => v.ToString()).IfNone("-")}"))}\n"
            + string.Join("\n", References.Select(r => $"{r.By} -> {Runs.First(x => x.Id == r.Run).Name}"));
    }

    static Gen<bool> OneIn(int n) => Gen.Choose(1, n).Select(x => x == 1);

    static Gen<T?> Maybe<T>(Gen<T> gen) where T : struct =>
        from some in OneIn(2)
        from value in gen
        select some ? (T?)value : null;

    static RetentionRun RunOf(int i, string key, int hours, bool locked, bool live, int? value) =>
        new(PathOf($"r{i}"), IdOf($"r{i}"), $"r{i}", key, Now.AddHours(-hours), locked, locked ? "kept" : null, live,
            value is { } v ? HashMap(("m", v / 4.0)) : HashMap<string, double>());

    static readonly Gen<Func<int, RetentionRun>> RunGen =
        from key in Gen.Elements("a", "b", "c")
        from hours in Gen.Choose(0, 60 * 24)
        from locked in OneIn(5)
        from live in OneIn(6)
        from hasMetric in Gen.Choose(1, 3).Select(x => x > 1)
        from value in Gen.Choose(0, 8)
        select (Func<int, RetentionRun>)(i => RunOf(i, key, hours, locked, live, hasMetric ? value : null));

    static readonly Gen<(int Run, int By)> PairGen =
        from run in Gen.Choose(0, 19)
        from referrer in Gen.Choose(0, 23)
        select (run, referrer);

    static readonly Gen<Case> Cases =
        from n in Gen.Choose(0, 20)
        from makers in Gen.ArrayOf(RunGen, n)
        from pairs in Gen.ArrayOf(PairGen, Math.Min(n, 8))
        from olderThan in Maybe(Gen.Choose(0, 60 * 24).Select(h => TimeSpan.FromHours(h)))
        from keepLast in Maybe(Gen.Choose(0, 4))
        from keepBest in Maybe(Gen.Choose(0, 3))
        from lowerIsBetter in OneIn(2)
        from force in OneIn(4)
        let runs = makers.Select((make, i) => make(i)).ToArray()
        // a run referenced by a run made after it (lineage names runs that existed), or (an index past the last run)
        // by a run outside them
        let references = pairs
            .Where(p => p.Run < n && p.By > p.Run)
            .Select(p => p.By < n ? Ref(runs[p.By], runs[p.Run]) : new RunReference(runs[p.Run].Id, $"o{p.By}", PathOf($"o{p.By}"), "input"))
            .ToArray()
        select new Case(runs, references, new RetentionPolicy(olderThan, keepLast, keepBest, keepBest is null ? null : "m", lowerIsBetter, force));

    static IEnumerable<RetentionRun> NewestFirst(IEnumerable<RetentionRun> runs) =>
        runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Name, StringComparer.Ordinal);

    static IEnumerable<RetentionRun> BestFirst(IEnumerable<RetentionRun> runs, RetentionPolicy p) =>
        NewestFirst(runs.Where(r => r.Metrics.ContainsKey("m"))).OrderBy(r => p.LowerIsBetter ? r.Metrics["m"] : -r.Metrics["m"]);

    [Property(MaxTest = Tests)]
    public Property Every_plan_keeps_what_the_rules_and_protections_say() => Prop.ForAll(Arb.From(Cases), c =>
    {
        var decided = RetentionPlan.Decide(toSeq(c.Runs), toSeq(c.References), c.Policy, Now);
        if (decided.IsFail)
        {
            // Only a -KeepBest metric that none of the runs has is refused.
            Assert.True(c.Policy.KeepBest is not null && c.Runs.Length > 0 && c.Runs.All(r => !r.Metrics.ContainsKey("m")), c.ToString());
            return;
        }
        var plan = (RetentionPlan)decided;
        var byPath = c.Runs.ToDictionary(r => r.Path);
        var removed = plan.Removals.Map(d => d.Path).ToHashSet();

        Assert.Equal(c.Runs.Select(r => r.Path).Order(), plan.Decisions.Map(d => d.Path).Order());
        foreach (var path in removed)
        {
            var run = byPath[path];
            Assert.False(run.Locked, $"{run.Name} is locked but removed\n{c}");
            if (c.Policy.OlderThan is { } limit) Assert.True(Now - run.CreatedAt > limit, $"{run.Name} is not old enough\n{c}");
            if (c.Policy.Force) continue;
            Assert.False(run.Live, $"{run.Name} is live but removed\n{c}");
            var holders = c.References.Where(r => r.Run == run.Id && r.ByPath != path && !removed.Contains(r.ByPath)).ToList();
            Assert.True(holders.Count == 0, $"{run.Name} is removed but {string.Join(", ", holders.Select(h => h.By))} stay and reference it\n{c}");
        }
        foreach (var group in c.Runs.GroupBy(r => r.Key))
        {
            if (c.Policy.KeepLast is { } n)
                Assert.All(NewestFirst(group).Take(n), r => Assert.DoesNotContain(r.Path, removed));
            if (c.Policy.KeepBest is { } k)
                Assert.All(BestFirst(group, c.Policy).Take(k), r => Assert.DoesNotContain(r.Path, removed));
        }
        // Removed in an order where a run goes after the removed runs that reference it.
        var order = plan.Removals.Map(d => d.Path).Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var pathOf = c.Runs.ToDictionary(r => r.Id, r => r.Path);
        foreach (var r in c.References.Where(r => order.ContainsKey(r.ByPath) && order.ContainsKey(pathOf[r.Run])))
            Assert.True(order[r.ByPath] < order[pathOf[r.Run]], $"{r.By} is removed after the run it references\n{c}");
        Assert.True(c.Policy.HasRules ? plan.Refusals.IsEmpty : plan.Refusals.Count == plan.Decisions.Count - plan.Removals.Count, c.ToString());
    });

    [Property(MaxTest = Tests)]
    public Property KeepLast_alone_keeps_exactly_the_N_newest_runs_of_each_key() => Prop.ForAll(Arb.From(Cases), Arb.From(Gen.Choose(0, 5)), (c, n) =>
    {
        var runs = c.Runs.Select(r => r with { Locked = false, Live = false }).ToArray();
        var plan = Config.Expect.Succ(RetentionPlan.Decide(toSeq(runs), Seq<RunReference>(), new RetentionPolicy(null, n, null, null, false, false), Now));

        foreach (var group in runs.GroupBy(r => r.Key))
        {
            var kept = plan.Decisions.Filter(d => d.Key == group.Key && d.ActionKind == RetentionAction.Keep).Map(d => d.Path).Order();
            Assert.Equal(NewestFirst(group).Take(n).Select(r => r.Path).Order(), kept);
            Assert.Equal(Math.Min(n, group.Count()), kept.Count());
        }
        Assert.All(plan.Decisions, d => Assert.Equal(d.ActionKind == RetentionAction.Keep ? RetentionReason.Newest : RetentionReason.NotKept, d.ReasonKind));
    });

    [Fact]
    public void The_generated_cases_remove_runs_and_exercise_every_protection()
    {
        // a fixed sample, so the counts are the same on every run
        var plans = Gen.Sample(Cases, 500, new Rnd(2026), 20)
            .Select(c => RetentionPlan.Decide(toSeq(c.Runs), toSeq(c.References), c.Policy, Now))
            .Where(p => p.IsSucc).Select(p => (RetentionPlan)p).ToList();
        var decisions = plans.SelectMany(p => p.Decisions).ToList();

        Assert.True(plans.Count(p => !p.Removals.IsEmpty) > 250, $"only {plans.Count(p => !p.Removals.IsEmpty)} plans remove a run");
        foreach (var reason in Enum.GetValues<RetentionReason>())
            Assert.True(decisions.Count(d => d.ReasonKind == reason) > 30, $"only {decisions.Count(d => d.ReasonKind == reason)} decisions for {reason}");
        Assert.True(decisions.Count(d => d.ActionKind == RetentionAction.Remove && d.Detail.Contains("removed with -Force")) > 30);
    }
}
