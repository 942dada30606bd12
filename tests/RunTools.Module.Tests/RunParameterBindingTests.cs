namespace RunTools.Module.Tests;

/// <summary>Every -Run parameter takes a RunInfo, a RunManifest, a plain relative path, and the records the other
/// cmdlets write (they carry RunPath), so pipelines need no glue.</summary>
public sealed class RunParameterBindingTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string dir;

    public RunParameterBindingTests()
    {
        dir = Expect.Single(ps.Run("$info = New-Run -Name r; $info"), Expect.RunInfo).Text("Path");
        ps.Run($"$manifest = Get-RunManifest $info; $relative = 'runs/{Path.GetFileName(dir)}'").AssertNoErrors();
        ps.Write("file.txt", "content");
    }

    public void Dispose() => ps.Dispose();

    public static TheoryData<string> Forms => new() { "$info", "$manifest", "$relative" };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Write_RunMetric_and_Get_RunMetric_take_every_form(string run)
    {
        var result = ps.Run($"Write-RunMetric -Run {run} auc 0.5; Get-RunMetric -Run {run}");

        Assert.Equal(dir, Expect.Single(result, Expect.MetricRecord).Text("RunPath"));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Invoke_RunStage_takes_every_form(string run)
    {
        var result = ps.Run($"Invoke-RunStage -Run {run} s {{ }}");

        Assert.Equal(dir, Expect.Single(result, Expect.StageResult).Text("RunPath"));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Set_RunStatus_takes_every_form(string run)
    {
        var result = ps.Run($"Set-RunStatus -Run {run} Running -PassThru");

        Assert.Equal(dir, Expect.Single(result, Expect.RunInfo).Text("Path"));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Add_RunArtifact_takes_every_form(string run)
    {
        var result = ps.Run($"Add-RunArtifact -Run {run} file.txt");

        Assert.Equal(dir, Expect.Single(result, Expect.ArtifactRecord).Text("RunPath"));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void The_reading_cmdlets_take_every_form(string run)
    {
        Assert.Equal(dir, Expect.Single(ps.Run($"Get-Run -Path {run}"), Expect.RunInfo).Text("Path"));
        Assert.Equal(dir, Expect.Single(ps.Run($"Get-RunManifest {run}"), Expect.RunManifest).Text("Path"));
        Assert.Equal(dir, Expect.All(ps.Run($"Test-Run {run}"), Expect.RunCheck)[0].Text("RunPath"));
        Assert.Empty(Expect.All(ps.Run($"Compare-Run {run} {run} -Section config"), Expect.RunDifference));
    }

    [Fact]
    public void The_records_cmdlets_write_carry_their_run_down_the_pipeline()
    {
        var result = ps.Run("""
            $stage = $info | Invoke-RunStage s { }
            $stage | Get-RunMetric
            Write-RunMetric -Run $stage auc 0.7 -PassThru | Get-Run
            Add-RunArtifact -Run $info file.txt | Test-Run -Quiet
            """);

        result.AssertNoErrors();
        Assert.Equal(dir, result.Output[0].Text("Path"));
        Assert.True((bool)result.Output[1].BaseObject);
    }

    [Fact]
    public void Something_that_is_not_a_run_is_refused_at_binding()
    {
        var result = ps.Run("Get-RunManifest -Run ([datetime]::new(2026, 1, 1))");

        Assert.StartsWith("ParameterArgumentTransformationError,", result.SingleError().FullyQualifiedErrorId);
        Assert.Contains("Cannot use a DateTime as a run", result.SingleError().Exception.Message);
    }
}
