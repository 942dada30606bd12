# Invoke-RunInference on data that has the training's label column: the predictions are evaluated with the training's
# metrics (held-out evaluation). One small training on the first 900 rows of patients.csv serves the whole file; the
# last 300 rows, which it never saw, are the held-out data.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $lines = Get-Content -LiteralPath $PatientsCsv | Where-Object { $_ }
    $trainCsv = Join-Path $TestDrive 'train.csv'
    $holdoutCsv = Join-Path $TestDrive 'holdout.csv'
    $lines[0..900] | Set-Content -LiteralPath $trainCsv
    @($lines[0]) + $lines[901..($lines.Count - 1)] | Set-Content -LiteralPath $holdoutCsv
    $root = New-TestRoot
    $training = New-Run -Name visits -Root $root -ConfigPath (New-QuickTrainingConfig) -DataPath $trainCsv
    $training | New-RunFoldPlan | Invoke-RunTraining | Out-Null
    $scored = $training | Invoke-RunInference $holdoutCsv -WarningVariable scoredWarnings -WarningAction SilentlyContinue

    # A copy of the held-out data whose label column is changed row by row (a script block of row number and label).
    function New-HoldoutVariant([string] $Name, [scriptblock] $Label) {
        $path = Join-Path $TestDrive $Name
        $rows = Import-Csv -LiteralPath $holdoutCsv
        for ($i = 0; $i -lt $rows.Count; $i++) { $rows[$i].label = & $Label $i $rows[$i].label }
        $rows | Export-Csv -LiteralPath $path -UseQuotes Never
        $path
    }
}

Describe 'Invoke-RunInference on labelled data' {
    It 'evaluates the predictions with the training''s metrics and returns them on the result' {
        $scored.Label | Should -Be 'label'
        @($scored.Metrics.Keys) | Should -Be 'auc', 'accuracy', 'balanced_accuracy', 'f1', 'mcc', 'log_loss', 'brier'
        $scored.Metrics['auc'] | Should -BeGreaterThan 0.5
        $scored.Metrics['auc'] | Should -BeLessOrEqual 1
    }

    It 'records them in the inference run as holdout metrics that Get-Run shows' {
        $run = Get-Run -Path $scored.RunPath
        foreach ($name in $scored.Metrics.Keys) { $run.Metrics["holdout/$name"] | Should -Be $scored.Metrics[$name] }
        "$($run.Status)" | Should -Be 'Completed'
    }

    It 'writes metrics/holdout.parquet with one row per metric and the rows it was computed on' {
        $table = Import-RunTable -Run $scored -Path metrics/holdout.parquet
        $table | Should -HaveCount 7
        $table.metric | Should -Be 'auc', 'accuracy', 'balanced_accuracy', 'f1', 'mcc', 'log_loss', 'brier'
        ($table | Where-Object metric -eq auc).value | Should -Be $scored.Metrics['auc']
        $table.rows | Sort-Object -Unique | Should -Be 300
        $table.model | Sort-Object -Unique | Should -Be 'models/production'
    }

    It 'gives the accuracy one recomputes from the predictions file' {
        $predictions = Import-RunTable -Run $scored -Path predictions.parquet
        $predictions | Should -HaveCount 300
        $right = @($predictions | Where-Object { "$($_.label)" -eq "$($_.prediction)" }).Count
        $scored.Metrics['accuracy'] | Should -Be ($right / 300)
    }

    It 'registers the predictions and the metric table as outputs of the predict stage, and the run verifies' {
        $manifest = Get-RunManifest $scored.RunPath
        $predict = @($manifest.Stages) | Where-Object Name -eq predict
        @($predict.Outputs).Path | Sort-Object | Should -Be 'metrics/holdout.parquet', 'predictions.parquet'
        @(@($manifest.Artifacts) | Where-Object Stage -eq predict).Path | Sort-Object | Should -Be 'metrics/holdout.parquet', 'predictions.parquet'
        Test-Run $scored.RunPath -Quiet | Should -BeTrue
    }

    It 'does not call the label column ignored' {
        $scored.IgnoredColumns | Should -Not -Contain 'label'
        "$scoredWarnings" | Should -Not -Match '\blabel\b'
    }

    It 'leaves rows without a label out of the evaluation, and says how many' {
        $blanks = New-HoldoutVariant 'blanks.csv' { param($i, $label) if ($i % 100 -eq 0) { '' } else { $label } }
        $result = $training | Invoke-RunInference $blanks -Name blanks -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Match '3 rows of 300 have no label'
        (Import-RunTable -Run $result -Path metrics/holdout.parquet | Where-Object metric -eq auc).rows | Should -Be 297
    }

    It 'counts a label the model never saw as wrong in accuracy only, and names it' {
        $unknown = New-HoldoutVariant 'unknown.csv' { param($i, $label) if ($i -lt 30) { 'unsure' } else { $label } }
        $result = $training | Invoke-RunInference $unknown -Name unknown -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Match "30 rows have labels the model never saw \('unsure'\)"
        $table = Import-RunTable -Run $result -Path metrics/holdout.parquet
        ($table | Where-Object metric -eq accuracy).rows | Should -Be 300
        ($table | Where-Object metric -eq auc).rows | Should -Be 270
        $predictions = Import-RunTable -Run $result -Path predictions.parquet
        $right = @($predictions | Where-Object { "$($_.label)" -eq "$($_.prediction)" }).Count
        $result.Metrics['accuracy'] | Should -Be ($right / 300)
    }

    It 'with -NoEvaluate, scores without evaluating and ignores the label column as before' {
        $result = $training | Invoke-RunInference $holdoutCsv -NoEvaluate -Name no-evaluate -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -Match 'Ignoring columns the model does not use: .*label'
        $result.Label | Should -BeNullOrEmpty
        $result.Metrics.Count | Should -Be 0
        Join-Path $result.RunPath 'metrics/holdout.parquet' | Should -Not -Exist
        @((Get-Run -Path $result.RunPath).Metrics.Keys) | Should -BeNullOrEmpty
        (Import-RunTable -Run $result -Path predictions.parquet -First 1).PSObject.Properties.Name | Should -Not -Contain 'label'
    }

    It 'scores data without the label column as before' {
        $result = $training | Invoke-RunInference (Join-Path $ExamplesDir 'data/patients_new.csv') -Name unlabelled -WarningAction SilentlyContinue
        $result.Rows | Should -Be 100
        $result.Metrics.Count | Should -Be 0
        Join-Path $result.RunPath 'metrics/holdout.parquet' | Should -Not -Exist
    }
}
