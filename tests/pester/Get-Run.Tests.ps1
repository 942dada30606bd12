# Get-Run: lists the runs under a root, filtered by name, id or status, or reads run directories by path.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $root = New-TestRoot
    $baseline = New-Run -Name baseline -Root $root -Set 'model.trees=100'
    $failed = New-Run -Name lr-01 -Root $root
    $failed | Set-RunStatus Running
    $failed | Set-RunStatus Failed 'diverged'
    $pending = New-Run -Name lr-02 -Root $root
    Write-RunMetric -Run $baseline -Name auc -Value 0.91
    $baseline | Set-RunStatus Running
    $baseline | Set-RunStatus Completed
}

Describe 'Get-Run' {
    It 'lists every run under the root, oldest first' {
        $runs = Get-Run -Root $root
        $runs | Should -HaveCount 3
        $runs.Key | Should -Be 'baseline', 'lr-01', 'lr-02'
        $runs[0].PSObject.TypeNames | Should -Contain 'RunTools.Views.RunInfo'
    }

    It 'skips hidden folders such as .runtools' {
        New-Item -ItemType Directory -Path (Join-Path $root '.runtools/staging') -Force | Out-Null
        Get-Run -Root $root | Should -HaveCount 3
    }

    It 'matches -Name against the key or the directory name, with wildcards' {
        (Get-Run -Root $root -Name 'lr-*').Key | Should -Be 'lr-01', 'lr-02'
        (Get-Run -Root $root -Name $baseline.Name).Path | Should -Be $baseline.Path
    }

    It 'keeps the runs in the statuses given to -Status' {
        $runs = Get-Run -Root $root -Status Failed, Pending
        $runs.Key | Should -Be 'lr-01', 'lr-02'
        (Get-Run -Root $root -Status Completed).Key | Should -Be 'baseline'
        Get-Run -Root $root -Status Cancelled | Should -BeNullOrEmpty
    }

    It 'finds a run by the start of its id' {
        $prefix = "$($baseline.Id)".Substring(0, 8)
        (Get-Run -Root $root -Id $prefix).Key | Should -Be 'baseline'
    }

    It 'shows the last value of each metric and the flattened config' {
        $run = Get-Run -Root $root -Name baseline
        $run.Metrics.auc | Should -Be 0.91
        $run.Params.'model.trees' | Should -Be 100
    }

    It 'reads run directories given by path, from run objects piped in and as a DirectoryInfo' {
        (Get-Run -Path $pending.Path).Key | Should -Be 'lr-02'
        ($pending | Get-Run).Key | Should -Be 'lr-02'
        (Get-Item -LiteralPath $failed.Path | Get-Run).Key | Should -Be 'lr-01'
    }

    It 'reports a name that matches no run as RunNotFound, while a wildcard that matches nothing returns nothing' {
        { Get-Run -Root $root -Name nothing-here -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.GetRunCommand'
        Get-Run -Root $root -Name 'nothing-*' | Should -BeNullOrEmpty
    }

    It 'reports a path that is not a run directory, with the path as target' {
        $notRun = Join-Path $TestDrive 'not-a-run'
        New-Item -ItemType Directory -Path $notRun -Force | Out-Null
        Get-Run -Path $notRun -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,RunTools.Module.Commands.GetRunCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }
}

Describe 'Get-Run filters through the run index' {
    BeforeAll {
        $sweep = New-TestRoot
        $made = foreach ($i in 1..5) {
            $run = New-Run -Name sweep -Root $sweep -Set "model.lr=0.0$i", "model.trees=$($i * 100)", 'model.kind=gbm'
            Write-RunMetric -Run $run -Name 'cv/auc' -Value (0.8 + $i / 100)
            $run
        }
        $other = New-Run -Name other -Root $sweep -Set 'model.lr=0.5'
        $indexFolder = Join-Path $sweep '.runtools/run-index'
    }

    It 'keeps the runs a -Filter script block over index rows returns true for' {
        $runs = Get-Run -Root $sweep -Filter { $_.Params['model.lr'] -gt 0.02 -and $_.Metrics['cv/auc'] -ge 0.84 }
        $runs.Name | Should -Be $made[3].Name, $made[4].Name
        $runs[0].PSObject.TypeNames | Should -Contain 'RunTools.Views.RunInfo'
    }

    It 'gives -Filter rows with typed, case-insensitive Params and Metrics, null for a missing key' {
        $rows = [System.Collections.Generic.List[object]]::new()
        Get-Run -Root $sweep -Name $made[0].Name -Filter { $rows.Add($_); $true } | Out-Null
        $rows | Should -HaveCount 1
        $rows[0].GetType().Name | Should -Be 'RunIndexRow'
        $rows[0].Params['MODEL.TREES'] | Should -BeOfType [long]
        $rows[0].Metrics['CV/AUC'] | Should -Be 0.81
        $rows[0].Params['no.such.key'] | Should -BeNullOrEmpty
        $rows[0].Status | Should -Be (Get-Run -Path $made[0].Path).Status
    }

    It 'keeps the runs whose config has each -Param value, compared by type' {
        (Get-Run -Root $sweep -Param @{ 'model.trees' = 200 }).Name | Should -Be $made[1].Name
        (Get-Run -Root $sweep -Param @{ 'model.trees' = '300'; 'MODEL.KIND' = 'GBM' }).Name | Should -Be $made[2].Name
        Get-Run -Root $sweep -Param @{ 'model.trees' = 201 } | Should -BeNullOrEmpty
    }

    It 'matches -Key against run keys, with wildcards' {
        Get-Run -Root $sweep -Key sweep | Should -HaveCount 5
        (Get-Run -Root $sweep -Key 'oth*').Name | Should -Be $other.Name
    }

    It 'keeps runs created in the -Since/-Until window' {
        Get-Run -Root $sweep -Since $made[0].CreatedAt.UtcDateTime | Should -HaveCount 6
        Get-Run -Root $sweep -Until $made[0].CreatedAt.UtcDateTime | Should -BeNullOrEmpty
        Get-Run -Root $sweep -Since (Get-Date).AddDays(1) | Should -BeNullOrEmpty
    }

    It 'orders by a metric with -By, highest first, lowest first with -Ascending, and cuts with -Top' {
        (Get-Run -Root $sweep -Top 2 -By cv/auc).Name | Should -Be $made[4].Name, $made[3].Name
        (Get-Run -Root $sweep -Top 2 -By cv/auc -Ascending).Name | Should -Be $made[0].Name, $made[1].Name
        (Get-Run -Root $sweep -By cv/auc)[-1].Name | Should -Be $other.Name
        (Get-Run -Root $sweep -Top 1).Name | Should -Be $other.Name
    }

    It 'refuses a -By metric no run has, naming the metric and the one it looks like' {
        { Get-Run -Root $sweep -By cv/au -ErrorAction Stop } | Should -Throw -ErrorId 'SortMetricNotFound,RunTools.Module.Commands.GetRunCommand' -ExpectedMessage "*'cv/auc'*"
    }

    It 'reports a -Filter that throws as RunFilterFailed naming the run, and lists the other runs' {
        $runs = Get-Run -Root $sweep -Filter { if ($_.Name -eq $made[0].Name) { throw 'boom' } $true } -ErrorVariable err -ErrorAction SilentlyContinue
        $runs | Should -HaveCount 5
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'RunFilterFailed,RunTools.Module.Commands.GetRunCommand'
        $err[0].TargetObject | Should -Be $made[0].Name
        "$($err[0])" | Should -BeLike '*boom*'
    }

    It 'answers the same after its index files are deleted or damaged, and rebuilds them' {
        $expected = (Get-Run -Root $sweep -Filter { $_.Metrics['cv/auc'] -gt 0.82 }).Name
        Remove-Item -LiteralPath $indexFolder -Recurse -Force
        (Get-Run -Root $sweep -Filter { $_.Metrics['cv/auc'] -gt 0.82 }).Name | Should -Be $expected
        Join-Path $indexFolder 'journal.jsonl' | Should -Exist
        Set-Content -LiteralPath (Join-Path $indexFolder 'journal.jsonl') -Value 'damaged'
        Set-Content -LiteralPath (Join-Path $indexFolder 'index.jsonl') -Value 'damaged too'
        (Get-Run -Root $sweep -Filter { $_.Metrics['cv/auc'] -gt 0.82 }).Name | Should -Be $expected
    }

    It 'sees a metric written after the index was built' {
        Get-Run -Root $sweep | Out-Null
        Write-RunMetric -Run $other -Name 'cv/auc' -Value 0.99
        (Get-Run -Root $sweep -Top 1 -By cv/auc).Name | Should -Be $other.Name
    }

    It 'reports progress while it rebuilds the index of many runs' {
        $many = New-TestRoot
        foreach ($i in 1..60) { New-Run -Name "m$i" -Root $many | Out-Null }
        Remove-Item -LiteralPath (Join-Path $many '.runtools/run-index') -Recurse -Force
        $ps = [powershell]::Create()
        $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Get-Module RunTools).Path).AddStatement().AddCommand('Get-Run').AddParameter('Root', $many)
        $out = $ps.Invoke()
        $out | Should -HaveCount 60
        $ps.Streams.Progress.Activity | Should -Contain 'Get-Run: indexing runs'
        $ps.Dispose()
    }
}
