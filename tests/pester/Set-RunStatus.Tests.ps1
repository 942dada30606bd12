# Set-RunStatus: moves a run along its lifecycle (pending, running, completed, failed, cancelled).
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Set-RunStatus' {
    BeforeEach {
        $root = New-TestRoot
        $run = New-Run -Name lifecycle -Root $root
    }

    It 'returns nothing by default and the changed run with -PassThru' {
        $run | Set-RunStatus Running | Should -BeNullOrEmpty
        $result = $run | Set-RunStatus Completed -PassThru
        "$($result.Status)" | Should -Be 'Completed'
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Completed'
    }

    It 'takes the run by path as well as by object' {
        Set-RunStatus -Run $run.Path -Status Cancelled
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Cancelled'
    }

    It 'records the message of a failed run as its last error' {
        $run | Set-RunStatus Running
        $run | Set-RunStatus Failed 'label leak found in fold 3'
        $manifest = Get-RunManifest $run
        $manifest.StatusMessage | Should -Be 'label leak found in fold 3'
        $manifest.LastError.Message | Should -Be 'label leak found in fold 3'
    }

    It 'resumes a failed run' {
        $run | Set-RunStatus Running
        $run | Set-RunStatus Failed 'out of memory'
        $run | Set-RunStatus Running 'retry with more memory'
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Running'
    }

    It 'refuses a transition the lifecycle does not allow and leaves the run unchanged' {
        $before = Get-Content -LiteralPath (Join-Path $run.Path 'events.jsonl') -Raw
        { $run | Set-RunStatus Completed -ErrorAction Stop } |
            Should -Throw -ErrorId 'IllegalTransition,RunTools.Module.Commands.SetRunStatusCommand'
        Get-Content -LiteralPath (Join-Path $run.Path 'events.jsonl') -Raw | Should -Be $before
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Pending'
    }

    It 'keeps a completed run sealed' {
        $run | Set-RunStatus Running
        $run | Set-RunStatus Completed
        $run | Set-RunStatus Running -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'IllegalTransition,RunTools.Module.Commands.SetRunStatusCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
    }

    It 'changes nothing when asked for the status the run already has' {
        $run | Set-RunStatus Running
        $before = Get-TreeState $run.Path
        $run | Set-RunStatus Running -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Get-TreeState $run.Path | Should -Be $before
    }

    It 'writes nothing with -WhatIf' {
        $before = Get-TreeState $root
        $run | Set-RunStatus Cancelled 'superseded' -WhatIf
        Get-TreeState $root | Should -Be $before
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Pending'
    }

    It 'changes every run piped in' {
        $other = New-Run -Name other -Root $root
        $run, $other | Set-RunStatus Cancelled 'sweep stopped'
        (Get-Run -Root $root).Status | ForEach-Object { "$_" } | Should -Be 'Cancelled', 'Cancelled'
    }
}
