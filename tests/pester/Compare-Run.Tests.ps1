# Compare-Run: what differs between a reference run and other runs, section by section, like Compare-Object.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $root = New-TestRoot
    function New-ScoredRun([string] $Name, [int] $Trees, [double] $Auc, [hashtable] $Extra = @{}) {
        $run = New-Run -Name $Name -Root $root -Set (@{ 'model.trees' = $Trees; 'model.rate' = 0.1 } + $Extra) -DataPath $PatientsCsv
        Write-RunMetric -Run $run -Name auc -Value $Auc
        $run
    }
    $baseline = New-ScoredRun baseline 100 0.8
    $moreTrees = New-ScoredRun more-trees 300 0.9
    $deeper = New-ScoredRun deeper 100 0.85 @{ 'model.depth' = 6 }
}

Describe 'Compare-Run' {
    It 'returns one difference per changed key, marked as changed' {
        $diff = @(Compare-Run $baseline $moreTrees)
        $diff[0].PSObject.TypeNames | Should -Contain 'RunTools.Comparison.RunDifference'
        $trees = $diff | Where-Object Key -eq 'model.trees'
        $trees.Section | Should -Be 'config'
        $trees.ReferenceValue | Should -Be 100
        $trees.DifferenceValue | Should -Be 300
        $trees.SideIndicator | Should -Be '<>'
        $diff.Key | Should -Not -Contain 'model.rate'
    }

    It 'computes Delta and RelativeDelta for numbers' {
        $auc = Compare-Run $baseline $moreTrees -Section metrics | Where-Object Key -eq auc
        $auc.Delta | Should -BeGreaterThan 0.0999
        $auc.Delta | Should -BeLessThan 0.1001
        $auc.RelativeDelta | Should -BeGreaterThan 0.1249
        $auc.RelativeDelta | Should -BeLessThan 0.1251
    }

    It 'takes the first run piped in as the reference' {
        $diff = $baseline, $moreTrees | Compare-Run -Section config
        $diff.ReferenceRun | Sort-Object -Unique | Should -Be $baseline.Name
        $diff.DifferenceRun | Sort-Object -Unique | Should -Be $moreTrees.Name
    }

    It 'returns only the sections asked for' {
        $sections = Compare-Run $baseline $moreTrees -Section config, metrics | ForEach-Object Section | Sort-Object -Unique
        $sections | Should -Be 'config', 'metrics'
    }

    It 'marks a key that only the reference or only the other run has' {
        (Compare-Run $baseline $deeper -Section config | Where-Object Key -eq 'model.depth').SideIndicator | Should -Be '=>'
        (Compare-Run $deeper $baseline -Section config | Where-Object Key -eq 'model.depth').SideIndicator | Should -Be '<='
    }

    It 'includes equal values when asked' {
        $rate = Compare-Run $baseline $moreTrees -Section config -IncludeEqual | Where-Object Key -eq 'model.rate'
        $rate.SideIndicator | Should -Be '=='
        Compare-Run $baseline $moreTrees -Section inputs | Should -BeNullOrEmpty
    }

    It 'compares every run given to -DifferenceRun with the reference' {
        $diff = Compare-Run -ReferenceRun $baseline -DifferenceRun $moreTrees, $deeper -Section metrics
        $diff.DifferenceRun | Should -Be $moreTrees.Name, $deeper.Name
    }

    It 'compares run directories given by path' {
        (Compare-Run $baseline.Path $moreTrees.Path -Section config | Where-Object Key -eq 'model.trees').Delta | Should -Be 200
    }

    It 'stops with NothingToCompare when there is no second run' {
        { $baseline | Compare-Run -ErrorAction Stop } |
            Should -Throw -ErrorId 'NothingToCompare,RunTools.Module.Commands.CompareRunCommand'
    }

    It 'reports a run that does not exist' {
        $missing = Join-Path $TestDrive 'compare-missing'
        Compare-Run $baseline $missing -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err.FullyQualifiedErrorId | Should -Contain 'RunNotFound,RunTools.Module.Commands.CompareRunCommand'
    }
}

Describe 'Compare-Run -Table' {
    BeforeAll {
        $tableRoot = New-TestRoot
        function New-TableRun([string] $Name, [int] $Trees, [double] $Auc, [hashtable] $Extra = @{}) {
            $run = New-Run -Name $Name -Root $tableRoot -Set (@{ 'model.trees' = $Trees; 'model.rate' = 0.1 } + $Extra)
            Write-RunMetric -Run $run -Name auc -Value $Auc
            $run
        }
        $one = New-TableRun sweep 100 0.8
        $two = New-TableRun sweep 300 0.9
        $three = New-TableRun sweep 100 0.85 @{ 'model.depth' = 6 }
        function Get-Rows($Output) { @($Output | Where-Object { $_.PSObject.TypeNames[0] -eq 'RunTools.Comparison.RunTableRow' }) }
    }

    It 'gives one row per differing key and one column per run, for every run of a key piped in' {
        $rows = Get-Rows (Get-Run sweep -Root $tableRoot | Compare-Run -Table)
        $rows.Key | Should -Be 'model.trees', 'model.depth', 'auc'
        $trees = $rows[0]
        $trees.Section | Should -Be 'config'
        @($trees.PSObject.Properties.Name) | Should -Be 'Section', 'Key', $one.Name, $two.Name, $three.Name, 'Differs'
        $trees.($one.Name) | Should -Be 100
        $trees.($two.Name) | Should -Be 300
        $trees.($three.Name) | Should -Be 100
        $rows[1].($one.Name) | Should -BeNullOrEmpty
        $rows[1].($three.Name) | Should -Be 6
        $rows.Differs | Should -Not -Contain $false
    }

    It 'gives every key with -All, equal ones marked' {
        $rows = Get-Rows (Compare-Run -Table -All -Section config $one, $two, $three)
        $rows.Key | Should -Be 'model.rate', 'model.trees', 'model.depth'
        $rate = $rows | Where-Object Key -eq 'model.rate'
        $rate.Differs | Should -BeFalse
        $rate.($two.Name) | Should -Be 0.1
    }

    It 'resolves a key to every run with it' {
        (Get-Rows (Compare-Run sweep -Table -Root $tableRoot -Section metrics)).PSObject.Properties.Name | Should -Contain $three.Name
    }

    It 'keeps the pairwise comparison when -Table is not given' {
        $diff = Get-Run sweep -Root $tableRoot | Compare-Run -Section config
        $diff[0].PSObject.TypeNames | Should -Contain 'RunTools.Comparison.RunDifference'
        $diff.DifferenceRun | Sort-Object -Unique | Should -Be $two.Name, $three.Name
    }

    It 'stops with NothingToCompare for one run and BaselineNotCompared for a baseline not compared' {
        { $one | Compare-Run -Table -ErrorAction Stop } | Should -Throw -ErrorId 'NothingToCompare,RunTools.Module.Commands.CompareRunCommand'
        { $one, $two | Compare-Run -Table -Baseline nope -ErrorAction Stop } | Should -Throw -ErrorId 'BaselineNotCompared,RunTools.Module.Commands.CompareRunCommand'
    }
}

Describe 'Compare-Run -Table on trainings of the same fold plan' {
    BeforeAll {
        $trainRoot = New-TestRoot
        $common = "data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }`n"
        function New-Training([string] $Name, [int] $Iterations, [int] $Leaves, [int] $Seed = 7) {
            $config = Join-Path $TestDrive "$Name.yaml"
            Set-Content -LiteralPath $config ($common + "folds: { kind: stratified_group, k: 5, seed: $Seed }`n" +
                "training: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [$Iterations], leaves: [$Leaves] } } ] }")
            $run = New-Run -Name $Name -Root $trainRoot -ConfigPath $config -DataPath $PatientsCsv
            $null = $run | New-RunFoldPlan | Invoke-RunTraining
            Get-Run -Path $run.Path
        }
        $big = New-Training big 30 8
        $small = New-Training small 5 4
        $output = $big, $small | Compare-Run -Table
        $paired = @($output | Where-Object { $_.PSObject.TypeNames[0] -eq 'RunTools.Comparison.FoldPairedComparison' })

        function Get-FoldValues($Run, [string] $Metric) {
            Import-RunTable -Run $Run -Path metrics/folds.parquet | Where-Object metric -eq $Metric | Sort-Object outer_fold | ForEach-Object value
        }
    }

    It 'compares every fold metric of the run with the baseline on the shared plan' {
        $paired | Should -Not -BeNullOrEmpty
        $paired.Metric | Should -Contain 'auc'
        $paired | ForEach-Object { $_.Baseline | Should -Be $big.Name; $_.Run | Should -Be $small.Name; $_.Folds | Should -Be 5; $_.Stage | Should -Be 'train' }
        $paired[0].PlanHash | Should -Be ((Get-RunManifest $big).FoldPlans | Where-Object Name -eq folds).ContentSha256
    }

    It 'gives the paired t-test and the exact Wilcoxon p-value of a reference implementation' {
        $x = @(Get-FoldValues $big auc)
        $y = @(Get-FoldValues $small auc)
        $x | Should -HaveCount 5
        $d = 0..4 | ForEach-Object { $y[$_] - $x[$_] }
        $auc = $paired | Where-Object Metric -eq auc

        # Paired t-test: t = mean / (sd / sqrt(n)); for 4 degrees of freedom the two-sided p-value has a closed form,
        # p = 1 - (3/4) u (1 - u^2 / 12) with u = |t| / sqrt(1 + t^2 / 4).
        $mean = ($d | Measure-Object -Sum).Sum / 5
        $sd = [math]::Sqrt((($d | ForEach-Object { ($_ - $mean) * ($_ - $mean) }) | Measure-Object -Sum).Sum / 4)
        $t = $mean / ($sd / [math]::Sqrt(5))
        $u = [math]::Abs($t) / [math]::Sqrt(1 + $t * $t / 4)
        $p = 1 - 0.75 * $u * (1 - $u * $u / 12)
        [math]::Abs($auc.MeanDelta - $mean) | Should -BeLessThan 1e-12
        [math]::Abs($auc.T - $t) | Should -BeLessThan (1e-9 * [math]::Abs($t))
        [math]::Abs($auc.TTestP - $p) | Should -BeLessThan 1e-9

        # Wilcoxon signed-rank, exact: R+ against its distribution over the 2^5 sign patterns of the ranks 1..5.
        $abs = $d | ForEach-Object { [math]::Abs($_) }
        ($abs | Sort-Object -Unique) | Should -HaveCount 5 # no ties, no zeros: the exact distribution applies
        $ranks = 0..4 | ForEach-Object { $i = $_; 1 + @($abs | Where-Object { $_ -lt $abs[$i] }).Count }
        $rPlus = (0..4 | Where-Object { $d[$_] -gt 0 } | ForEach-Object { $ranks[$_] } | Measure-Object -Sum).Sum
        $sums = 0..31 | ForEach-Object { $mask = $_; (1..5 | Where-Object { $mask -band (1 -shl ($_ - 1)) } | Measure-Object -Sum).Sum }
        $below = @($sums | Where-Object { $_ -le $rPlus }).Count / 32
        $above = @($sums | Where-Object { $_ -ge $rPlus }).Count / 32
        $expected = if ($rPlus -eq 7) { 1.0 } else { [math]::Min(1.0, 2 * [math]::Min($below, $above)) }
        $auc.WilcoxonMethod | Should -Be 'exact'
        $auc.WilcoxonStatistic | Should -Be ([math]::Min($rPlus, 15 - $rPlus))
        $auc.WilcoxonP | Should -Be $expected
    }

    It 'takes another baseline with -Baseline' {
        $swapped = @($big, $small | Compare-Run -Table -Baseline $small.Name |
            Where-Object { $_.PSObject.TypeNames[0] -eq 'RunTools.Comparison.FoldPairedComparison' -and $_.Metric -eq 'auc' })
        $swapped.Run | Should -Be $big.Name
        $auc = $paired | Where-Object Metric -eq auc
        [math]::Abs($swapped.MeanDelta + $auc.MeanDelta) | Should -BeLessThan 1e-12
        $swapped.TTestP | Should -Be $auc.TTestP
    }

    It 'warns and pairs nothing when the runs trained on different fold plans' {
        $other = New-Training reseeded 5 4 -Seed 8
        $out = $big, $other | Compare-Run -Table -WarningVariable warned 3>$null
        @($out | Where-Object { $_.PSObject.TypeNames[0] -eq 'RunTools.Comparison.FoldPairedComparison' }) | Should -HaveCount 0
        $warned | Should -Match 'same fold plan'
    }

    It 'shows the fold-paired comparisons as a table per stage' {
        $text = $paired | Out-String -Width 80
        $text | Should -Match 'train: folds paired with'
        $text | Should -Match 'Run\s+Metric\s+Folds\s+MeanDelta\s+TTestP\s+WilcoxonP\s+Method'
    }
}
