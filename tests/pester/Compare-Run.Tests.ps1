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
