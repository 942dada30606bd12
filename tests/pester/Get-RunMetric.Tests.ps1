# Get-RunMetric: reads back every value written to a run, in order.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $root = New-TestRoot
    $run = New-Run -Name curves -Root $root
    1..3 | ForEach-Object { [pscustomobject]@{ Name = 'loss'; Value = 1 / $_; Step = $_; Stage = 'train' } } | Write-RunMetric -Run $run
    Write-RunMetric -Run $run -Metric ([ordered]@{ 'val/auc' = 0.88; 'val/f1' = 0.7 }) -Stage evaluate
    Write-RunMetric -Run $run -Name auc -Value 0.912 -Stage evaluate
}

Describe 'Get-RunMetric' {
    It 'returns every value ever written, in the order written' {
        $history = $run | Get-RunMetric
        $history | Should -HaveCount 6
        $history.Name | Should -Be 'loss', 'loss', 'loss', 'val/auc', 'val/f1', 'auc'
        $history[0].PSObject.TypeNames | Should -Contain 'RunTools.Views.MetricRecord'
    }

    It 'keeps the step, the stage and the run of each value' {
        $loss = Get-RunMetric -Run $run -Name loss
        $loss.Step | Should -Be 1, 2, 3
        $loss.Stage | Should -Be 'train', 'train', 'train'
        $loss[1].Value | Should -Be 0.5
        $loss[0].RunPath | Should -Be $run.Path
        $loss[0].Run | Should -Be $run.Name
    }

    It 'selects metrics by name with wildcards' {
        (Get-RunMetric -Run $run 'val/*').Name | Should -Be 'val/auc', 'val/f1'
        (Get-RunMetric -Run $run 'val/*', auc).Name | Should -Be 'val/auc', 'val/f1', 'auc'
    }

    It 'keeps the whole history although the manifest keeps only the last value' {
        (Get-Run -Path $run.Path).Metrics.loss | Should -Be (1 / 3)
        (Get-RunMetric -Run $run loss) | Should -HaveCount 3
    }

    It 'takes a run directory path' {
        (Get-RunMetric -Run $run.Path -Name auc).Value | Should -Be 0.912
    }

    It 'returns nothing for a run without metrics' {
        New-Run -Name quiet -Root $root | Get-RunMetric | Should -BeNullOrEmpty
    }

    It 'returns the same values when piped runs from Get-Run' {
        (Get-Run -Root $root -Name curves | Get-RunMetric auc).Value | Should -Be 0.912
    }

    It 'reports a run that does not exist' {
        Get-RunMetric -Run (Join-Path $TestDrive 'missing-run') -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,RunTools.Module.Commands.GetRunMetricCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }
}
