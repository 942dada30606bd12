# Exit codes: a script behaves and exits the same under `pwsh -File` and under ./runtools (real pwsh with the build on
# PSModulePath), and the codes are pwsh's: 0 for a script that ran to its end (non-terminating errors included),
# N for `exit N`, 1 for a terminating error or a -Command whose last statement failed, 64 for usage errors.
BeforeDiscovery {
    $script:Cases = @(
        @{ Case = 'a clean script'; Script = "'hello'"; Code = 0 }
        @{ Case = 'a script that throws'; Script = "'before'; throw 'broken'; 'after'"; Code = 1 }
        @{ Case = 'a script that runs exit 7'; Script = "'leaving'; exit 7"; Code = 7 }
        @{ Case = 'a RunTools error under -ErrorAction Stop'; Script = "'looking'; Get-RunManifest -Run ./no-such-run -ErrorAction Stop; 'after'"; Code = 1 }
        @{ Case = 'a RunTools error under $ErrorActionPreference = ''Stop'''; Script = "`$ErrorActionPreference = 'Stop'; Test-Run -Run ./no-such-run; 'after'"; Code = 1 }
        @{ Case = 'a non-terminating RunTools error'; Script = "Get-RunManifest -Run ./no-such-run; 'after'"; Code = 0 }
        @{ Case = 'a non-terminating Write-Error'; Script = "Write-Error 'soft'; 'after'"; Code = 0 }
        @{ Case = 'a script using RunTools by name'; Script = "@(Get-Run -Root ./empty-root).Count"; Code = 0 }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    function New-Script {
        param([string] $Text)
        $path = Join-Path $TestDrive ('script-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.ps1')
        Set-Content -LiteralPath $path -Value $Text
        $path
    }

    # Output lines without blank lines (pwsh's formatting may differ in blank lines only).
    function Get-Lines([string] $Text) { @($Text -split "`r?`n" | Where-Object { $_.Trim() }) }
}

Describe 'A script under pwsh -File and under ./runtools: <Case>' -ForEach $Cases {
    BeforeAll {
        $script:file = New-Script $Script
        $script:pwsh = Invoke-ChildPwsh -File $file
        $script:runtools = Invoke-Runtools -ArgumentList @($file)
    }

    It 'exits <Code> under pwsh -File' {
        $pwsh.ExitCode | Should -Be $Code
    }

    It 'exits <Code> under ./runtools' {
        $runtools.ExitCode | Should -Be $Code
    }

    It 'writes the same output under both' {
        Get-Lines $runtools.Stdout | Should -Be (Get-Lines $pwsh.Stdout)
    }
}

Describe 'Scripts that stop early' {
    It 'stops at a terminating error: nothing after it runs' {
        $r = Invoke-Runtools -ArgumentList @((New-Script "'before'; throw 'broken'; 'after'"))
        Get-Lines $r.Stdout | Should -Be @('before')
    }

    It 'goes on after a non-terminating error and reports it on stderr' {
        $r = Invoke-Runtools -ArgumentList @((New-Script "Get-RunManifest -Run ./no-such-run; 'after'"))
        Get-Lines $r.Stdout | Should -Be @('after')
        $r.Stderr | Should -Match 'no-such-run'
    }

    It 'passes arguments to the script as pwsh -File does' {
        $file = New-Script "param([string] `$Name, [int] `$Count) `"`$Name x `$Count`"; exit `$Count"
        $a = Invoke-ChildPwsh -File $file -ArgumentList @('-Name', 'runs', '-Count', '3')
        $b = Invoke-Runtools -ArgumentList @($file, '-Name', 'runs', '-Count', '3')
        $b.ExitCode | Should -Be 3
        $a.ExitCode | Should -Be 3
        Get-Lines $b.Stdout | Should -Be @('runs x 3')
    }
}

Describe '-Command under pwsh and under ./runtools' {
    It 'exits 1 when the last statement failed' {
        $a = Invoke-ChildPwsh -Command "'x'; Get-RunManifest -Run ./no-such-run"
        $b = Invoke-Runtools -ArgumentList @('-Command', "'x'; Get-RunManifest -Run ./no-such-run")
        $a.ExitCode | Should -Be 1
        $b.ExitCode | Should -Be 1
    }

    It 'exits 0 when an earlier statement failed and the last succeeded' {
        $a = Invoke-ChildPwsh -Command "Get-RunManifest -Run ./no-such-run; 'x'"
        $b = Invoke-Runtools -ArgumentList @('-Command', "Get-RunManifest -Run ./no-such-run; 'x'")
        $a.ExitCode | Should -Be 0
        $b.ExitCode | Should -Be 0
    }

    It 'exits with the code of exit N' {
        (Invoke-Runtools -ArgumentList @('-Command', 'exit 5')).ExitCode | Should -Be 5
    }
}

Describe 'Usage errors' {
    It 'exits 64 for a missing script file, under both' {
        $missing = Join-Path $TestDrive 'no-such-script.ps1'
        (Invoke-ChildPwsh -File $missing).ExitCode | Should -Be 64
        (Invoke-Runtools -ArgumentList @($missing)).ExitCode | Should -Be 64
    }

    It 'exits 64 for an unknown switch' {
        (Invoke-Runtools -ArgumentList @('-NoSuchSwitch')).ExitCode | Should -Be 64
    }
}
