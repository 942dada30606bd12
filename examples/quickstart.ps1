<#
.SYNOPSIS
RunTools quickstart: two runs with different configs, two stages each, metrics and a comparison; then nested
cross-validation with ML.NET and an inference run on new data.

.DESCRIPTION
Runs in pwsh with the module imported (Import-Module ./RunTools.psd1), or through the launcher, which puts the
build on PSModulePath:  ./runtools examples/quickstart.ps1 -Root ./runs
Each stage reads only what the run directory holds (the manifest's data file, the resolved config, files of earlier
stages) and writes only inside it, so any stage can be re-run, skipped when unchanged, or verified later.
#>
param([string]$Root = 'runs')

$ErrorActionPreference = 'Stop'
$data = Join-Path $PSScriptRoot 'data/patients.csv'
$config = Join-Path $PSScriptRoot 'quickstart.yaml'

# Stage 1: per-class mean and standard deviation of each configured feature, written to stats.json.
$prepare = {
    param($Run)
    $rows = Import-Csv -LiteralPath $Run.Data[0]
    $byClass = $rows | Group-Object -Property $Run.Config.data.label -AsHashTable -AsString
    $stats = [ordered]@{}
    foreach ($feature in $Run.Config.model.features) {
        $stats[$feature] = [ordered]@{}
        foreach ($class in '0', '1') {
            $measure = $byClass[$class] | Measure-Object -Property $feature -Average -StandardDeviation
            $stats[$feature][$class] = [ordered]@{ mean = $measure.Average; sd = $measure.StandardDeviation; n = $measure.Count }
        }
    }
    $stats | ConvertTo-Json -Depth 4 -Compress | Set-Content -LiteralPath $Run.Resolve('stats.json') -NoNewline
    "prepared $($stats.Count) features from $($rows.Count) rows"
}

# Stage 2: score every row with the naive Bayes log-likelihood ratio, write predictions.csv and the metrics.
$evaluate = {
    param($Run)
    $stats = Get-Content -LiteralPath $Run.Resolve('stats.json') -Raw | ConvertFrom-Json -AsHashtable
    $features = $Run.Config.model.features
    $label = $Run.Config.data.label
    $id = $Run.Config.data.id
    $threshold = [double]$Run.Config.model.threshold
    $prior = [Math]::Log($stats[$features[0]]['1'].n / $stats[$features[0]]['0'].n)
    $predictions = foreach ($row in Import-Csv -LiteralPath $Run.Data[0]) {
        $llr = $prior
        foreach ($feature in $features) {
            $x = [double]$row.$feature
            $one = $stats[$feature]['1']; $zero = $stats[$feature]['0']
            $zOne = ($x - $one.mean) / $one.sd; $zZero = ($x - $zero.mean) / $zero.sd
            $llr += (-0.5 * $zOne * $zOne - [Math]::Log($one.sd)) - (-0.5 * $zZero * $zZero - [Math]::Log($zero.sd))
        }
        $score = 1.0 / (1.0 + [Math]::Exp(-$llr))
        [pscustomobject]@{ visit_id = $row.$id; label = [int]$row.$label; score = $score; prediction = [int]($score -ge $threshold) }
    }
    $predictions |
        Select-Object visit_id, label, @{ Name = 'score'; Expression = { $_.score.ToString('0.######', [cultureinfo]::InvariantCulture) } }, prediction |
        ConvertTo-Csv -UseQuotes Never |
        Join-String -Separator "`n" -OutputSuffix "`n" |
        Set-Content -LiteralPath $Run.Resolve('predictions.csv') -NoNewline
    $count = { param($prediction, $truth) @($predictions | Where-Object { $_.prediction -eq $prediction -and $_.label -eq $truth }).Count }
    $tp = & $count 1 1; $tn = & $count 0 0; $fp = & $count 1 0; $fn = & $count 0 1
    $accuracy = ($tp + $tn) / $predictions.Count
    $balanced = (($tp / ($tp + $fn)) + ($tn / ($tn + $fp))) / 2
    Write-RunMetric -Run $Run -Stage evaluate -Metric @{ accuracy = $accuracy; balanced_accuracy = $balanced; recall = $tp / ($tp + $fn) }
    "accuracy $accuracy, balanced accuracy $balanced"
}

$runs = foreach ($threshold in 0.5, 0.3) {
    $run = New-Run -Root $Root -Name "naive-bayes-t$($threshold * 10)" -ConfigPath $config -Set @{ 'model.threshold' = $threshold } -DataPath $data
    $run | Invoke-RunStage prepare $prepare -Output stats.json | Out-Null
    $run | Invoke-RunStage evaluate $evaluate -DependsOn prepare -Input stats.json -Output predictions.csv | Out-Null
    $run | Set-RunStatus Completed -PassThru
}

# The two runs side by side, then what differs between them (the first run is the reference). Each result goes
# through Out-Default on its own, so every kind of record gets its own table.
Write-Host 'Two naive Bayes runs that differ in the threshold:'
$runs | Out-Default
$runs | Get-RunManifest | Compare-Run -Section config, metrics | Out-Default

# Nested cross-validation: a fold plan stored in the run, then candidates selected by inner folds inside each outer
# training set, outer folds evaluated, and a production model fitted on all rows (see examples/training.yaml).
Write-Host 'Nested cross-validation with ML.NET:'
$training = New-Run -Root $Root -Name patients-nested-cv -ConfigPath (Join-Path $PSScriptRoot 'training.yaml') -DataPath $data
$training | New-RunFoldPlan | Out-Default
$training | Invoke-RunTraining | Out-Default
Import-RunTable -Run $training -Path metrics/summary.parquet |
    Where-Object metric -in 'auc', 'balanced_accuracy', 'brier' |
    Select-Object variant, metric, n, mean, sd, lower95, upper95 |
    Format-Table | Out-Default

# Score new visits with the production model; the inference is a run of its own, with lineage to the training run.
Write-Host 'Scoring new visits with the production model:'
$inference = $training | Invoke-RunInference (Join-Path $PSScriptRoot 'data/patients_new.csv') -WarningAction SilentlyContinue
$inference | Out-Default
Import-RunTable -Run $inference -Path predictions.parquet -First 5 | Format-Table | Out-Default
$training | Set-RunStatus Completed
