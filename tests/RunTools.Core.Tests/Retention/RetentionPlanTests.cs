using RunTools.Domain;
using RunTools.Retention;
using RunTools.Tests.Config;
using static RunTools.Retention.RetentionReason;
using static RunTools.Tests.Retention.R;

namespace RunTools.Tests.Retention;

public sealed class RetentionPlanTests
{
    static readonly TimeSpan Days30 = TimeSpan.FromDays(30);

    static RetentionPolicy Valid(Validation<RunError, RetentionPolicy> policy) =>
        policy.Match(Succ: p => p, Fail: e => throw new Xunit.Sdk.XunitException($"expected a policy, got {string.Join("; ", e)}"));

    static Seq<RunError> Problems(Validation<RunError, RetentionPolicy> policy) =>
        policy.Match(Succ: p => throw new Xunit.Sdk.XunitException($"expected problems, got {p}"), Fail: e => e);

    // ---- no rule: the runs given -------------------------------------------------------------------------------

    [Fact]
    public void Without_a_rule_every_run_given_is_removed_oldest_first()
    {
        var a1 = Run("a1", "a", 3);
        var a2 = Run("a2", "a", 1);
        var b1 = Run("b1", "b", 2);

        Assert.Equal(
            new RetentionPlan(Seq(Remove(a1, Requested, "named for removal"), Remove(b1, Requested, "named for removal"),
                Remove(a2, Requested, "named for removal")), Seq<RetentionRefusal>()),
            Plan(Policy(), a2, b1, a1));
    }

    [Fact]
    public void A_run_given_twice_is_decided_once()
    {
        var a = Run("a1", "a", 3);
        Assert.Equal(Seq1(Remove(a, Requested, "named for removal")), Plan(Policy(), a, a).Decisions);
    }

    // ---- each rule alone ---------------------------------------------------------------------------------------

    [Fact]
    public void OlderThan_removes_the_runs_created_longer_ago_and_keeps_a_run_exactly_that_old()
    {
        var old = Run("old", "a", 45.5);
        var edge = Run("edge", "a", 30);
        var young = Run("young", "a", 2.5);

        Assert.Equal(
            Seq(Remove(old, Expired, "created 45 days ago, older than 30 days"),
                Keep(edge, Recent, "created 30 days ago, not older than 30 days"),
                Keep(young, Recent, "created 2 days ago, not older than 30 days")),
            Plan(Policy(olderThan: Days30), young, edge, old).Decisions);
    }

    [Fact]
    public void KeepLast_keeps_the_newest_runs_of_each_key()
    {
        var a1 = Run("a1", "a", 5);
        var a2 = Run("a2", "a", 4);
        var a3 = Run("a3", "a", 3);
        var b1 = Run("b1", "b", 10);

        Assert.Equal(
            Seq(Keep(b1, Newest, "one of the 2 newest runs of 'b'"),
                Remove(a1, NotKept, "not among the 2 newest runs of 'a'"),
                Keep(a2, Newest, "one of the 2 newest runs of 'a'"),
                Keep(a3, Newest, "one of the 2 newest runs of 'a'")),
            Plan(Policy(keepLast: 2), a1, a2, a3, b1).Decisions);
    }

    [Fact]
    public void KeepLast_of_one_keeps_the_newest_run_and_between_runs_created_at_once_the_later_name()
    {
        var first = Run("r1", "a", 1);
        var second = Run("r2", "a", 1);

        Assert.Equal(
            Seq(Remove(first, NotKept, "not the newest run of 'a'"), Keep(second, Newest, "the newest run of 'a'")),
            Plan(Policy(keepLast: 1), second, first).Decisions);
    }

    [Fact]
    public void KeepBest_keeps_the_highest_value_and_a_run_without_the_metric_is_never_best()
    {
        var good = Run("good", "a", 3, metrics: ("auc", 0.9));
        var bad = Run("bad", "a", 2, metrics: ("auc", 0.7));
        var none = Run("none", "a", 1);

        Assert.Equal(
            Seq(Keep(good, Best, "the best run of 'a' by auc (0.9, higher is better)"),
                Remove(bad, NotKept, "not the best run of 'a' by auc (0.7, higher is better)"),
                Remove(none, NotKept, "has no metric 'auc'")),
            Plan(Policy(keepBest: 1, metric: "auc"), good, bad, none).Decisions);
    }

    [Fact]
    public void KeepBest_keeps_the_lowest_value_of_a_metric_known_to_be_lower_is_better()
    {
        var low = Run("low", "a", 3, metrics: ("cv/rmse", 1.5));
        var high = Run("high", "a", 2, metrics: ("cv/rmse", 2.5));
        var policy = Valid(RetentionPolicy.Create(null, null, 1, "cv/rmse", false, false, runsNamed: true));

        Assert.Equal(
            Seq(Keep(low, Best, "the best run of 'a' by cv/rmse (1.5, lower is better)"),
                Remove(high, NotKept, "not the best run of 'a' by cv/rmse (2.5, lower is better)")),
            Plan(policy, low, high).Decisions);
    }

    [Fact]
    public void KeepBest_keeps_the_lowest_value_when_the_user_says_lower_is_better()
    {
        var low = Run("low", "a", 3, metrics: ("score", 1));
        var high = Run("high", "a", 2, metrics: ("score", 2));
        var policy = Valid(RetentionPolicy.Create(null, null, 1, "score", true, false, runsNamed: true));

        Assert.Equal(Seq(RetentionAction.Keep, RetentionAction.Remove), Plan(policy, low, high).Decisions.Map(d => d.ActionKind));
    }

    [Fact]
    public void Between_runs_with_the_same_value_the_newer_one_is_best()
    {
        var older = Run("older", "a", 5, metrics: ("auc", 0.8));
        var newer = Run("newer", "a", 2, metrics: ("auc", 0.8));

        Assert.Equal(
            Seq(Remove(older, NotKept, "not the best run of 'a' by auc (0.8, higher is better)"),
                Keep(newer, Best, "the best run of 'a' by auc (0.8, higher is better)")),
            Plan(Policy(keepBest: 1, metric: "auc"), older, newer).Decisions);
    }

    [Fact]
    public void KeepBest_on_a_metric_no_run_has_is_refused_so_a_misspelt_metric_removes_nothing()
    {
        var plan = RetentionPlan.Decide(Seq(Run("a1", "a", 1, metrics: ("auc", 1)), Run("a2", "a", 2)), Seq<RunReference>(),
            Policy(keepBest: 1, metric: "acu"), Now);

        Expect.Error(new RetentionPolicyInvalid("Metric",
            "none of the 2 runs has the metric 'acu', so -KeepBest would keep none of them; check the metric's name (Get-RunMetric)"), plan);
    }

    // ---- combinations ------------------------------------------------------------------------------------------

    [Fact]
    public void Keep_rules_hold_over_every_run_of_a_key_and_the_age_filter_only_chooses_among_the_rest()
    {
        var oldBest = Run("old-best", "a", 60, metrics: ("auc", 0.95));
        var old = Run("old", "a", 50, metrics: ("auc", 0.5));
        var noMetric = Run("no-metric", "a", 40);
        var notNewest = Run("not-newest", "a", 35, metrics: ("auc", 0.6));
        var recent = Run("recent", "a", 5, metrics: ("auc", 0.7));
        var only = Run("only", "b", 100, metrics: ("auc", 0.1));

        Assert.Equal(
            Seq(Keep(only, Newest, "the newest run of 'b'; the best run of 'b' by auc (0.1, higher is better)"),
                Keep(oldBest, Best, "the best run of 'a' by auc (0.95, higher is better)"),
                Remove(old, Expired, "created 50 days ago, older than 30 days; not the newest run of 'a'; not the best run of 'a' by auc (0.5, higher is better)"),
                Remove(noMetric, Expired, "created 40 days ago, older than 30 days; not the newest run of 'a'; has no metric 'auc'"),
                Remove(notNewest, Expired, "created 35 days ago, older than 30 days; not the newest run of 'a'; not the best run of 'a' by auc (0.6, higher is better)"),
                Keep(recent, Recent, "created 5 days ago, not older than 30 days")),
            Plan(Policy(olderThan: Days30, keepLast: 1, keepBest: 1, metric: "auc"), recent, notNewest, noMetric, old, oldBest, only).Decisions);
    }

    // ---- locked, running, referenced ---------------------------------------------------------------------------

    [Fact]
    public void A_locked_run_is_kept_even_with_Force_and_its_lock_only_matters_when_the_policy_would_remove_it()
    {
        var locked = Run("locked", "a", 10, locked: true, reason: "in the paper");
        var newestLocked = Run("newest", "a", 1, locked: true);

        var expected = Seq(Keep(locked, Locked, "locked: in the paper"), Keep(newestLocked, Newest, "the newest run of 'a'"));
        Assert.Equal(new RetentionPlan(expected, Seq<RetentionRefusal>()), Plan(Policy(keepLast: 1), locked, newestLocked));
        Assert.Equal(new RetentionPlan(expected, Seq<RetentionRefusal>()), Plan(Policy(keepLast: 1, force: true), locked, newestLocked));
    }

    [Fact]
    public void A_locked_run_named_for_removal_is_refused_even_with_Force()
    {
        var locked = Run("locked", "a", 10, locked: true, reason: "in the paper");

        Assert.Equal(
            new RetentionPlan(Seq1(Keep(locked, Locked, "locked: in the paper")),
                Seq1(new RetentionRefusal(locked.Path, new RunRetentionLocked(locked.Path, "locked", "in the paper")))),
            Plan(Policy(force: true), locked));
    }

    [Fact]
    public void A_run_a_live_process_works_on_is_kept_without_Force_and_removed_with_it()
    {
        var live = Run("live", "a", 10, live: true);
        var newest = Run("newest", "a", 1);

        Assert.Equal(Keep(live, Running, "a live process is working on it"), Plan(Policy(keepLast: 1), live, newest).Decisions[0]);
        Assert.Equal(Remove(live, NotKept, "not the newest run of 'a'; a live process is working on it (removed with -Force)"),
            Plan(Policy(keepLast: 1, force: true), live, newest).Decisions[0]);
        Assert.Equal(Seq1(new RetentionRefusal(live.Path, new IllegalTransition("Run 'live'", "running", "removed (a live process is working on it; use -Force)"))),
            Plan(Policy(), live).Refusals);
    }

    [Fact]
    public void A_run_that_a_run_which_stays_references_is_kept_naming_that_run()
    {
        var training = Run("training", "train", 10);
        var inference = Run("inference", "infer", 1);

        Assert.Equal(
            Seq(Keep(inference, Recent, "created 1 day ago, not older than 5 days"),
                Keep(training, Referenced, "referenced by inference (model)", "inference")),
            Plan(Policy(olderThan: TimeSpan.FromDays(5)), Seq1(Ref(inference, training)), training, inference).Decisions);
    }

    [Fact]
    public void A_reference_from_a_run_outside_the_runs_given_holds_too()
    {
        var training = Run("training", "train", 10);
        var elsewhere = Run("elsewhere", "infer", 1);

        var plan = Plan(Policy(), Seq1(Ref(elsewhere, training, "input")), training);

        Assert.Equal(Seq1(Keep(training, Referenced, "referenced by elsewhere (input)", "elsewhere")), plan.Decisions);
        Assert.Equal(Seq1(new RetentionRefusal(training.Path, new RunReferenced(training.Path, "training", Seq1("elsewhere")))), plan.Refusals);
    }

    [Fact]
    public void A_run_goes_together_with_the_runs_derived_from_it_and_after_them()
    {
        var training = Run("training", "train", 10);
        var inference = Run("inference", "infer", 8);

        Assert.Equal(
            Seq(Remove(inference, Expired, "created 8 days ago, older than 5 days"), Remove(training, Expired, "created 10 days ago, older than 5 days")),
            Plan(Policy(olderThan: TimeSpan.FromDays(5)), Seq1(Ref(inference, training)), training, inference).Decisions);
    }

    [Fact]
    public void A_run_that_stays_holds_on_to_its_whole_lineage()
    {
        var a = Run("a", "k", 30);
        var b = Run("b", "k", 20);
        var c = Run("c", "k", 1);

        Assert.Equal(
            Seq(Keep(c, Recent, "created 1 day ago, not older than 5 days"),
                Keep(b, Referenced, "referenced by c (upstream)", "c"),
                Keep(a, Referenced, "referenced by b (upstream)", "b")),
            Plan(Policy(olderThan: TimeSpan.FromDays(5)), Seq(Ref(c, b, "upstream"), Ref(b, a, "upstream")), a, b, c).Decisions);
    }

    [Fact]
    public void Force_removes_a_referenced_run_and_says_so()
    {
        var training = Run("training", "train", 10);
        var inference = Run("inference", "infer", 1);

        Assert.Equal(Remove(training, Expired, "created 10 days ago, older than 5 days; referenced by inference (model) (removed with -Force)"),
            Plan(Policy(olderThan: TimeSpan.FromDays(5), force: true), Seq1(Ref(inference, training)), training, inference).Decisions[1]);
    }

    [Fact]
    public void Under_a_rule_a_protected_run_is_kept_without_an_error()
    {
        var live = Run("live", "a", 10, live: true);
        var locked = Run("locked", "a", 9, locked: true);
        Assert.Empty(Plan(Policy(olderThan: TimeSpan.FromDays(1)), live, locked).Refusals);
    }

    [Fact]
    public void Removable_names_the_lock_first_then_the_live_process_then_the_references()
    {
        var all = Run("x", "a", 1, locked: true, reason: "why", live: true);
        var refs = Seq1(new RunReference(all.Id, "y", "/runs/y", "model"));

        Expect.Error(new RunRetentionLocked(all.Path, "x", "why"), RetentionPlan.Removable(all, refs, force: true));
        Expect.Error(new IllegalTransition("Run 'x'", "running", "removed (a live process is working on it; use -Force)"),
            RetentionPlan.Removable(all with { Locked = false }, refs, force: false));
        Expect.Error(new RunReferenced(all.Path, "x", Seq1("y")), RetentionPlan.Removable(all with { Locked = false, Live = false }, refs, force: false));
        Assert.True(RetentionPlan.Removable(all with { Locked = false }, refs, force: true).IsSucc);
    }

    // ---- the policy --------------------------------------------------------------------------------------------

    [Fact]
    public void Every_problem_with_a_policy_is_reported_at_once()
    {
        var problems = Problems(RetentionPolicy.Create(TimeSpan.FromDays(-1), -1, -2, null, true, false, runsNamed: false));

        Assert.Equal(
            Seq<RunError>(
                new RetentionPolicyInvalid("OlderThan", "-1.00:00:00 is negative; give an age such as 30.00:00:00 (30 days)"),
                new RetentionPolicyInvalid("KeepLast", "-1 is negative; give the number of newest runs to keep per key"),
                new RetentionPolicyInvalid("KeepBest", "-2 is negative; give the number of best runs to keep per key"),
                new RetentionPolicyInvalid("Metric", "-KeepBest needs -Metric, the metric that ranks the runs"),
                new RetentionPolicyInvalid("LowerIsBetter", "-LowerIsBetter is the direction of -Metric; give -KeepBest and -Metric too")),
            problems);
    }

    [Fact]
    public void Every_run_under_a_root_is_only_removed_by_a_rule_and_a_metric_needs_KeepBest()
    {
        Assert.Equal(
            Seq1<RunError>(new RetentionPolicyInvalid("Root",
                "every run under a root is only removed by a rule: give -OlderThan, -KeepLast or -KeepBest, or -Key to remove every run of a key (-Key * for all)")),
            Problems(RetentionPolicy.Create(null, null, null, null, false, true, runsNamed: false)));
        Assert.Equal(Seq1<RunError>(new RetentionPolicyInvalid("KeepBest", "-Metric auc ranks runs for -KeepBest; give -KeepBest too")),
            Problems(RetentionPolicy.Create(null, 3, null, "auc", false, false, runsNamed: false)));
        Assert.Equal(new RetentionPolicy(null, null, null, null, false, true),
            Valid(RetentionPolicy.Create(null, null, null, null, false, true, runsNamed: true)));
        Assert.Equal(new RetentionPolicy(null, null, 2, "cv/log_loss", true, false),
            Valid(RetentionPolicy.Create(null, null, 2, "cv/log_loss", false, false, runsNamed: false)));
    }

    [Theory]
    [InlineData("rmse", true)]
    [InlineData("mae", true)]
    [InlineData("log_loss", true)]
    [InlineData("brier", true)]
    [InlineData("loss", true)]
    [InlineData("val_loss", true)]
    [InlineData("MSE", true)]
    [InlineData("cv/rmse", true)]
    [InlineData("cv/log_loss/sd", true)]
    [InlineData("train/error", true)]
    [InlineData("auc", false)]
    [InlineData("cv/auc", false)]
    [InlineData("accuracy", false)]
    [InlineData("r2", false)]
    [InlineData("macro_f1", false)]
    public void The_direction_of_a_metric_is_known_from_its_name(string metric, bool lowerIsBetter) =>
        Assert.Equal(lowerIsBetter, RetentionPolicy.IsLowerBetter(metric));

    [Theory]
    [InlineData("30", 30 * 24 * 3600.0)]
    [InlineData("1.5", 36 * 3600.0)]
    [InlineData("2d", 2 * 24 * 3600.0)]
    [InlineData("12h", 12 * 3600.0)]
    [InlineData("90m", 90 * 60.0)]
    [InlineData("45s", 45.0)]
    [InlineData(" 2 Days ", 2 * 24 * 3600.0)]
    [InlineData("1 hour", 3600.0)]
    [InlineData("30.00:00:00", 30 * 24 * 3600.0)]
    [InlineData("12:00:00", 12 * 3600.0)]
    public void An_age_is_days_a_number_with_a_unit_or_a_TimeSpan(string text, double seconds) =>
        Assert.Equal(Some(TimeSpan.FromSeconds(seconds)), RetentionPolicy.ParseAge(text));

    [Theory]
    [InlineData("")]
    [InlineData("30x")]
    [InlineData("-3d")]
    [InlineData("a week")]
    public void Anything_else_is_not_an_age(string text) => Assert.True(RetentionPolicy.ParseAge(text).IsNone);

    [Fact]
    public void Ages_are_told_in_their_largest_whole_unit_and_limits_as_given()
    {
        Assert.Equal(["45 days", "1 hour", "1 minute", "0 seconds", "1 day"],
            new[] { TimeSpan.FromDays(45.9), TimeSpan.FromMinutes(119), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(-5), TimeSpan.FromHours(24) }
                .Select(RetentionPlan.Age));
        Assert.Equal(["30 days", "36 hours", "90 minutes", "0 seconds", "00:00:01.5000000"],
            new[] { TimeSpan.FromDays(30), TimeSpan.FromHours(36), TimeSpan.FromMinutes(90), TimeSpan.Zero, TimeSpan.FromSeconds(1.5) }
                .Select(RetentionPlan.Span));
    }
}
