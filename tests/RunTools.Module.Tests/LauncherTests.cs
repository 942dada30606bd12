namespace RunTools.Module.Tests;

/// <summary>./runtools: real pwsh with this build on PSModulePath, so a script binds, runs and exits exactly as under
/// <c>pwsh -File</c> (the exit-code table in about_RunTools).</summary>
[Collection(ProcessCollection.Name)]
public sealed class LauncherTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    RuntoolsProcess.Result Command(string text) => RuntoolsProcess.Run(ps.Directory, "-Command", text);

    [Fact]
    public void A_clean_script_exits_0_and_its_cmdlets_load_by_name()
    {
        var result = Command("New-Run -Name ok | Select-Object -ExpandProperty Key; (Get-Module RunTools).ModuleBase");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Trim().Split('\n').Select(l => l.Trim()).ToArray();
        Assert.Equal("ok", lines[0]);
        Assert.Equal(Path.Combine(Repo.Root, "artifacts", "module", "RunTools"), lines[1]);
        Assert.Single(Expect.RunDirectories(ps.PathOf("runs")));
    }

    [Fact]
    public void A_throw_exits_1_with_the_message_on_stderr()
    {
        var result = Command("'before'; throw 'boom'; 'after'");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("boom", result.Stderr);
        Assert.DoesNotContain("after", result.Stdout);
    }

    [Fact]
    public void A_RunTools_error_with_ErrorAction_Stop_exits_1_and_names_the_input()
    {
        var script = ps.Write("stop.ps1", "New-Run -Name x -DataPath missing.csv -ErrorAction Stop\n'after'\n");

        var result = RuntoolsProcess.Run(ps.Directory, script);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing.csv", result.Stderr);
        Assert.DoesNotContain("after", result.Stdout);
    }

    [Fact]
    public void A_non_terminating_error_in_a_script_file_exits_0_as_under_pwsh_File()
    {
        var script = ps.Write("soft.ps1", "Get-Run -Name nosuch\n'still here'\n");

        var result = RuntoolsProcess.Run(ps.Directory, script);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("still here", result.Stdout);
        Assert.Contains("nosuch", result.Stderr);
    }

    [Fact]
    public void Exit_N_in_a_command_exits_N()
    {
        Assert.Equal(7, Command("exit 7").ExitCode);
    }

    [Fact]
    public void Exit_N_in_a_script_file_exits_N()
    {
        var script = ps.Write("seven.ps1", "'working'\nexit 7\n");

        var result = RuntoolsProcess.Run(ps.Directory, script);

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("working", result.Stdout);
    }

    [Fact]
    public void A_missing_script_file_exits_64()
    {
        var result = RuntoolsProcess.Run(ps.Directory, "no-such-script.ps1");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("no-such-script.ps1", result.Stderr);
    }

    [Fact]
    public void An_unknown_option_exits_64()
    {
        Assert.Equal(64, RuntoolsProcess.Run(ps.Directory, "-Bogus").ExitCode);
    }

    [Fact]
    public void Script_arguments_bind_to_the_param_block_by_name_and_position()
    {
        var script = ps.Write("train.ps1", """
            param([string]$Root, [string]$Name = 'default', [int]$Trees)
            $run = New-Run -Name $Name -Root $Root -Set @{ 'model.trees' = $Trees }
            "root=$Root name=$($run.Key) trees=$($run.Params['model.trees']) type=$($Trees.GetType().Name)"
            """);

        var result = RuntoolsProcess.Run(ps.Directory, script, "-Root", "it's my runs", "-Trees", "300", "-Name", "v2.final");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("root=it's my runs name=v2.final trees=300 type=Int32", result.Stdout);
        Assert.Single(Expect.RunDirectories(ps.PathOf("it's my runs")));
    }
}
