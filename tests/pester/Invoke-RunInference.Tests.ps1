# Invoke-RunInference: scores new data with a trained run's model and records the inference as a run of its own.
# One small training serves the whole file.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $config = New-QuickTrainingConfig
    $newData = Join-Path $ExamplesDir 'data/patients_new.csv'
    $root = New-TestRoot
    $training = New-Run -Name visits -Root $root -ConfigPath $config -DataPath $PatientsCsv
    $trained = $training | New-RunFoldPlan | Invoke-RunTraining
    $training | Set-RunStatus Completed
    $scored = $training | Invoke-RunInference $newData -WarningAction SilentlyContinue -WarningVariable ignoredWarning
}

Describe 'Invoke-RunInference' {
    It 'scores every row with the production model and returns the inference' {
        $scored.PSObject.TypeNames | Should -Contain 'RunTools.Views.InferenceResult'
        $scored.Rows | Should -Be 100
        $scored.TrainingRun | Should -Be $training.Name
        $scored.Model | Should -Be 'models/production'
        $scored.OutputPath | Should -BeNullOrEmpty
    }

    It 'records the inference as a completed run beside the training run, keyed after the training run' {
        $inference = Get-Run -Path $scored.RunPath
        $inference.Key | Should -Be 'visits-inference'
        "$($inference.Status)" | Should -Be 'Completed'
        Split-Path $scored.RunPath | Should -Be $root
        $scored.Predictions | Should -Be (Join-Path $scored.RunPath 'predictions.parquet')
        $scored.Predictions | Should -Exist
    }

    It 'writes one prediction per row, keyed by the id column' {
        $predictions = Import-RunTable -Run $scored -Path predictions.parquet
        $predictions | Should -HaveCount 100
        $predictions[0].row_key | Should -Be 'n1'
        $predictions | Where-Object { $_.score -lt 0 -or $_.score -gt 1 } | Should -BeNullOrEmpty
        $predictions.prediction | Sort-Object -Unique | ForEach-Object { "$_" } | Should -BeIn '0', '1'
    }

    It 'predicts in the type of the training''s label column: an integer label gives [long] predictions' {
        $predictions = Import-RunTable -Run $scored -Path predictions.parquet
        $predictions | ForEach-Object { $_.prediction | Should -BeOfType [long] }
        @($predictions | Where-Object prediction -eq 1).Count | Should -Be @($predictions | Where-Object score -ge 0.5).Count
    }

    It 'names the training run and the model files in the new run''s lineage' {
        $lineage = @((Get-RunManifest $scored.RunPath).Lineage)
        ($lineage | Where-Object Relation -eq upstream).RunId | Should -Be $training.Id
        ($lineage | Where-Object Relation -eq model).Path | Should -Contain 'models/production/model.zip'
        Test-Run $scored.RunPath -Quiet | Should -BeTrue
    }

    It 'warns about the columns the model does not use, and leaves the training run unchanged' {
        "$ignoredWarning" | Should -Match 'patient_id'
        $scored.IgnoredColumns | Should -Contain 'visit_day'
        Test-Run $training -Quiet | Should -BeTrue
    }

    It 'also writes the predictions to -OutputPath, and replaces that file only with -Force' {
        $csv = Join-Path $TestDrive 'scored.csv'
        $result = $trained | Invoke-RunInference $newData -OutputPath $csv -Name with-csv -WarningAction SilentlyContinue
        $result.OutputPath | Should -Be $csv
        (Get-Content -LiteralPath $csv -TotalCount 1) | Should -Match '^row_key,score,prediction'
        { $training | Invoke-RunInference $newData -OutputPath $csv -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'OutputExists,RunTools.Module.Commands.InvokeRunInferenceCommand'
        ($training | Invoke-RunInference $newData -OutputPath $csv -Force -WarningAction SilentlyContinue).Rows | Should -Be 100
    }

    It 'scores with one outer fold''s model into a named run under another root' {
        $elsewhere = New-TestRoot
        $result = $training | Invoke-RunInference $newData -Model r0_f1 -Name fold1-check -Root $elsewhere -WarningAction SilentlyContinue
        $result.Model | Should -Be 'models/r0_f1'
        (Get-Run -Root $elsewhere).Key | Should -Be 'fold1-check'
    }

    It 'refuses a model the training run does not have, listing those it has' {
        $training | Invoke-RunInference $newData -Model r9_f9 -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable err |
            Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ModelNotFound,RunTools.Module.Commands.InvokeRunInferenceCommand'
        $err[0].Exception.Message | Should -Match 'production'
    }

    It 'refuses data that lacks a feature of the model' {
        $lacking = Join-Path $TestDrive 'lacking.csv'
        Import-Csv -LiteralPath $newData | Select-Object -ExcludeProperty f1 | Export-Csv -LiteralPath $lacking -UseQuotes Never
        { $training | Invoke-RunInference $lacking -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ErrorId 'InputSchemaMismatch,RunTools.Module.Commands.InvokeRunInferenceCommand'
    }

    It 'writes nothing with -WhatIf' {
        $before = Get-TreeState $root
        $output = Join-Path $TestDrive 'preview.parquet'
        $training | Invoke-RunInference $newData -OutputPath $output -WhatIf -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        Get-TreeState $root | Should -Be $before
        $output | Should -Not -Exist
    }
}
