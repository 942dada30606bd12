# RunTools' side of the parity check (see ./run): for each dataset parity.py wrote into -Work, and each model it
# lists, creates a run, plans five outer folds (stratified for classification), trains with nested cross-validation
# and exports the out-of-fold predictions and the metric summary as CSV into -Work/<name>-<model>/ for parity.py.
# Run by ./run through the repository's `runtools` launcher, which puts this repository's build on PSModulePath.
param(
    [Parameter(Mandatory)][string] $Work,
    [int] $K = 5,
    [int] $Seed = 1
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
Import-Module RunTools

# lbfgs with its default grid (C = 1, scikit-learn's LogisticRegression()); lightgbm as the default candidate (no
# candidates key at all), so the table checks the defaults a user gets.
$candidates = @{
    lbfgs    = '  candidates: [ { trainer: lbfgs } ]'
    lightgbm = ''
}
$root = Join-Path $Work 'runs'
foreach ($spec in Import-Csv -LiteralPath (Join-Path $Work 'datasets.csv')) {
    foreach ($model in $spec.models -split ' ') {
        $out = Join-Path $Work "$($spec.name)-$model"
        New-Item -ItemType Directory -Force -Path $out | Out-Null
        $kind = if ($spec.task -eq 'regression') { 'kfold' } else { 'stratified' }
        $config = Join-Path $out 'config.yaml'
        @"
data: { label: target, id: id }
folds: { kind: $kind, k: $K, seed: $Seed }
training:
  task: $($spec.task)
$($candidates[$model])
"@ | Set-Content -LiteralPath $config
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $run = New-Run -Name "$($spec.name)-$model" -Root $root -ConfigPath $config -DataPath (Join-Path $Work "$($spec.name).csv")
        $result = $run | New-RunFoldPlan | Invoke-RunTraining
        Import-RunTable -Run $run -Path $result.Predictions | Export-Csv -LiteralPath (Join-Path $out 'oof.csv') -UseQuotes AsNeeded
        Import-RunTable -Run $run -Path metrics/summary.parquet | Export-Csv -LiteralPath (Join-Path $out 'summary.csv') -UseQuotes AsNeeded
        [Console]::Error.WriteLine(('{0,-14} {1,-9} trained in {2:n1} s' -f $spec.name, $model, $watch.Elapsed.TotalSeconds))
    }
}
