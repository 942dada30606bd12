using System.Management.Automation;

namespace RunTools.Module.Tests;

public sealed class CompareRunTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public CompareRunTests()
    {
        ps.Write("data.csv", "a,b,label\n1,2,0\n3,4,1\n");
        ps.Write("config.yaml", "model:\n  trees: 100\n  depth: 4\ndata:\n  label: label\n");
    }

    public void Dispose() => ps.Dispose();

    /// <summary>Two runs that differ in one parameter, one metric, a stage and their status (the metric started the
    /// second, which is then completed). The second has no label: a null on one side is a difference like any other.</summary>
    void TwoRuns() => ps.Run("""
        $a = New-Run -Name a -ConfigPath config.yaml -DataPath data.csv
        Write-RunMetric -Run $a auc 0.80
        $a | Invoke-RunStage fit { } | Out-Null
        $b = New-Run -Name b -ConfigPath config.yaml -Set 'model.trees=300', 'data.label=null' -DataPath data.csv
        Write-RunMetric -Run $b auc 0.84
        $b | Set-RunStatus Completed
        """).AssertNoErrors();

    static string Row(PSObject d) => $"{d.Text("Section")} {d.Text("Key")} {d.Text("ReferenceValue")} {d.Text("SideIndicator")} {d.Text("DifferenceValue")}";

    [Fact]
    public void Piped_manifests_compare_against_the_first_one()
    {
        TwoRuns();

        var result = ps.Run("Get-Run -Root runs | Get-RunManifest | Compare-Run");

        var rows = Expect.All(result, Expect.RunDifference);
        Assert.All(rows, r => Assert.Equal(ps.Run("$a.Name").Output[0].ToString(), r.Text("ReferenceRun")));
        Assert.All(rows, r => Assert.Equal(ps.Run("$b.Name").Output[0].ToString(), r.Text("DifferenceRun")));
        Assert.Contains("run status running <> completed", rows.Select(Row));
        Assert.Contains("config model.trees 100 <> 300", rows.Select(Row));
        Assert.Contains("data label label <> ", rows.Select(Row));
        Assert.Contains("stages fit.status completed <= ", rows.Select(Row));
        var auc = rows.Single(r => r.Text("Section") == "metrics");
        Assert.Equal("auc", auc.Text("Key"));
        Assert.Equal(0.84 - 0.80, (double)auc.Get("Delta")!, 12);
        Assert.Equal((0.84 - 0.80) / 0.80, (double)auc.Get("RelativeDelta")!, 12);
        var trees = rows.Single(r => r.Text("Key") == "model.trees");
        Assert.Equal(200.0, trees.Get("Delta"));
        Assert.DoesNotContain(rows, r => r.Text("SideIndicator") == "==");
    }

    [Fact]
    public void IncludeEqual_adds_the_equal_keys()
    {
        TwoRuns();

        var rows = Expect.All(ps.Run("Compare-Run $a $b -IncludeEqual"), Expect.RunDifference).Select(Row).ToList();

        Assert.Contains("config model.depth 4 == 4", rows);
        Assert.Contains("features a present == present", rows);
        Assert.Contains("config model.trees 100 <> 300", rows);
    }

    [Fact]
    public void Section_limits_the_rows_to_the_named_sections()
    {
        TwoRuns();

        var rows = Expect.All(ps.Run("Compare-Run -ReferenceRun $a -DifferenceRun $b -Section metrics, config -IncludeEqual"), Expect.RunDifference);

        Assert.Equal(new[] { "config", "metrics" }, rows.Select(r => r.Text("Section")).Distinct().Order());
    }

    [Fact]
    public void A_reference_run_compares_with_every_piped_run()
    {
        ps.Run("""
            $a = New-Run -Name a -Set 'seed=1'
            $b = New-Run -Name b -Set 'seed=2'
            $c = New-Run -Name c -Set 'seed=3'
            """).AssertNoErrors();

        var rows = Expect.All(ps.Run("$b, $c | Compare-Run $a -Section config"), Expect.RunDifference);

        Assert.Equal(new[] { "1 <> 2", "1 <> 3" }, rows.Select(r => $"{r.Get("ReferenceValue")} {r.Text("SideIndicator")} {r.Get("DifferenceValue")}"));
    }

    [Fact]
    public void Identical_runs_have_no_differences_in_config_and_data()
    {
        ps.Run("""
            $a = New-Run -Name a -ConfigPath config.yaml -DataPath data.csv
            $b = New-Run -Name b -ConfigPath config.yaml -DataPath data.csv
            """).AssertNoErrors();

        var result = ps.Run("Compare-Run $a $b -Section config, data, features, inputs");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_single_run_has_nothing_to_compare_with()
    {
        ps.Run("$a = New-Run -Name a").AssertNoErrors();

        var result = ps.Run("$a | Compare-Run");

        var error = result.SingleError();
        Assert.Equal("NothingToCompare,RunTools.Module.Commands.CompareRunCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void An_unknown_run_in_the_pipeline_is_RunNotFound_and_the_others_still_compare()
    {
        TwoRuns();

        var result = ps.Run("$a, 'runs/nope', $b | Compare-Run -Section config");

        Expect.Error(result, "RunNotFound", "CompareRun", ErrorCategory.ObjectNotFound, ps.PathOf("runs", "nope"));
        Assert.Equal(new[] { "model.trees", "data.label" }, result.Output.Select(d => d.Text("Key")));
    }
}
