using System.Management.Automation;

namespace RunTools.Module.Tests;

public sealed class GetRunTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public GetRunTests() => ps.Run("""
        $a = New-Run -Name alpha
        $b = New-Run -Name beta
        $c = New-Run -Name alpine -Root other
        Set-RunStatus -Run $b Running
        Set-RunStatus -Run $b Completed
        """).AssertNoErrors();

    public void Dispose() => ps.Dispose();

    static string[] Keys(ScriptResult result) => Expect.All(result, Expect.RunInfo).Select(r => r.Text("Key")).ToArray();

    [Fact]
    public void Lists_the_runs_of_the_default_root_oldest_first()
    {
        var runs = Expect.All(ps.Run("Get-Run"), Expect.RunInfo);

        Assert.Equal(new[] { "alpha", "beta" }, runs.Select(r => r.Text("Key")));
        Assert.Equal(new[] { "Pending", "Completed" }, runs.Select(r => r.Text("Status")));
        Assert.Equal(Expect.RunDirectories(ps.PathOf("runs")), runs.Select(r => r.Text("Path")));
        Assert.Equal("RunTools.Views.RunManifestInfo", runs[0].Get("Manifest")!.GetType().FullName);
    }

    [Fact]
    public void Filters_by_name_wildcard_id_prefix_and_status()
    {
        var id = ps.Run("$b.Id.ToString().Substring(0, 8)").Output[0].ToString();

        Assert.Equal(new[] { "alpha" }, Keys(ps.Run("Get-Run al*")));
        Assert.Equal(new[] { "alpine" }, Keys(ps.Run("Get-Run al* -Root other")));
        Assert.Equal(new[] { "beta" }, Keys(ps.Run($"Get-Run -Id {id}")));
        Assert.Equal(new[] { "beta" }, Keys(ps.Run("Get-Run -Status Completed")));
        Assert.Equal(new[] { "alpha" }, Keys(ps.Run("Get-Run -Status Pending, Failed")));
        Assert.Equal(new[] { "beta" }, Keys(ps.Run("Get-Run -Name ($b.Name)")));
    }

    [Fact]
    public void An_empty_wildcard_match_is_not_an_error()
    {
        var result = ps.Run("Get-Run zeta*");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
    }

    [Fact]
    public void A_name_that_matches_nothing_is_RunNotFound()
    {
        var result = ps.Run("Get-Run zeta");

        Expect.Error(result, "RunNotFound", "GetRun", ErrorCategory.ObjectNotFound, "zeta");
    }

    [Fact]
    public void Each_name_that_matches_nothing_is_its_own_RunNotFound_beside_the_runs_found()
    {
        var result = ps.Run("Get-Run alpha, zeta, omega");

        Assert.Equal("alpha", Assert.Single(result.Output).Text("Key"));
        Assert.Equal(["omega", "zeta"], result.Errors.Select(e => (string)e.TargetObject).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.StartsWith("RunNotFound,", e.FullyQualifiedErrorId));
    }

    [Fact]
    public void An_unknown_run_path_is_RunNotFound_with_the_resolved_path_as_target()
    {
        var result = ps.Run("Get-Run -Path runs/20200101_000000_nope");

        Expect.Error(result, "RunNotFound", "GetRun", ErrorCategory.ObjectNotFound, ps.PathOf("runs", "20200101_000000_nope"));
    }

    [Fact]
    public void A_missing_root_has_no_runs()
    {
        var result = ps.Run("Get-Run -Root nowhere");

        result.AssertNoErrors();
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(ps.PathOf("nowhere")));
    }

    [Fact]
    public void A_damaged_run_is_reported_and_the_others_are_still_listed()
    {
        var alpha = ps.Run("$a.Path").Output[0].ToString();
        File.WriteAllText(Path.Combine(alpha, "events.jsonl"), "not json\n");
        File.Delete(Path.Combine(alpha, "run.json"));

        var result = ps.Run("Get-Run");

        Assert.Equal("RunCorrupted,RunTools.Module.Commands.GetRunCommand", result.SingleError().FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, result.SingleError().CategoryInfo.Category);
        Assert.Equal("beta", Assert.Single(result.Output).Text("Key"));
    }
}
