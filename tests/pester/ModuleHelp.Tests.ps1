# Every exported command is documented as Get-Help shows it: a synopsis, a description, at least one example, and a
# description for every parameter (PSScriptAnalyzer's ModuleHelp.Tests.ps1, one It per command and per check).
BeforeDiscovery {
    $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot '../../RunTools.psd1')
    $script:Commands = @($manifest.CmdletsToExport | Sort-Object | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    # Parameters every cmdlet has from PowerShell, documented by about_CommonParameters.
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters +
        [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Help for <Name>' -ForEach $Commands {
    BeforeAll {
        $script:command = Get-Command -Name $Name -Module RunTools
        $script:help = Get-Help -Name $Name -Full
    }

    It 'is exported by RunTools' {
        $command.Source | Should -Be 'RunTools'
    }

    It 'has a synopsis of its own, not the syntax Get-Help makes up without a help file' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *"
        $help.Synopsis.Trim() | Should -Not -Be $Name
    }

    It 'has a description' {
        ($help.Description | Out-String).Trim().Length | Should -BeGreaterThan 40
    }

    It 'has at least one example, each with a title and code' {
        $examples = @($help.Examples.Example | Where-Object { $_ })
        $examples.Count | Should -BeGreaterThan 0
        foreach ($example in $examples) {
            $example.Title | Should -Not -BeNullOrEmpty
            $example.Code | Should -Not -BeNullOrEmpty
        }
    }

    It 'has an example that calls it' {
        @($help.Examples.Example | Where-Object { $_.Code -match [regex]::Escape($Name) }).Count | Should -BeGreaterThan 0
    }

    It 'describes every parameter' {
        $documented = @{}
        foreach ($p in @($help.Parameters.Parameter | Where-Object { $_ })) {
            $documented[$p.Name] = ($p.Description | Out-String).Trim()
        }
        $undocumented = @($command.Parameters.Keys | Where-Object { $_ -notin $Common } | Where-Object { -not $documented[$_] })
        $undocumented | Should -BeNullOrEmpty -Because "every parameter of $Name needs a description"
    }

    It 'documents no parameter the command does not have' {
        $names = @($command.Parameters.Keys)
        @($help.Parameters.Parameter | Where-Object { $_ -and $_.Name -notin $names } | ForEach-Object Name) | Should -BeNullOrEmpty
    }

    It 'links to its online help' {
        $command.HelpUri | Should -Match "^https://.+/$Name\.md$"
    }
}
