# A run is named however a user names it: every -Run takes a run object, a path, a run's directory name, its key
# (the latest run with it), its id or the leading characters of its id, looked up under -Root, $env:RUNTOOLS_ROOT or
# ./runs; a name that matches nothing is one error, RunNotFound, that suggests the nearest names.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # A copy of a run under another name whose run.json claims another id: how two runs whose ids begin alike look
    # to the resolver (it reads ids from run.json).
    function Copy-RunWithId([string] $Path, [string] $Name, [guid] $Id) {
        $copy = Join-Path (Split-Path $Path) $Name
        Copy-Item -LiteralPath $Path -Destination $copy -Recurse
        $json = Join-Path $copy 'run.json'
        $text = [IO.File]::ReadAllText($json) -replace '"run_id": "[^"]+"', "`"run_id`": `"$Id`""
        [IO.File]::WriteAllText($json, $text)
        $copy
    }
}

Describe 'Run references' {
    BeforeAll {
        $script:root = New-TestRoot
        $script:older = New-Run naive-bayes -Root $root
        $script:latest = New-Run naive-bayes -Root $root
        $script:other = New-Run gradient-boost -Root $root
        Push-Location $TestDrive
        $script:savedRoot = $env:RUNTOOLS_ROOT
        $env:RUNTOOLS_ROOT = $root
    }
    AfterAll {
        $env:RUNTOOLS_ROOT = $savedRoot
        Pop-Location
    }

    It 'takes a run object' {
        (Get-RunManifest $other).Path | Should -Be $other.Path
    }

    It 'takes the run directory as a full path' {
        (Test-Run $other.Path -Quiet) | Should -BeTrue
    }

    It 'takes a path relative to the current location' {
        Push-Location (Split-Path $root)
        try { (Get-RunManifest (Join-Path (Split-Path $root -Leaf) $other.Name)).RunId | Should -Be $other.Id }
        finally { Pop-Location }
    }

    It 'takes a run directory name' {
        (Get-RunManifest $older.Name).RunId | Should -Be $older.Id
    }

    It 'takes a key and uses the latest run with it, warning that several match' {
        $manifest = Get-RunManifest naive-bayes -WarningVariable warnings -WarningAction SilentlyContinue
        $manifest.RunId | Should -Be $latest.Id
        $warnings | Should -HaveCount 1
        "$warnings" | Should -BeLike "*'naive-bayes' matches 2 runs*$($latest.Name)*"
    }

    It 'takes a key that one run has without a warning' {
        $manifest = Get-RunManifest gradient-boost -WarningVariable warnings
        $manifest.RunId | Should -Be $other.Id
        $warnings | Should -HaveCount 0
    }

    It 'gives every run of a key with -All, oldest first' {
        (Get-RunManifest naive-bayes -All).RunId | Should -Be @($older.Id, $latest.Id)
    }

    It 'takes an id, as text or as a Guid' {
        (Get-RunManifest $other.Id.ToString()).Name | Should -Be $other.Name
        (Get-RunManifest ([guid]$other.Id)).Name | Should -Be $other.Name
    }

    It 'takes the leading characters of an id' {
        (Test-Run $other.Id.ToString().Substring(0, 8) | Select-Object -First 1).RunPath | Should -Be $other.Path
    }

    It 'compares two runs given by key' {
        $difference = Compare-Run gradient-boost naive-bayes -Section run -IncludeEqual -WarningAction SilentlyContinue | Select-Object -First 1
        $difference.ReferenceRun | Should -Be $other.Name
        $difference.DifferenceRun | Should -Be $latest.Name
    }

    It 'sets the status of a run given by key' {
        (Set-RunStatus -Run gradient-boost Running -PassThru).Path | Should -Be $other.Path
    }

    It 'reports a name that matches nothing as RunNotFound, with the nearest names, the text as target' {
        Test-Run naive-bayse -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,RunTools.Module.Commands.TestRunCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be 'naive-bayse'
        $problems[0].Exception.Message | Should -BeLike "*'naive-bayse'*under '$root'*Did you mean 'naive-bayes'?"
    }

    It 'throws RunNotFound from the same resolver in every cmdlet' {
        { Get-RunManifest gradient-bost -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.GetRunManifestCommand'
        { Compare-Run naive-bayes gradient-bost -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.CompareRunCommand'
        { Write-RunMetric -Run gradient-bost auc 0.5 -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,RunTools.Module.Commands.WriteRunMetricCommand'
        { Set-RunStatus -Run gradient-bost Failed -ErrorAction Stop } | Should -Throw '*Did you mean ''gradient-boost''?'
    }

    It 'reports a path that is no run as RunNotFound with the full path as target' {
        Test-Run (Join-Path 'nowhere' 'run') -ErrorVariable problems -ErrorAction SilentlyContinue | Out-Null
        $problems[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,RunTools.Module.Commands.TestRunCommand'
        $problems[0].TargetObject | Should -Be (Join-Path $TestDrive 'nowhere/run')
    }

    It 'takes a path with the trailing separator tab completion adds' {
        (Get-RunManifest ($other.Path + [IO.Path]::DirectorySeparatorChar)).Path | Should -Be $other.Path
    }

    It 'exports no bundle when one of the runs asked for names no run' {
        $zip = Join-Path $TestDrive 'partial.zip'
        Export-RunBundle -Run gradient-boost, gradient-bost $zip -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'RunNotFound,RunTools.Module.Commands.ExportRunBundleCommand'
        Test-Path -LiteralPath $zip | Should -BeFalse
    }

    It 'refuses id characters that begin the ids of two runs as RunIdAmbiguous' {
        $id = [guid]$other.Id
        $fill = if ($id.ToString()[9] -eq '0') { '1111' } else { '0000' }
        $twin = [guid]($id.ToString().Substring(0, 9) + $fill + '-4000-8000-000000000000')
        $copy = Copy-RunWithId $other.Path '20200101_000000_twin' $twin
        try {
            { Get-RunManifest $id.ToString().Substring(0, 8) -ErrorAction Stop } |
                Should -Throw -ErrorId 'RunIdAmbiguous,RunTools.Module.Commands.GetRunManifestCommand'
            # One more character past the hyphen tells them apart.
            (Get-RunManifest $id.ToString().Substring(0, 10) -ErrorAction SilentlyContinue).RunId | Should -Be $other.Id
        }
        finally { Remove-Item -LiteralPath $copy -Recurse -Force }
    }
}

Describe 'Where names are looked up' {
    BeforeEach {
        $script:savedRoot = $env:RUNTOOLS_ROOT
        Remove-Item Env:RUNTOOLS_ROOT -ErrorAction SilentlyContinue
    }
    AfterEach {
        $env:RUNTOOLS_ROOT = $savedRoot
    }

    It 'looks names up under ./runs of the current location by default' {
        $project = Join-Path $TestDrive 'project'
        New-Item -ItemType Directory $project -Force | Out-Null
        Push-Location $project
        try {
            $run = New-Run local-run
            (Test-Run local-run | Select-Object -First 1).RunPath | Should -Be $run.Path
            Split-Path $run.Path | Should -Be (Join-Path $project 'runs')
        }
        finally { Pop-Location }
    }

    It 'looks names up under $env:RUNTOOLS_ROOT when it is set' {
        $elsewhere = New-TestRoot
        $run = New-Run env-run -Root $elsewhere
        $env:RUNTOOLS_ROOT = $elsewhere
        (Get-RunManifest env-run).RunId | Should -Be $run.Id
    }

    It 'looks names up under -Root before $env:RUNTOOLS_ROOT' {
        $first = New-TestRoot
        $second = New-TestRoot
        $inFirst = New-Run shared -Root $first
        $inSecond = New-Run shared -Root $second
        $env:RUNTOOLS_ROOT = $first
        (Get-RunManifest shared -Root $second).RunId | Should -Be $inSecond.Id
        (Get-RunManifest shared).RunId | Should -Be $inFirst.Id
        (Set-RunStatus -Run shared -Root $second Running -PassThru).Path | Should -Be $inSecond.Path
    }
}

Describe 'Runs from the pipeline' {
    BeforeAll {
        $script:root = New-TestRoot
        $script:a = New-Run piped-a -Root $root
        $script:b = New-Run piped-b -Root $root
        $script:file = Join-Path $TestDrive 'notes.txt'
        Set-Content -LiteralPath $file 'notes'
    }

    It 'binds piped runs to Write-RunMetric -Run, one value per run' {
        $written = $a, $b | Write-RunMetric auc 0.75 -PassThru
        $written.RunPath | Should -Be @($a.Path, $b.Path)
        (Get-RunMetric -Run $b auc).Value | Should -Be 0.75
    }

    It 'still takes piped name/value records with -Run given' {
        [pscustomobject]@{ Name = 'f1'; Value = 0.5 }, [pscustomobject]@{ Name = 'f1'; Value = 0.6; Step = 2 } |
            Write-RunMetric -Run $a
        (Get-RunMetric -Run $a f1).Value | Should -Be @(0.5, 0.6)
    }

    It 'binds a piped run to Add-RunArtifact -Run' {
        $artifact = $b | Add-RunArtifact $file
        $artifact.RunPath | Should -Be $b.Path
        $artifact.Path | Should -Be 'artifacts/notes.txt'
    }

    It 'takes Get-ChildItem files through -LiteralPath with the run given by key' {
        $artifact = Get-ChildItem -LiteralPath $file | Add-RunArtifact -Run piped-a -Root $root -Destination 'docs/'
        $artifact.Path | Should -Be 'docs/notes.txt'
        $artifact.RunPath | Should -Be $a.Path
    }
}

Describe '-Path expands wildcards, -LiteralPath does not' {
    BeforeAll {
        # A folder literally named with wildcard characters.
        $script:bracketRoot = Join-Path $TestDrive '[x]'
        $script:run = New-Run literal -Root $bracketRoot
        $script:plainRoot = New-TestRoot
        $script:p1 = New-Run p1 -Root $plainRoot
        $script:p2 = New-Run p2 -Root $plainRoot
    }

    It 'Get-Run -Path lists the runs a wildcard matches' {
        (Get-Run -Path (Join-Path $plainRoot '*')).Id | Should -Be @($p1.Id, $p2.Id)
    }

    It 'Get-Run -LiteralPath reads a run under a folder named with brackets, which -Path reads as a wildcard' {
        (Get-Run -LiteralPath $run.Path).Id | Should -Be $run.Id
        Get-Run -Path $run.Path -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'every -Run takes such a path literally' {
        (Test-Run $run.Path -Quiet) | Should -BeTrue
        (Get-RunManifest $run).RunId | Should -Be $run.Id
    }

    It 'Add-RunArtifact -Path registers every file a wildcard matches; -LiteralPath takes a bracketed name as it is' {
        $dir = Join-Path $TestDrive 'files'
        New-Item -ItemType Directory $dir -Force | Out-Null
        'a' | Set-Content (Join-Path $dir 'one.csv')
        'b' | Set-Content (Join-Path $dir 'two.csv')
        'c' | Set-Content -LiteralPath (Join-Path $dir 'x[1].csv')
        (Add-RunArtifact -Run $p1 -Path (Join-Path $dir '[ot]*.csv')).Path | Should -Be @('artifacts/one.csv', 'artifacts/two.csv')
        (Add-RunArtifact -Run $p1 -LiteralPath (Join-Path $dir 'x[1].csv')).Path | Should -Be 'artifacts/x[1].csv'
    }
}

Describe '-WhatIf names the run' {
    It 'names the run the same way in every cmdlet: its directory name, then its path' {
        $root = New-TestRoot
        $run = New-Run whatif -Root $root
        $rootText = $root.Replace("'", "''")
        $result = Invoke-ChildPwsh -Command @"
Import-Module RunTools
`$env:RUNTOOLS_ROOT = '$rootText'
Set-RunStatus -Run whatif Running -WhatIf
Write-RunMetric -Run whatif auc 0.5 -WhatIf
Lock-Run whatif -WhatIf
Remove-Run whatif -WhatIf
"@
        $result.Stderr | Should -BeNullOrEmpty
        $lines = $result.Stdout -split "`r?`n" | Where-Object { $_ -like 'What if:*' }
        $lines | Should -HaveCount 4
        $lines | ForEach-Object { $_ | Should -BeLike "*on target `"$($run.Name) ($($run.Path))`"." }
    }
}
