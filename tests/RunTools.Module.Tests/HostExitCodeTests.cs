namespace RunTools.Module.Tests;

/// <summary>The runtools console host: the exit-code rule and how a script's arguments bind.</summary>
[Collection(ProcessCollection.Name)]
public sealed class HostExitCodeTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    RuntoolsProcess.Result Command(string text) => RuntoolsProcess.Run(ps.Directory, "-Command", text);

    [Fact]
    public void A_clean_script_exits_0_and_formats_its_output_to_stdout()
    {
        var result = Command("New-Run -Name ok | ForEach-Object Key");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ok", result.Stdout.Trim());
        Assert.Single(Expect.RunDirectories(ps.PathOf("runs")));
    }

    [Fact]
    public void A_LASTEXITCODE_that_is_not_a_number_exits_1_instead_of_crashing_the_host()
    {
        var r = Command("$global:LASTEXITCODE = 'abc'");

        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("Unhandled exception", r.Stderr);
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
    public void A_RunTools_error_with_ErrorAction_Stop_exits_1_and_names_its_ErrorId()
    {
        var result = Command("New-Run -Name x -DataPath missing.csv -ErrorAction Stop");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("DataFileNotFound,RunTools.Module.Commands.NewRunCommand", result.Stderr);
    }

    [Fact]
    public void A_non_terminating_error_exits_2_after_the_script_finished()
    {
        var result = Command("Get-Run -Name nosuch; 'still here'");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("still here", result.Stdout);
        Assert.Contains("ErrorId: RunNotFound,RunTools.Module.Commands.GetRunCommand", result.Stderr);
        Assert.Contains("Category: ObjectNotFound", result.Stderr);
        Assert.Contains("Target: nosuch", result.Stderr);
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
    public void A_missing_script_file_is_a_usage_error_64()
    {
        var result = RuntoolsProcess.Run(ps.Directory, "no-such-script.ps1");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("no-such-script.ps1", result.Stderr);
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error_64()
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
