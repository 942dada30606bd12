# Dot-sourced by every spec's BeforeAll: imports the RunTools build under test (the repository's RunTools.psd1, or the
# module folder named in $env:RUNTOOLS_TEST_MODULE) and defines the helpers specs share. Specs run in real pwsh.
Set-StrictMode -Version 3.0
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ExamplesDir = Join-Path $RepoRoot 'examples'
$script:PatientsCsv = Join-Path $ExamplesDir 'data/patients.csv'
$script:ModuleUnderTest = if ($env:RUNTOOLS_TEST_MODULE) { $env:RUNTOOLS_TEST_MODULE } else { Join-Path $RepoRoot 'RunTools.psd1' }
if (-not (Get-Module RunTools)) { Import-Module $ModuleUnderTest -ErrorAction Stop }

# A fresh root for runs under Pester's TestDrive (one per Describe/Context), and the location set to TestDrive.
function New-TestRoot {
    $root = Join-Path $TestDrive ('runs-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $root | Out-Null
    $root
}

# Runs a child pwsh (the same pwsh as this one) with -NoProfile -NonInteractive and the repository's module folder
# on PSModulePath, so `Import-Module RunTools` and command auto-loading find the build under test.
# Returns ExitCode, Stdout and Stderr (strings).
function Invoke-ChildPwsh {
    param(
        [string] $Command,
        [string] $File,
        [string[]] $ArgumentList = @(),
        [string] $WorkingDirectory = $TestDrive,
        [hashtable] $Environment = @{},
        [switch] $Interactive
    )
    $exe = [Environment]::ProcessPath
    $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }
    $pwshArgs = @($prefix) + @('-NoProfile', '-NoLogo')
    if (-not $Interactive) { $pwshArgs += '-NonInteractive' }
    if ($File) { $pwshArgs += @('-File', $File) + $ArgumentList }
    else { $pwshArgs += @('-Command', $Command) }
    $psi = [Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($a in $pwshArgs) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $modules = Join-Path $RepoRoot 'artifacts/module'
    $psi.Environment['PSModulePath'] = $modules + [IO.Path]::PathSeparator + $env:PSModulePath
    $psi.Environment['NO_COLOR'] = '1'
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $out.Result; Stderr = $err.Result }
}

# Completion results for the text up to the end of $Line, as TabExpansion2 gives them to a user pressing Tab.
function Get-Completion {
    param([Parameter(Mandatory)][string] $Line)
    (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
}
