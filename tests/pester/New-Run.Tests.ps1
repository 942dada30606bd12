# New-Run: a run directory that records the resolved config, the data files and the environment.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # Every file and folder under a path, with the hash of each file: equal before and after means nothing changed.
    $configDir = Join-Path $TestDrive 'config'
    New-Item -ItemType Directory -Path $configDir | Out-Null
    $baseConfig = Join-Path $configDir 'base.yaml'
    Set-Content -LiteralPath $baseConfig -Value "model:`n  trees: 100`n  depth: 4`n"
    $smallConfig = Join-Path $configDir 'small.yaml'
    Set-Content -LiteralPath $smallConfig -Value "model:`n  depth: 2`n"
}

Describe 'New-Run' {
    It 'creates a run directory named after the UTC time and the key, holding the manifest, the event log and the config' {
        $root = New-TestRoot
        $run = New-Run -Name baseline -Root $root -ConfigPath $baseConfig
        $run.Key | Should -Be 'baseline'
        $run.Name | Should -Match '^\d{8}_\d{6}_baseline$'
        $run.Path | Should -Be (Join-Path $root $run.Name)
        foreach ($file in 'run.json', 'events.jsonl', 'config_resolved.yaml', 'config_overrides.yaml') {
            Join-Path $run.Path $file | Should -Exist
        }
        Join-Path $run.Path 'logs' | Should -Exist
    }

    It 'returns a pending run object with an id' {
        $run = New-Run -Name fresh -Root (New-TestRoot)
        $run.PSObject.TypeNames | Should -Contain 'RunTools.Views.RunInfo'
        "$($run.Status)" | Should -Be 'Pending'
        "$($run.Id)" | Should -Match '^[0-9a-f]{8}-'
    }

    It 'merges config files in order and applies -Set overrides last' {
        $run = New-Run -Name layered -Root (New-TestRoot) -ConfigPath $baseConfig, $smallConfig -Set @{ 'model.trees' = 300 }, 'model.rate=0.05'
        $run.Params.'model.trees' | Should -Be 300
        $run.Params.'model.depth' | Should -Be 2
        $run.Params.'model.rate' | Should -Be 0.05
        Get-Content -LiteralPath (Join-Path $run.Path 'config_resolved.yaml') -Raw | Should -Match 'trees: 300'
    }

    It 'hashes and describes each data file' {
        $run = New-Run -Name with-data -Root (New-TestRoot) -DataPath $PatientsCsv
        $data = @($run.Manifest.Inputs)[0]
        $data.Sha256 | Should -Match (Get-FileHash -LiteralPath $PatientsCsv -Algorithm SHA256).Hash
        $data.Rows | Should -Be 1200
        @($data.Columns.Items) | Should -Contain 'patient_id'
    }

    It 'creates one run per piped object that has a Name' {
        $root = New-TestRoot
        $runs = 'a', 'b', 'c' | ForEach-Object { [pscustomobject]@{ Name = "sweep-$_" } } | New-Run -Root $root
        $runs | Should -HaveCount 3
        $runs.Key | Should -Be 'sweep-a', 'sweep-b', 'sweep-c'
        @(Get-ChildItem -LiteralPath $root -Directory).Count | Should -Be 3
    }

    It 'records the runs given to -Upstream in its lineage' {
        $root = New-TestRoot
        $baseline = New-Run -Name baseline -Root $root
        $retrain = New-Run -Name retrain -Root $root -Upstream $baseline
        $lineage = @($retrain.Manifest.Lineage)
        $lineage | Should -HaveCount 1
        $lineage[0].RunId | Should -Be $baseline.Id
        $lineage[0].RunName | Should -Be $baseline.Name
    }

    It 'writes nothing with -WhatIf' {
        $root = New-TestRoot
        New-Run -Name existing -Root $root | Out-Null
        $before = Get-TreeState $root
        $result = New-Run -Name preview -Root $root -ConfigPath $baseConfig -WhatIf
        $result | Should -BeNullOrEmpty
        Get-TreeState $root | Should -Be $before
    }

    It 'refuses an unknown key of a checked section, naming the full key, and creates nothing' {
        $root = New-TestRoot
        { New-Run -Name typo -Root $root -Set 'training.metirc=auc' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ConfigKeyUnknown,RunTools.Module.Commands.NewRunCommand'
        New-Run -Name typo -Root $root -Set 'training.metirc=auc' -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].TargetObject | Should -Be 'training.metirc'
        $err[0].Exception.Message | Should -Match "did you mean 'training.metric'"
        @(Get-ChildItem -LiteralPath $root -Directory) | Should -HaveCount 0
    }

    It 'reports a config file that does not exist' {
        $missing = Join-Path $TestDrive 'nope.yaml'
        New-Run -Name broken -Root (New-TestRoot) -ConfigPath $missing -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'ConfigFileNotFound,RunTools.Module.Commands.NewRunCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }

    It 'refuses a literal under a key that looks like a secret, unless -AllowSecretLiteral' {
        $root = New-TestRoot
        New-Run -Name nightly -Root $root -Set 'db.password=hunter2' -ErrorAction SilentlyContinue -ErrorVariable err | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'SecretLiteral,RunTools.Module.Commands.NewRunCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'SecurityError'
        $err[0].TargetObject | Should -Be 'db.password'
        $run = New-Run -Name nightly -Root $root -Set 'db.password=hunter2' -AllowSecretLiteral
        $run.Params.'db.password' | Should -Be 'hunter2'
    }

    It 'refuses a key that is not a valid run name' {
        { New-Run -Name 'has space' -Root (New-TestRoot) -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidName,RunTools.Module.Commands.NewRunCommand'
    }
}
