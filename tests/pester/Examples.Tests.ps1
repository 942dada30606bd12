# The examples run in real pwsh, in a child process as a user would run them, so they cannot rot.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'examples/quickstart.ps1' {
    BeforeAll {
        $root = Join-Path $TestDrive 'quickstart-runs'
        $quickstart = Invoke-ChildPwsh -File (Join-Path $ExamplesDir 'quickstart.ps1') -ArgumentList '-Root', $root
        $runs = @(Get-Run -Root $root)
        $naive = @($runs | Where-Object Key -like 'naive-bayes-*')
        $training = $runs | Where-Object Key -eq 'patients-nested-cv'
        $inference = $runs | Where-Object Key -eq 'patients-nested-cv-inference'
    }

    It 'exits 0 and writes nothing to standard error' {
        $quickstart.ExitCode | Should -Be 0 -Because $quickstart.Stderr
        $quickstart.Stderr.Trim() | Should -BeNullOrEmpty
    }

    It 'leaves four completed runs under -Root' {
        $runs | Should -HaveCount 4
        $runs | ForEach-Object { "$($_.Status)" } | Should -Be 'Completed', 'Completed', 'Completed', 'Completed'
    }

    It 'runs both naive Bayes stages through the run directory, which holds their files' {
        $naive | Should -HaveCount 2
        foreach ($run in $naive) {
            @($run.Manifest.Stages).Name | Should -Be 'prepare', 'evaluate'
            "$($run.Stages.evaluate)" | Should -Be 'Completed'
            Join-Path $run.Path 'stats.json' | Should -Exist
            Get-Content -LiteralPath (Join-Path $run.Path 'predictions.csv') -TotalCount 1 | Should -Be 'visit_id,label,score,prediction'
            $run.Metrics.accuracy | Should -BeGreaterThan 0.6
        }
    }

    It 'makes the two naive Bayes runs differ only in the threshold, and shows that comparison' {
        $config = Compare-Run $naive[0] $naive[1] -Section config
        $config.Key | Should -Be 'model.threshold'
        $quickstart.Stdout | Should -Match 'model\.threshold'
    }

    It 'trains the nested cross-validation on a stored plan and finds the signal' {
        @($training.Manifest.FoldPlans).Name | Should -Be 'folds'
        $training.Metrics.'cv/auc' | Should -BeGreaterThan 0.7
        $training.Metrics.'cv/auc' | Should -BeLessOrEqual 1.0
        @($training.Manifest.Artifacts).Path | Should -Contain 'models/production/model.json'
    }

    It 'scores the new visits in an inference run linked to the training run and its model' {
        $lineage = @($inference.Manifest.Lineage)
        ($lineage | Where-Object Relation -eq upstream).RunId | Should -Be $training.Id
        ($lineage | Where-Object Relation -eq model).Path | Should -Contain 'models/production/model.zip'
        @($inference.Manifest.Inputs)[0].Rows | Should -Be 100
        $quickstart.Stdout | Should -Match 'n1\s'
    }

    It 'leaves runs that verify' {
        $runs | Test-Run -Lineage -Quiet | Should -Be $true, $true, $true, $true
    }
}

Describe 'examples/data/generate.ps1' {
    It 'reproduces the committed example data byte for byte' {
        $out = Join-Path $TestDrive 'generated'
        New-Item -ItemType Directory -Path $out | Out-Null
        $result = Invoke-ChildPwsh -File (Join-Path $ExamplesDir 'data/generate.ps1') -ArgumentList '-OutDirectory', $out
        $result.ExitCode | Should -Be 0 -Because $result.Stderr
        foreach ($name in 'patients.csv', 'patients_new.csv', 'species.csv', 'sales.csv') {
            (Get-FileHash -LiteralPath (Join-Path $out $name)).Hash |
                Should -Be (Get-FileHash -LiteralPath (Join-Path $ExamplesDir "data/$name")).Hash -Because $name
        }
    }
}

Describe 'the example scripts' {
    It 'use ordinary cmdlets for files, paths and JSON rather than .NET classes (<_>)' -ForEach @(
        Get-ChildItem -LiteralPath $PSScriptRoot/../../examples -Filter *.ps1 -Recurse | ForEach-Object Name
    ) {
        $file = Get-ChildItem -LiteralPath $ExamplesDir -Filter $_ -Recurse | Select-Object -First 1
        $ast = [Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
        $types = $ast.FindAll({ $args[0] -is [Management.Automation.Language.TypeExpressionAst] }, $true) |
            ForEach-Object { $_.TypeName.FullName }
        $types | Where-Object { $_ -match '^(System\.)?(IO\.(File|Path|Directory)|Text\.Json\.|Collections\.Generic\.List)' } |
            Should -BeNullOrEmpty
    }
}
