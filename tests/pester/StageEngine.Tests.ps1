# The stage engine as a user meets it: fingerprints that see what a stage uses (outer variables, config keys read,
# -Parameter values, inputs), derived runs that reuse unchanged stages, staleness, and cross-run dependencies.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # prepare → train → evaluate; only evaluate reads a config key (evaluate.threshold).
    $script:prepare = { param($Run) "rows $((Import-Csv -LiteralPath $Run.Data[0]).Count)" | Set-Content -LiteralPath $Run.Resolve('prep.txt') }
    $script:train = { param($Run) "$(Get-Content -LiteralPath $Run.Inputs[0]) trained" | Set-Content -LiteralPath $Run.Resolve('model.txt') }
    $script:evaluate = { param($Run) "threshold $($Run.Config.evaluate.threshold)" | Set-Content -LiteralPath $Run.Resolve('eval.txt') }
    function Invoke-Train($Run) { $Run | Invoke-RunStage train $script:train -DependsOn prepare -Input prep.txt -Output model.txt }
    function Invoke-Evaluate($Run) { $Run | Invoke-RunStage evaluate $script:evaluate -DependsOn train -Input model.txt -Output eval.txt }
    function Invoke-ThreeStages($Run) {
        $Run | Invoke-RunStage prepare $script:prepare -Output prep.txt
        Invoke-Train $Run
        Invoke-Evaluate $Run
    }

    function Get-Sha([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
}

Describe 'Fingerprints: a change to anything a stage uses runs it again, and the record says what' {
    BeforeEach {
        $root = New-TestRoot
        $run = New-Run -Name fp -Root $root -Set 'evaluate.threshold=0.5', 'evaluate.other=1' -DataPath $PatientsCsv
    }

    It 'runs a stage again when a variable of the calling script that it reads changed' {
        $threshold = 0.5
        $body = { "t=$threshold" | Set-Content -LiteralPath $Run.Resolve('eval.txt') }
        ($run | Invoke-RunStage evaluate $body -Output eval.txt).Reason | Should -Be 'never ran'
        ($run | Invoke-RunStage evaluate $body -Output eval.txt).Skipped | Should -BeTrue
        $threshold = 0.3
        $again = $run | Invoke-RunStage evaluate $body -Output eval.txt
        $again.Skipped | Should -BeFalse
        $again.Reason | Should -Be 'variables changed: $threshold'
        Get-Content -LiteralPath (Join-Path $run.Path 'eval.txt') | Should -Be 't=0.3'
        $stage = (Get-RunManifest $run).Stages | Where-Object Name -eq evaluate
        $stage.Reason | Should -Be 'variables changed: $threshold'
        @($stage.Fingerprint.Parts | Where-Object Kind -eq variable).Name | Should -Be 'threshold'
    }

    It 'records the config keys the stage read through $Run.Config, and only those' {
        $run | Invoke-RunStage cfg { "c=$($Run.Config.evaluate.threshold)" | Set-Content -LiteralPath $Run.Resolve('c.txt') } -Output c.txt | Out-Null
        $stage = (Get-RunManifest $run).Stages | Where-Object Name -eq cfg
        @($stage.Fingerprint.Parts | Where-Object Kind -eq config).Name | Should -Be 'evaluate.threshold'
    }

    It 'binds -Parameter to the param() block and $Params, and runs again when a value changed' {
        $body = { param($threshold) "p=$threshold q=$($Params.threshold)" | Set-Content -LiteralPath $Run.Resolve('p.txt') }
        $run | Invoke-RunStage par $body -Output p.txt -Parameter @{ threshold = 0.7 } | Out-Null
        Get-Content -LiteralPath (Join-Path $run.Path 'p.txt') | Should -Be 'p=0.7 q=0.7'
        ($run | Invoke-RunStage par $body -Output p.txt -Parameter @{ threshold = 0.7 }).Skipped | Should -BeTrue
        $changed = $run | Invoke-RunStage par $body -Output p.txt -Parameter @{ threshold = 0.8 }
        $changed.Reason | Should -Be 'parameters changed: threshold'
        Get-Content -LiteralPath (Join-Path $run.Path 'p.txt') | Should -Be 'p=0.8 q=0.8'
    }

    It 'still passes the run first to a param() block that does not name it' {
        $run | Invoke-RunStage ctx { param($r) $r.Stage | Set-Content -LiteralPath $r.Resolve('ctx.txt') } -Output ctx.txt | Out-Null
        Get-Content -LiteralPath (Join-Path $run.Path 'ctx.txt') | Should -Be 'ctx'
    }

    It 'runs a stage again when a declared input changed' {
        Set-Content -LiteralPath (Join-Path $run.Path 'in.txt') -Value 'a'
        $body = { Get-Content -LiteralPath $Run.Inputs[0] | Set-Content -LiteralPath $Run.Resolve('out.txt') }
        $run | Invoke-RunStage copy $body -Input in.txt -Output out.txt | Out-Null
        Set-Content -LiteralPath (Join-Path $run.Path 'in.txt') -Value 'b'
        ($run | Invoke-RunStage copy $body -Input in.txt -Output out.txt).Reason | Should -Be 'inputs changed: in.txt'
    }

    It 'warns about a value it cannot fingerprint and runs the stage every time' {
        $session = { 'a script block' }
        $body = { $null = $session; 'x' | Set-Content -LiteralPath $Run.Resolve('l.txt') }
        $first = $run | Invoke-RunStage live $body -Output l.txt -WarningVariable warned 3>$null
        $warned | Should -Match 'session cannot be fingerprinted \(ScriptBlock\)'
        $second = $run | Invoke-RunStage live $body -Output l.txt -WarningAction SilentlyContinue
        $second.Skipped | Should -BeFalse
        $second.Attempt | Should -Be 2
        $second.Reason | Should -Be 'cannot be fingerprinted: $session (ScriptBlock)'
    }
}

Describe 'Derived runs reuse the stages that did not change' {
    BeforeAll {
        $root = New-TestRoot
        $parent = New-Run -Name base -Root $root -Set 'evaluate.threshold=0.5' -DataPath $PatientsCsv
        $first = Invoke-ThreeStages $parent
        $parent | Set-RunStatus -Status Completed
        $child = New-Run -Name varied -Root $root -From $parent -Set 'evaluate.threshold=0.3'
        $second = Invoke-ThreeStages $child
    }

    It 'gives the derived run the parent''s config (with the overrides) and data, and the parent in its lineage' {
        $m = Get-RunManifest $child
        $m.Config.evaluate.threshold | Should -Be 0.3
        $m.Inputs[0].Sha256 | Should -Be (Get-RunManifest $parent).Inputs[0].Sha256
        $m.Lineage | Where-Object Relation -eq parent | ForEach-Object RunName | Should -Be $parent.Name
    }

    It 'reuses the two stages that do not read the changed key, with byte-identical outputs, and runs the third' {
        $first.Reason | Should -Be @('never ran', 'never ran', 'never ran')
        $second[0].ReusedFrom | Should -Be "$($parent.Name)/prepare/1"
        $second[1].ReusedFrom | Should -Be "$($parent.Name)/train/1"
        $second[2].ReusedFrom | Should -BeNullOrEmpty
        $second[2].Reason | Should -Be 'never ran'
        foreach ($file in 'prep.txt', 'model.txt') {
            Get-Sha (Join-Path $child.Path $file) | Should -Be (Get-Sha (Join-Path $parent.Path $file))
        }
        Get-Content -LiteralPath (Join-Path $child.Path 'eval.txt') | Should -Be 'threshold 0.3'
        Get-Content -LiteralPath (Join-Path $parent.Path 'eval.txt') | Should -Be 'threshold 0.5'
    }

    It 'leaves both runs passing Test-Run' {
        @(Test-Run $parent, $child | Where-Object { -not $_.Passed }) | Should -BeNullOrEmpty
    }

    It 'finds the same work in any run under the root through the stage cache, not only in ancestors' {
        $stranger = New-Run -Name stranger -Root $root -Set 'evaluate.threshold=0.9' -DataPath $PatientsCsv
        $again = Invoke-ThreeStages $stranger
        $again[0].ReusedFrom | Should -Match '/prepare/1$'
        $again[1].ReusedFrom | Should -Match '/train/1$'
        $again[2].ReusedFrom | Should -BeNullOrEmpty
    }

    It 'runs a reused stage for real with -Force, without touching the run it came from' {
        $parentPrep = Get-Sha (Join-Path $parent.Path 'prep.txt')
        $forced = $child | Invoke-RunStage prepare { param($Run) 'forced' | Set-Content -LiteralPath $Run.Resolve('prep.txt') } -Output prep.txt -Force
        $forced.ReusedFrom | Should -BeNullOrEmpty
        Get-Content -LiteralPath (Join-Path $child.Path 'prep.txt') | Should -Be 'forced'
        Get-Sha (Join-Path $parent.Path 'prep.txt') | Should -Be $parentPrep
        @(Test-Run $parent | Where-Object { -not $_.Passed }) | Should -BeNullOrEmpty
    }
}

Describe 'Staleness, derived at read time' {
    BeforeEach {
        $root = New-TestRoot
        $run = New-Run -Name stale -Root $root -Set 'evaluate.threshold=0.5' -DataPath $PatientsCsv
        Invoke-ThreeStages $run | Out-Null
    }

    It 'shows the stages after a changed input as stale in Get-Run and Test-Run, with reasons' {
        Set-Content -LiteralPath (Join-Path $run.Path 'prep.txt') -Value 'edited by hand'
        $info = Get-Run -Root $root -Name $run.Name
        $info.Stages['prepare'] | Should -Be 'Completed'
        $info.Stages['train'] | Should -Be 'Stale'
        $info.Stages['evaluate'] | Should -Be 'Stale'
        $info.Stale | Should -Contain 'train: inputs changed: prep.txt'
        $info.Stale | Should -Contain 'evaluate: upstream changed: train (stale)'
        $stale = Test-Run $run | Where-Object Status -eq Stale
        $stale | Where-Object Kind -eq stage | ForEach-Object Item | Should -Be @('train', 'evaluate')
    }

    It 'lists a run whose stage input was deleted, with that stage and what follows it stale' {
        Remove-Item -LiteralPath (Join-Path $run.Path 'prep.txt')
        $info = Get-Run -Root $root -Name $run.Name -ErrorAction Stop
        $info.Stages['train'] | Should -Be 'Stale'
        $info.Stale | Should -Contain 'train: inputs changed: prep.txt'
        (Get-Run -Path $run.Path -ErrorAction Stop).Stages['evaluate'] | Should -Be 'Stale'
    }

    It 'runs a stale stage again when it is invoked, and what follows it becomes stale until it runs too' {
        Set-Content -LiteralPath (Join-Path $run.Path 'prep.txt') -Value 'edited by hand'
        (Invoke-Train $run).Reason | Should -Be 'inputs changed: prep.txt'
        $info = Get-Run -Root $root -Name $run.Name
        $info.Stages['train'] | Should -Be 'Completed'
        $info.Stages['evaluate'] | Should -Be 'Stale'
        $info.Stale | Should -Be 'evaluate: inputs changed: model.txt; upstream changed: train (attempt 2 wrote other outputs)'
        (Invoke-Evaluate $run).Reason | Should -Match '^inputs changed: model.txt; upstream stages changed: train$'
        (Get-Run -Root $root -Name $run.Name).Stale | Should -BeNullOrEmpty
    }

    It 'reports a derived run whose parent ran a stage again, or was removed' {
        $child = New-Run -Name child -Root $root -From $run
        (Get-Run -Root $root -Name $child.Name).Stale | Should -BeNullOrEmpty
        $run | Invoke-RunStage prepare { 'v2' | Set-Content -LiteralPath $Run.Resolve('prep.txt') } -Output prep.txt -Force | Out-Null
        (Get-Run -Root $root -Name $child.Name).Stale | Should -Match "^parent $($run.Name): ran stages again after this run was made from it: prepare \(attempt 2\)"
        $run | Set-RunStatus -Status Completed
        Remove-Run -Run $run -Force -Confirm:$false
        (Get-Run -Root $root -Name $child.Name).Stale | Should -Be "parent $($run.Name): the run was removed"
        (Test-Run $child | Where-Object Kind -eq parent).Status | Should -Be 'Stale'
    }
}

Describe 'Cross-run dependencies' {
    It 'depends on a stage of another run and reads its outputs through $Run.Upstream' {
        $root = New-TestRoot
        $producer = New-Run -Name producer -Root $root
        $producer | Invoke-RunStage make { 'made' | Set-Content -LiteralPath $Run.Resolve('thing.txt') } -Output thing.txt | Out-Null
        $consumer = New-Run -Name consumer -Root $root
        $body = { Get-Content -LiteralPath $Run.Upstream['producer'].Resolve('thing.txt') | Set-Content -LiteralPath $Run.Resolve('used.txt') }
        $result = $consumer | Invoke-RunStage use $body -DependsOn "producer:make" -Output used.txt
        $result.Status | Should -Be 'Completed'
        Get-Content -LiteralPath (Join-Path $consumer.Path 'used.txt') | Should -Be 'made'
        ($consumer | Invoke-RunStage use $body -DependsOn "producer:make" -Output used.txt).Skipped | Should -BeTrue
        $producer | Invoke-RunStage make { 'remade' | Set-Content -LiteralPath $Run.Resolve('thing.txt') } -Output thing.txt -Force | Out-Null
        (Get-Run -Root $root -Name $consumer.Name).Stages['use'] | Should -Be 'Stale'
        ($consumer | Invoke-RunStage use $body -DependsOn "producer:make" -Output used.txt).Reason | Should -Match '^upstream stages changed: .*producer:make'
    }

    It 'refuses a dependency on another run''s stage that has not completed' {
        $root = New-TestRoot
        $producer = New-Run -Name producer -Root $root
        $consumer = New-Run -Name consumer -Root $root
        $consumer | Invoke-RunStage use { 'x' } -DependsOn 'producer:make' -ErrorVariable failed -ErrorAction SilentlyContinue | Out-Null
        $failed[0].FullyQualifiedErrorId | Should -Match '^StageDependencyNotCompleted'
        (Get-RunManifest $consumer).Stages | Should -BeNullOrEmpty
    }
}

Describe 'Lifecycle: the first stage, metric or artifact starts a pending run' {
    It 'moves a pending run to Running with its first stage (documented)' {
        $run = New-Run -Name life -Root (New-TestRoot)
        $run.Status | Should -Be 'Pending'
        $run | Invoke-RunStage s { 1 } | Out-Null
        (Get-Run -Root (Split-Path $run.Path) -Name $run.Name).Status | Should -Be 'Running'
    }
}
