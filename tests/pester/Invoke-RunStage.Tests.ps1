# Invoke-RunStage: runs a named step of a run, records it, and skips it when nothing it depends on changed.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $copyData = {
        param($Run)
        $rows = Import-Csv -LiteralPath $Run.Data[0]
        $rows | Select-Object -First 10 | Export-Csv -LiteralPath $Run.Resolve('prepared.csv') -UseQuotes Never
        "kept $($rows.Count) rows"
    }
}

Describe 'Invoke-RunStage' {
    BeforeEach {
        $run = New-Run -Name stages -Root (New-TestRoot) -Set 'model.trees=7' -DataPath $PatientsCsv
    }

    It 'runs a script block stage, logs what it prints and registers its outputs' {
        $result = $run | Invoke-RunStage prepare $copyData -Output prepared.csv
        $result.PSObject.TypeNames | Should -Contain 'RunTools.Views.StageResult'
        $result.Stage | Should -Be 'prepare'
        "$($result.Status)" | Should -Be 'Completed'
        $result.Skipped | Should -BeFalse
        $result.Attempt | Should -Be 1
        Join-Path $run.Path 'prepared.csv' | Should -Exist
        Get-Content -LiteralPath (Join-Path $run.Path 'logs/prepare.log') -Raw | Should -Match 'kept 1200 rows'
        @((Get-RunManifest $run).Artifacts).Path | Should -Contain 'prepared.csv'
    }

    It 'gives the script block the run context: config, data, inputs, outputs and Resolve' {
        $result = $run | Invoke-RunStage context -Output context.txt {
            param($Run)
            "$($Run.Stage) $($Run.Config.model.trees) $(Split-Path $Run.Data[0] -Leaf) $(Split-Path $Run.Outputs[0] -Leaf)" |
                Set-Content -LiteralPath $Run.Resolve('context.txt')
        }
        "$($result.Status)" | Should -Be 'Completed'
        Get-Content -LiteralPath (Join-Path $run.Path 'context.txt') | Should -Be 'context 7 patients.csv context.txt'
    }

    It 'skips a stage whose inputs, command and outputs did not change, and runs it again with -Force' {
        $run | Invoke-RunStage prepare $copyData -Output prepared.csv | Out-Null
        $again = $run | Invoke-RunStage prepare $copyData -Output prepared.csv
        $again.Skipped | Should -BeTrue
        $again.Attempt | Should -Be 1
        $forced = $run | Invoke-RunStage prepare $copyData -Output prepared.csv -Force
        $forced.Skipped | Should -BeFalse
        $forced.Attempt | Should -Be 2
        $forced.Reason | Should -Match 'forced'
    }

    It 'runs a dependent stage again when an input it declared changed' {
        $run | Invoke-RunStage prepare $copyData -Output prepared.csv | Out-Null
        $train = { param($Run) Get-Content -LiteralPath $Run.Inputs[0] | Measure-Object -Line | Select-Object -ExpandProperty Lines | Set-Content -LiteralPath $Run.Resolve('model.txt') }
        $run | Invoke-RunStage train $train -DependsOn prepare -Input prepared.csv -Output model.txt | Out-Null
        Add-Content -LiteralPath (Join-Path $run.Path 'prepared.csv') -Value 'extra'
        $result = $run | Invoke-RunStage train $train -DependsOn prepare -Input prepared.csv -Output model.txt
        $result.Skipped | Should -BeFalse
        $result.Reason | Should -Match 'inputs changed'
    }

    It 'moves a pending run to Running with its first stage' {
        "$($run.Status)" | Should -Be 'Pending'
        $run | Invoke-RunStage prepare $copyData -Output prepared.csv | Out-Null
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Running'
    }

    It 'fails the stage and the run when the script block throws' {
        $run | Invoke-RunStage broken { throw 'no GPU' } -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'StageScriptFailed,RunTools.Module.Commands.InvokeRunStageCommand'
        $err[0].Exception.Message | Should -Match 'no GPU'
        $after = Get-Run -Path $run.Path
        "$($after.Status)" | Should -Be 'Failed'
        "$($after.Stages.broken)" | Should -Be 'Failed'
    }

    It 'fails a stage that does not write a declared output' {
        { $run | Invoke-RunStage lazy { 'nothing written' } -Output missing.csv -ErrorAction Stop } |
            Should -Throw -ErrorId 'StageOutputMissing,RunTools.Module.Commands.InvokeRunStageCommand'
    }

    It 'refuses to start a stage whose dependency has not completed' {
        $run | Invoke-RunStage train { 'training' } -DependsOn prepare -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'StageDependencyNotCompleted,RunTools.Module.Commands.InvokeRunStageCommand'
        (Get-RunManifest $run).Stages | Should -BeNullOrEmpty
    }

    It 'refuses an output that would overwrite one of the run''s own files' {
        { $run | Invoke-RunStage sneaky { 'x' } -Output run.json -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathReserved,RunTools.Module.Commands.InvokeRunStageCommand'
    }

    It 'runs an external command in the run directory with the RUNTOOLS_ variables set' {
        $pwsh = [Environment]::ProcessPath
        $prefix = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        $script = 'Set-Content -LiteralPath stage.txt -Value "$env:RUNTOOLS_STAGE $env:RUNTOOLS_RUN_NAME"'
        $result = $run | Invoke-RunStage external -Command $pwsh -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-Command', $script)) -Output stage.txt
        "$($result.Status)" | Should -Be 'Completed'
        Get-Content -LiteralPath (Join-Path $run.Path 'stage.txt') | Should -Be "external $($run.Name)"
    }

    It 'reports a non-zero exit code of an external command' {
        $pwsh = [Environment]::ProcessPath
        $prefix = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
        { $run | Invoke-RunStage exits -Command $pwsh -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-Command', 'exit 3')) -ErrorAction Stop } |
            Should -Throw -ErrorId 'StageCommandFailed,RunTools.Module.Commands.InvokeRunStageCommand'
    }

    It 'writes nothing with -WhatIf' {
        $before = Get-TreeState $run.Path
        $run | Invoke-RunStage prepare $copyData -Output prepared.csv -WhatIf | Should -BeNullOrEmpty
        Get-TreeState $run.Path | Should -Be $before
    }
}
