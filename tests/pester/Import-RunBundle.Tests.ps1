# Import-RunBundle: verifies a bundle from Export-RunBundle and imports its runs, all together or not at all.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $source = New-TestRoot
    $training = New-Run -Name handover -Root $source
    $training | Invoke-RunStage train { param($Run) Set-Content -LiteralPath $Run.Resolve('model.txt') -Value 'weights' } -Output model.txt | Out-Null
    Write-RunMetric -Run $training -Name auc -Value 0.87
    $training | Set-RunStatus Completed
    $scoring = New-Run -Name handover-scoring -Root $source -Upstream $training | Set-RunStatus Cancelled -PassThru
    $bundle = $training, $scoring | Export-RunBundle (Join-Path $TestDrive 'handover.zip')
}

Describe 'Import-RunBundle' {
    It 'imports every run of the bundle into a root and returns them' {
        $root = New-TestRoot
        $runs = Import-RunBundle $bundle.Path -Root $root
        $runs | Should -HaveCount 2
        $runs[0].PSObject.TypeNames | Should -Contain 'RunTools.Views.RunInfo'
        $runs.Name | Sort-Object | Should -Be (@($training.Name, $scoring.Name) | Sort-Object)
        (Get-Run -Root $root -Name handover).Metrics.auc | Should -Be 0.87
        Join-Path $root "$($training.Name)/model.txt" | Should -Exist
    }

    It 'imports runs that verify, lineage included' {
        $root = New-TestRoot
        Import-RunBundle $bundle.Path -Root $root | Out-Null
        Get-Run -Root $root | Test-Run -Quiet | Should -Be $true, $true
        Get-Run -Root $root -Name handover-scoring | Test-Run -Lineage | Where-Object Kind -eq upstream |
            ForEach-Object { "$($_.Status)" } | Should -Be 'Ok'
    }

    It 'takes the bundle from Export-RunBundle''s output by property name' {
        $root = New-TestRoot
        ($bundle | Import-RunBundle -Root $root) | Should -HaveCount 2
    }

    It 'refuses a run that is already under the root, unless -Force replaces it' {
        $root = New-TestRoot
        Import-RunBundle $bundle.Path -Root $root | Out-Null
        Import-RunBundle $bundle.Path -Root $root -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Contain 'RunExists,RunTools.Module.Commands.ImportRunBundleCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
        Import-RunBundle $bundle.Path -Root $root -Force -Confirm:$false | Should -HaveCount 2
        Get-Run -Root $root | Should -HaveCount 2
    }

    It 'never replaces a run locked with Lock-Run' {
        $root = New-TestRoot
        Import-RunBundle $bundle.Path -Root $root | Out-Null
        Get-Run -Root $root -Name handover | Lock-Run -Reason 'in production'
        { Import-RunBundle $bundle.Path -Root $root -Force -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunRetentionLocked,RunTools.Module.Commands.ImportRunBundleCommand'
        (Get-Run -Root $root -Name handover).Locked | Should -BeTrue
    }

    It 'refuses a file that is not a zip and leaves the root unchanged' {
        $root = New-TestRoot
        $fake = Join-Path $TestDrive 'fake.zip'
        Set-Content -LiteralPath $fake -Value 'not a zip at all'
        { Import-RunBundle $fake -Root $root -ErrorAction Stop } |
            Should -Throw -ErrorId 'BundleInvalid,RunTools.Module.Commands.ImportRunBundleCommand'
        Get-Run -Root $root | Should -BeNullOrEmpty
    }

    It 'refuses a bundle whose file bytes differ from bundle.json, importing nothing' {
        $tampered = Join-Path $TestDrive 'tampered.zip'
        Copy-Item -LiteralPath $bundle.Path -Destination $tampered
        $zip = [IO.Compression.ZipFile]::Open($tampered, 'Update')
        try {
            $entry = $zip.GetEntry("runs/$($training.Name)/model.txt")
            $stream = $entry.Open()
            try { $stream.SetLength(0); $stream.Write([Text.Encoding]::ASCII.GetBytes("forged`n")) } finally { $stream.Dispose() }
        } finally { $zip.Dispose() }
        $root = New-TestRoot
        Import-RunBundle $tampered -Root $root -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Contain 'BundleHashMismatch,RunTools.Module.Commands.ImportRunBundleCommand'
        Get-Run -Root $root | Should -BeNullOrEmpty
    }

    It 'refuses a bundle with a file larger than -MaxFileSize' {
        { Import-RunBundle $bundle.Path -Root (New-TestRoot) -MaxFileSize 16 -ErrorAction Stop } |
            Should -Throw -ErrorId 'BundleTooLarge,RunTools.Module.Commands.ImportRunBundleCommand'
    }

    It 'writes nothing with -WhatIf' {
        $root = New-TestRoot
        $before = Get-TreeState $root
        Import-RunBundle $bundle.Path -Root $root -WhatIf | Should -BeNullOrEmpty
        Get-TreeState $root | Should -Be $before
    }
}
