# Add-RunArtifact: registers files with a run, copying them in unless they are already there.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $files = Join-Path $TestDrive 'files'
    New-Item -ItemType Directory -Path $files | Out-Null
    Set-Content -LiteralPath (Join-Path $files 'model.zip') -Value 'model bytes'
    Set-Content -LiteralPath (Join-Path $files 'roc.png') -Value 'roc'
    Set-Content -LiteralPath (Join-Path $files 'pr.png') -Value 'pr'
    Set-Content -LiteralPath (Join-Path $files 'notes.txt') -Value 'notes'
}

Describe 'Add-RunArtifact' {
    BeforeEach {
        $run = New-Run -Name artifacts -Root (New-TestRoot)
    }

    It 'copies a file into artifacts/ and records its hash, size and kind' {
        $source = Join-Path $files 'model.zip'
        $artifact = Add-RunArtifact -Run $run -Path $source
        $artifact.PSObject.TypeNames | Should -Contain 'RunTools.Views.ArtifactRecord'
        $artifact.Path | Should -Be 'artifacts/model.zip'
        "$($artifact.Kind)" | Should -Be 'Model'
        $artifact.Bytes | Should -Be (Get-Item -LiteralPath $source).Length
        $artifact.Sha256 | Should -Match (Get-FileHash -LiteralPath $source).Hash
        Join-Path $run.Path 'artifacts/model.zip' | Should -Exist
        @((Get-RunManifest $run).Artifacts).Path | Should -Contain 'artifacts/model.zip'
    }

    It 'starts a pending run, so it can be completed right after' {
        "$($run.Status)" | Should -Be 'Pending'
        Add-RunArtifact -Run $run -Path (Join-Path $files 'notes.txt') | Out-Null
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Running'
        $run | Set-RunStatus Completed
        "$((Get-Run -Path $run.Path).Status)" | Should -Be 'Completed'
    }

    It 'registers a file already inside the run where it is' {
        $inside = Join-Path $run.Path 'report.html'
        Set-Content -LiteralPath $inside -Value '<html></html>'
        $artifact = Add-RunArtifact -Run $run -Path $inside -Kind File
        $artifact.Path | Should -Be 'report.html'
        Join-Path $run.Path 'artifacts' | Should -Not -Exist
    }

    It 'copies files piped from Get-ChildItem into a folder of the run' {
        $added = Get-ChildItem -LiteralPath $files -Filter *.png | Add-RunArtifact -Run $run -Destination plots/
        $added.Path | Sort-Object | Should -Be 'plots/pr.png', 'plots/roc.png'
        $added.Kind | ForEach-Object { "$_" } | Should -Be 'Plot', 'Plot'
    }

    It 'takes the kind from the extension unless -Kind says otherwise' {
        "$((Add-RunArtifact -Run $run -Path (Join-Path $files 'notes.txt')).Kind)" | Should -Be 'File'
        "$((Add-RunArtifact -Run $run -Path (Join-Path $files 'roc.png') -Kind Log).Kind)" | Should -Be 'Log'
    }

    It 'refuses a destination that is taken, unless -Force replaces it' {
        $source = Join-Path $files 'model.zip'
        Add-RunArtifact -Run $run -Path $source | Out-Null
        Add-RunArtifact -Run $run -Path $source -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ArtifactExists,RunTools.Module.Commands.AddRunArtifactCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
        (Add-RunArtifact -Run $run -Path $source -Force).Path | Should -Be 'artifacts/model.zip'
    }

    It 'reports a file that does not exist and still adds the others' {
        $missing = Join-Path $files 'missing.bin'
        $added = Add-RunArtifact -Run $run -Path $missing, (Join-Path $files 'notes.txt') -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'ArtifactSourceNotFound,RunTools.Module.Commands.AddRunArtifactCommand'
        $err[0].TargetObject | Should -Match 'missing\.bin'
        $added.Path | Should -Be 'artifacts/notes.txt'
    }

    It 'refuses a destination that leaves the run' {
        { Add-RunArtifact -Run $run -Path (Join-Path $files 'notes.txt') -Destination '../escaped.txt' -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathOutsideRun,RunTools.Module.Commands.AddRunArtifactCommand'
        Join-Path (Split-Path $run.Path) 'escaped.txt' | Should -Not -Exist
    }

    It 'refuses a destination that is one of the run''s own files' {
        { Add-RunArtifact -Run $run -Path (Join-Path $files 'notes.txt') -Destination run.json -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathReserved,RunTools.Module.Commands.AddRunArtifactCommand'
    }

    It 'writes nothing with -WhatIf' {
        $before = Get-TreeState $run.Path
        Add-RunArtifact -Run $run -Path (Join-Path $files 'model.zip') -WhatIf | Should -BeNullOrEmpty
        Get-TreeState $run.Path | Should -Be $before
    }
}
