# Import-RunTable: reads a table stored in a run (CSV, TSV or Parquet) as one object per row, with typed values.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $config = Join-Path $TestDrive 'tables.yaml'
    "data: { label: label, id: visit_id }`nfolds: { kind: stratified, k: 2, seed: 3 }" | Set-Content -LiteralPath $config
    $run = New-Run -Name tables -Root (New-TestRoot) -ConfigPath $config -DataPath $PatientsCsv
    $plan = $run | New-RunFoldPlan
    $run | Invoke-RunStage scores -Output tables/scores.csv, tables/scores.tsv, tables/times.csv, notes.txt {
        param($Run)
        $lines = 'id,count,score,name,flag', 'a,1,0.25,first,true', 'b,2,,second,false', 'c,3,0.75,third,true'
        $lines | Set-Content -LiteralPath $Run.Resolve('tables/scores.csv')
        'day,at,at_utc', '2024-02-29,2024-02-29 10:30:00,2024-02-29T10:30:00+01:00', '2024-03-01,,2024-03-01T00:00:00Z' |
            Set-Content -LiteralPath $Run.Resolve('tables/times.csv')
        $lines -replace ',', "`t" | Set-Content -LiteralPath $Run.Resolve('tables/scores.tsv')
        'not a table' | Set-Content -LiteralPath $Run.Resolve('notes.txt')
    } | Out-Null
}

Describe 'Import-RunTable' {
    It 'reads a CSV table as one object per row with a property per column, in order' {
        $rows = $run | Import-RunTable tables/scores.csv
        $rows | Should -HaveCount 3
        $rows[0].PSObject.Properties.Name | Should -Be 'id', 'count', 'score', 'name', 'flag'
        $rows.id | Should -Be 'a', 'b', 'c'
    }

    It 'shows ISO-8601 dates and date-times as [datetime], UTC when the text had an offset' {
        $rows = Import-RunTable -Run $run -Path tables/times.csv
        $rows[0].day | Should -BeOfType [datetime]
        $rows[0].day | Should -Be ([datetime]'2024-02-29')
        $rows[0].at | Should -Be ([datetime]'2024-02-29 10:30:00')
        $rows[0].at.Kind | Should -Be 'Unspecified'
        $rows[0].at_utc.Kind | Should -Be 'Utc'
        $rows[0].at_utc.Hour | Should -Be 9
        $rows[1].at | Should -BeNullOrEmpty
        @($rows | Where-Object { $_.day -lt [datetime]'2024-03-01' }) | Should -HaveCount 1
    }

    It 'types the values from the contents: integers, numbers, text, booleans and missing values' {
        $rows = Import-RunTable -Run $run -Path tables/scores.csv
        $rows[0].count | Should -BeOfType [long]
        $rows[0].score | Should -BeOfType [double]
        $rows[0].name | Should -BeOfType [string]
        $rows[0].flag | Should -BeOfType [bool]
        $rows[1].score | Should -BeNullOrEmpty
        ($rows | Measure-Object -Property count -Sum).Sum | Should -Be 6
    }

    It 'reads a TSV table the same way' {
        (Import-RunTable -Run $run -Path tables/scores.tsv).score | Should -Be 0.25, $null, 0.75
    }

    It 'reads the Parquet fold plan piped from New-RunFoldPlan' {
        $rows = $plan | Import-RunTable $plan.Path
        $rows[0].PSObject.Properties.Name | Should -Be 'repeat', 'outer_fold', 'inner_fold', 'row_key', 'role', 'row'
        ($rows | Where-Object role -eq test) | Should -HaveCount 1200
    }

    It 'returns only the first rows with -First' {
        $rows = Import-RunTable -Run $run -Path folds/folds.parquet -First 2
        $rows | Should -HaveCount 2
        $rows.row_key | Should -Be 'v1', 'v2'
    }

    It 'reads a registered table artifact by -Name, and refuses a registered file that is not a table' {
        (Import-RunTable -Run $run -Name folds/folds.parquet -First 1).role | Should -Not -BeNullOrEmpty
        { Import-RunTable -Run $run -Name notes.txt -ErrorAction Stop } |
            Should -Throw -ErrorId 'ArtifactNotTable,RunTools.Module.Commands.ImportRunTableCommand'
    }

    It 'refuses a -Name that is not a registered artifact' {
        { Import-RunTable -Run $run -Name tables/unknown.csv -ErrorAction Stop } |
            Should -Throw -ErrorId 'ArtifactNotRegistered,RunTools.Module.Commands.ImportRunTableCommand'
    }

    It 'refuses a path that leaves the run' {
        Import-RunTable -Run $run -Path ../outside.csv -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'PathOutsideRun,RunTools.Module.Commands.ImportRunTableCommand'
    }

    It 'reports a table file that does not exist' {
        { Import-RunTable -Run $run -Path tables/missing.csv -ErrorAction Stop } |
            Should -Throw -ErrorId 'DataFileNotFound,RunTools.Module.Commands.ImportRunTableCommand'
    }

    It 'refuses a file that is not CSV, TSV or Parquet' {
        { Import-RunTable -Run $run -Path notes.txt -ErrorAction Stop } |
            Should -Throw -ErrorId 'TableFormatUnsupported,RunTools.Module.Commands.ImportRunTableCommand'
    }
}
