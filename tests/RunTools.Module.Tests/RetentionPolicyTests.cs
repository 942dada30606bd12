using System.Management.Automation;

namespace RunTools.Module.Tests;

/// <summary>Remove-Run with a retention policy: over the runs under a root (optionally by key) or the runs piped in.</summary>
public sealed class RetentionPolicyTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    /// <summary>Creates runs one after another (so their creation times are in this order), each "variable=key" with an
    /// optional auc (written, then the run completed: the metric started it in this live process), and returns the
    /// variable → run directory name map.</summary>
    Dictionary<string, string> Runs(params (string Variable, string Key, double? Auc)[] runs)
    {
        var script = string.Join("\n", runs.Select(r =>
            $"${r.Variable} = New-Run {r.Key}" + (r.Auc is { } auc
                ? $"; Write-RunMetric -Run ${r.Variable} auc {auc.ToString(System.Globalization.CultureInfo.InvariantCulture)}; Set-RunStatus -Run ${r.Variable} Completed"
                : "")
            + $"; ${r.Variable}.Name"));
        var result = ps.Run(script);
        result.AssertNoErrors();
        return runs.Select((r, i) => (r.Variable, Name: result.Output[i].ToString())).ToDictionary(x => x.Variable, x => x.Name);
    }

    string[] Left() => Expect.RunDirectories(ps.PathOf("runs")).Select(Path.GetFileName).ToArray()!;

    static string[] Lines(IEnumerable<PSObject> decisions, Dictionary<string, string> names) =>
        decisions.Select(d => $"{names.Single(n => n.Value == d.Text("Name")).Key} {d.Text("Action")} {d.Text("Reason")} {d.Text("Removed")}").ToArray();

    [Fact]
    public void KeepLast_keeps_the_newest_runs_of_each_key_under_the_root()
    {
        var n = Runs(("a1", "a", null), ("a2", "a", null), ("a3", "a", null), ("b1", "b", null));

        var decisions = Expect.All(ps.Run("Remove-Run -KeepLast 2 -PassThru -Confirm:$false"), Expect.RetentionDecision);

        Assert.Equal(["a1 Remove NotKept True", "a2 Keep Newest False", "a3 Keep Newest False", "b1 Keep Newest False"], Lines(decisions, n));
        Assert.Equal("not among the 2 newest runs of 'a'", decisions[0].Text("Detail"));
        Assert.Equal([n["a2"], n["a3"], n["b1"]], Left().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void KeepBest_keeps_the_best_run_by_a_metric_and_Key_limits_the_policy_to_the_matching_keys()
    {
        var n = Runs(("a1", "a", 0.9), ("a2", "a", 0.5), ("a3", "a", null), ("b1", "b", 0.1), ("b2", "b", 0.2));

        var decisions = Expect.All(ps.Run("Remove-Run -Key a* -KeepBest 1 -Metric auc -PassThru -Confirm:$false"), Expect.RetentionDecision);

        Assert.Equal(["a1 Keep Best False", "a2 Remove NotKept True", "a3 Remove NotKept True"], Lines(decisions, n));
        Assert.Equal(["the best run of 'a' by auc (0.9, higher is better)", "not the best run of 'a' by auc (0.5, higher is better)", "has no metric 'auc'"],
            decisions.Select(d => d.Text("Detail")));
        Assert.Equal([n["a1"], n["b1"], n["b2"]], Left().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LowerIsBetter_keeps_the_smallest_value()
    {
        var n = Runs(("a1", "a", 0.9), ("a2", "a", 0.5));

        var decisions = Expect.All(ps.Run("Remove-Run -KeepBest 1 -Metric auc -LowerIsBetter -PassThru -Confirm:$false"), Expect.RetentionDecision);

        Assert.Equal(["a1 Remove NotKept True", "a2 Keep Best False"], Lines(decisions, n));
    }

    [Fact]
    public void OlderThan_removes_only_the_runs_created_longer_ago_and_never_a_locked_one()
    {
        var n = Runs(("a1", "a", null), ("a2", "a", null), ("b1", "b", null));
        ps.Run("Lock-Run $b1 'keep'").AssertNoErrors();

        var young = Expect.All(ps.Run("Remove-Run -OlderThan 1.00:00:00 -PassThru -Confirm:$false"), Expect.RetentionDecision);
        Assert.Equal(["a1 Keep Recent False", "a2 Keep Recent False", "b1 Keep Recent False"], Lines(young, n));

        var old = ps.Run("Remove-Run -OlderThan 0 -PassThru -Confirm:$false -Verbose");
        Assert.Equal(["a1 Remove Expired True", "a2 Remove Expired True", "b1 Keep Locked False"], Lines(Expect.All(old, Expect.RetentionDecision), n));
        // (-Verbose also shows ShouldProcess's "Performing the operation" for each run removed)
        Assert.Equal([$"Keep {n["b1"]}: locked: keep"], old.Verbose.Where(v => v.StartsWith("Keep ", StringComparison.Ordinal)));
        Assert.Equal([n["b1"]], Left());
    }

    [Fact]
    public void OlderThan_takes_a_plain_number_as_days_and_units_as_people_write_them()
    {
        Runs(("a1", "a", null));

        var details = new[] { "30", "12h", "'90 minutes'", "2.00:00:00", "([TimeSpan]::FromDays(3))" }
            .Select(age => Expect.Single(ps.Run($"Remove-Run -OlderThan {age} -PassThru -Confirm:$false"), Expect.RetentionDecision).Text("Detail"))
            .Select(d => d[(d.IndexOf(", ", StringComparison.Ordinal) + 2)..]);
        var refused = ps.Run("Remove-Run -OlderThan 30x -Confirm:$false");

        Assert.Equal(["not older than 30 days", "not older than 12 hours", "not older than 90 minutes", "not older than 2 days", "not older than 3 days"], details);
        Assert.Equal("ParameterArgumentTransformationError,RunTools.Module.Commands.RemoveRunCommand", refused.SingleError().FullyQualifiedErrorId);
        Assert.Single(Left());
    }

    [Fact]
    public void A_policy_over_piped_runs_decides_among_those_runs_only()
    {
        var n = Runs(("a1", "a", null), ("a2", "a", null), ("a3", "a", null), ("b1", "b", null), ("b2", "b", null));

        var decisions = Expect.All(ps.Run("$a1, $a2, $b1 | Remove-Run -KeepLast 1 -PassThru -Confirm:$false"), Expect.RetentionDecision);

        Assert.Equal(["a1 Remove NotKept True", "a2 Keep Newest False", "b1 Keep Newest False"], Lines(decisions, n));
        Assert.Equal([n["a2"], n["a3"], n["b1"], n["b2"]], Left().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_policy_keeps_locked_referenced_and_running_runs_without_an_error_and_says_why_with_Verbose()
    {
        var n = Runs(("a1", "a", null), ("a2", "a", null), ("a3", "a", null), ("a4", "a", null));
        n["i1"] = ps.Run("$i1 = New-Run infer -Upstream $a2; Lock-Run $a1; Set-RunStatus -Run $a3 Running; $i1.Name").Output[0].ToString();

        var result = ps.Run("Remove-Run -KeepLast 1 -PassThru -Confirm:$false -Verbose");

        Assert.Equal(["a1 Keep Locked False", "i1 Keep Newest False", "a2 Keep Referenced False", "a3 Keep Running False", "a4 Keep Newest False"],
            Lines(Expect.All(result, Expect.RetentionDecision), n));
        Assert.Equal(
            [$"Keep {n["a1"]}: locked", $"Keep {n["i1"]}: the newest run of 'infer'", $"Keep {n["a2"]}: referenced by {n["i1"]} (upstream)",
                $"Keep {n["a3"]}: a live process is working on it", $"Keep {n["a4"]}: the newest run of 'a'"],
            result.Verbose);
        Assert.Equal(5, Left().Length);
    }

    [Fact]
    public void WhatIf_shows_exactly_the_plan_and_leaves_the_disk_unchanged()
    {
        var n = Runs(("a1", "a", 0.9), ("a2", "a", 0.5), ("a3", "a", 0.6), ("a4", "a", 0.7), ("b1", "b", null), ("b2", "b", null),
            ("d1", "d", null), ("d2", "d", null));
        n["c1"] = ps.Run("$c1 = New-Run c -Upstream $a2; Lock-Run $b1 'paper'; $c1.Name").Output[0].ToString();
        const string Policy = "Remove-Run -KeepLast 1 -KeepBest 1 -Metric auc";
        var before = ps.Snapshot();

        var preview = RuntoolsProcess.Run(ps.Directory, "-Command", Policy + " -WhatIf -Verbose");

        Assert.True(preview.ExitCode == 0, preview.Stderr);
        Expect.Unchanged(before, ps.Snapshot());
        var decisions = Expect.All(ps.Run(Policy + " -PassThru -Confirm:$false"), Expect.RetentionDecision);
        Assert.Equal(["a3 Remove NotKept True", "d1 Remove NotKept True"],
            Lines(decisions.Where(d => d.Text("Action") == "Remove"), n));
        // pwsh writes both the What-if lines and the verbose stream to stdout: one line per decision, nothing else.
        var lines = preview.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            decisions.Where(d => d.Text("Action") == "Remove")
                .Select(d => $"What if: Performing the operation \"Remove run ({d.Text("Detail")})\" on target \"{d.Text("Name")} ({d.Text("Path")})\"."),
            lines.Where(l => l.StartsWith("What if:", StringComparison.Ordinal)));
        Assert.Equal(
            decisions.Where(d => d.Text("Action") == "Keep").Select(d => $"VERBOSE: Keep {d.Text("Name")}: {d.Text("Detail")}"),
            lines.Where(l => l.StartsWith("VERBOSE:", StringComparison.Ordinal)));
        Assert.Equal(decisions.Count, lines.Length);
        Assert.Equal(7, decisions.Count(d => d.Text("Action") == "Keep"));
    }

    [Fact]
    public void Every_problem_with_the_policy_is_reported_and_nothing_is_removed()
    {
        Runs(("a1", "a", 0.5));
        var before = ps.Snapshot();

        var result = ps.Run("Remove-Run -KeepBest 1 -LowerIsBetter -Confirm:$false");

        Assert.Equal(["RetentionPolicyInvalid", "RetentionPolicyInvalid"], result.AllErrors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(["Metric", "LowerIsBetter"], result.AllErrors.Select(e => e.TargetObject));
        Expect.Unchanged(before, ps.Snapshot());
    }

    [Fact]
    public void A_metric_no_run_has_removes_nothing()
    {
        Runs(("a1", "a", 0.5), ("a2", "a", 0.6));
        var before = ps.Snapshot();

        var result = ps.Run("Remove-Run -KeepBest 1 -Metric acu -Confirm:$false");

        Expect.Error(result, "RetentionPolicyInvalid", "RemoveRun", ErrorCategory.InvalidArgument, "Metric");
        Expect.Unchanged(before, ps.Snapshot());
    }

    [Fact]
    public void Every_run_under_a_root_is_only_removed_by_a_rule_or_a_key()
    {
        Runs(("a1", "a", null));
        var before = ps.Snapshot();

        Expect.Error(ps.Run("Remove-Run -Confirm:$false"), "RetentionPolicyInvalid", "RemoveRun", ErrorCategory.InvalidArgument, "Root");
        Expect.Unchanged(before, ps.Snapshot());

        ps.Run("Remove-Run -Key a -Confirm:$false").AssertNoErrors();
        Assert.Empty(Left());
    }

    [Fact]
    public void A_key_without_wildcards_that_no_run_has_is_RunNotFound()
    {
        Runs(("a1", "a", null));

        var result = ps.Run("Remove-Run -Key nope -KeepLast 1 -Confirm:$false");

        Expect.Error(result, "RunNotFound", "RemoveRun", ErrorCategory.ObjectNotFound, "nope");
        Assert.Single(Left());
    }
}
