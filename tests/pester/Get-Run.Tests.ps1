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
