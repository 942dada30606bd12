# Write-RunMetric: appends metric values to a run's history; the manifest keeps a summary of each metric.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Write-RunMetric' {
    BeforeEach {
        $run = New-Run -Name metrics -Root (New-TestRoot)
    }

    It 'records one value that Get-Run shows as the metric''s last value' {
        Write-RunMetric -Run $run -Name auc -Value 0.912 | Should -BeNullOrEmpty
        (Get-Run -Path $run.Path).Metrics.auc | Should -Be 0.912
    }

    It 'records several metrics from a hashtable, with a stage, and returns them with -PassThru' {
        $written = Write-RunMetric -Run $run -Metric @{ auc = 0.912; f1 = 0.81; logloss = 0.29 } -Stage evaluate -PassThru
        $written | Should -HaveCount 3
        $written[0].PSObject.TypeNames | Should -Contain 'RunTools.Views.MetricRecord'
        $written.Name | Should -Be 'auc', 'f1', 'logloss'
        $written.Stage | Should -Be 'evaluate', 'evaluate', 'evaluate'
    }

    It 'records a learning curve piped in as objects with Name, Value and Step' {
        1..3 | ForEach-Object { [pscustomobject]@{ Name = 'loss'; Value = 1 / $_; Step = $_ } } | Write-RunMetric -Run $run
        $history = Get-RunMetric -Run $run -Name loss
        $history.Step | Should -Be 1, 2, 3
        $history[2].Value | Should -Be (1 / 3)
    }

    It 'keeps the last, min, max and count of each metric in the manifest' {
        Write-RunMetric -Run $run -Name loss -Value 0.9 -Step 1
        Write-RunMetric -Run $run -Name loss -Value 0.4 -Step 2
        Write-RunMetric -Run $run -Name loss -Value 0.6 -Step 3
        $summary = @((Get-RunManifest $run).Metrics) | Where-Object Name -eq loss
        $summary.Last | Should -Be 0.6
        $summary.Min | Should -Be 0.4
        $summary.Max | Should -Be 0.9
        $summary.Count | Should -Be 3
    }

    It 'refuses a value that is not a finite number and still writes the others' {
        Write-RunMetric -Run $run -Metric ([ordered]@{ good = 1.0; bad = [double]::NaN }) -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'MetricInvalid,RunTools.Module.Commands.WriteRunMetricCommand'
        (Get-Run -Path $run.Path).Metrics.good | Should -Be 1.0
        (Get-RunMetric -Run $run).Name | Should -Be 'good'
    }

    It 'refuses a metric name that breaks the rules' {
        { Write-RunMetric -Run $run -Name 'bad name!' -Value 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidName,RunTools.Module.Commands.WriteRunMetricCommand'
    }

    It 'accepts grouped names such as val/auc and fold:3/auc' {
        Write-RunMetric -Run $run -Metric ([ordered]@{ 'val/auc' = 0.8; 'fold:3/auc' = 0.7 })
        (Get-Run -Path $run.Path).Metrics.'fold:3/auc' | Should -Be 0.7
    }

    It 'starts a pending run, so New-Run, Write-RunMetric and Set-RunStatus Completed need nothing in between' {
        "$($run.Status)" | Should -Be 'Pending'
        $run | Write-RunMetric auc 0.91
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Running'
        (Get-RunManifest $run).Owner.Pid | Should -Be $PID
        $run | Set-RunStatus Completed
        $completed = Get-Run -Path $run.Path
        "$($completed.Status)" | Should -Be 'Completed'
        $completed.Metrics['auc'] | Should -Be 0.91
    }

    It 'leaves a pending run pending when every value is refused' {
        Write-RunMetric -Run $run -Name auc -Value ([double]::NaN) -ErrorAction SilentlyContinue
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Pending'
    }

    It 'writes nothing with -WhatIf' {
        $before = Get-TreeState $run.Path
        Write-RunMetric -Run $run -Name auc -Value 0.5 -WhatIf
        Get-TreeState $run.Path | Should -Be $before
    }

    It 'reports a run that does not exist' {
        $gone = Join-Path $TestDrive 'no-such-run'
        { Write-RunMetric -Run $gone -Name auc -Value 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.WriteRunMetricCommand'
    }

    It 'records a metric from inside a stage through the stage''s $Run' {
        $run | Invoke-RunStage evaluate { param($Run) Write-RunMetric -Run $Run -Name val/auc -Value 0.905 -Stage $Run.Stage } | Out-Null
        $point = Get-RunMetric -Run $run -Name val/auc
        $point.Value | Should -Be 0.905
        $point.Stage | Should -Be 'evaluate'
    }
}
