# Measure-Run: groups runs by config keys or run properties and aggregates their metrics.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $root = New-TestRoot
    function New-ScoredRun([string] $Name, [string] $Trainer, [int] $Trees, [hashtable] $Metrics) {
        $run = New-Run -Name $Name -Root $root -Set @{ 'model.trainer' = $Trainer; 'model.trees' = $Trees }
        foreach ($m in $Metrics.GetEnumerator()) { Write-RunMetric -Run $run -Name $m.Key -Value $m.Value }
        $run
    }
    $null = New-ScoredRun a lbfgs 100 @{ auc = 0.80; loss = 0.5 }
    $null = New-ScoredRun b sdca 100 @{ auc = 0.70 }
    $null = New-ScoredRun c lbfgs 200 @{ auc = 0.84 }
    $null = New-ScoredRun d sdca 200 @{ auc = 0.75 }
    $null = New-ScoredRun e lbfgs 300 @{ auc = 0.86 }
    $runs = Get-Run -Root $root
}

Describe 'Measure-Run' {
    It 'aggregates each metric per group as a hand computation does' {
        $rows = $runs | Measure-Run -GroupBy model.trainer -Metric auc
        $rows | Should -HaveCount 2
        $rows[0].PSObject.TypeNames | Should -Contain 'RunTools.Comparison.RunMeasurement'
        $lbfgs = $rows[0]
        $lbfgs.GroupName | Should -Be 'model.trainer=lbfgs'
        $lbfgs.Group['model.trainer'] | Should -Be 'lbfgs'
        $lbfgs.Count | Should -Be 3
        $lbfgs.Runs | Should -Be ($runs | Where-Object { $_.Params['model.trainer'] -eq 'lbfgs' }).Name

        # By hand: mean, sample sd (n - 1), and the t-interval with t(0.975, 2) = 0.95 * sqrt(2 / 0.0975) (closed form for 2 df).
        $values = 0.80, 0.84, 0.86
        $mean = ($values | Measure-Object -Sum).Sum / 3
        $sd = [math]::Sqrt((($values | ForEach-Object { ($_ - $mean) * ($_ - $mean) }) | Measure-Object -Sum).Sum / 2)
        $half = 0.95 * [math]::Sqrt(2 / 0.0975) * $sd / [math]::Sqrt(3)
        [math]::Abs($lbfgs.Mean - $mean) | Should -BeLessThan 1e-12
        [math]::Abs($lbfgs.SD - $sd) | Should -BeLessThan 1e-12
        $lbfgs.Min | Should -Be 0.80
        $lbfgs.Max | Should -Be 0.86
        [math]::Abs($lbfgs.Lower - ($mean - $half)) | Should -BeLessThan 1e-12
        [math]::Abs($lbfgs.Upper - ($mean + $half)) | Should -BeLessThan 1e-12

        $sdca = $rows[1]
        $sdca.GroupName | Should -Be 'model.trainer=sdca'
        $sdca.Count | Should -Be 2
        [math]::Abs($sdca.Mean - 0.725) | Should -BeLessThan 1e-12
    }

    It 'leaves SD and the interval empty for a single run' {
        $loss = $runs | Measure-Run -GroupBy model.trainer -Metric loss
        $loss.Count | Should -Be 1
        $loss.Mean | Should -Be 0.5
        $loss.SD | Should -BeNullOrEmpty
        $loss.Lower | Should -BeNullOrEmpty
        $loss.Upper | Should -BeNullOrEmpty
    }

    It 'aggregates every metric of every run in one group without -GroupBy' {
        $rows = $runs | Measure-Run
        $rows.Metric | Should -Be 'auc', 'loss'
        $rows.GroupName | Sort-Object -Unique | Should -Be '(all runs)'
        $rows[0].Count | Should -Be 5
    }

    It 'groups by several keys, run properties included, sorted by value' {
        $rows = $runs | Measure-Run -GroupBy Status, model.trees -Metric 'a*'
        $rows.GroupName | Should -Be 'Status=Running, model.trees=100', 'Status=Running, model.trees=200', 'Status=Running, model.trees=300'
        # ($rows.Count is the array's length: member enumeration does not reach a property named Count.)
        $rows | ForEach-Object Count | Should -Be 2, 2, 1
    }

    It 'takes runs by key from -Run' {
        (Measure-Run -Run a -Root $root -Metric auc).Count | Should -Be 1
    }

    It 'stops with GroupKeyNotFound for a key no run has, suggesting the config key' {
        { $runs | Measure-Run -GroupBy trainer -ErrorAction Stop } |
            Should -Throw -ErrorId 'GroupKeyNotFound,RunTools.Module.Commands.MeasureRunCommand'
        $err = $null
        try { $runs | Measure-Run -GroupBy trainer } catch { $err = $_ }
        $err.Exception.Message | Should -Match "model\.trainer"
        $err.TargetObject | Should -Be 'trainer'
    }

    It 'reports a metric named without wildcards that no run has, and aggregates the others' {
        $rows = $runs | Measure-Run -Metric auc, nope -ErrorAction SilentlyContinue -ErrorVariable err
        $rows.Metric | Should -Be 'auc'
        $err.FullyQualifiedErrorId | Should -Be 'MetricNotInRuns,RunTools.Module.Commands.MeasureRunCommand'
    }

    It 'shows a table' {
        $text = $runs | Measure-Run -GroupBy model.trainer -Metric auc | Out-String -Width 120
        $text | Should -Match 'Group\s+Metric\s+Count\s+Mean\s+SD\s+Min\s+Max\s+Lower\s+Upper'
        $text | Should -Match 'model.trainer=lbfgs\s+auc\s+3\s+0\.8333'
    }
}
