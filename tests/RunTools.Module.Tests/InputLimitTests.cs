using System.Management.Automation;
using RunTools.Tests.Hostile;

namespace RunTools.Module.Tests;

/// <summary>New-Run against the hostile inputs of <see cref="HostileInputs"/> that the default limits refuse: the
/// input's own ErrorId and category, the input as target, no run, nothing on disk changed. These run beside the other
/// tests (they set no environment variable).</summary>
public sealed class InputLimitTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    string Runs => ps.PathOf("runs");

    public static TheoryData<string> RefusedByDefault =>
        HostileInputs.Names(HostileInputs.All, row => row.Setting is null && row.NewRunRefuses);

    public static TheoryData<string> DescribedByNewRun =>
        HostileInputs.Names(HostileInputs.Data, row => row.Setting is null && !row.NewRunRefuses);

    [Theory]
    [MemberData(nameof(RefusedByDefault))]
    public void New_Run_refuses_a_hostile_input_with_its_own_error_and_creates_nothing(string name)
    {
        var row = HostileInputs.Named(name);
        File.WriteAllBytes(ps.PathOf(row.FileName), row.Content());
        var before = ps.Snapshot();

        var result = ps.Run(NewRunScript(ps, row));

        Expect.Error(result, row.ErrorId, "NewRun", Enum.Parse<ErrorCategory>(row.Category), Target(row));
        Assert.Empty(result.Output);
        Assert.InRange(result.SingleError().Exception.Message.Length, 1, 600);
        Expect.NoRunCreated(Runs);
        Expect.Unchanged(before, ps.Snapshot());
    }

    [Theory]
    [MemberData(nameof(DescribedByNewRun))]
    public void New_Run_describes_a_data_file_whose_bound_only_matters_when_the_table_is_read(string name)
    {
        var row = HostileInputs.Named(name);
        File.WriteAllBytes(ps.PathOf(row.FileName), row.Content());

        Expect.Single(ps.Run(NewRunScript(ps, row)), Expect.RunInfo);

        using var manifest = Expect.Manifest(Assert.Single(Expect.RunDirectories(Runs)));
        Assert.Equal(row.FileName, manifest.RootElement.GetProperty("inputs")[0].GetProperty("path").GetString());
    }

    [Fact]
    public void A_config_file_over_32_MiB_is_ConfigFileTooLarge_without_being_read()
    {
        using (var sparse = new FileStream(ps.PathOf("huge.yaml"), FileMode.Create)) sparse.SetLength((32L << 20) + 1);
        var before = ps.Snapshot();

        var result = ps.Run("New-Run -Name x -ConfigPath huge.yaml");

        var error = Expect.Error(result, "ConfigFileTooLarge", "NewRun", ErrorCategory.LimitsExceeded, "huge.yaml");
        Assert.Contains("RUNTOOLS_LIMIT_CONFIG_FILE_BYTES", error.Exception.Message);
        Expect.NoRunCreated(Runs);
        Expect.Unchanged(before, ps.Snapshot());
    }

    public static TheoryData<string, string, string> HostileHashtables => new()
    {
        { "a hashtable that contains itself", "$h = @{}; $h.a = $h; $v = $h", "ConfigTooDeep" },
        { "a list that contains itself", "$l = [Collections.ArrayList]::new(); [void]$l.Add($l); $v = $l", "ConfigTooDeep" },
        { "hashtables nested 100 deep", "$v = 1; foreach ($i in 1..100) { $v = @{ n = $v } }", "ConfigTooDeep" },
        { "lists that share their items, 10 levels of 10", "$v = 'x'; foreach ($i in 1..10) { $v = ,$v * 10 }", "ConfigExpansionTooLarge" },
        { "a string of 2 Mi characters", "$v = 'x' * 2MB", "ConfigScalarTooLong" },
    };

    [Theory]
    [MemberData(nameof(HostileHashtables))]
    public void A_hostile_value_given_to_Set_as_a_hashtable_is_refused_naming_its_key(string name, string setup, string errorId)
    {
        Assert.NotEmpty(name);
        var before = ps.Snapshot();

        var result = ps.Run($"{setup}; New-Run -Name x -Set @{{ 'model.value' = $v }}");

        Expect.Error(result, errorId, "NewRun", ErrorCategory.LimitsExceeded, "model.value");
        Expect.NoRunCreated(Runs);
        Expect.Unchanged(before, ps.Snapshot());
    }

    /// <summary>New-Run with the row's input: a file as given (relative), an override text read from its file.</summary>
    internal static string NewRunScript(PowerShellHost ps, HostileInput row) => row.Kind switch
    {
        HostileKind.ConfigFile => $"New-Run -Name x -ConfigPath '{row.FileName}'",
        HostileKind.SetText => $"New-Run -Name x -Set ([IO.File]::ReadAllText('{ps.PathOf(row.FileName)}'))",
        _ => $"New-Run -Name x -DataPath '{row.FileName}'",
    };

    internal static object Target(HostileInput row) => row.Kind == HostileKind.SetText ? row.Text : row.FileName;
}

/// <summary>The same through the environment variables: a lowered limit refuses, a raised one accepts, a bad one is
/// InputLimitInvalid. These set variables of the process, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "process environment";
}

[Collection(EnvironmentCollection.Name)]
public sealed class InputLimitVariableTests : IDisposable
{
    readonly PowerShellHost ps = new();

    public void Dispose() => ps.Dispose();

    string Runs => ps.PathOf("runs");

    public static TheoryData<string> RefusedUnderASetting =>
        HostileInputs.Names(HostileInputs.All, row => row.Setting is not null && row.NewRunRefuses);

    public static TheoryData<string> Raisable => HostileInputs.Names(HostileInputs.All, row => row.Raised is not null);

    /// <summary>The script with the variable set for its duration (the host has no Remove-Item).</summary>
    static string With(string variable, string value, string script) =>
        $"$env:{variable} = '{value}'; try {{ {script} }} finally {{ [Environment]::SetEnvironmentVariable('{variable}', [NullString]::Value) }}";

    [Theory]
    [MemberData(nameof(RefusedUnderASetting))]
    public void New_Run_refuses_an_input_over_a_limit_lowered_by_its_variable(string name)
    {
        var row = HostileInputs.Named(name);
        File.WriteAllBytes(ps.PathOf(row.FileName), row.Content());
        var before = ps.Snapshot();

        var result = ps.Run(With(row.Variable!, row.Setting!, InputLimitTests.NewRunScript(ps, row)));

        Expect.Error(result, row.ErrorId, "NewRun", Enum.Parse<ErrorCategory>(row.Category), InputLimitTests.Target(row));
        Expect.NoRunCreated(Runs);
        Expect.Unchanged(before, ps.Snapshot());
    }

    [Theory]
    [MemberData(nameof(Raisable))]
    public void New_Run_accepts_the_same_input_once_its_variable_raises_the_limit(string name)
    {
        var row = HostileInputs.Named(name);
        File.WriteAllBytes(ps.PathOf(row.FileName), row.Content());

        var result = ps.Run(With(row.Variable!, row.Raised!, InputLimitTests.NewRunScript(ps, row)));

        Expect.Single(result, Expect.RunInfo);
        Assert.Single(Expect.RunDirectories(Runs));
        Assert.Null(Environment.GetEnvironmentVariable(row.Variable!));
    }

    [Fact]
    public void A_variable_that_is_not_a_limit_is_InputLimitInvalid_and_creates_nothing()
    {
        var result = ps.Run(With("RUNTOOLS_LIMIT_CONFIG_DEPTH", "1000", "New-Run -Name x"));

        var error = Expect.Error(result, "InputLimitInvalid", "NewRun", ErrorCategory.InvalidArgument, "RUNTOOLS_LIMIT_CONFIG_DEPTH");
        Assert.Equal("The environment variable RUNTOOLS_LIMIT_CONFIG_DEPTH is '1000', which is not a valid limit: the nesting depth of a config cannot be raised above 256 levels.",
            error.Exception.Message);
        Expect.NoRunCreated(Runs);
    }
}
