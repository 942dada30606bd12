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

# Runs a process with its output captured and no input (NO_COLOR set, so pwsh writes no colour codes); returns
# ExitCode, Stdout and Stderr (strings).
function Invoke-TestProcess {
    param(
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $WorkingDirectory = $TestDrive,
        [hashtable] $Environment = @{}
    )
    $psi = [Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.WorkingDirectory = $WorkingDirectory
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $psi.Environment['NO_COLOR'] = '1'
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; Stdout = $out.Result; Stderr = $err.Result }
}

# Runs a child pwsh (the same pwsh as this one) with -NoProfile -NonInteractive and the repository's module folder
# on PSModulePath, so `Import-Module RunTools` and command auto-loading find the build under test.
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
    $pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $pwshArgs += @('-NoProfile', '-NoLogo')
    if (-not $Interactive) { $pwshArgs += '-NonInteractive' }
    if ($File) { $pwshArgs += @('-File', $File) + $ArgumentList }
    else { $pwshArgs += @('-Command', $Command) }
    $environment = @{ PSModulePath = (Join-Path $RepoRoot 'artifacts/module') + [IO.Path]::PathSeparator + $env:PSModulePath } + $Environment
    Invoke-TestProcess -FilePath $exe -ArgumentList $pwshArgs -WorkingDirectory $WorkingDirectory -Environment $environment
}

# ./runtools as a user runs it: bash, the repository's script, arguments as given.
function Invoke-Runtools {
    param([string[]] $ArgumentList, [string] $WorkingDirectory = $TestDrive)
    Invoke-TestProcess -FilePath 'bash' -ArgumentList (@(Join-Path $RepoRoot 'runtools') + $ArgumentList) -WorkingDirectory $WorkingDirectory
}

# A listing of everything under a folder with each file's hash: equal before and after means nothing changed.
function Get-TreeState([string] $Path) {
    Get-ChildItem -LiteralPath $Path -Recurse -Force | Sort-Object FullName | ForEach-Object {
        $_.FullName.Substring($Path.Length) + $(if ($_.PSIsContainer) { '/' } else { ' ' + (Get-FileHash -LiteralPath $_.FullName).Hash })
    }
}

# A training config for examples/data/patients.csv that trains in seconds: three outer folds of patients, one small
# LightGbm candidate and a production fold. Returns its path (under TestDrive).
function New-QuickTrainingConfig {
    $config = Join-Path $TestDrive 'quick.yaml'
    @'
data: { label: label, id: visit_id, group: patient_id, exclude: [visit_day] }
folds: { kind: stratified_group, k: 3, seed: 7, production: true }
training: { task: binary, candidates: [ { trainer: lightgbm, grid: { iterations: [30], leaves: [8] } } ] }
'@ | Set-Content -LiteralPath $config
    $config
}

# Completion results for the text up to the end of $Line, as TabExpansion2 gives them to a user pressing Tab.
function Get-Completion {
    param([Parameter(Mandatory)][string] $Line)
    (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
}
