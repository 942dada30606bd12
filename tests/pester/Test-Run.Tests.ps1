# Test-Run: verifies a run byte for byte against its history.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # A run with a stage output, an added artifact, a metric and a data input, marked completed.
    function New-VerifiedRun([string] $Root, [string] $Name = 'verified') {
        $run = New-Run -Name $Name -Root $Root -DataPath $PatientsCsv
        $run | Invoke-RunStage prepare { param($Run) Set-Content -LiteralPath $Run.Resolve('prepared.txt') -Value 'prepared' } -Output prepared.txt | Out-Null
        $model = Join-Path $TestDrive "$Name-model.zip"
        Set-Content -LiteralPath $model -Value 'model'
        Add-RunArtifact -Run $run -Path $model -Destination model.zip | Out-Null
        Write-RunMetric -Run $run -Name auc -Value 0.9
        $run | Set-RunStatus Completed -PassThru
    }
}

Describe 'Test-Run' {
    BeforeEach {
        $root = New-TestRoot
        $run = New-VerifiedRun $root
    }

    It 'returns one Ok check per item of an intact run' {
        $checks = $run | Test-Run
        $checks[0].PSObject.TypeNames | Should -Contain 'RunTools.Views.RunCheck'
        $checks | ForEach-Object { "$($_.Status)" } | Sort-Object -Unique | Should -Be 'Ok'
        $kinds = $checks.Kind | Sort-Object -Unique
        foreach ($kind in 'events', 'manifest', 'config', 'log', 'artifact', 'input') { $kinds | Should -Contain $kind }
        $checks | Where-Object Kind -eq artifact | ForEach-Object Item | Should -Contain 'model.zip'
    }

    It 'reports an artifact modified after it was registered' {
        Set-Content -LiteralPath (Join-Path $run.Path 'model.zip') -Value 'tampered'
        $check = Test-Run $run | Where-Object Item -eq 'model.zip'
        "$($check.Status)" | Should -Be 'Modified'
        $check.Expected | Should -Not -Be $check.Actual
    }

    It 'reports a missing artifact' {
        Remove-Item -LiteralPath (Join-Path $run.Path 'prepared.txt')
        "$((Test-Run $run | Where-Object Item -eq 'prepared.txt').Status)" | Should -Be 'Missing'
    }

    It 'reports a file the run does not record as Extra' {
        Set-Content -LiteralPath (Join-Path $run.Path 'stray.txt') -Value 'who wrote this?'
        "$((Test-Run $run | Where-Object Item -eq 'stray.txt').Status)" | Should -Be 'Extra'
    }

    It 'reports an edited event log line as a broken chain' {
        $events = Join-Path $run.Path 'events.jsonl'
        $lines = Get-Content -LiteralPath $events
        $lines[1] = $lines[1] -replace '"to":"running"', '"to":"cancelled"'
        $lines | Join-String -Separator "`n" -OutputSuffix "`n" | Set-Content -LiteralPath $events -NoNewline
        $statuses = Test-Run $run | Where-Object Kind -eq events | ForEach-Object { "$($_.Status)" }
        $statuses | Should -Contain 'ChainBroken'
    }

    It 'returns $true for an intact run and $false for a damaged one with -Quiet' {
        Test-Run $run -Quiet | Should -BeTrue
        Set-Content -LiteralPath (Join-Path $run.Path 'model.zip') -Value 'tampered'
        Test-Run $run -Quiet | Should -BeFalse
    }

    It 'returns one answer per run piped in with -Quiet' {
        $other = New-VerifiedRun $root 'other'
        $answers = $run, $other | Test-Run -Quiet
        $answers | Should -Be $true, $true
    }

    It 'never writes to the run' {
        Set-Content -LiteralPath (Join-Path $run.Path 'model.zip') -Value 'tampered'
        $before = Get-TreeState $run.Path
        Test-Run $run | Out-Null
        Get-TreeState $run.Path | Should -Be $before
    }

    It 'reports a path that is not a run, and answers $false for it with -Quiet' {
        $notRun = Join-Path $TestDrive 'plain-folder'
        New-Item -ItemType Directory -Path $notRun -Force | Out-Null
        { Test-Run $notRun -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.TestRunCommand'
        Test-Run $notRun -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'checks the upstream run with -Lineage' {
        $child = New-Run -Name child -Root $root -Upstream $run
        $checks = Test-Run $child -Lineage
        $upstream = $checks | Where-Object Kind -eq upstream
        $upstream | Should -Not -BeNullOrEmpty
        $upstream | ForEach-Object { "$($_.Status)" } | Should -Be 'Ok'
    }
}
