@{
    RootModule = 'artifacts/module/RunTools/RunTools.dll'
    # Imported before RootModule, in order: a check that no other RunTools build is loaded in this session (one session
    # holds one build: .NET loads one assembly of a name), then the private AssemblyLoadContext for RunTools' dependencies.
    NestedModules = @('artifacts/module/RunTools/RunTools.ImportCheck.psm1', 'artifacts/module/RunTools/RunTools.Loader.dll')
    ModuleVersion = '0.2.0'
    GUID = '6f0d3c8e-2f4b-4c1e-9b59-7d3c2a1e5b40'
    Author = 'RunTools'
    CompanyName = 'RunTools'
    Copyright = '(c) 2026 The RunTools authors. MIT License.'
    Description = 'Reproducible machine-learning runs on plain disk: a run folder per experiment with its config, data hashes, stages, logs, metrics and models, recorded crash-safely and compared, checked, bundled and trained from PowerShell.'
    PowerShellVersion = '7.6'
    CompatiblePSEditions = @('Core')
    # Default views for every record the cmdlets write (tables; a list for the manifest).
    FormatsToProcess = @('module/RunTools/RunTools.Format.ps1xml')
    CmdletsToExport = @(
        'Add-RunArtifact'
        'Compare-Run'
        'Export-RunBundle'
        'Get-Run'
        'Get-RunManifest'
        'Get-RunMetric'
        'Import-RunBundle'
        'Import-RunTable'
        'Invoke-RunInference'
        'Invoke-RunStage'
        'Invoke-RunTraining'
        'Lock-Run'
        'Measure-Run'
        'New-Run'
        'New-RunFoldPlan'
        'Repair-Run'
        'Remove-Run'
        'Set-RunStatus'
        'Test-Run'
        'Unlock-Run'
        'Write-RunMetric'
    )
    FunctionsToExport = @()
    AliasesToExport = @()
    VariablesToExport = @()
    # Where Update-Help and Get-Help -Online look; every cmdlet's HelpUri points at its page there.
    HelpInfoURI = 'https://github.com/runtools/runtools/tree/main/docs/en-US'
    PrivateData = @{
        PSData = @{
            Tags = @('MachineLearning', 'ML', 'Reproducibility', 'Experiments', 'MLOps', 'Runs', 'Metrics', 'MLNET', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri = 'https://github.com/runtools/runtools'
            LicenseUri = 'https://github.com/runtools/runtools/blob/main/LICENSE'
            ReleaseNotes = '0.2.0: runs in real pwsh 7.6 and ships as an installable module folder (Import-Module RunTools by name); a run is named by object, path, name, key, id or id prefix; argument completers for runs, stages, fold plans, models, metrics and tables; output objects shaped for Export-Csv and ConvertTo-Json; stage logs with every stream marked; about_RunTools; a clear error where a confirmation cannot be asked (ConfirmationRequired) and when two builds are imported in one session.'
        }
    }
}
