# A shippable module: the installable module folder the build lays out (artifacts/module/RunTools) imports by name,
# both manifests are valid and carry what a gallery and Get-Help need, every cmdlet links to its online help,
# about_RunTools ships with it, a second build in one session is refused clearly, and a confirmation a non-interactive
# session cannot ask is a clear error.
BeforeDiscovery {
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot '../../RunTools.psd1')
    $script:CmdletCases = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:RootManifestPath = Join-Path $RepoRoot 'RunTools.psd1'
    $script:ModuleFolder = Join-Path $RepoRoot 'artifacts/module/RunTools'
    $script:FolderManifestPath = Join-Path $ModuleFolder 'RunTools.psd1'
    $script:Manifest = Import-PowerShellDataFile -LiteralPath $RootManifestPath
    $script:FolderManifest = Import-PowerShellDataFile -LiteralPath $FolderManifestPath
    $script:PSData = $Manifest.PrivateData.PSData
}

Describe 'The manifests' {
    It 'passes Test-ModuleManifest for the repository''s RunTools.psd1' {
        $m = Test-ModuleManifest -Path $RootManifestPath -ErrorAction Stop
        $m.Name | Should -Be 'RunTools'
        $m.ExportedCmdlets.Count | Should -Be $Manifest.CmdletsToExport.Count
    }

    It 'passes Test-ModuleManifest for the module folder''s RunTools.psd1' {
        $m = Test-ModuleManifest -Path $FolderManifestPath -ErrorAction Stop
        $m.ModuleBase | Should -Be $ModuleFolder
        $m.ExportedCmdlets.Count | Should -Be $Manifest.CmdletsToExport.Count
    }

    It 'gives the module folder the same identity and exports as the repository manifest' {
        $FolderManifest.GUID | Should -Be $Manifest.GUID
        $FolderManifest.ModuleVersion | Should -Be $Manifest.ModuleVersion
        $FolderManifest.CmdletsToExport | Should -Be $Manifest.CmdletsToExport
        $FolderManifest.RootModule | Should -Be 'RunTools.dll'
        $FolderManifest.NestedModules | ForEach-Object { Join-Path $ModuleFolder $_ | Should -Exist }
    }

    It 'declares the Core edition and PowerShell 7.6' {
        $Manifest.CompatiblePSEditions | Should -Be @('Core')
        [version]$Manifest.PowerShellVersion | Should -Be ([version]'7.6')
    }

    It 'lists its exports explicitly, with no functions, aliases or variables' {
        $Manifest.CmdletsToExport | Should -Not -Contain '*'
        $Manifest.FunctionsToExport | Should -BeNullOrEmpty
        $Manifest.AliasesToExport | Should -BeNullOrEmpty
        $Manifest.VariablesToExport | Should -BeNullOrEmpty
    }

    It 'has gallery tags, including the PSEdition_Core tag' {
        $PSData.Tags | Should -Contain 'PSEdition_Core'
        $PSData.Tags | Should -Contain 'MachineLearning'
        $PSData.Tags | ForEach-Object { $_ | Should -Not -Match '\s' }
    }

    It 'names the project and its licence by absolute https addresses' {
        ([uri]$PSData.ProjectUri).Scheme | Should -Be 'https'
        ([uri]$PSData.LicenseUri).Scheme | Should -Be 'https'
        $PSData.LicenseUri | Should -BeLike "$($PSData.ProjectUri)/*/LICENSE"
    }

    It 'ships the licence the manifest points at, an MIT licence' {
        $license = Join-Path $RepoRoot 'LICENSE'
        $license | Should -Exist
        Get-Content -LiteralPath $license -TotalCount 1 | Should -Be 'MIT License'
    }

    It 'has release notes for its version' {
        $PSData.ReleaseNotes | Should -Match ([regex]::Escape($Manifest.ModuleVersion))
    }

    It 'has a HelpInfoURI under the project' {
        $Manifest.HelpInfoURI | Should -BeLike "$($PSData.ProjectUri)/*"
    }
}

Describe 'The module as imported' {
    It 'exports exactly the cmdlets the manifest lists' {
        $names = @(Get-Command -Module RunTools | ForEach-Object Name | Sort-Object)
        $names | Should -Be @($Manifest.CmdletsToExport | Sort-Object)
        Get-Command -Module RunTools -CommandType Function, Alias | Should -BeNullOrEmpty
    }

    It 'gives <Name> a HelpUri to its page in the project''s docs' -ForEach $CmdletCases {
        (Get-Command $Name).HelpUri | Should -Be "$($PSData.ProjectUri)/blob/main/docs/en-US/$Name.md"
    }

    It 'gives every cmdlet''s HelpUri a page that exists in docs/en-US' {
        foreach ($name in $Manifest.CmdletsToExport) {
            $page = ([uri](Get-Command $name).HelpUri).Segments[-1]
            Join-Path $RepoRoot "docs/en-US/$page" | Should -Exist
        }
    }

    It 'finds about_RunTools for the module as imported here' {
        $help = Get-Help about_RunTools
        $help.Name | Should -Be 'about_RunTools'
        ($help | Out-String) | Should -Match 'EXIT CODES'
    }

    It 'covers concepts, the run directory, the lifecycle, exit codes, names, completion, export and stage logs in about_RunTools' {
        $text = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'module/RunTools/en-US/about_RunTools.help.txt')
        foreach ($section in 'CONCEPTS', 'THE RUN DIRECTORY', 'LIFECYCLE', 'EXIT CODES', 'NAMING A RUN', 'ARGUMENT COMPLETION',
            'OBJECTS FOR EXPORT', 'STAGE LOGS') {
            $text | Should -Match "(?m)^$section$"
        }
        $text | Should -Match '(?m)^\s+64\s+usage error'
    }

    It 'keeps about_RunTools within 80 columns' {
        Get-Content -LiteralPath (Join-Path $RepoRoot 'module/RunTools/en-US/about_RunTools.help.txt') |
            Where-Object { $_.Length -gt 80 } | Should -BeNullOrEmpty
    }
}

Describe 'Import-Module RunTools by name' {
    BeforeAll {
        # One child pwsh with the module folder's parent on PSModulePath (Invoke-ChildPwsh puts it there).
        $script:byName = Invoke-ChildPwsh -Command @'
Import-Module RunTools -ErrorAction Stop
$m = Get-Module RunTools
[pscustomobject]@{
    Path = $m.Path
    ModuleBase = $m.ModuleBase
    TopLevel = @(Get-Module | ForEach-Object Name)
    Cmdlets = @(Get-Command -Module RunTools | ForEach-Object Name | Sort-Object)
    AboutName = (Get-Help about_RunTools).Name
    Synopsis = (Get-Help Get-Run).Synopsis
    Runs = @(Get-Run -Root (Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid()))).Count
} | ConvertTo-Json -Compress
'@
        $script:imported = $byName.Stdout | ConvertFrom-Json
    }

    It 'imports from the module folder on PSModulePath' {
        $byName.ExitCode | Should -Be 0
        $imported.ModuleBase | Should -Be $ModuleFolder
        $imported.Path | Should -Be (Join-Path $ModuleFolder 'RunTools.dll')
    }

    It 'adds RunTools alone to the session''s modules' {
        $imported.TopLevel | Should -Be @('RunTools')
    }

    It 'exports every listed cmdlet when imported by name' {
        $imported.Cmdlets | Should -Be @($Manifest.CmdletsToExport | Sort-Object)
    }

    It 'finds about_RunTools and cmdlet help in the module folder' {
        $imported.AboutName | Should -Be 'about_RunTools'
        $doc = Get-Content -LiteralPath (Join-Path $RepoRoot 'docs/en-US/Get-Run.md')
        $imported.Synopsis | Should -Be $doc[[array]::IndexOf($doc, '## SYNOPSIS') + 1]
    }

    It 'runs Get-Run on an empty root' {
        $imported.Runs | Should -Be 0
    }
}

Describe 'Two builds in one session' {
    BeforeAll {
        $script:other = Join-Path $TestDrive 'other-build/RunTools'
        New-Item -ItemType Directory -Path (Split-Path $other) | Out-Null
        Copy-Item -LiteralPath $ModuleFolder -Destination $other -Recurse
        $script:twice = Invoke-ChildPwsh -Command @"
Import-Module '$RootManifestPath' -ErrorAction Stop
try {
    Import-Module '$(Join-Path $other 'RunTools.psd1')' -ErrorAction Stop
    'imported twice'
} catch {
    [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Message = `$_.Exception.Message; Category = "`$(`$_.CategoryInfo.Category)"; Target = "`$(`$_.TargetObject)" } | ConvertTo-Json -Compress
}
@(Get-Module RunTools | ForEach-Object ModuleBase) -join ';'
(Get-Command Get-Run).Module.ModuleBase
"@
        $lines = @($twice.Stdout -split "`r?`n" | Where-Object { $_ })
        $script:refusal = $lines[0] | ConvertFrom-Json
        $script:afterwards = $lines[1..2]
    }

    It 'refuses the second build with RunToolsAlreadyLoaded' {
        $refusal.Id | Should -BeLike 'RunToolsAlreadyLoaded,*'
        $refusal.Category | Should -Be 'ResourceExists'
    }

    It 'names the loaded build''s folder and the refused one, and says to start a new session' {
        $refusal.Message | Should -Match ([regex]::Escape($ModuleFolder))
        $refusal.Message | Should -Match ([regex]::Escape($other))
        $refusal.Message | Should -Match 'new session'
        $refusal.Target | Should -Be $other
    }

    It 'keeps the first build imported and working' {
        $afterwards[0] | Should -Be $RepoRoot
        $afterwards[1] | Should -Be $RepoRoot
    }

    It 'allows the module folder''s manifest after the repository''s: it is the same build' {
        $r = Invoke-ChildPwsh -Command "Import-Module '$RootManifestPath' -ErrorAction Stop; Import-Module '$FolderManifestPath' -ErrorAction Stop; (Get-Command Get-Run).Name"
        $r.ExitCode | Should -Be 0
        $r.Stdout.Trim() | Should -Be 'Get-Run'
    }
}

Describe 'A confirmation in a non-interactive session' {
    BeforeAll {
        $root = New-TestRoot
        $script:kept = New-Run -Root $root -Key kept
        $script:gone = New-Run -Root $root -Key gone
        $script:unlocked = New-Run -Root $root -Key unlocked
        # pwsh -NonInteractive, as in CI and scheduled jobs: nothing can be asked.
        $script:asked = Invoke-ChildPwsh -Command @"
`$ErrorActionPreference = 'Stop'
function Try-It([scriptblock] `$action) {
    try { & `$action | Out-Null; 'done' }
    catch { [pscustomobject]@{ Id = `$_.FullyQualifiedErrorId; Message = `$_.Exception.Message; Category = "`$(`$_.CategoryInfo.Category)"; Target = "`$(`$_.TargetObject)" } | ConvertTo-Json -Compress }
}
Try-It { Remove-Run -Run '$($kept.Path)' }
Try-It { Remove-Run -Run '$($gone.Path)' -Confirm:`$false }
Try-It { New-Run -Root '$root' -Key asked -Confirm }
Try-It { Lock-Run -Run '$($unlocked.Path)' -Reason 'keep it' -Confirm }
"@
        $script:answers = @($asked.Stdout -split "`r?`n" | Where-Object { $_ })
    }

    It 'stops Remove-Run without -Confirm:$false with ConfirmationRequired, not an unexpected failure' {
        ($answers[0] | ConvertFrom-Json).Id | Should -BeLike 'ConfirmationRequired,*'
    }

    It 'reports ConfirmationRequired as InvalidOperation with the run as its target' {
        $e = $answers[0] | ConvertFrom-Json
        $e.Category | Should -Be 'InvalidOperation'
        $e.Target | Should -Match ([regex]::Escape($kept.Name))
        $e.Message | Should -Match '-Confirm:\$false'
    }

    It 'leaves the run in place when it could not ask' {
        $kept.Path | Should -Exist
    }

    It 'removes the run with -Confirm:$false in the same session' {
        $answers[1] | Should -Be 'done'
        $gone.Path | Should -Not -Exist
    }

    It 'gives the same error for any cmdlet asked to confirm with -Confirm, and changes nothing' {
        ($answers[2] | ConvertFrom-Json).Id | Should -BeLike 'ConfirmationRequired,*NewRunCommand'
        ($answers[3] | ConvertFrom-Json).Id | Should -BeLike 'ConfirmationRequired,*LockRunCommand'
        Get-ChildItem -LiteralPath (Split-Path $kept.Path) -Directory | Where-Object Name -like '*_asked' | Should -BeNullOrEmpty
        (Get-Run -Path $unlocked.Path).Locked | Should -BeFalse
    }
}
