# Get-RunManifest: the full record of a run, the value run.json holds.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $root = New-TestRoot
    $configPath = Join-Path $TestDrive 'manifest.yaml'
    Set-Content -LiteralPath $configPath -Value "data:`n  label: label`n  id: visit_id`n  group: patient_id`n  exclude: [visit_day]`n"
    $upstream = New-Run -Name upstream -Root $root
    $run = New-Run -Name visits -Root $root -ConfigPath $configPath -DataPath $PatientsCsv -Upstream $upstream -EnvironmentVariable HOME
    $run | Invoke-RunStage prepare -Output prepared.txt { param($Run) Set-Content -LiteralPath $Run.Resolve('prepared.txt') -Value 'ok' } | Out-Null
    Write-RunMetric -Run $run -Name auc -Value 0.8
}

Describe 'Get-RunManifest' {
    It 'returns the manifest of a run piped in, with the path it was read from' {
        $manifest = $run | Get-RunManifest
        $manifest.PSObject.TypeNames | Should -Contain 'RunTools.Views.RunManifestInfo'
        $manifest.RunId | Should -Be $run.Id
        $manifest.Key | Should -Be 'visits'
        $manifest.Path | Should -Be $run.Path
    }

    It 'reads a run directory given by path' {
        (Get-RunManifest $run.Path).Name | Should -Be $run.Name
    }

    It 'holds the data file, the label and the features the config names' {
        $manifest = Get-RunManifest $run
        @($manifest.Inputs)[0].Sha256 | Should -Match (Get-FileHash -LiteralPath $PatientsCsv).Hash
        $manifest.Label | Should -Be 'label'
        $features = @($manifest.FeatureList.Items)
        $features | Should -Contain 'f1'
        $features | Should -Not -Contain 'visit_id'
        $features | Should -Not -Contain 'visit_day'
    }

    It 'records where the run ran and the environment variables asked for' {
        $manifest = Get-RunManifest $run
        $manifest.Environment | Should -Not -BeNullOrEmpty
        $manifest.Environment.ProcessorCount | Should -BeGreaterThan 0
        $manifest.Environment.Variables['HOME'] | Should -Be $env:HOME
    }

    It 'lists the stages, the artifacts and the metric summaries' {
        $manifest = Get-RunManifest $run
        @($manifest.Stages).Name | Should -Be 'prepare'
        @($manifest.Artifacts).Path | Should -Contain 'prepared.txt'
        (@($manifest.Metrics) | Where-Object Name -eq auc).Last | Should -Be 0.8
    }

    It 'names the upstream run in the lineage' {
        (@((Get-RunManifest $run).Lineage) | Where-Object RunId -eq $upstream.Id).RunName | Should -Be $upstream.Name
    }

    It 'rebuilds the manifest from the event log when run.json is missing, without writing it' {
        $copy = Join-Path (New-TestRoot) $run.Name
        Copy-Item -LiteralPath $run.Path -Destination $copy -Recurse
        Remove-Item -LiteralPath (Join-Path $copy 'run.json')
        $manifest = Get-RunManifest $copy
        $manifest.RunId | Should -Be $run.Id
        @($manifest.Stages).Name | Should -Be 'prepare'
        Join-Path $copy 'run.json' | Should -Not -Exist
    }

    It 'reports a path that is not a run' {
        $empty = Join-Path $TestDrive 'empty-folder'
        New-Item -ItemType Directory -Path $empty -Force | Out-Null
        { Get-RunManifest $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.GetRunManifestCommand'
    }
}
