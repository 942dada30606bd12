# Export-RunBundle: writes runs into one portable, deterministic zip.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # The entry names of a zip, in order.
    function Get-ZipEntry([string] $Path) {
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try { $zip.Entries | ForEach-Object FullName } finally { $zip.Dispose() }
    }
    $root = New-TestRoot
    $first = New-Run -Name churn-baseline -Root $root
    $first | Invoke-RunStage prepare { param($Run) Set-Content -LiteralPath $Run.Resolve('prepared.txt') -Value 'rows' } -Output prepared.txt | Out-Null
    Write-RunMetric -Run $first -Name auc -Value 0.9
    $first | Set-RunStatus Completed
    $second = New-Run -Name churn-retrain -Root $root -Upstream $first | Set-RunStatus Cancelled -PassThru
    $bundles = Join-Path $TestDrive 'bundles'
}

Describe 'Export-RunBundle' {
    It 'writes the runs piped in into one zip and describes it' {
        $path = Join-Path $bundles 'one.zip'
        $bundle = $first | Export-RunBundle $path
        $bundle.PSObject.TypeNames | Should -Contain 'RunTools.Views.BundleInfo'
        $bundle.Path | Should -Be $path
        @($bundle.Runs) | Should -Be $first.Name
        $bundle.Bytes | Should -Be (Get-Item -LiteralPath $path).Length
        $bundle.Sha256 | Should -Be (Get-FileHash -LiteralPath $path).Hash
    }

    It 'puts bundle.json first and every file of a run under runs/ and the run''s name' {
        $path = Join-Path $bundles 'layout.zip'
        $bundle = Export-RunBundle -Run $first -Path $path
        $entries = @(Get-ZipEntry $path)
        $entries[0] | Should -Be 'bundle.json'
        $entries | Should -Contain "runs/$($first.Name)/run.json"
        $entries | Should -Contain "runs/$($first.Name)/prepared.txt"
        $entries.Count - 1 | Should -Be $bundle.Files
    }

    It 'gives the same bytes when the same runs are exported again' {
        $a = $first, $second | Export-RunBundle (Join-Path $bundles 'a.zip')
        $b = $first, $second | Export-RunBundle (Join-Path $bundles 'b.zip')
        $b.Sha256 | Should -Be $a.Sha256
        @($a.Runs) | Should -HaveCount 2
    }

    It 'creates the folder of -Path when it is missing' {
        $path = Join-Path $bundles 'deeper/still/run.zip'
        $first | Export-RunBundle $path | Out-Null
        $path | Should -Exist
    }

    It 'refuses to replace an existing file unless -Force' {
        $path = Join-Path $bundles 'taken.zip'
        Set-Content -LiteralPath (New-Item -ItemType File -Path $path -Force) -Value 'not a bundle'
        $first | Export-RunBundle $path -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'OutputExists,RunTools.Module.Commands.ExportRunBundleCommand'
        Get-Content -LiteralPath $path | Should -Be 'not a bundle'
        ($first | Export-RunBundle $path -Force).Sha256 | Should -Be (Get-FileHash -LiteralPath $path).Hash
    }

    It 'refuses a run that a live process is working on, unless -Force' {
        $live = New-Run -Name live -Root (New-TestRoot)
        $live | Set-RunStatus Running
        $path = Join-Path $bundles 'live.zip'
        { $live | Export-RunBundle $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunInUse,RunTools.Module.Commands.ExportRunBundleCommand'
        $path | Should -Not -Exist
        ($live | Export-RunBundle $path -Force).Runs | Should -Be $live.Name
    }

    It 'writes nothing with -WhatIf' {
        New-Item -ItemType Directory -Path $bundles -Force | Out-Null
        $before = Get-TreeState $bundles
        $first | Export-RunBundle (Join-Path $bundles 'preview.zip') -WhatIf | Should -BeNullOrEmpty
        Get-TreeState $bundles | Should -Be $before
    }

    It 'reports a path that is not a run' {
        $notRun = Join-Path $TestDrive 'export-nothing'
        New-Item -ItemType Directory -Path $notRun -Force | Out-Null
        { Export-RunBundle -Run $notRun -Path (Join-Path $bundles 'none.zip') -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.ExportRunBundleCommand'
    }
}
