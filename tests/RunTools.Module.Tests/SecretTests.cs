using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RunTools.Module.Tests;

/// <summary>Config values that refer to the environment (${env:NAME}): New-Run records references and salted hashes,
/// never values; stages see the values. Each test has its own variable (the tests share one process environment).</summary>
public sealed class SecretTests : IDisposable
{
    readonly PowerShellHost ps = new();
    readonly string variable = "RUNTOOLS_TEST_" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
    readonly string value = "pw-" + Guid.NewGuid().ToString("N");

    public SecretTests() => Environment.SetEnvironmentVariable(variable, value);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(variable, null);
        Environment.SetEnvironmentVariable("RUNTOOLS_SECRET_KEYS", null);
        ps.Dispose();
    }

    string Runs => ps.PathOf("runs");

    /// <summary>The reference to this test's variable, as a config value.</summary>
    string Ref => "${env:" + variable + "}";

    /// <summary>A password referred to whole, the same variable inside a connection string, and an escaped '${'.</summary>
    void WriteConfig() => ps.Write("c.yaml",
        "db:\n  password: " + Ref + "\n  url: \"postgres://u:" + Ref + "@host/db\"\nprice: \"$${not_a_reference}\"\nmodel:\n  trees: 100\n");

    string NewRun(string extra = "")
    {
        WriteConfig();
        return Expect.Single(ps.Run($"$run = New-Run -Name s -ConfigPath c.yaml {extra}; $run"), Expect.RunInfo).Text("Path");
    }

    /// <summary>Every file under the directory (hidden ones included) whose bytes contain the value, in UTF-8 or UTF-16.</summary>
    IReadOnlyList<string> FilesHoldingTheValue(string directory, params string[] except) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !except.Contains(Path.GetRelativePath(directory, f).Replace('\\', '/')))
            .Where(f =>
            {
                var bytes = File.ReadAllBytes(f);
                return bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) >= 0 || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(value)) >= 0;
            })
            .Select(f => Path.GetRelativePath(directory, f))
            .ToList();

    static string Pbkdf2(string text, string saltHex) =>
        Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(text), Convert.FromHexString(saltHex), 100_000, HashAlgorithmName.SHA256, 32));

    [Fact]
    public void New_Run_records_references_and_salted_hashes_and_no_file_of_the_run_holds_the_value()
    {
        WriteConfig();
        var run = Expect.Single(ps.Run($$"""
            New-Run -Name s -ConfigPath c.yaml -Set 'api.token={{Ref}}' -EnvironmentVariable {{variable}}
            """), Expect.RunInfo);
        var dir = run.Text("Path");

        Assert.Empty(FilesHoldingTheValue(Runs));
        using var manifest = Expect.Manifest(dir);
        var secrets = manifest.RootElement.GetProperty("secrets").EnumerateArray().ToList();
        Assert.Equal(new[] { "db.password", "db.url", "api.token" }, secrets.Select(s => s.GetProperty("key").GetString()));
        Assert.All(secrets, s => Assert.Equal("env:" + variable, s.GetProperty("reference").GetString()));
        Assert.All(secrets, s => Assert.Matches("^[0-9a-f]{32}$", s.GetProperty("salt").GetString()));
        Assert.Equal(3, secrets.Select(s => s.GetProperty("salt").GetString()).Distinct().Count());
        Assert.Equal(
            new[] { value, $"postgres://u:{value}@host/db", value }.Zip(secrets, (text, s) => Pbkdf2(text, s.GetProperty("salt").GetString()!)),
            secrets.Select(s => s.GetProperty("sha256").GetString()));
        Assert.Equal("[redacted]", manifest.RootElement.GetProperty("environment").GetProperty("variables").GetProperty(variable).GetString());
        Assert.Contains($"password: \"{Ref}\"", File.ReadAllText(Path.Combine(dir, "config_resolved.yaml")));
        Assert.Contains($"api.token={Ref}", File.ReadAllText(Path.Combine(dir, "config_overrides.yaml")));
        Assert.Equal(Ref, ((System.Collections.IDictionary)run.Get("Params")!)["db.password"]);

        var shown = ps.Run("Get-RunManifest -Run (Get-Run s) | ForEach-Object Secrets | ForEach-Object { $_.Key + ' ' + $_.Reference }");
        shown.AssertNoErrors();
        Assert.Equal(new[] { $"db.password env:{variable}", $"db.url env:{variable}", $"api.token env:{variable}" }, shown.Output.Select(o => o.ToString()));
    }

    public static TheoryData<string, string, string, ErrorCategory, string> Refused => new()
    {
        { "a literal in a config file", "New-Run x -ConfigPath literal.yaml", "SecretLiteral", ErrorCategory.SecurityError, "db.password" },
        { "a literal override", "New-Run x -Set 'db.password=hunter2'", "SecretLiteral", ErrorCategory.SecurityError, "db.password" },
        { "a number in a hashtable", "New-Run x -Set @{ apiKey = 1234 }", "SecretLiteral", ErrorCategory.SecurityError, "apiKey" },
        { "a literal in a list", "New-Run x -Set 'auth.tokens=[1]', 'auth.token=[x]'", "SecretLiteral", ErrorCategory.SecurityError, "auth.token[0]" },
        { "an unset variable", "New-Run x -Set 'db.password=${env:RUNTOOLS_TEST_NEVER_SET_9F2C}'", "SecretNotFound", ErrorCategory.ObjectNotFound, "db.password" },
        { "a malformed reference", "New-Run x -Set 'db.url=postgres://u:${env:DB-PASSWORD}@h'", "SecretReferenceInvalid", ErrorCategory.InvalidData, "db.url" },
        { "a reference to something else", "New-Run x -Set 'home=${HOME}'", "SecretReferenceInvalid", ErrorCategory.InvalidData, "home" },
        { "an invalid pattern", "New-Run x -SecretKeyPattern 'pass word'", "SecretKeyPatternInvalid", ErrorCategory.InvalidArgument, "pass word" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void New_Run_refuses_secret_literals_and_bad_references_and_creates_nothing(string what, string script, string errorId, ErrorCategory category, string target)
    {
        ps.Write("literal.yaml", "db:\n  password: hunter2\n");

        var result = ps.Run(script);

        var error = Expect.Error(result, errorId, "NewRun", category, target);
        Assert.DoesNotContain("hunter2", error.ToString());
        Assert.True(result.Output.Count == 0, what);
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void The_literal_refusal_tells_how_to_refer_to_the_environment_instead() =>
        Assert.Equal(
            "The config key 'db.password' looks like a secret and holds a literal value, which the run would record. Refer to an " +
            "environment variable instead: db.password: \"${env:DB_PASSWORD}\" in the config file, or -Set 'db.password=${env:DB_PASSWORD}' " +
            "(in single quotes); or record the literal with -AllowSecretLiteral.",
            ps.Run("New-Run x -Set 'db.password=hunter2'").SingleError().Exception.Message);

    [Fact]
    public void Every_refused_key_is_reported_at_once()
    {
        var result = ps.Run("New-Run x -Set 'db.password=hunter2', 'api_key=1', 'model.trees=2'");

        Assert.Equal(
            new[] { "SecretLiteral db.password", "SecretLiteral api_key" },
            result.AllErrors.Select(e => $"{e.FullyQualifiedErrorId.Split(',')[0]} {e.TargetObject}"));
        Expect.NoRunCreated(Runs);
    }

    [Fact]
    public void AllowSecretLiteral_records_the_literal_as_given()
    {
        var run = Expect.Single(ps.Run("New-Run x -Set 'db.password=hunter2' -AllowSecretLiteral"), Expect.RunInfo);

        Assert.Contains("password: hunter2", File.ReadAllText(Path.Combine(run.Text("Path"), "config_resolved.yaml")));
        using var manifest = Expect.Manifest(run.Text("Path"));
        Assert.Equal(0, manifest.RootElement.GetProperty("secrets").GetArrayLength());
    }

    [Fact]
    public void SecretKeyPattern_and_RUNTOOLS_SECRET_KEYS_choose_the_words_of_secret_keys()
    {
        var onlyPin = ps.Run("New-Run x -SecretKeyPattern pin -Set 'bank.pin=1234', 'db.password=hunter2'");
        Expect.Error(onlyPin, "SecretLiteral", "NewRun", ErrorCategory.SecurityError, "bank.pin");

        Expect.Single(ps.Run("New-Run none -SecretKeyPattern @() -Set 'db.password=hunter2'"), Expect.RunInfo);

        Environment.SetEnvironmentVariable("RUNTOOLS_SECRET_KEYS", "zzpin, pass*");
        Expect.Error(ps.Run("New-Run x -Set 'db.passcode=1'"), "SecretLiteral", "NewRun", ErrorCategory.SecurityError, "db.passcode");
        Expect.Single(ps.Run("New-Run fromvariable -Set 'api_key=1'"), Expect.RunInfo);
        Expect.Error(ps.Run("New-Run x -SecretKeyPattern key -Set 'api_key=1', 'db.passcode=1'"), "SecretLiteral", "NewRun", ErrorCategory.SecurityError, "api_key");

        Environment.SetEnvironmentVariable("RUNTOOLS_SECRET_KEYS", "pin$");
        var bad = Expect.Error(ps.Run("New-Run x"), "SecretKeyPatternInvalid", "NewRun", ErrorCategory.InvalidArgument, "pin$");
        Assert.EndsWith("(in $env:RUNTOOLS_SECRET_KEYS)", bad.Exception.Message);
    }

    [Fact]
    public void A_stage_sees_the_values_in_Run_Config_and_its_log_shows_them_masked()
    {
        var dir = NewRun();

        var result = ps.Run("""
            $run | Invoke-RunStage use {
                param($Run)
                [IO.File]::WriteAllText($Run.Resolve('seen.txt'), $Run.Config.db.password + '|' + $Run.Config.db.url + '|' + $Run.Config.price)
                "printed: $($Run.Config.db.password)"
                "and: $($Run.Config.db.url)"
            } -Output seen.txt
            """);

        Assert.Equal("Completed", Expect.Single(result, Expect.StageResult).Text("Status"));
        Assert.Equal($"{value}|postgres://u:{value}@host/db|${{not_a_reference}}", File.ReadAllText(Path.Combine(dir, "seen.txt")));
        var log = File.ReadAllText(Path.Combine(dir, "logs", "use.log"));
        Assert.Contains("printed: ***", log);
        Assert.Contains("and: postgres://u:***@host/db", log);
        Assert.Empty(FilesHoldingTheValue(Runs, except: Path.GetFileName(dir) + "/seen.txt"));
        Assert.Contains(Ref, File.ReadAllText(Path.Combine(dir, "config_resolved.yaml")));
    }

    [Fact]
    public void A_stage_that_fails_with_the_value_in_its_message_records_it_masked()
    {
        var dir = NewRun();

        var result = ps.Run("""$run | Invoke-RunStage connect { param($Run) throw "cannot log in with $($Run.Config.db.password)" }""");

        var error = Expect.Error(result, "StageScriptFailed", "InvokeRunStage", ErrorCategory.InvalidResult, "connect");
        Assert.Equal("Stage 'connect' failed: cannot log in with ***", error.Exception.Message);
        Assert.Empty(FilesHoldingTheValue(Runs));
        using var manifest = Expect.Manifest(dir);
        Assert.Equal("Stage 'connect' failed: cannot log in with ***", manifest.RootElement.GetProperty("last_error").GetProperty("message").GetString());
    }

    [Fact]
    public void A_command_stage_gets_the_environment_and_the_run_records_its_command_line_and_output_masked()
    {
        var dir = NewRun();
        var script = $$"""$run | Invoke-RunStage call -Command /bin/sh -ArgumentList '-c', 'echo "got ${{{variable}}}"; printf %s "${{{variable}}}" > env.txt', "--password=$env:{{variable}}" -Output env.txt""";

        var first = ps.Run(script);
        var second = ps.Run(script);

        Assert.Equal("Completed", Expect.Single(first, Expect.StageResult).Text("Status"));
        Assert.Equal(true, Expect.Single(second, Expect.StageResult).Get("Skipped"));
        Assert.Equal(value, File.ReadAllText(Path.Combine(dir, "env.txt")));
        Assert.Contains("got ***", File.ReadAllText(Path.Combine(dir, "logs", "call.log")));
        Assert.Empty(FilesHoldingTheValue(Runs, except: Path.GetFileName(dir) + "/env.txt"));
        using var manifest = Expect.Manifest(dir);
        Assert.EndsWith("--password=***", manifest.RootElement.GetProperty("stages")[0].GetProperty("command").GetString());
    }

    [Fact]
    public void A_changed_value_is_a_warning_naming_the_key_and_the_stage_sees_the_new_value()
    {
        var dir = NewRun();
        var changed = "new-" + value;
        Environment.SetEnvironmentVariable(variable, changed);

        var result = ps.Run("""$run | Invoke-RunStage use { param($Run) [IO.File]::WriteAllText($Run.Resolve('seen.txt'), $Run.Config.db.password) } -Output seen.txt""");

        Assert.Equal("Completed", Expect.Single(result, Expect.StageResult).Text("Status"));
        Assert.Equal(
            new[] { "db.password", "db.url" }.Select(key =>
                $"The config key '{key}' refers to env:{variable}, whose value is not the one the run was created with " +
                "(the salted hash recorded in the run does not match); the stage sees the current value."),
            result.Warnings);
        Assert.Equal(changed, File.ReadAllText(Path.Combine(dir, "seen.txt")));
        Assert.Contains("[warning] The config key 'db.password' refers to env:", File.ReadAllText(Path.Combine(dir, "logs", "use.log")));
    }

    [Fact]
    public void The_same_value_gives_no_warning()
    {
        NewRun();

        var result = ps.Run("$run | Invoke-RunStage quiet { param($Run) $Run.Config.db.password.Length }");

        Assert.Equal("Completed", Expect.Single(result, Expect.StageResult).Text("Status"));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_stage_whose_variable_is_unset_does_not_start_but_a_completed_one_is_still_skipped()
    {
        var dir = NewRun();
        Expect.Single(ps.Run("$run | Invoke-RunStage done { 'ok' }"), Expect.StageResult);
        Environment.SetEnvironmentVariable(variable, null);
        var before = ps.Snapshot(dir);

        var refused = ps.Run("$run | Invoke-RunStage next { 'never' }");
        var skipped = ps.Run("$run | Invoke-RunStage done { 'ok' }");

        Assert.Equal(
            new[] { "db.password", "db.url" }.Select(key =>
                $"SecretNotFound,RunTools.Module.Commands.InvokeRunStageCommand ObjectNotFound {key}: " +
                $"The config key '{key}' refers to the environment variable '{variable}' (${{env:{variable}}}), which is not set."),
            refused.AllErrors.Select(e => $"{e.FullyQualifiedErrorId} {e.CategoryInfo.Category} {e.TargetObject}: {e.Exception.Message}"));
        Assert.Equal(true, Expect.Single(skipped, Expect.StageResult).Get("Skipped"));
        Expect.Unchanged(before, ps.Snapshot(dir));
    }

    [Fact]
    public void Compare_Run_compares_secrets_by_reference()
    {
        NewRun();
        ps.Run("$first = $run").AssertNoErrors();
        NewRun();

        Assert.Empty(Expect.All(ps.Run("Compare-Run $first $run -Section config, environment"), Expect.RunDifference));
        var equal = Expect.All(ps.Run("Compare-Run $first $run -Section config -IncludeEqual"), Expect.RunDifference)
            .Single(d => d.Text("Key") == "db.password");
        Assert.Equal(Ref, equal.Text("ReferenceValue"));
        Assert.Equal("==", equal.Text("SideIndicator"));
    }
}
