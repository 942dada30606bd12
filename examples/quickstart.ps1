<#
.SYNOPSIS
RunTools quickstart: two runs with different configs, two stages each, metrics and a comparison; then nested
cross-validation with ML.NET and an inference run on new data.

.DESCRIPTION
Runs with pwsh (Import-Module ./RunTools.psd1 first) or without it:  ./runtools examples/quickstart.ps1 -Root ./runs
Each stage reads only what the run directory holds (the manifest's data file, the resolved config, files of earlier
stages) and writes only inside it, so any stage can be re-run, skipped when unchanged, or verified later.
Only core PowerShell commands are used, so it runs in the minimal `runtools` host too.
#>
param([string]$Root = 'runs')

$ErrorActionPreference = 'Stop'
$data = [System.IO.Path]::Combine($PSScriptRoot, 'data', 'patients.csv')
$config = [System.IO.Path]::Combine($PSScriptRoot, 'quickstart.yaml')
$invariant = [System.Globalization.CultureInfo]::InvariantCulture

# Stage 1: per-class mean and standard deviation of each configured feature, written to stats.json.
$prepare = {
    param($Run)
    $lines = [System.IO.File]::ReadAllLines($Run.Data[0])
    $header = $lines[0].Split(',')
    $label = [array]::IndexOf($header, $Run.Config.data.label)
    $stats = [ordered]@{}
    foreach ($feature in $Run.Config.model.features) {
        $column = [array]::IndexOf($header, $feature)
        $byClass = @{ '0' = [System.Collections.Generic.List[double]]::new(); '1' = [System.Collections.Generic.List[double]]::new() }
        foreach ($line in $lines[1..($lines.Length - 1)]) {
            $cells = $line.Split(',')
            $byClass[$cells[$label]].Add([double]::Parse($cells[$column], $invariant))
        }
        $stats[$feature] = [ordered]@{}
        foreach ($class in '0', '1') {
            $values = $byClass[$class]
            $sum = 0.0; foreach ($v in $values) { $sum += $v }
            $mean = $sum / $values.Count
            $squares = 0.0; foreach ($v in $values) { $squares += ($v - $mean) * ($v - $mean) }
            $stats[$feature][$class] = @{ mean = $mean; sd = [Math]::Sqrt($squares / ($values.Count - 1)); n = $values.Count }
        }
    }
    [System.IO.File]::WriteAllText($Run.Resolve('stats.json'), [System.Text.Json.JsonSerializer]::Serialize($stats, $stats.GetType(), [System.Text.Json.JsonSerializerOptions]::Default))
    "prepared $($stats.Count) features from $($lines.Length - 1) rows"
}

# Stage 2: score every row with the naive Bayes log-likelihood ratio, write predictions.csv and the metrics.
$evaluate = {
    param($Run)
    $stats = [System.Text.Json.JsonDocument]::Parse([System.IO.File]::ReadAllText($Run.Resolve('stats.json'))).RootElement
    $lines = [System.IO.File]::ReadAllLines($Run.Data[0])
    $header = $lines[0].Split(',')
    $label = [array]::IndexOf($header, $Run.Config.data.label)
    $id = [array]::IndexOf($header, $Run.Config.data.id)
    $threshold = [double]$Run.Config.model.threshold
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('visit_id,label,score,prediction')
    $tp = 0; $tn = 0; $fp = 0; $fn = 0
    foreach ($line in $lines[1..($lines.Length - 1)]) {
        $cells = $line.Split(',')
        $llr = [Math]::Log($stats.GetProperty($Run.Config.model.features[0]).GetProperty('1').GetProperty('n').GetDouble() /
                            $stats.GetProperty($Run.Config.model.features[0]).GetProperty('0').GetProperty('n').GetDouble())
        foreach ($feature in $Run.Config.model.features) {
            $x = [double]::Parse($cells[[array]::IndexOf($header, $feature)], $invariant)
            foreach ($class in '1', '0') {
                $s = $stats.GetProperty($feature).GetProperty($class)
                $z = ($x - $s.GetProperty('mean').GetDouble()) / $s.GetProperty('sd').GetDouble()
                $logDensity = -0.5 * $z * $z - [Math]::Log($s.GetProperty('sd').GetDouble())
                if ($class -eq '1') { $llr += $logDensity } else { $llr -= $logDensity }
            }
        }
        $score = 1.0 / (1.0 + [Math]::Exp(-$llr))
        $prediction = [int]($score -ge $threshold)
        $truth = [int]$cells[$label]
        if ($prediction -eq 1 -and $truth -eq 1) { $tp++ } elseif ($prediction -eq 0 -and $truth -eq 0) { $tn++ } elseif ($prediction -eq 1) { $fp++ } else { $fn++ }
        $out.Add("$($cells[$id]),$truth,$($score.ToString('0.######', $invariant)),$prediction")
    }
    [System.IO.File]::WriteAllText($Run.Resolve('predictions.csv'), ($out -join "`n") + "`n")
    $accuracy = ($tp + $tn) / ($tp + $tn + $fp + $fn)
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
$runs | Out-Default
$runs | Get-RunManifest | Compare-Run -Section config, metrics | Out-Default

# Nested cross-validation: a fold plan stored in the run, then candidates selected by inner folds inside each outer
# training set, outer folds evaluated, and a production model fitted on all rows (see examples/training.yaml).
$training = New-Run -Root $Root -Name patients-nested-cv -ConfigPath ([System.IO.Path]::Combine($PSScriptRoot, 'training.yaml')) -DataPath $data
$training | New-RunFoldPlan | Out-Default
$training | Invoke-RunTraining | Out-Default
Import-RunTable -Run $training -Path metrics/summary.parquet | Where-Object metric -in 'auc', 'balanced_accuracy', 'brier' | Out-Default

# Score new visits with the production model; the inference is a run of its own, with lineage to the training run.
$newData = [System.IO.Path]::Combine($PSScriptRoot, 'data', 'patients_new.csv')
$inference = $training | Invoke-RunInference $newData -WarningAction SilentlyContinue
$inference | Out-Default
Import-RunTable -Run $inference.RunPath -Path predictions.parquet -First 5 | Out-Default
$training, (Get-Run -Path $inference.RunPath) | Set-RunStatus Completed
