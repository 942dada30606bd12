# Repair-Run: mends what Test-Run finds from what the run itself holds, and throws nothing away.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    function New-FinishedRun([string] $Root) {
        $run = New-Run -Name mended -Root $Root
        $run | Invoke-RunStage prepare { param($Run) Set-Content -LiteralPath $Run.Resolve('out.txt') -Value 'out' } -Output out.txt | Out-Null
        Write-RunMetric -Run $run -Name auc -Value 0.8
        $run | Set-RunStatus Completed -PassThru
    }
    # Puts a line that is not an event into the middle of the event log.
    function Add-GarbageLine([string] $RunPath) {
        $events = Join-Path $RunPath 'events.jsonl'
        $lines = @(Get-Content -LiteralPath $events)
        $lines = @($lines[0..1]) + 'this is not an event' + @($lines[2..($lines.Count - 1)])
        $lines | Join-String -Separator "`n" -OutputSuffix "`n" | Set-Content -LiteralPath $events -NoNewline
    }
}

Describe 'Repair-Run' {
    BeforeEach {
        $root = New-TestRoot
        $run = New-FinishedRun $root
    }

    It 'does nothing to an intact run' {
        $before = Get-TreeState $run.Path
        $run | Repair-Run | Should -BeNullOrEmpty
        Get-TreeState $run.Path | Should -Be $before
    }

    It 'rewrites a missing run.json from the event log' {
        Remove-Item -LiteralPath (Join-Path $run.Path 'run.json')
        $repairs = $run | Repair-Run
        $repairs[0].PSObject.TypeNames | Should -Contain 'RunTools.Views.RepairRecord'
        $repairs.Action | Should -Contain 'RewriteManifest'
        Join-Path $run.Path 'run.json' | Should -Exist
        Test-Run $run -Quiet | Should -BeTrue
    }

    It 'quarantines a line that is not an event into a sidecar and re-chains the log' {
        Add-GarbageLine $run.Path
        Test-Run $run -Quiet | Should -BeFalse
        $repairs = Repair-Run $run.Path
        $repairs.Action | Should -Contain 'QuarantineLines'
        $quarantine = Get-ChildItem -LiteralPath (Join-Path $run.Path 'sidecars') -Filter *.jsonl |
            Where-Object { (Get-Content -LiteralPath $_.FullName -Raw) -eq "this is not an event`n" }
        $quarantine | Should -HaveCount 1
        Test-Run $run -Quiet | Should -BeTrue
        (Get-Run -Path $run.Path).Metrics.auc | Should -Be 0.8
    }

    It 'keeps every repair visible in the manifest' {
        Add-GarbageLine $run.Path
        $run | Repair-Run | Out-Null
        (Get-RunManifest $run).Repairs | Should -Not -BeNullOrEmpty
    }

    It 'rebuilds a lost event log from run.json' {
        Remove-Item -LiteralPath (Join-Path $run.Path 'events.jsonl')
        $repairs = $run | Repair-Run
        $repairs.Action | Should -Contain 'RebuildLog'
        Join-Path $run.Path 'events.jsonl' | Should -Exist
        (Get-Run -Path $run.Path).Key | Should -Be 'mended'
        Test-Run $run -Quiet | Should -BeTrue
    }

    It 'cuts off the bytes of a line a killed writer left unfinished' {
        Add-Content -LiteralPath (Join-Path $run.Path 'events.jsonl') -Value '{"seq":99,"ty' -NoNewline
        $repairs = $run | Repair-Run
        $repairs.Action | Should -Contain 'CutTornLine'
        Test-Run $run -Quiet | Should -BeTrue
    }

    It 'prints the plan and writes nothing with -WhatIf' {
        Add-GarbageLine $run.Path
        $before = Get-TreeState $root
        $run | Repair-Run -WhatIf | Should -BeNullOrEmpty
        Get-TreeState $root | Should -Be $before
    }

    It 'repairs every run piped in' {
        $second = New-FinishedRun $root
        Remove-Item -LiteralPath (Join-Path $run.Path 'run.json'), (Join-Path $second.Path 'run.json')
        $repairs = Get-Run -Root $root | Repair-Run -Confirm:$false
        ($repairs | Where-Object Action -eq RewriteManifest).RunPath | Sort-Object | Should -Be (@($run.Path, $second.Path) | Sort-Object)
    }

    It 'reports a path that is not a run' {
        $notRun = Join-Path $TestDrive 'repair-nothing'
        New-Item -ItemType Directory -Path $notRun -Force | Out-Null
        { Repair-Run $notRun -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.RepairRunCommand'
    }
}
