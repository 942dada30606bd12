using System.Globalization;
using LanguageExt.Common;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Retention;

/// <summary>A run as retention sees it.</summary>
/// <param name="Path">The run directory: a run's identity here (a copied run has the same id in two places).</param>
/// <param name="Live">A live process is working on the run (its observed status is running).</param>
/// <param name="Metrics">The last value of each metric.</param>
public sealed record RetentionRun(string Path, Guid Id, string Name, string Key, DateTimeOffset CreatedAt, bool Locked, string? LockReason,
    bool Live, HashMap<string, double> Metrics)
{
    public static RetentionRun Of(RunManifest m, string path, bool live) =>
        new(path, m.RunId, m.Name, m.Key, m.CreatedAt, m.Locked, m.LockReason, live, toHashMap(m.Metrics.Map(x => (x.Name, x.Last))));
}

/// <summary>A run's lineage naming another run: the run <see cref="By"/> (at <see cref="ByPath"/>) was derived from
/// the run with id <see cref="Run"/>, as its <see cref="Relation"/> (upstream, model, input).</summary>
public sealed record RunReference(Guid Run, string By, string ByPath, string Relation)
{
    /// <summary>The references the run at <paramref name="path"/> makes, one per run it names.</summary>
    public static Seq<RunReference> Of(RunManifest m, string path) =>
        toSeq(m.Lineage.GroupBy(l => l.RunId).Select(g => new RunReference(g.Key, m.Name, path, string.Join(", ", g.Select(l => l.Relation).Distinct()))))
            .Strict();

    public override string ToString() => $"{By} ({Relation})";
}

public enum RetentionAction { Keep, Remove }

/// <summary>Why a run is kept or removed. Removed: <see cref="Requested"/> (no rule: the run was named),
/// <see cref="Expired"/> (older than -OlderThan and kept by no rule), <see cref="NotKept"/> (kept by no rule). Kept:
/// <see cref="Recent"/> (not older than -OlderThan), <see cref="Newest"/> (-KeepLast), <see cref="Best"/> (-KeepBest),
/// and, for a run the policy would remove, <see cref="Locked"/>, <see cref="Running"/>, <see cref="Referenced"/>.</summary>
public enum RetentionReason { Requested, Expired, NotKept, Recent, Newest, Best, Locked, Running, Referenced }

/// <summary>What retention does with one run, and why. Remove-Run -PassThru writes one for every run it considered.</summary>
/// <param name="detail">The reason in words (the text -WhatIf and -Verbose show).</param>
/// <param name="referencedBy">The runs whose lineage names this one and that stay.</param>
public sealed class RetentionDecision(
    RetentionAction action,
    RetentionReason reason,
    string name,
    string key,
    DateTimeOffset createdAt,
    string detail,
    Seq<string> referencedBy,
    Guid id,
    string path) : IEquatable<RetentionDecision>
{
    /// <summary>Keep or Remove: the name of a <see cref="RetentionAction"/> (a string, so ConvertTo-Json writes "Remove", not 1).</summary>
    public string Action { get; } = action.ToString();
    /// <summary>The name of a <see cref="RetentionReason"/>: Requested, Expired, NotKept, Recent, Newest, Best, Locked, Running or Referenced.</summary>
    public string Reason { get; } = reason.ToString();
    /// <summary>The action, typed, for C# code. Internal, so PowerShell sees only the string.</summary>
    internal RetentionAction ActionKind { get; } = action;
    /// <summary>The reason, typed, for C# code. Internal, so PowerShell sees only the string.</summary>
    internal RetentionReason ReasonKind { get; } = reason;
    public string Name { get; } = name;
    public string Key { get; } = key;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public string Detail { get; } = detail;
    public Seq<string> ReferencedBy { get; } = referencedBy;
    public Guid Id { get; } = id;
    public string Path { get; } = path;
    /// <summary>Whether Remove-Run removed the run (false in a plan, for a kept run, or when the removal was declined
    /// or failed).</summary>
    public bool Removed { get; private init; }

    /// <summary>A copy that says whether the run was removed.</summary>
    public RetentionDecision WithRemoved(bool removed) => new(ActionKind, ReasonKind, Name, Key, CreatedAt, Detail, ReferencedBy, Id, Path) { Removed = removed };

    public override string ToString() => Name;

    object Fields => (Action, Reason, Name, Key, CreatedAt, Detail, ReferencedBy, Id, Path, Removed);
    public bool Equals(RetentionDecision? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as RetentionDecision);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A run that was named for removal and cannot be removed, with the error that says why.</summary>
public sealed record RetentionRefusal(string Path, RunError Error);

/// <summary>The decisions for every run, in the order to carry them out (a run after the runs that reference it, else
/// oldest first), and, when no rule was given, the errors for the named runs that cannot be removed.</summary>
public sealed record RetentionPlan(Seq<RetentionDecision> Decisions, Seq<RetentionRefusal> Refusals)
{
    public Seq<RetentionDecision> Removals => Decisions.Filter(d => d.ActionKind == RetentionAction.Remove);

    /// <summary>
    /// Applies a policy to runs. A run is removed when it passes the filter (older than -OlderThan), is kept by no keep
    /// rule (-KeepLast, -KeepBest, per key), and <see cref="Removable"/> allows it: it is not locked, and (unless
    /// forced) no live process works on it and no run that stays references it. A reference from a run this plan
    /// removes does not count, so a run can go together with the runs derived from it.
    /// </summary>
    /// <param name="runs">The runs the policy applies to (a run given twice counts once).</param>
    /// <param name="references">What the runs around them (at least every run under their roots) reference.</param>
    /// <param name="now">The clock, for -OlderThan.</param>
    public static Fin<RetentionPlan> Decide(Seq<RetentionRun> runs, Seq<RunReference> references, RetentionPolicy policy, DateTimeOffset now)
    {
        var scope = toSeq(runs.DistinctBy(r => r.Path, StringComparer.Ordinal)).Strict();
        if (policy is { KeepBest: not null, Metric: { } metric } && !scope.IsEmpty && !scope.Exists(r => r.Metrics.ContainsKey(metric)))
            return FinFail<RetentionPlan>(new RetentionPolicyInvalid("Metric",
                $"none of the {scope.Count} runs has the metric '{metric}', so -KeepBest would keep none of them; check the metric's name (Get-RunMetric)"));

        var ranks = Ranks(scope, policy);
        var byPath = scope.ToDictionary(r => r.Path, StringComparer.Ordinal);
        var referencedBy = references.GroupBy(r => r.Run).ToDictionary(g => g.Key, g => toSeq(g.DistinctBy(r => r.ByPath, StringComparer.Ordinal)).Strict());

        // The runs the policy would remove and that are neither locked nor (unless forced) live. Then the runs that stay
        // hold on to what they reference: every run that a run outside the set references leaves the set, until none
        // does (the set only shrinks, so this ends).
        var removed = scope.Filter(r => KeptByPolicy(r, ranks, policy, now).IsNone && Removable(r, Seq<RunReference>(), policy.Force).IsSucc)
            .Map(r => r.Path).ToHashSet(StringComparer.Ordinal);
        Seq<RunReference> Holders(RetentionRun run) =>
            referencedBy.TryGetValue(run.Id, out var refs) ? refs.Filter(r => r.ByPath != run.Path && !removed.Contains(r.ByPath)) : Seq<RunReference>();
        for (var changed = !policy.Force; changed;)
        {
            changed = false;
            foreach (var path in removed.Where(p => !Holders(byPath[p]).IsEmpty).ToList())
                changed |= removed.Remove(path);
        }

        var decisions = Ordered(scope, referencedBy).Map(run => KeptByPolicy(run, ranks, policy, now).Match(
            Some: kept => Decision(run, RetentionAction.Keep, kept.Reason, kept.Detail, Seq<RunReference>()),
            None: () => Removable(run, Holders(run), policy.Force).Match(
                Succ: _ => Decision(run, RetentionAction.Remove,
                    policy.OlderThan is not null ? RetentionReason.Expired : policy.HasRules ? RetentionReason.NotKept : RetentionReason.Requested,
                    RemoveDetail(run, ranks, policy, now) + Forced(run, referencedBy, policy), Seq<RunReference>()),
                Fail: refusal => Decision(run, RetentionAction.Keep, Protection(refusal), ProtectionDetail(run, Holders(run)), Holders(run)))))
            .Strict();
        // Without a rule the runs were named for removal: one that cannot go is an error, not a run the policy keeps.
        var refusals = policy.HasRules
            ? Seq<RetentionRefusal>()
            : decisions.Filter(d => d.ActionKind == RetentionAction.Keep).Choose(d =>
                Removable(byPath[d.Path], Holders(byPath[d.Path]), policy.Force).Match(_ => None, e => Some(new RetentionRefusal(d.Path, (RunError)e))));
        return new RetentionPlan(decisions, refusals);
    }

    /// <summary>Whether a run may be removed: never when it is locked (not even with force); with force only when a
    /// live process works on it or when runs that stay reference it.</summary>
    /// <param name="referencedBy">The references to the run from runs that stay.</param>
    public static Fin<Unit> Removable(RetentionRun run, Seq<RunReference> referencedBy, bool force) =>
        run.Locked ? FinFail<Unit>(new RunRetentionLocked(run.Path, run.Name, run.LockReason))
        : run.Live && !force ? FinFail<Unit>(new IllegalTransition($"Run '{run.Name}'", "running", "removed (a live process is working on it; use -Force)"))
        : !referencedBy.IsEmpty && !force ? FinFail<Unit>(new RunReferenced(run.Path, run.Name, referencedBy.Map(r => r.By).Distinct()))
        : FinSucc(unit);

    // ---- the policy's own rules ---------------------------------------------------------------------------------

    /// <summary>Per run, its place among the newest of its key (1 = newest) and, when it has the metric, among the best.</summary>
    sealed record Rank(int Newest, int? Best);

    static Dictionary<string, Rank> Ranks(Seq<RetentionRun> scope, RetentionPolicy policy)
    {
        var ranks = new Dictionary<string, Rank>(StringComparer.Ordinal);
        foreach (var group in scope.GroupBy(r => r.Key, StringComparer.Ordinal))
        {
            var newest = NewestFirst(group).Select((r, i) => (r.Path, Place: i + 1)).ToDictionary(x => x.Path, x => x.Place, StringComparer.Ordinal);
            var best = policy.Metric is { } metric
                ? NewestFirst(group.Where(r => r.Metrics.ContainsKey(metric)))
                    .OrderBy(r => policy.LowerIsBetter ? r.Metrics[metric] : -r.Metrics[metric]) // stable: ties go to the newer run
                    .Select((r, i) => (r.Path, Place: i + 1)).ToDictionary(x => x.Path, x => x.Place, StringComparer.Ordinal)
                : [];
            foreach (var run in group) ranks[run.Path] = new Rank(newest[run.Path], best.TryGetValue(run.Path, out var b) ? b : null);
        }
        return ranks;
    }

    static IOrderedEnumerable<RetentionRun> NewestFirst(IEnumerable<RetentionRun> runs) =>
        runs.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Name, StringComparer.Ordinal).ThenByDescending(r => r.Path, StringComparer.Ordinal);

    /// <summary>Why the policy itself keeps the run (the filter, then the keep rules), or None when it would remove it.</summary>
    static Option<(RetentionReason Reason, string Detail)> KeptByPolicy(RetentionRun run, Dictionary<string, Rank> ranks, RetentionPolicy policy, DateTimeOffset now)
    {
        if (policy.OlderThan is { } limit && now - run.CreatedAt <= limit)
            return (RetentionReason.Recent, $"created {Age(now - run.CreatedAt)} ago, not older than {Span(limit)}");
        var rank = ranks[run.Path];
        var newest = policy.KeepLast is { } n && rank.Newest <= n;
        var best = policy.KeepBest is { } k && rank.Best <= k;
        var reasons = Seq(
                newest ? Some(policy.KeepLast == 1 ? $"the newest run of '{run.Key}'" : $"one of the {policy.KeepLast} newest runs of '{run.Key}'") : None,
                best ? Some($"{(policy.KeepBest == 1 ? "the best run" : $"one of the {policy.KeepBest} best runs")} of '{run.Key}' by {MetricText(run, policy)}") : None)
            .Somes();
        return reasons.IsEmpty ? None : Some((newest ? RetentionReason.Newest : RetentionReason.Best, string.Join("; ", reasons)));
    }

    static string RemoveDetail(RetentionRun run, Dictionary<string, Rank> ranks, RetentionPolicy policy, DateTimeOffset now)
    {
        if (!policy.HasRules) return "named for removal";
        var parts = Seq(
                policy.OlderThan is { } limit ? Some($"created {Age(now - run.CreatedAt)} ago, older than {Span(limit)}") : None,
                policy.KeepLast is > 0 ? Some($"{Among(policy.KeepLast.Value, "newest")} of '{run.Key}'") : None,
                policy is { KeepBest: > 0, Metric: { } metric }
                    ? Some(run.Metrics.ContainsKey(metric)
                        ? $"{Among(policy.KeepBest.Value, "best")} of '{run.Key}' by {MetricText(run, policy)}"
                        : $"has no metric '{metric}'")
                    : None)
            .Somes();
        return parts.IsEmpty ? "kept by no rule" : string.Join("; ", parts);
    }

    static string Among(int n, string which) => n == 1 ? $"not the {which} run" : $"not among the {n} {which} runs";

    /// <summary>What -Force overrode for a removed run, in words (empty when nothing).</summary>
    static string Forced(RetentionRun run, Dictionary<Guid, Seq<RunReference>> referencedBy, RetentionPolicy policy)
    {
        if (!policy.Force) return "";
        var refs = referencedBy.TryGetValue(run.Id, out var r) ? r.Filter(x => x.ByPath != run.Path) : Seq<RunReference>();
        return (run.Live ? "; a live process is working on it (removed with -Force)" : "")
               + (refs.IsEmpty ? "" : $"; referenced by {string.Join(", ", refs)} (removed with -Force)");
    }

    static string MetricText(RetentionRun run, RetentionPolicy policy) =>
        $"{policy.Metric} ({run.Metrics[policy.Metric!].ToString(CultureInfo.InvariantCulture)}, {(policy.LowerIsBetter ? "lower" : "higher")} is better)";

    // ---- protections --------------------------------------------------------------------------------------------

    static RetentionReason Protection(Error refusal) => refusal switch
    {
        RunRetentionLocked => RetentionReason.Locked,
        RunReferenced => RetentionReason.Referenced,
        _ => RetentionReason.Running,
    };

    static string ProtectionDetail(RetentionRun run, Seq<RunReference> holders) =>
        run.Locked ? (run.LockReason is { } why ? $"locked: {why}" : "locked")
        : run.Live ? "a live process is working on it"
        : $"referenced by {string.Join(", ", holders)}";

    static RetentionDecision Decision(RetentionRun run, RetentionAction action, RetentionReason reason, string detail, Seq<RunReference> holders) =>
        new(action, reason, run.Name, run.Key, run.CreatedAt, detail, holders.Map(h => h.By).Distinct(), run.Id, run.Path);

    /// <summary>Oldest first, except that a run comes after every run of the set that references it (so removing in
    /// this order never leaves a reference to a removed run behind for a moment).</summary>
    static Seq<RetentionRun> Ordered(Seq<RetentionRun> scope, Dictionary<Guid, Seq<RunReference>> referencedBy)
    {
        var oldestFirst = scope.OrderBy(r => r.CreatedAt).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Path, StringComparer.Ordinal).ToList();
        var byPath = scope.ToDictionary(r => r.Path, StringComparer.Ordinal);
        var visited = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<RetentionRun>(scope.Count);
        foreach (var run in oldestFirst) Visit(run);
        return toSeq(ordered).Strict();

        void Visit(RetentionRun run)
        {
            if (!visited.Add(run.Path)) return;
            if (referencedBy.TryGetValue(run.Id, out var refs))
                foreach (var referrer in refs.Choose(r => byPath.TryGetValue(r.ByPath, out var x) ? Some(x) : None)
                             .OrderBy(r => r.CreatedAt).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Path, StringComparer.Ordinal))
                    Visit(referrer);
            ordered.Add(run);
        }
    }

    // ---- words --------------------------------------------------------------------------------------------------

    /// <summary>An age in its largest whole unit: "45 days", "3 hours", "1 minute", "0 seconds".</summary>
    public static string Age(TimeSpan age) =>
        age < TimeSpan.Zero ? "0 seconds"
        : age.TotalDays >= 1 ? Count((long)age.TotalDays, "day")
        : age.TotalHours >= 1 ? Count((long)age.TotalHours, "hour")
        : age.TotalMinutes >= 1 ? Count((long)age.TotalMinutes, "minute")
        : Count((long)age.TotalSeconds, "second");

    /// <summary>A limit as given: "30 days", "12 hours", or d.hh:mm:ss when it is no whole number of a unit.</summary>
    public static string Span(TimeSpan span) =>
        span == TimeSpan.Zero ? "0 seconds"
        : span.Ticks % TimeSpan.TicksPerDay == 0 ? Count(span.Ticks / TimeSpan.TicksPerDay, "day")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? Count(span.Ticks / TimeSpan.TicksPerHour, "hour")
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? Count(span.Ticks / TimeSpan.TicksPerMinute, "minute")
        : span.Ticks % TimeSpan.TicksPerSecond == 0 ? Count(span.Ticks / TimeSpan.TicksPerSecond, "second")
        : span.ToString("c", CultureInfo.InvariantCulture);

    static string Count(long n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}
