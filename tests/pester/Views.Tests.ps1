# The default views as a user sees them at 80 columns: whole run names (key first, or grouped by run), the selection
# metric, and list/map values as YAML flow text.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # The text of the first column of a table (the cells of its rows, wrapped lines included), joined.
    function Get-FirstColumnText {
        param([string] $Table, [int] $Width)
        $lines = $Table -split '\r?\n'
        $start = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^-{3}' }) + 1
        ($lines[$start..($lines.Count - 1)] | Where-Object { $_.Trim() } | ForEach-Object { $_.Substring(0, [math]::Min($Width, $_.Length)).Trim() }) -join ''
    }

    function Get-WidestLine { param([string] $Text) ($Text -split '\r?\n' | Measure-Object -Property Length -Maximum).Maximum }

    $script:Root = New-TestRoot
    $script:LongKey = 'patients-nested-cv-with-a-long-name'
    $training = Join-Path $ExamplesDir 'training.yaml'
    $script:First = New-Run -Root $Root -Name $LongKey -ConfigPath $training -DataPath $PatientsCsv -Set @{ 'grid.depths' = @(2, 4) }
    Write-RunMetric -Run $First -Name cv/accuracy -Value 0.91
    Write-RunMetric -Run $First -Name cv/accuracy/sd -Value 0.01
    Write-RunMetric -Run $First -Name cv/auc -Value 0.9512
    $script:Stage = $First | Invoke-RunStage prep { 'working' }
    # Two runs of one key are told apart by their creation time to the second: make sure a second has passed.
    while ([DateTimeOffset]::UtcNow.ToString('yyyyMMddHHmmss') -eq $First.CreatedAt.UtcDateTime.ToString('yyyyMMddHHmmss')) { Start-Sleep -Milliseconds 50 }
    $script:Second = New-Run -Root $Root -Name $LongKey -ConfigPath $training -DataPath $PatientsCsv -Set @{ 'training.candidates' = @(@{ trainer = 'lbfgs' }) }
    Lock-Run $Second 'baseline'
    $script:Plain = New-Run -Root $Root -Name plain -DataPath $PatientsCsv
    Write-RunMetric -Run $Plain -Name loss/sd -Value 0.2
    Write-RunMetric -Run $Plain -Name loss -Value 0.5
    $script:RunTable = Get-Run -Root $Root | Out-String -Width 80
    $script:Comparison = Compare-Run $First $Second | Out-String -Width 80
}

Describe 'The run table' {
    It 'fits 80 columns' {
        Get-WidestLine $RunTable | Should -BeLessOrEqual 80
    }

    It 'shows the whole key of every run, wrapping a long one instead of cutting it' {
        $RunTable | Should -Not -Match '…'
        $keys = Get-FirstColumnText $RunTable 22
        ([regex]::Matches($keys, [regex]::Escape($LongKey))).Count | Should -Be 2
    }

    It 'tells two runs with the same key apart by their creation time to the second' {
        foreach ($run in $First, $Second) {
            $RunTable | Should -Match ([regex]::Escape($run.CreatedAt.LocalDateTime.ToString('yyyy-MM-dd HH:mm:ss', [cultureinfo]::InvariantCulture)))
        }
        $First.CreatedAt.ToString('yyyyMMddHHmmss') | Should -Not -Be $Second.CreatedAt.ToString('yyyyMMddHHmmss')
    }

    It 'shows the selection metric of a trained run, not every metric' {
        $RunTable | Should -Match 'Metric'
        $RunTable | Should -Match 'cv/auc=0\.9512'
        $RunTable | Should -Not -Match 'cv/accuracy'
    }

    It 'shows the first metric that is not a spread for a run without a training section' {
        $RunTable | Should -Match 'plain .* loss=0\.5'
    }

    It 'marks a locked run after its status' {
        $RunTable | Should -Match 'Pending\*'
    }
}

Describe 'Compare-Run' {
    It 'shows list values as YAML flow text' {
        $Comparison | Should -Match 'grid\.depths\s+\[2, 4\]'
        $Comparison | Should -Not -Match 'System\.|\{2, 4\}'
    }

    It 'shows lists of maps as YAML flow text' {
        $Comparison | Should -Match 'training\.candi'
        $Comparison | Should -Match '\[\{trainer:'
        $Comparison | Should -Not -Match 'OrderedDictionary|ValueMap'
    }

    It 'fits 80 columns' {
        Get-WidestLine $Comparison | Should -BeLessOrEqual 80
    }
}

Describe 'Tables of one run''s records' {
    It 'groups stage results under the whole run name and fits 80 columns' {
        $text = $Stage | Out-String -Width 80
        $text | Should -Match ("Run: " + [regex]::Escape($First.Name))
        $text | Should -Match 'prep\s+1\s+Completed'
        Get-WidestLine $text | Should -BeLessOrEqual 80
    }

    It 'groups metric records under the whole run name and fits 80 columns' {
        $text = Get-RunMetric -Run $First | Out-String -Width 80
        $text | Should -Match ("Run: " + [regex]::Escape($First.Name))
        $text | Should -Match 'cv/auc\s+0\.9512'
        Get-WidestLine $text | Should -BeLessOrEqual 80
    }

    It 'groups the checks of Test-Run under the whole run name and fits 80 columns' {
        $text = Test-Run $First | Out-String -Width 80
        $text | Should -Match ("Run: " + [regex]::Escape($First.Name))
        $text | Should -Match 'manifest\s+Ok'
        Get-WidestLine $text | Should -BeLessOrEqual 80
    }

    It 'lists a manifest with nested parts summarised, not as type names' {
        $text = Get-RunManifest $First | Out-String -Width 80
        $text | Should -Match 'Stages\s+: prep:completed'
        $text | Should -Match 'Environment\s+: PowerShell \S+, \.NET'
        $text | Should -Not -Match 'RunTools\.Views|System\.'
    }
}
