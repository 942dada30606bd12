# Argument completion as a user meets it: TabExpansion2 in real pwsh, on runs made on disk.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # The completion texts for a line, in the order PowerShell offers them.
    function Get-CompletionText([string] $Line) { @(Get-Completion $Line | ForEach-Object CompletionText) }

    # Runs the block with $env:RUNTOOLS_ROOT set to $Value ($null: unset) and the location at $Location.
    function Invoke-InScope([string] $Value, [string] $Location, [scriptblock] $Block) {
        $savedRoot = $env:RUNTOOLS_ROOT
        Push-Location $Location
        try {
            $env:RUNTOOLS_ROOT = $Value
            & $Block
        }
        finally {
            $env:RUNTOOLS_ROOT = $savedRoot
            Pop-Location
        }
    }
}

Describe 'Run completion' {
    BeforeAll {
        $root = New-TestRoot
        $first = New-Run -Name baseline -Root $root
        $second = New-Run -Name baseline -Root $root
        $other = New-Run -Name other -Root $root
        Set-RunStatus -Run $other.Path Running
        Set-RunStatus -Run $other.Path Completed
        $empty = Join-Path $TestDrive 'empty'
        New-Item -ItemType Directory $empty | Out-Null
    }

    It 'offers the keys under -Root first, then the run names newest first' {
        Get-CompletionText "Get-Run -Root '$root' -Name " |
            Should -Be @('baseline', 'other', $other.Name, $second.Name, $first.Name)
    }

    It 'completes a key and the names of its runs from the first letters of the key' {
        Get-CompletionText "Get-Run -Root '$root' -Name bas" | Should -Be @('baseline', $second.Name, $first.Name)
    }

    It 'completes a run name from its first characters' {
        $prefix = $first.Name.Substring(0, $first.Name.Length - 3)
        Get-CompletionText "Get-Run -Root '$root' -Name $prefix" | Should -Contain $first.Name
        Get-CompletionText "Get-Run -Root '$root' -Name $prefix" | Should -Not -Contain 'other'
    }

    It 'honours a wildcard in the word' {
        Get-CompletionText "Get-Run -Root '$root' -Name *her" | Should -Be @('other', $other.Name)
    }

    It 'completes a run id from its leading characters' {
        $prefix = $other.Id.ToString().Substring(0, 6)
        Get-CompletionText "Get-Run -Root '$root' -Id $prefix" | Should -Be @($other.Id.ToString())
        Get-CompletionText "Get-Run -Root '$root' -Name $prefix" | Should -Contain $other.Id.ToString()
    }

    It 'shows the run''s status and creation time as the tool tip' {
        $match = Get-Completion "Get-Run -Root '$root' -Name $($other.Name)" | Where-Object CompletionText -EQ $other.Name
        $match.ToolTip | Should -Match 'completed'
        $match.ToolTip | Should -Match ([regex]::Escape($other.CreatedAt.UtcDateTime.ToString('yyyy-MM-dd HH:mm:ss')))
        $match.ResultType | Should -Be 'ParameterValue'
    }

    It 'reads the runs under $env:RUNTOOLS_ROOT when -Root is not given' {
        Invoke-InScope $root $empty { Get-CompletionText 'Test-Run -Run oth' } | Should -Be @('other', $other.Name)
    }

    It 'reads the runs under ./runs of the current location when neither -Root nor $env:RUNTOOLS_ROOT is set' {
        $location = Join-Path $TestDrive 'project'
        New-Item -ItemType Directory $location -Force | Out-Null
        $local = New-Run -Name local-only -Root (Join-Path $location 'runs')
        Invoke-InScope $null $location { Get-CompletionText 'Get-RunManifest loc' } | Should -Be @('local-only', $local.Name)
    }

    It 'prefers -Root over $env:RUNTOOLS_ROOT' {
        $elsewhere = New-TestRoot
        New-Run -Name elsewhere -Root $elsewhere | Out-Null
        Invoke-InScope $elsewhere $empty { Get-CompletionText "Get-Run -Root '$root' -Name " } | Should -Not -Contain 'elsewhere'
    }

    It 'completes nothing, and writes no error, when the root does not exist' {
        $Error.Clear()
        Invoke-InScope (Join-Path $TestDrive 'no-such-root') $empty { Get-Completion 'Get-Run -Name ' } | Should -BeNullOrEmpty
        $Error | Should -BeNullOrEmpty
    }

    It 'still completes the other runs when one run cannot be read' {
        $broken = New-TestRoot
        $good = New-Run -Name good -Root $broken
        $bad = New-Item -ItemType Directory (Join-Path $broken '20260101_000000_bad')
        Set-Content (Join-Path $bad 'run.json') '{ not json'
        Get-CompletionText "Get-Run -Root '$broken' -Name " | Should -Be @('good', $good.Name)
    }

    It 'offers only keys for Remove-Run -Key' {
        Get-CompletionText "Remove-Run -Root '$root' -Key " | Should -Be @('baseline', 'other')
    }

    It 'keeps the quote the user opened' {
        Get-CompletionText "Get-Run -Root '$root' -Name 'oth" | Should -Be @("'other'", "'$($other.Name)'")
    }

    It 'leaves a word that is a path to file completion' {
        $offered = Invoke-InScope $null $root { Get-CompletionText "Test-Run -Run ./$($first.Name.Substring(0, 10))" }
        $offered | Should -Contain (Join-Path '.' $first.Name)
        $offered | Should -Not -Contain 'baseline'
    }

    It 'completes nothing, rather than file names, for a word that names no run' {
        Set-Content (Join-Path $TestDrive 'zebra.txt') 'a file'
        Invoke-InScope $root $TestDrive { Get-Completion 'Test-Run -Run zeb' } | Should -BeNullOrEmpty
    }
}

Describe 'Completion of what a run holds' {
    BeforeAll {
        $root = New-TestRoot
        $data = Join-Path $TestDrive 'patients.csv'
        Copy-Item $PatientsCsv $data
        $config = Join-Path $TestDrive 'quick.yaml'
        Set-Content $config @'
data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
folds: { kind: stratified_group, k: 2, seed: 7, production: true }
training: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [5], leaves: [4] } } ] }
'@
        $r = New-Run -Name trained -Root $root -ConfigPath $config -DataPath $data
        $r | New-RunFoldPlan | Out-Null
        $r | New-RunFoldPlan -Name quick -Folds 3 | Out-Null
        $r | Invoke-RunTraining | Out-Null
        $r | Invoke-RunStage prepare { 'ready' } | Out-Null
        $r | Invoke-RunStage evaluate -DependsOn prepare { 'done' } | Out-Null
        Write-RunMetric -Run $r -Name 'holdout/f1' -Value 0.5
        Set-Content (Join-Path $r.Path 'my results.csv') "a,b`n1,2"
        Set-Content (Join-Path $r.Path 'notes.txt') 'not a table'
        $runName = $r.Name
        $runPath = $r.Path
    }

    It 'completes the stage names of a run passed as a variable' {
        $stages = Get-CompletionText 'Invoke-RunStage -Run $r -Name '
        $stages | Should -Contain 'prepare'
        $stages | Should -Contain 'evaluate'
        $stages | Should -Contain 'train'
    }

    It 'completes the stage names of a run passed as a path' {
        Get-CompletionText "Invoke-RunStage -Run '$runPath' -Name ev" | Should -Be @('evaluate')
    }

    It 'completes the stage names of a run passed by its name under the root in scope' {
        Invoke-InScope $root $TestDrive { Get-CompletionText "Invoke-RunStage -Run $runName -Name pre" } | Should -Be @('prepare')
    }

    It 'completes the stage names of a run piped in from a variable' {
        Get-CompletionText '$r | Invoke-RunStage -Name pre' | Should -Be @('prepare')
        Get-CompletionText '$r | Get-RunMetric hold' | Should -Be @('holdout/f1')
    }

    It 'offers for -DependsOn every stage but the one being invoked' {
        $offered = Get-CompletionText 'Invoke-RunStage -Run $r -Name evaluate -DependsOn '
        $offered | Should -Contain 'prepare'
        $offered | Should -Not -Contain 'evaluate'
    }

    It 'completes no stage when -Run is not given or names no run' {
        Get-Completion 'Invoke-RunStage -Name pre' | Where-Object CompletionText -EQ 'prepare' | Should -BeNullOrEmpty
        Get-Completion 'Invoke-RunStage -Run $undefinedRun -Name pre' | Where-Object CompletionText -EQ 'prepare' | Should -BeNullOrEmpty
    }

    It 'completes the fold plans stored in the run' {
        Get-CompletionText 'Invoke-RunTraining -Run $r -Plan ' | Should -Be @('folds', 'quick')
        Get-CompletionText 'New-RunFoldPlan -Run $r -Name q' | Should -Be @('quick')
    }

    It 'completes the models of the training stage, production first' {
        Get-CompletionText 'Invoke-RunInference -Run $r -Model ' | Should -Be @('production', 'r0_f0', 'r0_f1')
        Get-CompletionText 'Invoke-RunInference -Run $r -Model r0' | Should -Be @('r0_f0', 'r0_f1')
    }

    It 'completes no model for a stage that trained none' {
        Get-Completion 'Invoke-RunInference -Run $r -Stage prepare -Model pro' |
            Where-Object CompletionText -EQ 'production' | Should -BeNullOrEmpty
    }

    It 'completes the metric names of the run' {
        $metrics = Get-CompletionText 'Get-RunMetric -Run $r -Name '
        $metrics | Should -Contain 'holdout/f1'
        $metrics | Should -Contain 'cv/auc'
        Get-CompletionText 'Get-RunMetric -Run $r -Name hold' | Should -Be @('holdout/f1')
    }

    It 'completes the metric names of the runs under the root for Remove-Run -Metric' {
        Get-CompletionText "Remove-Run -Root '$root' -KeepBest 1 -Metric hold" | Should -Be @('holdout/f1')
    }

    It 'completes the run''s tables relative to the run, and no other file' {
        $tables = Get-CompletionText 'Import-RunTable -Run $r -Path '
        $tables | Should -Contain 'predictions/oof.parquet'
        $tables | Should -Contain 'folds/quick.parquet'
        $tables | Should -Not -Contain 'notes.txt'
        $tables | Where-Object { $_ -like '*run.json*' -or $_ -like '*events*' -or $_ -like 'logs/*' } | Should -BeNullOrEmpty
    }

    It 'completes a table from the start of its file name' {
        Get-CompletionText 'Import-RunTable -Run $r oof' | Should -Be @('predictions/oof.parquet')
    }

    It 'quotes a table name with a space' {
        Get-CompletionText 'Import-RunTable -Run $r -Path my' | Should -Be @("'my results.csv'")
    }

    It 'completes without an error whatever the word, open quotes and stray wildcards included' {
        $lines = 'Test-Run -Run ', 'Invoke-RunStage -Run $r -Name ', 'Invoke-RunInference -Run $r -Model ', 'Import-RunTable -Run $r -Path ', 'Get-RunMetric -Run $r -Name '
        $words = "'", '"', '[', ']', '`', '*[', "'*", '"$', '..', '?', ('x' * 2000)
        $Error.Clear()
        foreach ($line in $lines) { foreach ($word in $words) { $null = Get-Completion ($line + $word) } }
        $Error | Should -BeNullOrEmpty
        Get-CompletionText 'Invoke-RunStage -Run $r -Name ''pre' | Should -Be @("'prepare'")
    }

    It 'completes the registered table artifacts for -Name' {
        $names = Get-CompletionText 'Import-RunTable -Run $r -Name '
        $names | Should -Contain 'predictions/oof.parquet'
        $names | Should -Not -Contain 'my results.csv'
    }
}
