# Invoke-RunTraining: trains and evaluates models by cross-validation on a stored fold plan.
# One small training (three outer folds, one quick candidate, a production fold) serves the whole file.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $config = New-QuickTrainingConfig
    $root = New-TestRoot
    $run = New-Run -Name visits -Root $root -ConfigPath $config -DataPath $PatientsCsv
    $result = $run | New-RunFoldPlan | Invoke-RunTraining
}

Describe 'Invoke-RunTraining' {
    It 'trains on the plan piped from New-RunFoldPlan and returns the cross-validated result' {
        $result.PSObject.TypeNames | Should -Contain 'RunTools.Views.TrainingResult'
        $result.Run | Should -Be $run.Name
        $result.Stage | Should -Be 'train'
        $result.Task | Should -Be 'binary'
        $result.Plan | Should -Be 'folds'
        $result.Skipped | Should -BeFalse
        $result.RunPath | Should -Be $run.Path
    }

    It 'finds the signal in the example data' {
        $result.Metrics.auc | Should -BeGreaterThan 0.7
        $result.Metrics.auc | Should -BeLessOrEqual 1.0
        $result.Metrics.balanced_accuracy | Should -BeGreaterThan 0.5
    }

    It 'writes the models, the out-of-fold predictions and the metric tables into the run, as artifacts of the stage' {
        foreach ($file in 'models/production/model.json', 'models/r0_f0/model.json', 'predictions/oof.parquet',
                          'metrics/folds.parquet', 'metrics/summary.parquet', 'best_models.json', 'training.json') {
            Join-Path $run.Path $file | Should -Exist
        }
        $artifacts = @((Get-RunManifest $run).Artifacts) | Where-Object Stage -eq train
        $artifacts.Path | Should -Contain 'predictions/oof.parquet'
        $result.ProductionModel | Should -Be 'models/production/model.json'
    }

    It 'predicts every row exactly once out of fold' {
        $oof = Import-RunTable -Run $result -Path $result.Predictions
        $oof | Should -HaveCount 1200
        ($oof.row_key | Sort-Object -Unique) | Should -HaveCount 1200
        $oof | Where-Object { $_.score -lt 0 -or $_.score -gt 1 } | Should -BeNullOrEmpty
    }

    It 'keeps an integer label an integer in the out-of-fold predictions, so -eq 1 finds its rows' {
        $oof = Import-RunTable -Run $result -Path $result.Predictions
        $oof[0].label | Should -BeOfType [long]
        $oof[0].prediction | Should -BeOfType [long]
        $ones = @(Import-Csv -LiteralPath $PatientsCsv | Where-Object label -eq '1').Count
        @($oof | Where-Object label -eq 1).Count | Should -Be $ones
    }

    It 'records the cross-validated metrics as run metrics of the stage' {
        $metrics = (Get-Run -Path $run.Path).Metrics
        $metrics.'cv/auc' | Should -Be $result.Metrics.auc
        $metrics.'cv/auc/sd' | Should -BeGreaterThan 0
        (Get-RunMetric -Run $run 'cv/auc').Stage | Should -Be 'train'
        (Import-RunTable -Run $run -Path metrics/summary.parquet | Where-Object metric -eq auc).n | Should -Be 3
    }

    It 'skips a training whose data, plan and settings did not change' {
        $before = Get-TreeState $run.Path
        $again = $run | Invoke-RunTraining
        $again.Skipped | Should -BeTrue
        $again.Metrics.auc | Should -Be $result.Metrics.auc
        Get-TreeState $run.Path | Should -Be $before
    }

    It 'writes nothing with -WhatIf' {
        $fresh = New-Run -Name preview -Root (New-TestRoot) -ConfigPath $config -DataPath $PatientsCsv
        $fresh | New-RunFoldPlan | Out-Null
        $before = Get-TreeState $fresh.Path
        $fresh | Invoke-RunTraining -WhatIf | Should -BeNullOrEmpty
        Get-TreeState $fresh.Path | Should -Be $before
    }

    It 'refuses a run without the fold plan it names' {
        $unplanned = New-Run -Name unplanned -Root (New-TestRoot) -ConfigPath $config -DataPath $PatientsCsv
        $unplanned | Invoke-RunTraining -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'FoldPlanNotFound,RunTools.Module.Commands.InvokeRunTrainingCommand'
        { $run | Invoke-RunTraining -Plan nosuchplan -ErrorAction Stop } |
            Should -Throw -ErrorId 'FoldPlanNotFound,RunTools.Module.Commands.InvokeRunTrainingCommand'
    }

    It 'trains with an excluded timestamp column, and refuses a timestamp feature saying how to derive features from it' {
        $csv = Join-Path $TestDrive 'stamped.csv'
        'at,x,label' | Set-Content -LiteralPath $csv
        0..59 | ForEach-Object { '{0},{1},{2}' -f ([datetime]'2024-01-01').AddHours($_).ToString('yyyy-MM-ddTHH:mm:ssZ'), ($_ % 10), [int](($_ % 10) -ge 5) } |
            Add-Content -LiteralPath $csv
        $stamped = Join-Path $TestDrive 'stamped.yaml'
        "data: { label: label }`nfolds: { kind: stratified, k: 3 }`ntraining: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [20], leaves: [4] } } ] }" |
            Set-Content -LiteralPath $stamped
        $excluded = New-Run -Name excluded -Root (New-TestRoot) -Set 'data.exclude=[at]' -ConfigPath $stamped -DataPath $csv
        $trained = $excluded | New-RunFoldPlan | Invoke-RunTraining
        $trained.PSObject.TypeNames | Should -Contain 'RunTools.Views.TrainingResult'

        $used = New-Run -Name used -Root (New-TestRoot) -ConfigPath $stamped -DataPath $csv
        $used | New-RunFoldPlan | Out-Null
        $used | Invoke-RunTraining -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ColumnRoleUnsupported,RunTools.Module.Commands.InvokeRunTrainingCommand'
        $err[0].TargetObject | Should -Be 'at'
        $err[0].Exception.Message | Should -BeLike "*timestamp (UTC) column, which cannot be a feature*Add 'at' to data.exclude*day of the week*"
    }

    It 'refuses a run whose config names no label' {
        $unlabelled = New-Run -Name unlabelled -Root (New-TestRoot) -Set 'data.id=visit_id', 'folds.kind=kfold', 'folds.k=3' -DataPath $PatientsCsv
        $unlabelled | New-RunFoldPlan | Out-Null
        { $unlabelled | Invoke-RunTraining -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConfigValueInvalid,RunTools.Module.Commands.InvokeRunTrainingCommand'
    }

    It 'reports a setting the plan cannot train with before the stage starts, with -WhatIf too, and leaves the run as it was' {
        # One row of class 1 among 30: the outer fold that tests it trains on no row of class 1, so none of its inner
        # folds can compare the two candidates.
        $data = Join-Path $TestDrive 'one-positive.csv'
        @('id,x,y') + (0..29 | ForEach-Object { "r$_,$($_ % 7),$(if ($_ -eq 0) { 1 } else { 0 })" }) | Set-Content -LiteralPath $data
        $rareConfig = Join-Path $TestDrive 'rare.yaml'
        @'
data: { label: y, id: id }
folds: { kind: kfold, k: 3, seed: 1, inner: { kind: kfold, k: 2 } }
training: { candidates: [ { trainer: lbfgs }, { trainer: lightgbm } ] }
'@ | Set-Content -LiteralPath $rareConfig
        $rare = New-Run -Name rare -Root (New-TestRoot) -DataPath $data -ConfigPath $rareConfig
        $rare | New-RunFoldPlan | Out-Null
        $before = Get-TreeState $rare.Path

        $rare | Invoke-RunTraining -WhatIf -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'TrainingSpecInvalid,RunTools.Module.Commands.InvokeRunTrainingCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be 'folds.inner'
        Get-TreeState $rare.Path | Should -Be $before

        { $rare | Invoke-RunTraining -ErrorAction Stop } |
            Should -Throw -ErrorId 'TrainingSpecInvalid,RunTools.Module.Commands.InvokeRunTrainingCommand'
        (Get-Run -Path $rare.Path).Stages.Keys | Should -Be @('folds')
        Get-TreeState $rare.Path | Should -Be $before
    }

    It 'reports every bad training setting at once, one error record per key' {
        $bad = New-Run -Name bad -Root (New-TestRoot) -ConfigPath $config -DataPath $PatientsCsv -Set 'training.threads=-1', 'training.smote_k=0', 'training.conformal_alpha=2'
        $bad | New-RunFoldPlan | Out-Null
        $bad | Invoke-RunTraining -WhatIf -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -HaveCount 3
        $err.FullyQualifiedErrorId | Sort-Object -Unique | Should -Be 'ConfigValueInvalid,RunTools.Module.Commands.InvokeRunTrainingCommand'
        $err.TargetObject | Should -Be @('training.threads', 'training.smote_k', 'training.conformal_alpha')
    }

    It 'trains lbfgs with scikit-learn''s C and records the parameter with the selected candidate' {
        $cConfig = Join-Path $TestDrive 'c.yaml'
        @'
data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
folds: { kind: stratified_group, k: 3, seed: 7 }
training: { task: binary, candidates: [ { trainer: lbfgs, grid: { C: 1 } } ] }
'@ | Set-Content -LiteralPath $cConfig
        $linear = New-Run -Name linear -Root (New-TestRoot) -ConfigPath $cConfig -DataPath $PatientsCsv
        $trained = $linear | New-RunFoldPlan | Invoke-RunTraining
        $trained.Metrics.auc | Should -BeGreaterThan 0.7
        $best = Get-Content -Raw -LiteralPath (Join-Path $linear.Path 'best_models.json') | ConvertFrom-Json
        $best | Should -HaveCount 3
        foreach ($fold in $best) {
            $fold.selected[0].candidate | Should -Be 'lbfgs#1'
            $fold.selected[0].parameters.C | Should -Be 1
        }
    }

    It 'refuses C together with l2 before the stage starts, naming both keys' {
        $bothConfig = Join-Path $TestDrive 'both.yaml'
        @'
data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
folds: { kind: stratified_group, k: 3, seed: 7 }
training: { task: binary, candidates: [ { trainer: lbfgs, grid: { C: 1, l2: 1 } } ] }
'@ | Set-Content -LiteralPath $bothConfig
        $both = New-Run -Name both -Root (New-TestRoot) -ConfigPath $bothConfig -DataPath $PatientsCsv
        $both | New-RunFoldPlan | Out-Null
        $both | Invoke-RunTraining -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'ConfigValueInvalid,RunTools.Module.Commands.InvokeRunTrainingCommand'
        $err[0].TargetObject | Should -Be 'training.candidates[0].grid.C'
        $err[0].Exception.Message | Should -Match ([regex]::Escape("'training.candidates[0].grid.l2'"))
        (Get-Run -Path $both.Path).Stages.Keys | Should -Be @('folds')
    }

    It 'refuses to train in a completed run' {
        $done = New-Run -Name done -Root (New-TestRoot) -ConfigPath $config -DataPath $PatientsCsv
        $done | New-RunFoldPlan | Out-Null
        $done | Set-RunStatus Completed
        { $done | Invoke-RunTraining -ErrorAction Stop } |
            Should -Throw -ErrorId 'IllegalTransition,RunTools.Module.Commands.InvokeRunTrainingCommand'
    }
}
