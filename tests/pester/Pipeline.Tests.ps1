# Objects that travel through the pipeline: what Get-Member, ToString, Export-Csv, ConvertTo-Json, Group-Object and
# Sort-Object make of RunTools' records, and how their dictionaries and the manifest's config read in PowerShell.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # The property paths of a JSON document (object keys without underscores, lower-case; [] for array items), so
    # run.json (snake_case) and a PowerShell object converted to JSON (PascalCase) can be compared by shape.
    function Get-JsonShape {
        param($Node, [string] $Path = '')
        if ($Node -is [System.Collections.IDictionary]) {
            foreach ($key in $Node.Keys) {
                $p = "$Path/" + ($key -replace '_', '').ToLowerInvariant()
                $p
                Get-JsonShape $Node[$key] $p
            }
        }
        elseif ($Node -is [System.Collections.IList]) {
            foreach ($item in $Node) { Get-JsonShape $item "$Path[]" }
        }
    }

    $script:Root = New-TestRoot
    $training = Join-Path $ExamplesDir 'training.yaml'
    # Two runs with training.metric auc (one with a list and a map in its config), one without a training section.
    $script:Trained = New-Run -Root $Root -Name trained -ConfigPath $training -DataPath $PatientsCsv -Set @{ 'grid.depths' = @(2, 4); 'grid.map' = [ordered]@{ a = 1; b = 'x y' } }
    Write-RunMetric -Run $Trained -Name cv/accuracy -Value 0.91
    Write-RunMetric -Run $Trained -Name cv/auc -Value 0.95
    $null = $Trained | Invoke-RunStage prep { 'working' }
    $script:Other = New-Run -Root $Root -Name other -ConfigPath $training -DataPath $PatientsCsv
    Write-RunMetric -Run $Other -Name cv/auc -Value 0.75
    $Other | Set-RunStatus Completed    # the metric started it; $Plain stays Running
    $script:Plain = New-Run -Root $Root -Name plain -DataPath $PatientsCsv
    Write-RunMetric -Run $Plain -Name cv/auc -Value 0.85
    $script:Runs = Get-Run -Root $Root
    $script:Run = $Runs | Where-Object Key -EQ trained
    $script:Manifest = Get-RunManifest $Trained
}

Describe 'RunTools records in the pipeline' {
    It 'shows no compiler-generated members in Get-Member for any record a cmdlet writes' {
        $records = @(
            $Run
            $Manifest
            $Manifest.Stages[0]
            $Manifest.Metrics[0]
            (Get-RunMetric -Run $Trained | Select-Object -First 1)
            (Test-Run $Trained | Select-Object -First 1)
            (Compare-Run $Trained $Other | Select-Object -First 1)
        )
        foreach ($record in $records) {
            $names = ($record | Get-Member -Force).Name
            $names | Should -Not -Contain '<Clone>$'
            $names | Should -Not -Contain 'Deconstruct'
            $names | Should -Not -Contain 'EqualityContract'
            $names | Should -Not -Contain 'PrintMembers'
        }
    }

    It 'shows every property of a run and of a manifest as read-only' {
        foreach ($record in $Run, $Manifest, $Manifest.Stages[0]) {
            $settable = $record | Get-Member -MemberType Property | Where-Object Definition -Match 'set;'
            $settable | Should -BeNullOrEmpty
        }
        { $Run.Name = 'renamed' } | Should -Throw
    }

    It 'turns a run into its name as a string' {
        "$Run" | Should -Be $Run.Name
        [string]$Run | Should -BeLike '*_trained'
    }

    It 'turns a manifest into its run name as a string' {
        "$Manifest" | Should -Be $Trained.Name
    }

    It 'keeps each record type name for formatting and -is checks' {
        $Run.PSObject.TypeNames[0] | Should -Be 'RunTools.Views.RunInfo'
        $Manifest.PSObject.TypeNames[0] | Should -Be 'RunTools.Views.RunManifestInfo'
    }
}

Describe 'Dictionaries on a run' {
    It 'answers Contains and ContainsKey for a metric name' {
        $Run.Metrics.Contains('cv/auc') | Should -BeTrue
        $Run.Metrics.ContainsKey('cv/auc') | Should -BeTrue
        $Run.Metrics.ContainsKey('CV/AUC') | Should -BeFalse
        $Run.Params.Contains('training.metric') | Should -BeTrue
    }

    It 'reads a value by index, by member and as null for a missing key' {
        $Run.Metrics['cv/auc'] | Should -Be 0.95
        $Run.Metrics.'cv/accuracy' | Should -Be 0.91
        $Run.Params['training.metric'] | Should -Be 'auc'
        $Run.Params['no.such.key'] | Should -BeNullOrEmpty
        $Run.Stages.prep | Should -Be 'Completed'
    }

    It 'refuses to change a dictionary' {
        { $Run.Metrics['cv/auc'] = 1.0 } | Should -Throw
    }

    It 'shows the run selection metric and its value as ScoreMetric and Score' {
        $Run.ScoreMetric | Should -Be 'cv/auc'
        $Run.Score | Should -Be 0.95
        ($Runs | Where-Object Key -EQ plain).ScoreMetric | Should -BeNullOrEmpty
    }
}

Describe 'Export-Csv and Select-Object' {
    It 'writes the status, params, metrics, stages and manifest of a run as readable text' {
        $csv = Join-Path $TestDrive 'runs.csv'
        $Runs | Export-Csv -Path $csv
        $row = Import-Csv -Path $csv | Where-Object Key -EQ trained
        $row.Status | Should -Be 'Running'
        $row.Params | Should -Match 'training\.metric: auc'
        $row.Params | Should -Match 'grid\.depths: \[2, 4\]'
        $row.Metrics | Should -Be '{cv/accuracy: 0.91, cv/auc: 0.95}'
        $row.Stages | Should -Be '{prep: Completed}'
        $row.Manifest | Should -Be $Run.Name
        $row.Score | Should -Be '0.95'
        Get-Content -Raw $csv | Should -Not -Match 'ReadOnlyDictionary|RunTools\.|System\.Collections'
    }

    It 'gives one params.KEY and metrics.NAME column each with the documented Select-Object shape' {
        $csv = Join-Path $TestDrive 'flat.csv'
        $Runs | Select-Object Name, Status,
            @{ Name = 'params.training.metric'; Expression = { $_.Params['training.metric'] } },
            @{ Name = 'metrics.cv/auc'; Expression = { $_.Metrics['cv/auc'] } } |
            Export-Csv -Path $csv
        $rows = Import-Csv -Path $csv
        $rows[0].PSObject.Properties.Name | Should -Be @('Name', 'Status', 'params.training.metric', 'metrics.cv/auc')
        ($rows | Where-Object Name -EQ $Run.Name).'metrics.cv/auc' | Should -Be '0.95'
        ($rows | Where-Object Name -EQ $Run.Name).'params.training.metric' | Should -Be 'auc'
    }
}

Describe 'ConvertTo-Json' {
    It 'writes a run status as a string' {
        $json = $Run | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $json.Status | Should -BeOfType [string]
        $json.Status | Should -Be 'Running'
    }

    It 'writes params, metrics and stages as objects keyed by name' {
        $json = $Run | ConvertTo-Json -Depth 4 | ConvertFrom-Json -AsHashtable
        $json.Metrics['cv/auc'] | Should -Be 0.95
        $json.Params['training.metric'] | Should -Be 'auc'
        $json.Params['grid.depths'] | Should -Be @(2, 4)
        $json.Stages['prep'] | Should -Be 'Completed'
    }

    It 'gives Get-RunManifest -Depth 10 the shape of run.json' {
        $fromJson = Get-Content -Raw (Join-Path $Trained.Path 'run.json') | ConvertFrom-Json -AsHashtable
        $fromManifest = Get-RunManifest $Trained | ConvertTo-Json -Depth 10 | ConvertFrom-Json -AsHashtable
        # run.json's own bookkeeping is left out of the object and the run directory is added (documented); run.json
        # writes a stage's fingerprint, reason and reuse, a fingerprint part's unhashable reason and a lineage
        # reference's directory and an input's decimal columns only when they have a value (so runs written before them
        # re-encode byte for byte).
        $optional = '/stages[]/fingerprint', '/stages[]/reason', '/stages[]/reusedfrom', '/stages[]/fingerprint/parts[]/unhashable', '/lineage[]/directory', '/inputs[]/decimals'
        $expected = Get-JsonShape $fromJson | Where-Object { $_ -notin '/eventsbytes', '/chainedfrom' } | Sort-Object -Unique
        $actual = Get-JsonShape $fromManifest | Where-Object { $_ -ne '/path' -and ($_ -notin $optional -or $_ -in $expected) } | Sort-Object -Unique
        $actual | Should -Be $expected
    }

    It 'writes the manifest status and stage statuses as strings' {
        $json = Get-RunManifest $Trained | ConvertTo-Json -Depth 10 | ConvertFrom-Json
        $json.Status | Should -Be 'Running'
        $json.Stages[0].Status | Should -Be 'Completed'
    }

    It 'gives the config the structure of the YAML it came from' {
        $json = Get-RunManifest $Trained | ConvertTo-Json -Depth 10 | ConvertFrom-Json
        $json.Config.training.metric | Should -Be 'auc'
        $json.Config.training.candidates[1].grid.leaves | Should -Be @(8, 16)
        $json.Config.grid.map.b | Should -Be 'x y'
        $json.Config.PSObject.Properties.Name | Should -Not -Contain 'Entries'
    }
}

Describe 'The manifest config and parts' {
    It 'reads the config as a nested dictionary' {
        $Manifest.Config.training.metric | Should -Be 'auc'
        $Manifest.Config['folds']['k'] | Should -Be 5
        $Manifest.Config.data.ContainsKey('label') | Should -BeTrue
        $Manifest.Config.training.candidates[0].grid.l2 | Should -Be @(0.1, 1)
    }

    It 'gives nested parts real properties, Count included' {
        $Manifest.FeatureList.Count | Should -Be $Manifest.FeatureList.Items.Count
        $Manifest.FeatureList.Count | Should -BeGreaterThan 2
        $Manifest.Metric('cv/auc').Last | Should -Be 0.95
        $Manifest.Metric('cv/auc').Count | Should -Be 1
        $Manifest.Stage('prep').Status | Should -Be 'Completed'
    }

    It 'pipes a manifest into a cmdlet that takes a run' {
        Get-RunManifest $Trained | Test-Run -Quiet | Should -BeTrue
    }
}

Describe 'Group-Object and Sort-Object' {
    It 'groups runs by status under readable names' {
        $groups = $Runs | Group-Object -Property Status
        ($groups.Name | Sort-Object) | Should -Be @('Completed', 'Running')
        $text = $groups | Out-String -Width 200
        $text | Should -Match ([regex]::Escape($Run.Name))
        $text | Should -Not -Match 'RunInfo \{|RunTools\.Views'
    }

    It 'groups runs by key' {
        $groups = $Runs | Group-Object -Property Key
        $groups.Count | Should -Be 3
        ($groups | Where-Object Name -EQ trained).Group[0].Name | Should -Be $Run.Name
    }

    It 'sorts runs by a metric value' {
        ($Runs | Sort-Object { $_.Metrics['cv/auc'] } -Descending).Key | Should -Be @('trained', 'plain', 'other')
        ($Runs | Where-Object Score | Sort-Object Score).Key | Should -Be @('other', 'trained')
    }
}

Describe 'Statuses serialise as strings' {
    BeforeAll {
        $script:StatusRoot = New-TestRoot
        # A run with a file recorded nowhere: Test-Run finds it Extra, the rest Ok.
        $script:Checked = New-Run -Root $StatusRoot -Name checked -DataPath $PatientsCsv
        Set-Content -LiteralPath (Join-Path $Checked.Path 'stray.txt') -Value 'not recorded'
    }

    It 'writes Test-Run statuses as their names in ConvertTo-Json' {
        $text = Test-Run $Checked | ConvertTo-Json
        $text | Should -Match '"Status": "Ok"'
        $text | Should -Match '"Status": "Extra"'
        $text | Should -Not -Match '"Status": \d'
        $checks = $text | ConvertFrom-Json
        $checks.Status | ForEach-Object { $_ | Should -BeOfType [string] }
        ($checks | Where-Object Status -EQ Extra).Item | Should -Be 'stray.txt'
    }

    It 'writes Remove-Run -PassThru actions and reasons as their names in ConvertTo-Json' {
        $root = New-TestRoot
        $old = New-Run -Root $root -Name sweep | Set-RunStatus Cancelled -PassThru
        $new = New-Run -Root $root -Name sweep | Set-RunStatus Cancelled -PassThru
        $text = Remove-Run -Root $root -Key sweep -KeepLast 1 -Confirm:$false -PassThru | ConvertTo-Json -Depth 3
        $text | Should -Match '"Action": "Remove"'
        $text | Should -Match '"Action": "Keep"'
        $text | Should -Not -Match '"(Action|Reason)": \d'
        $decisions = $text | ConvertFrom-Json
        ($decisions | Where-Object Path -EQ $old.Path | ForEach-Object { "$($_.Action) $($_.Reason) $($_.Removed)" }) | Should -Be 'Remove NotKept True'
        ($decisions | Where-Object Path -EQ $new.Path | ForEach-Object { "$($_.Action) $($_.Reason) $($_.Removed)" }) | Should -Be 'Keep Newest False'
    }

    It 'filters Test-Run results by status with Where-Object and writes the names to CSV' {
        $checks = Test-Run $Checked
        $ok = @($checks | Where-Object Status -EQ 'Ok')
        $ok.Count | Should -BeGreaterThan 0
        $ok | ForEach-Object { $_.Status | Should -BeOfType [string] }
        $checks | Where-Object Status -NE 'Ok' | ForEach-Object Item | Should -Contain 'stray.txt'
        $csv = Join-Path $TestDrive 'checks.csv'
        $checks | Export-Csv -LiteralPath $csv
        (Import-Csv -LiteralPath $csv).Status | Sort-Object -Unique | Should -Be @('Extra', 'Ok')
    }
}
