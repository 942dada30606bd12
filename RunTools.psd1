@{
    RootModule = 'artifacts/module/RunTools/RunTools.dll'
    # Imported before RootModule: installs the private AssemblyLoadContext for RunTools' dependencies.
    NestedModules = @('artifacts/module/RunTools/RunTools.Loader.dll')
    ModuleVersion = '0.2.0'
    GUID = '6f0d3c8e-2f4b-4c1e-9b59-7d3c2a1e5b40'
    Author = 'RunTools'
    Description = 'Reproducible machine-learning runs on plain disk.'
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
}
