# Remove-Run: removes whole runs, named or chosen by a retention policy; locked runs are never removed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # Runs that are done: Remove-Run refuses runs a live process is working on, and this process would be one.
    function New-DoneRun([string] $Root, [string] $Name, [double] $Auc) {
        $run = New-Run -Name $Name -Root $Root
        if ($PSBoundParameters.ContainsKey('Auc')) { Write-RunMetric -Run $run -Name auc -Value $Auc }
        $run | Set-RunStatus Cancelled -PassThru
    }
}

Describe 'Remove-Run' {
    BeforeEach {
        $root = New-TestRoot
    }

    It 'removes a run piped in with -Confirm:$false' {
        $run = New-DoneRun $root scratch
        $run | Remove-Run -Confirm:$false
        $run.Path | Should -Not -Exist
        Get-Run -Root $root | Should -BeNullOrEmpty
    }

    It 'removes a run given by path and reports what it did with -PassThru' {
        $run = New-DoneRun $root scratch
        $decision = Remove-Run $run.Path -Confirm:$false -PassThru
        $decision.Name | Should -Be $run.Name
        "$($decision.Action)" | Should -Be 'Remove'
        $decision.Removed | Should -BeTrue
    }

    It 'keeps the newest runs of each key with -KeepLast' {
        $runs = 1..3 | ForEach-Object { New-DoneRun $root sweep }
        Remove-Run -Root $root -Key sweep -KeepLast 1 -Confirm:$false
        (Get-Run -Root $root).Path | Should -Be $runs[2].Path
    }

    It 'keeps the best runs of each key by a metric with -KeepBest' {
        $low = New-DoneRun $root lr -Auc 0.7
        $high = New-DoneRun $root lr -Auc 0.9
        $mid = New-DoneRun $root lr -Auc 0.8
        $decisions = Remove-Run -Root $root -Key lr -KeepBest 1 -Metric auc -Confirm:$false -PassThru
        (Get-Run -Root $root).Path | Should -Be $high.Path
        ($decisions | Where-Object Removed).Path | Sort-Object | Should -Be (@($low.Path, $mid.Path) | Sort-Object)
    }

    It 'deletes nothing with -WhatIf' {
        New-DoneRun $root a | Out-Null
        New-DoneRun $root a | Out-Null
        New-DoneRun $root b | Out-Null
        $before = Get-TreeState $root
        Remove-Run -Root $root -Key * -KeepLast 1 -PassThru -WhatIf -ErrorVariable policyErrors | Should -BeNullOrEmpty
        Get-Run -Root $root -Name a, b | Remove-Run -WhatIf -ErrorVariable namedErrors
        $policyErrors | Should -BeNullOrEmpty
        $namedErrors | Should -BeNullOrEmpty
        Get-TreeState $root | Should -Be $before
    }

    It 'never removes a locked run named for removal' {
        $run = New-DoneRun $root shipped
        $run | Lock-Run -Reason 'model v3'
        $run | Remove-Run -Force -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RunRetentionLocked,RunTools.Module.Commands.RemoveRunCommand'
        $run.Path | Should -Exist
    }

    It 'keeps a locked run that a policy would remove' {
        $old = New-DoneRun $root nightly
        $old | Lock-Run -Reason 'baseline'
        New-DoneRun $root nightly | Out-Null
        Remove-Run -Root $root -Key nightly -KeepLast 1 -Confirm:$false -ErrorVariable err
        $err | Should -BeNullOrEmpty
        Get-Run -Root $root | Should -HaveCount 2
    }

    It 'refuses a run that another run refers to, unless both go together' {
        $training = New-DoneRun $root training
        $derived = New-Run -Name derived -Root $root -Upstream $training | Set-RunStatus Cancelled -PassThru
        { $training | Remove-Run -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunReferenced,RunTools.Module.Commands.RemoveRunCommand'
        $training.Path | Should -Exist
        $training, $derived | Remove-Run -Confirm:$false
        Get-Run -Root $root | Should -BeNullOrEmpty
    }

    It 'refuses a whole root without a rule' {
        New-DoneRun $root keep | Out-Null
        { Remove-Run -Root $root -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RetentionPolicyInvalid,RunTools.Module.Commands.RemoveRunCommand'
        Get-Run -Root $root | Should -HaveCount 1
    }

    It 'refuses a run that this live process is working on, unless -Force' {
        $run = New-Run -Name live -Root $root
        $run | Set-RunStatus Running
        $run | Remove-Run -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'IllegalTransition,RunTools.Module.Commands.RemoveRunCommand'
        $run.Path | Should -Exist
        $run | Remove-Run -Force -Confirm:$false
        $run.Path | Should -Not -Exist
    }
}
