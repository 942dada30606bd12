namespace RunTools.Module.Tests;

/// <summary>-WhatIf on every state-changing cmdlet leaves every file exactly as it was, and says what it would do.</summary>
public sealed class WhatIfTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public WhatIfTests()
    {
        ps.Write("data.csv", "x,label\n1,0\n");
        ps.Write("config.yaml", "model:\n  trees: 10\n");
        ps.Write("model.zip", "weights");
        ps.Run("""
            $run = New-Run -Name r -ConfigPath config.yaml -DataPath data.csv
            $done = New-Run -Name done
            Write-RunMetric -Run $run auc 0.5
            Add-RunArtifact -Run $run model.zip | Out-Null
            $run | Invoke-RunStage prepare { param($Run) [IO.File]::WriteAllText($Run.Resolve('p.txt'), 'p') } -Output p.txt | Out-Null
            Set-RunStatus -Run $done Running
            Set-RunStatus -Run $done Completed
            """).AssertNoErrors();
    }

    public void Dispose() => ps.Dispose();

    public static TheoryData<string> Commands => new()
    {
        "New-Run -Name another -ConfigPath config.yaml -DataPath data.csv -WhatIf",
        "New-Run -Name another -Root fresh-root -WhatIf",
        "$run | Invoke-RunStage train { param($Run) [IO.File]::WriteAllText($Run.Resolve('m.txt'), 'm') } -Output m.txt -WhatIf",
        "$run | Invoke-RunStage prepare { param($Run) [IO.File]::WriteAllText($Run.Resolve('p.txt'), 'p') } -Output p.txt -Force -WhatIf",
        "Invoke-RunStage -Run $run shell -Command /bin/sh -ArgumentList '-c', 'echo hi > hi.txt' -WhatIf",
        "Set-RunStatus -Run $run Completed -WhatIf",
        "Set-RunStatus -Run $run Failed 'why not' -PassThru -WhatIf",
        "Add-RunArtifact -Run $run data.csv -WhatIf",
        "Add-RunArtifact -Run $run model.zip -Force -WhatIf",
        "Write-RunMetric -Run $run auc 0.9 -WhatIf",
        "Write-RunMetric -Run $run -Metric @{ f1 = 0.1; recall = 0.2 } -Step 4 -PassThru -WhatIf",
        "Remove-Run $run -WhatIf",
        "Get-Run | Remove-Run -Force -WhatIf",
        "Remove-Run -KeepLast 0 -PassThru -WhatIf",
        "Get-Run | Remove-Run -KeepBest 1 -Metric auc -Force -PassThru -WhatIf",
        "Lock-Run $run 'in the paper' -PassThru -WhatIf",
        "Lock-Run $run -WhatIf; Unlock-Run $run -PassThru -WhatIf",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void WhatIf_changes_no_file(string command)
    {
        var before = ps.Snapshot();

        var result = ps.Run(command);

        Expect.Unchanged(before, ps.Snapshot());
        Assert.False(Directory.Exists(ps.PathOf("fresh-root")));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void WhatIf_still_reports_what_would_fail()
    {
        var before = ps.Snapshot();

        var illegal = ps.Run("Set-RunStatus -Run $done Running -WhatIf");
        var exists = ps.Run("Add-RunArtifact -Run $run model.zip -WhatIf");
        var invalid = ps.Run("Write-RunMetric -Run $run auc ([double]::NaN) -WhatIf");

        Assert.Equal("IllegalTransition", illegal.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("ArtifactExists", exists.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("MetricInvalid", invalid.SingleError().FullyQualifiedErrorId.Split(',')[0]);
        Expect.Unchanged(before, ps.Snapshot());
    }

    [Fact]
    public void WhatIf_does_not_run_the_stage_body()
    {
        var marker = ps.PathOf("ran.txt");

        ps.Run($"$run | Invoke-RunStage side {{ [IO.File]::WriteAllText('{marker}', 'ran') }} -WhatIf").AssertNoErrors();

        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void A_stage_that_would_be_skipped_is_still_reported_as_skipped_under_WhatIf()
    {
        var result = ps.Run("$run | Invoke-RunStage prepare { param($Run) [IO.File]::WriteAllText($Run.Resolve('p.txt'), 'p') } -Output p.txt -WhatIf");

        Assert.True((bool)Expect.Single(result, Expect.StageResult).Get("Skipped")!);
    }
}
