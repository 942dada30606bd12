# Lock-Run: keeps runs from being removed, by name or by a retention policy.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Lock-Run' {
    BeforeEach {
        $root = New-TestRoot
        $run = New-Run -Name baseline -Root $root
    }

    It 'locks a piped run, which Get-Run then shows as Locked with the reason in the manifest' {
        $run | Lock-Run -Reason 'figures in the 2026 paper' | Should -BeNullOrEmpty
        $locked = Get-Run -Path $run.Path
        $locked.Locked | Should -BeTrue
        $locked.Manifest.LockReason | Should -Be 'figures in the 2026 paper'
    }

    It 'takes a run directory path and a positional reason, and returns the run with -PassThru' {
        $result = Lock-Run $run.Path 'model v3 in production' -PassThru
        $result.Locked | Should -BeTrue
        $result.Path | Should -Be $run.Path
    }

    It 'keeps the reason when a locked run is locked again without one, and replaces it with a new one' {
        $run | Lock-Run -Reason 'first'
        $run | Lock-Run
        (Get-Run -Path $run.Path).Manifest.LockReason | Should -Be 'first'
        $run | Lock-Run -Reason 'second'
        (Get-Run -Path $run.Path).Manifest.LockReason | Should -Be 'second'
    }

    It 'keeps a locked run from Remove-Run, even with -Force' {
        $run | Lock-Run -Reason 'shipped'
        { Remove-Run $run -Force -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunRetentionLocked,RunTools.Module.Commands.RemoveRunCommand'
        $run.Path | Should -Exist
    }

    It 'records the lock in the event log, so it travels with the run' {
        $run | Lock-Run -Reason 'travels'
        $copy = Join-Path (New-TestRoot) $run.Name
        Copy-Item -LiteralPath $run.Path -Destination $copy -Recurse
        (Get-Run -Path $copy).Locked | Should -BeTrue
        Get-Content -LiteralPath (Join-Path $run.Path 'events.jsonl') -Raw | Should -Match 'travels'
    }

    It 'locks every run piped in' {
        $other = New-Run -Name other -Root $root
        $run, $other | Lock-Run -Reason 'release 1.0'
        (Get-Run -Root $root).Locked | Should -Be $true, $true
    }

    It 'writes nothing with -WhatIf' {
        $before = Get-TreeState $root
        $run | Lock-Run -Reason 'maybe' -WhatIf
        Get-TreeState $root | Should -Be $before
        (Get-Run -Path $run.Path).Locked | Should -BeFalse
    }

    It 'reports a path that is not a run' {
        $notRun = Join-Path $TestDrive 'lock-nothing'
        New-Item -ItemType Directory -Path $notRun -Force | Out-Null
        Lock-Run $notRun -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,RunTools.Module.Commands.LockRunCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }
}
