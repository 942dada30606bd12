# Unlock-Run: lifts Lock-Run's lock so that Remove-Run can remove the run again.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Unlock-Run' {
    BeforeEach {
        $root = New-TestRoot
        $run = New-Run -Name old-baseline -Root $root
        $run | Lock-Run -Reason 'release 1.0'
    }

    It 'unlocks a piped run and clears the reason' {
        $run | Unlock-Run | Should -BeNullOrEmpty
        $after = Get-Run -Path $run.Path
        $after.Locked | Should -BeFalse
        $after.Manifest.LockReason | Should -BeNullOrEmpty
    }

    It 'returns the run with -PassThru' {
        $result = Unlock-Run $run.Path -PassThru
        $result.Locked | Should -BeFalse
        $result.Path | Should -Be $run.Path
    }

    It 'lets Remove-Run remove the run afterwards' {
        $run | Unlock-Run
        $run | Remove-Run -Confirm:$false
        $run.Path | Should -Not -Exist
    }

    It 'changes nothing for a run that is not locked' {
        $run | Unlock-Run
        $before = Get-TreeState $run.Path
        $run | Unlock-Run -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Get-TreeState $run.Path | Should -Be $before
    }

    It 'unlocks the runs selected by their lock reason' {
        $other = New-Run -Name other -Root $root
        $other | Lock-Run -Reason 'keep forever'
        Get-Run -Root $root | Where-Object { $_.Manifest.LockReason -eq 'release 1.0' } | Unlock-Run
        (Get-Run -Path $run.Path).Locked | Should -BeFalse
        (Get-Run -Path $other.Path).Locked | Should -BeTrue
    }

    It 'writes nothing with -WhatIf' {
        $before = Get-TreeState $root
        $run | Unlock-Run -WhatIf
        Get-TreeState $root | Should -Be $before
        (Get-Run -Path $run.Path).Locked | Should -BeTrue
    }

    It 'reports a path that is not a run' {
        $notRun = Join-Path $TestDrive 'unlock-nothing'
        New-Item -ItemType Directory -Path $notRun -Force | Out-Null
        { Unlock-Run $notRun -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.UnlockRunCommand'
    }
}
