<#
.SYNOPSIS
Regenerates the example datasets in examples/data. Deterministic: the same seed gives byte-identical files.

.DESCRIPTION
Runs in pwsh:  pwsh examples/data/generate.ps1  (or ./runtools examples/data/generate.ps1)
Every dataset is synthetic, with known signal, so the examples and tests can check that models find it.

patients.csv  Binary classification with groups and time. 1200 visits of 300 patients (4 visits each, patient_id is
              the group), visit_day is the time column. Features f1..f6 numeric (f1..f3 carry signal, f4..f6 are
              noise), smoker (yes/no, carries signal), site (A/B/C, noise). label is 1 for ~25% of visits:
              logit = -1.6 + 1.2 f1 - 0.9 f2 + 0.6 f3 + 0.8 [smoker] + patient effect N(0, 0.5).
              Some f5 values are empty (missing) to exercise the missing-value rule.
species.csv   Multiclass: 600 rows, 3 classes (setosa/versicolor/virginica-like) separated in 4 features, plus
              a 'family' column grouping classes into 2 families for the hierarchical mode
              (setosa -> alpha; versicolor, virginica -> beta).
patients_new.csv  100 new visits of 25 new patients, same columns without the label: data to score with a
              trained model (generated last, so the files above do not change).
sales.csv     Regression over time: 900 days of one store; target = 100 + 0.05 day + 12 sin(2π day/7) + 3 promo
              + 0.8 temperature + N(0, 4). Columns: day (time), promo, temperature, weekday, target.
#>
param([int]$Seed = 20261124, [string]$OutDirectory = $PSScriptRoot)

$ErrorActionPreference = 'Stop'
$random = [System.Random]::new($Seed)
$culture = [System.Globalization.CultureInfo]::InvariantCulture

function Normal([double]$mean = 0, [double]$sd = 1) {
    # Box-Muller on the seeded generator.
    $u1 = 1.0 - $random.NextDouble()
    $u2 = $random.NextDouble()
    $mean + $sd * [Math]::Sqrt(-2.0 * [Math]::Log($u1)) * [Math]::Sin(2.0 * [Math]::PI * $u2)
}

function Format([double]$value) { $value.ToString('0.####', $culture) }

# Writes the lines with "`n" line ends on every platform (UTF-8 without a BOM, as pwsh writes by default) and returns
# the file's path.
function Save([string]$name, [string[]]$lines) {
    $path = Join-Path $OutDirectory $name
    $lines | Join-String -Separator "`n" -OutputSuffix "`n" | Set-Content -LiteralPath $path -NoNewline
    $path
}

# ---- patients.csv ------------------------------------------------------------------------------------------------
$visit = 0
$rows = foreach ($patient in 1..300) {
    $effect = Normal 0 0.5
    $smoker = $random.NextDouble() -lt 0.3
    $site = ('A', 'B', 'C')[$random.Next(3)]
    $base1 = Normal 0 0.7
    foreach ($v in 1..4) {
        $visit++
        $day = ($patient * 3 + $v * 90)
        $f1 = $base1 + (Normal 0 0.7); $f2 = Normal 0 1; $f3 = Normal 0 1
        $f4 = Normal 0 1; $f5 = Normal 5 2; $f6 = Normal -1 0.5
        $logit = -1.6 + 1.2 * $f1 - 0.9 * $f2 + 0.6 * $f3 + (0.8 * [int]$smoker) + $effect
        $label = [int]($random.NextDouble() -lt 1.0 / (1.0 + [Math]::Exp(-$logit)))
        $f5text = if ($random.NextDouble() -lt 0.03) { '' } else { Format $f5 }
        "v$visit,p$patient,$day,$(Format $f1),$(Format $f2),$(Format $f3),$(Format $f4),$f5text,$(Format $f6),$(if ($smoker) { 'yes' } else { 'no' }),$site,$label"
    }
}
Save 'patients.csv' (@('visit_id,patient_id,visit_day,f1,f2,f3,f4,f5,f6,smoker,site,label') + $rows)

# ---- species.csv -------------------------------------------------------------------------------------------------
$centers = @{
    setosa     = 5.0, 3.4, 1.5, 0.25
    versicolor = 5.9, 2.8, 4.3, 1.3
    virginica  = 6.6, 3.0, 5.5, 2.0
}
$families = @{ setosa = 'alpha'; versicolor = 'beta'; virginica = 'beta' }
$rows = foreach ($i in 1..600) {
    $species = ('setosa', 'versicolor', 'virginica')[$i % 3]
    $c = $centers[$species]
    $values = foreach ($j in 0..3) { Format (Normal $c[$j] 0.35) }
    "s$i,$($values -join ','),$($families[$species]),$species"
}
Save 'species.csv' (@('id,sepal_length,sepal_width,petal_length,petal_width,family,species') + $rows)

# ---- sales.csv ---------------------------------------------------------------------------------------------------
$rows = foreach ($day in 1..900) {
    $promo = [int]($random.NextDouble() -lt 0.2)
    $temperature = 15 + 10 * [Math]::Sin(2 * [Math]::PI * $day / 365) + (Normal 0 2)
    $weekday = $day % 7
    $target = 100 + 0.05 * $day + 12 * [Math]::Sin(2 * [Math]::PI * $day / 7) + 3 * $promo + 0.8 * $temperature + (Normal 0 4)
    "$day,$promo,$(Format $temperature),$weekday,$(Format $target)"
}
Save 'sales.csv' (@('day,promo,temperature,weekday,target') + $rows)

# ---- patients_new.csv (unlabelled; drawn after everything else so earlier files stay identical) ---------------------
$visit = 0
$rows = foreach ($patient in 301..325) {
    $smoker = $random.NextDouble() -lt 0.3
    $site = ('A', 'B', 'C')[$random.Next(3)]
    $base1 = Normal 0 0.7
    foreach ($v in 1..4) {
        $visit++
        $day = ($patient * 3 + $v * 90)
        $values = ($base1 + (Normal 0 0.7)), (Normal 0 1), (Normal 0 1), (Normal 0 1), (Normal 5 2), (Normal -1 0.5)
        "n$visit,p$patient,$day,$(($values | ForEach-Object { Format $_ }) -join ','),$(if ($smoker) { 'yes' } else { 'no' }),$site"
    }
}
Save 'patients_new.csv' (@('visit_id,patient_id,visit_day,f1,f2,f3,f4,f5,f6,smoker,site') + $rows)
