#!/usr/bin/env pwsh
# Runs the Pester 5 specs (tests/pester/*.Tests.ps1) in this pwsh against the build under test, prints the counts and
# exits 1 when any spec failed. Pester 5.9.1 comes from NuGet (tests/pester/RunTools.Pester.csproj copies it to
# artifacts/tools/Pester when the solution builds), never from the PowerShell Gallery.
param(
    # Spec files or folders; all of tests/pester by default.
    [string[]] $Path = @($PSScriptRoot),
    # Pester's output verbosity: None, Normal, Detailed, Diagnostic.
    [string] $Output = 'Normal',
    # Where the NUnit XML result goes.
    [string] $ResultPath = (Join-Path $PSScriptRoot '../../TestResults/pester.xml')
)
$ErrorActionPreference = 'Stop'
# Under `pwsh -File`, `-Path a,b` arrives as one string: split it.
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$pester = Join-Path $repo 'artifacts/tools/Pester/Pester.psd1'
if (-not (Test-Path $pester)) {
    throw "Pester is not at '$pester'. Build the solution first: dotnet build RunTools.sln -c Release"
}
Import-Module $pester -Force
# The module folder the build lays out goes first on PSModulePath, so child processes import this build by name.
$env:PSModulePath = (Join-Path $repo 'artifacts/module') + [IO.Path]::PathSeparator + $env:PSModulePath

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = $Output
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = $ResultPath
$result = Invoke-Pester -Configuration $config

"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped, " +
    "$($result.NotRunCount) not run, $($result.TotalCount) in total ($($result.Containers.Count) spec files)" | Write-Host
if ($result.Result -ne 'Passed' -or $result.FailedCount -gt 0 -or $result.FailedContainersCount -gt 0) { exit 1 }
exit 0
