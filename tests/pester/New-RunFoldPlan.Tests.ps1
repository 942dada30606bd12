# New-RunFoldPlan: decides once which rows train and which are held out in every fold, and stores it in the run.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $config = Join-Path $TestDrive 'visits.yaml'
    @'
data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
folds: { kind: stratified_group, k: 3, seed: 7 }
'@ | Set-Content -LiteralPath $config
    $root = New-TestRoot
    $run = New-Run -Name visits -Root $root -ConfigPath $config -DataPath $PatientsCsv
    $plan = $run | New-RunFoldPlan
}

Describe 'New-RunFoldPlan' {
    It 'writes the time ranges of a walk-forward plan over dates as ISO-8601 UTC, and plain numbers as numbers' {
        $csv = Join-Path $TestDrive 'daily.csv'
        'day,x,y' | Set-Content -LiteralPath $csv
        0..29 | ForEach-Object { '{0},{1},{2}' -f ([datetime]'2024-01-01').AddDays($_).ToString('yyyy-MM-dd'), $_, ($_ * 2) } | Add-Content -LiteralPath $csv
        $daily = New-Run -Name daily -Root (New-TestRoot) -Set 'data.label=y', 'data.time=day', 'folds.kind=walk_forward', 'folds.k=3' -DataPath $csv
        $daily | New-RunFoldPlan | Out-Null
        $summary = Get-Content -Raw -LiteralPath (Join-Path $daily.Path 'folds/folds.json') | ConvertFrom-Json -DateKind String
        $summary.times.first | Should -Be '2024-01-01T00:00:00.0000000Z'
        $summary.times.last | Should -Be '2024-01-30T00:00:00.0000000Z'
        $summary.times.points | Should -Be 30

        $numbers = New-Run -Name numbers -Root (New-TestRoot) -Set 'data.label=target', 'data.time=day', 'folds.kind=walk_forward', 'folds.k=3' -DataPath (Join-Path $ExamplesDir 'data/sales.csv')
        $numbers | New-RunFoldPlan | Out-Null
        $plain = Get-Content -Raw -LiteralPath (Join-Path $numbers.Path 'folds/folds.json') | ConvertFrom-Json
        $plain.times.first | Should -Be 1
    }

    It 'plans the folds the config describes and returns the plan' {
        $plan.PSObject.TypeNames | Should -Contain 'RunTools.Views.FoldPlanInfo'
        $plan.Name | Should -Be 'folds'
        $plan.Kind | Should -Be 'stratified_group'
        $plan.Folds | Should -Be 3
        $plan.Rows | Should -Be 1200
        $plan.Nested | Should -BeFalse
        $plan.Production | Should -BeFalse
        $plan.RunPath | Should -Be $run.Path
    }

    It 'stores the plan in the run as folds/folds.parquet and folds/folds.json, recorded in the manifest' {
        Join-Path $run.Path 'folds/folds.parquet' | Should -Exist
        Join-Path $run.Path 'folds/folds.json' | Should -Exist
        $recorded = @((Get-RunManifest $run).FoldPlans)
        $recorded.Name | Should -Be 'folds'
        $recorded.ContentSha256 | Should -Be $plan.ContentHash
        "$((Get-Run -Path $run.Path).Stages.folds)" | Should -Be 'Completed'
    }

    It 'tests every row exactly once and never splits a patient between training and test' {
        $rows = Import-RunTable -Run $run -Path $plan.Path
        $patient = @{}
        Import-Csv -LiteralPath $PatientsCsv | ForEach-Object { $patient[$_.visit_id] = $_.patient_id }
        $test = $rows | Where-Object role -eq test
        $test | Should -HaveCount 1200
        ($test.row_key | Sort-Object -Unique) | Should -HaveCount 1200
        foreach ($fold in 0..2) {
            $foldRows = $rows | Where-Object outer_fold -eq $fold
            $testPatients = $foldRows | Where-Object role -eq test | ForEach-Object { $patient[$_.row_key] } | Sort-Object -Unique
            $trainPatients = $foldRows | Where-Object role -eq train | ForEach-Object { $patient[$_.row_key] } | Sort-Object -Unique
            $testPatients | Where-Object { $_ -in $trainPatients } | Should -BeNullOrEmpty
        }
    }

    It 'skips a plan that was made from the same data and settings, and plans again with -Force' {
        $again = $run | New-RunFoldPlan
        $again.Skipped | Should -BeTrue
        $forced = $run | New-RunFoldPlan -Force
        $forced.Skipped | Should -BeFalse
        $forced.ContentHash | Should -Be $plan.ContentHash
    }

    It 'stores a second plan with other settings beside the first, under its own stage' {
        $repeated = $run | New-RunFoldPlan repeated -Folds 4 -Repeats 2 -Seed 11
        $repeated.Folds | Should -Be 4
        $repeated.Repeats | Should -Be 2
        $repeated.ContentHash | Should -Not -Be $plan.ContentHash
        Join-Path $run.Path 'folds/repeated.parquet' | Should -Exist
        "$((Get-Run -Path $run.Path).Stages.'folds-repeated')" | Should -Be 'Completed'
    }

    It 'gives two runs of the same data and settings the same plan' {
        $other = New-Run -Name visits-again -Root $root -ConfigPath $config -DataPath $PatientsCsv
        ($other | New-RunFoldPlan).ContentHash | Should -Be $plan.ContentHash
    }

    It 'adds inner folds and the production fold when asked' {
        $nested = New-Run -Name nested -Root $root -ConfigPath $config -DataPath $PatientsCsv |
            New-RunFoldPlan -InnerKind stratified_group -InnerFolds 2 -Production
        $nested.Nested | Should -BeTrue
        $nested.Production | Should -BeTrue
        $roles = Import-RunTable -Run $nested.RunPath -Path $nested.Path | Where-Object outer_fold -eq -1 | ForEach-Object role | Sort-Object -Unique
        $roles | Should -Be 'train', 'validation'
    }

    It 'writes nothing with -WhatIf' {
        $fresh = New-Run -Name preview -Root (New-TestRoot) -ConfigPath $config -DataPath $PatientsCsv
        $before = Get-TreeState $fresh.Path
        $fresh | New-RunFoldPlan -WhatIf | Should -BeNullOrEmpty
        Get-TreeState $fresh.Path | Should -Be $before
    }

    It 'refuses folds that need a column the data section does not name' {
        $ungrouped = New-Run -Name ungrouped -Root (New-TestRoot) -Set 'data.label=label', 'data.id=visit_id' -DataPath $PatientsCsv
        { $ungrouped | New-RunFoldPlan -Kind group -ErrorAction Stop } |
            Should -Throw -ErrorId 'FoldColumnMissing,RunTools.Module.Commands.NewRunFoldPlanCommand'
    }

    It 'refuses more folds than the data has groups' {
        { $run | New-RunFoldPlan toomany -Folds 500 -ErrorAction Stop } |
            Should -Throw -ErrorId 'TooFewGroups,RunTools.Module.Commands.NewRunFoldPlanCommand'
    }

    It 'refuses a data file that changed since the run was created' {
        $data = Join-Path $TestDrive 'changing.csv'
        Copy-Item -LiteralPath $PatientsCsv -Destination $data
        $changing = New-Run -Name changing -Root (New-TestRoot) -ConfigPath $config -DataPath $data
        Add-Content -LiteralPath $data -Value 'v9999,p9999,1,0,0,0,0,0,0,no,A,0'
        $changing | New-RunFoldPlan -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'DataFileChanged,RunTools.Module.Commands.NewRunFoldPlanCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidData'
    }
}
