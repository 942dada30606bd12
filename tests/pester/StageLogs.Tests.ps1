# Complete stage logs: every stream a script stage writes lands in logs/<stage>.log, each line marked with its stream,
# while the console shows what the preferences show; the same in real pwsh and under ./runtools.
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')

    # The lines the stage itself wrote (RunTools' own '===' lines left out).
    function Get-StageLogLine {
        param([Parameter(Mandatory)] $Run, [Parameter(Mandatory)][string] $Stage)
        Get-Content -LiteralPath (Join-Path $Run.Path "logs/$Stage.log") | Where-Object { -not $_.StartsWith('===') }
    }

    # A script that creates a run under the given root and runs one stage writing to every stream, then prints the
    # stage's log lines after a marker line. Run by a child pwsh (-File) or by ./runtools.
    $script:EveryStreamScript = Join-Path $TestDrive 'every-stream.ps1'
    Set-Content -LiteralPath $EveryStreamScript -Value @'
param([string] $Root, [string] $Switches = '')
$run = New-Run -Root $Root -Key streams
$stage = {
    'an output line'
    Write-Warning 'a warning'
    Write-Verbose 'a verbose message'
    Write-Debug 'a debug message'
    Write-Information 'an information message'
    Write-Host 'a host line'
}
$options = @{}
if ($Switches -match 'v') { $options.Verbose = $true }
# -Debug on a cmdlet also makes its warnings ask (PowerShell's rule); a caller wanting debug output sets the preference.
if ($Switches -match 'd') { $DebugPreference = 'Continue' }
if ($Switches -match 'i') { $options.InformationAction = 'Continue' }
$null = $run | Invoke-RunStage -Name all -ScriptBlock $stage @options
'--- log'
Get-Content -LiteralPath (Join-Path $run.Path 'logs/all.log') | Where-Object { -not $_.StartsWith('===') }
'@

    # The console text before the marker, and the log lines after it.
    function Split-Transcript {
        param([string] $Text)
        $lines = $Text -split "`r?`n"
        $at = [array]::IndexOf($lines, '--- log')
        [pscustomobject]@{
            Console = @($lines[0..($at - 1)] | Where-Object { $_ })
            Log = @($lines[($at + 1)..($lines.Count - 1)] | Where-Object { $_ })
        }
    }

}

Describe 'The log of a script stage' {
    BeforeAll {
        $root = New-TestRoot
        $script:run = New-Run -Root $root -Key logs
        $DebugPreference = 'Continue'
        $null = $run | Invoke-RunStage -Name every -Verbose -InformationAction SilentlyContinue {
            'first output'
            Write-Warning 'careful'
            Write-Verbose 'details'
            Write-Debug 'internals'
            Write-Information 'note for the record'
            Write-Host 'shown to the user'
            Write-Host -NoNewline 'joined '
            Write-Host 'host pieces'
            "two`nlines"
            [pscustomobject]@{ a = 1 }
        } 3>$null 4>$null 5>$null 6>$null
        $script:lines = @(Get-StageLogLine -Run $run -Stage every)
    }

    It 'marks output lines as [output]' {
        $lines | Should -Contain '[output] first output'
    }

    It 'marks warnings as [warning]' {
        $lines | Should -Contain '[warning] careful'
    }

    It 'marks verbose messages as [verbose] when the stage runs with -Verbose' {
        $lines | Should -Contain '[verbose] details'
    }

    It 'marks debug messages as [debug] when the caller''s $DebugPreference shows them' {
        $lines | Should -Contain '[debug] internals'
    }

    It 'marks Write-Information messages as [information] even when they are not shown' {
        $lines | Should -Contain '[information] note for the record'
    }

    It 'marks Write-Host text as [host]' {
        $lines | Should -Contain '[host] shown to the user'
    }

    It 'joins Write-Host -NoNewline pieces into the line the console shows' {
        $lines | Should -Contain '[host] joined host pieces'
    }

    It 'marks every line of a message of several lines' {
        $lines | Should -Contain '[output] two'
        $lines | Should -Contain '[output] lines'
    }

    It 'writes output objects as their text' {
        $lines | Should -Contain '[output] @{a=1}'
    }

    It 'keeps the order in which the stage wrote' {
        $lines[0..5] | Should -Be @('[output] first output', '[warning] careful', '[verbose] details', '[debug] internals',
            '[information] note for the record', '[host] shown to the user')
    }

    It 'has a marker on every line the stage wrote' {
        $lines | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -notmatch '^\[(output|error|warning|verbose|debug|information|host)\]( |$)' } | Should -BeNullOrEmpty
    }

    It 'is hashed when the stage ends, so Test-Run finds it intact' {
        $check = Test-Run -Run $run.Path | Where-Object { $_.Kind -eq 'log' -and $_.Item -eq 'logs/every.log' }
        $check.Status | Should -Be 'Ok'
    }
}

Describe 'Preferences and the log' {
    BeforeAll { $script:root = New-TestRoot }

    It 'leaves verbose and debug messages out when the stage runs at the default preferences' {
        $run = New-Run -Root $root -Key quiet
        $null = $run | Invoke-RunStage -Name q { Write-Verbose 'hidden'; Write-Debug 'hidden too'; 'kept' }
        Get-StageLogLine -Run $run -Stage q | Should -Be @('[output] kept')
    }

    It 'logs verbose messages when the stage sets $VerbosePreference itself' {
        $run = New-Run -Root $root -Key ownpref
        $null = $run | Invoke-RunStage -Name o { $VerbosePreference = 'Continue'; Write-Verbose 'chatty' } 4>$null
        Get-StageLogLine -Run $run -Stage o | Should -Be @('[verbose] chatty')
    }

    It 'logs the verbose messages of functions the stage calls when it runs with -Verbose' {
        $run = New-Run -Root $root -Key nested
        $null = $run | Invoke-RunStage -Name n -Verbose {
            function Step { [CmdletBinding()] param() Write-Verbose 'inside a function' }
            Step
        } 4>$null
        Get-StageLogLine -Run $run -Stage n | Should -Be @('[verbose] inside a function')
    }

    It 'leaves warnings out of the console and the log under -WarningAction SilentlyContinue' {
        $run = New-Run -Root $root -Key nowarn
        $null = $run | Invoke-RunStage -Name w -WarningAction SilentlyContinue -WarningVariable seen { Write-Warning 'quiet'; 'done' }
        Get-StageLogLine -Run $run -Stage w | Should -Be @('[output] done')
    }

    It 'passes warnings on to the caller''s warning stream' {
        $run = New-Run -Root $root -Key passwarn
        $null = $run | Invoke-RunStage -Name w -WarningVariable seen { Write-Warning 'relayed' } 3>$null
        @($seen | ForEach-Object Message) | Should -Be @('relayed')
    }

    It 'passes information messages on to the caller''s information stream' {
        $run = New-Run -Root $root -Key passinfo
        $null = $run | Invoke-RunStage -Name i -InformationVariable seen { Write-Information 'relayed info'; Write-Host 'relayed host' } 6>$null
        @($seen | ForEach-Object { "$($_.MessageData)" }) | Should -Be @('relayed info', 'relayed host')
    }

    It 'passes verbose messages on to the caller''s verbose stream under -Verbose' {
        $run = New-Run -Root $root -Key passverbose
        $verbose = $run | Invoke-RunStage -Name v -Verbose { Write-Verbose 'to the caller' } 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        @($verbose | ForEach-Object Message) | Should -Contain 'to the caller'
    }
}

Describe 'Errors in the log' {
    BeforeAll { $script:root = New-TestRoot }

    It 'marks a non-terminating error as [error], and the stage fails' {
        $run = New-Run -Root $root -Key nonterm
        $result = $run | Invoke-RunStage -Name e { 'before'; Write-Error 'went wrong' -ErrorAction Continue; 'after' } -ErrorAction SilentlyContinue -ErrorVariable failed
        $result | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'StageScriptFailed*'
        Get-StageLogLine -Run $run -Stage e | Should -Be @('[output] before', '[error] went wrong', '[output] after')
    }

    It 'marks a thrown error and where it was thrown as [error] lines' {
        $run = New-Run -Root $root -Key thrown
        $null = $run | Invoke-RunStage -Name t { 'step'; throw 'diverged' } -ErrorAction SilentlyContinue
        $lines = @(Get-StageLogLine -Run $run -Stage t)
        $lines[0] | Should -Be '[output] step'
        $lines[1] | Should -Be '[error] RuntimeException: diverged'
        $lines[2..($lines.Count - 1)] | ForEach-Object { $_ | Should -BeLike '`[error`]*' }
    }
}

Describe 'The console while a stage writes its log' {
    It 'shows warnings and Write-Host text at the default preferences, and not verbose, debug or information' {
        $r = Invoke-ChildPwsh -File $EveryStreamScript -ArgumentList @((Join-Path $TestDrive 'c1'))
        $t = Split-Transcript $r.Stdout
        $t.Console | Should -Be @('WARNING: a warning', 'a host line')
    }

    It 'logs output, warning, information and host at the default preferences' {
        $r = Invoke-ChildPwsh -File $EveryStreamScript -ArgumentList @((Join-Path $TestDrive 'c2'))
        (Split-Transcript $r.Stdout).Log | Should -Be @('[output] an output line', '[warning] a warning',
            '[information] an information message', '[host] a host line')
    }

    It 'shows and logs verbose, debug and information messages when the caller asks for them' {
        $r = Invoke-ChildPwsh -File $EveryStreamScript -ArgumentList @((Join-Path $TestDrive 'c3'), 'vdi')
        $t = Split-Transcript $r.Stdout
        $t.Console | Should -Contain 'VERBOSE: a verbose message'
        $t.Console | Should -Contain 'DEBUG: a debug message'
        $t.Console | Should -Contain 'an information message'
        $t.Log | Should -Be @('[output] an output line', '[warning] a warning', '[verbose] a verbose message',
            '[debug] a debug message', '[information] an information message', '[host] a host line')
    }

    It 'writes the same log and console under ./runtools as under pwsh -File' {
        $pwsh = Invoke-ChildPwsh -File $EveryStreamScript -ArgumentList @((Join-Path $TestDrive 'c4'), 'vdi')
        $runtools = Invoke-Runtools -ArgumentList @($EveryStreamScript, (Join-Path $TestDrive 'c5'), 'vdi')
        $runtools.ExitCode | Should -Be $pwsh.ExitCode
        $a = Split-Transcript $pwsh.Stdout
        $b = Split-Transcript $runtools.Stdout
        $b.Log | Should -Be $a.Log
        # Verbose lines that name the run's path differ between the two runs; the stage's own lines do not.
        $b.Console | Where-Object { $_ -notmatch 'Performing the operation|attempt 1' } |
            Should -Be @($a.Console | Where-Object { $_ -notmatch 'Performing the operation|attempt 1' })
    }
}
