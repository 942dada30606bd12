using System.Management.Automation;
using System.Reflection;

namespace RunTools.Module.Tests;

/// <summary>
/// The completers' C# contracts, through the module as PowerShell loads it: every parameter that takes a run has the
/// run completer, the word is unquoted and matched as a prefix with the user's wildcards, values come back quoted as
/// PowerShell needs them, and no word makes a completer fail (a completer that throws breaks Tab). What a user sees
/// when pressing Tab is specified in tests/pester/Completion.Tests.ps1.
/// </summary>
public sealed class CompletionTests(PowerShellHost ps) : IClassFixture<PowerShellHost>
{
    /// <summary>Parameters that take a run: named so, or aliased Run.</summary>
    static bool TakesRun(PropertyInfo p) =>
        p.GetCustomAttributes<ParameterAttribute>().Any() &&
        (p.Name is "Run" or "ReferenceRun" or "DifferenceRun" or "Upstream" || p.GetCustomAttribute<AliasAttribute>()?.AliasNames.Contains("Run") == true);

    [Fact]
    public void Every_parameter_that_takes_a_run_completes_runs()
    {
        var result = ps.Run("Get-Command -Module RunTools -CommandType Cmdlet");
        result.AssertNoErrors();
        var parameters = result.Output.Select(o => (CmdletInfo)o.BaseObject)
            .SelectMany(c => c.ImplementingType.GetProperties().Where(TakesRun).Select(p => (Cmdlet: c.Name, Parameter: p)))
            .ToList();
        Assert.True(parameters.Count >= 18, $"only {parameters.Count} run parameters found");
        Assert.All(parameters, p => Assert.True(
            p.Parameter.GetCustomAttribute<ArgumentCompleterAttribute>()?.Type?.Name == "RunCompleter",
            $"{p.Cmdlet} -{p.Parameter.Name} has no run completer"));
    }

    string CompletionText(string word, string value)
    {
        var result = ps.Run($"[RunTools.Module.Completion.CompletionWord]::Parse({Literal(word)}).CompletionTextFor({Literal(value)})");
        result.AssertNoErrors();
        return (string)Assert.Single(result.Output).BaseObject;
    }

    static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

    [Theory]
    [InlineData("", "baseline", "baseline")]
    [InlineData("", "predictions/oof.parquet", "predictions/oof.parquet")]
    [InlineData("", "val/auc", "val/auc")]
    [InlineData("", "r0_f2", "r0_f2")]
    [InlineData("", "20261201_230638_x", "20261201_230638_x")]
    [InlineData("", "my results.csv", "'my results.csv'")]
    [InlineData("", "it's", "'it''s'")]
    [InlineData("", "$x", "'$x'")]
    [InlineData("", "a,b", "'a,b'")]
    [InlineData("", "a;b", "'a;b'")]
    [InlineData("", "-x", "'-x'")]
    [InlineData("", "007", "'007'")]
    [InlineData("", "@a", "'@a'")]
    [InlineData("", "(a)", "'(a)'")]
    [InlineData("'", "baseline", "'baseline'")]
    [InlineData("\"", "a$b", "\"a`$b\"")]
    public void A_value_is_quoted_when_PowerShell_would_not_read_it_back_bare(string opened, string value, string expected) =>
        Assert.Equal(expected, CompletionText(opened, value));

    [Theory]
    [InlineData("bas", "bas", "")]
    [InlineData("'my re", "my re", "'")]
    [InlineData("'my re'", "my re", "'")]
    [InlineData("'it''s", "it's", "'")]
    [InlineData("\"val/", "val/", "\"")]
    public void The_word_is_read_without_its_quotes(string word, string text, string quote)
    {
        var result = ps.Run($"$w = [RunTools.Module.Completion.CompletionWord]::Parse({Literal(word)}); $w.Text; [string]$w.Quote");
        result.AssertNoErrors();
        Assert.Equal([text, quote], result.Output.Select(o => (string)o.BaseObject));
    }

    [Theory]
    [InlineData("bas", "baseline", true)]
    [InlineData("BAS", "baseline", true)]
    [InlineData("*line", "baseline", true)]
    [InlineData("b?se", "baseline", true)]
    [InlineData("line", "baseline", false)]
    [InlineData("[x", "[x]y", true)]
    [InlineData("[x]", "xy", false)]
    [InlineData("", "anything", true)]
    public void The_word_matches_a_beginning_with_its_wildcards(string word, string candidate, bool matches)
    {
        var result = ps.Run($"[RunTools.Module.Completion.CompletionWord]::Parse({Literal(word)}).Matches({Literal(candidate)})");
        result.AssertNoErrors();
        Assert.Equal(matches, (bool)Assert.Single(result.Output).BaseObject);
    }

    /// <summary>Words a user may well type half-way: open quotes, lone wildcard and escape characters, a NUL, a very
    /// long word.</summary>
    static readonly string[] OddWords = ["'", "\"", "[", "]", "`", "*[", "'*", "\"$", "a`0b", "..", "/", "?", new string('x', 5000)];

    public static TheoryData<string> Completers => new(
        "RunCompleter", "RunKeyCompleter", "RunIdCompleter", "StageNameCompleter", "FoldPlanCompleter", "ModelCompleter",
        "MetricNameCompleter", "RunTableCompleter", "TableArtifactCompleter");

    /// <summary>Called as PowerShell calls it, with a run bound (or a run that is not there, or nothing): an exception
    /// would reach this script as an error.</summary>
    [Theory]
    [MemberData(nameof(Completers))]
    public void A_completer_never_throws(string completer)
    {
        ps.Run("if (-not $r) { $r = New-Run -Name odd -Root ./runs; $r | Invoke-RunStage prepare { 'ok' } | Out-Null; $Error.Clear() }").AssertNoErrors();
        foreach (var bound in new[] { "@{ Run = $r }", "@{ Run = 'no such run'; Root = '/no/such/root' }", "@{}", "$null", "@{ Run = @($r, 42); Key = 7 }" })
            foreach (var word in OddWords.Append("").Append(null))
            {
                var wordText = word is null ? "$null" : Literal(word);
                var result = ps.Run($"@([RunTools.Module.Completion.{completer}]::new().CompleteArgument('Cmd', 'Name', {wordText}, $null, {bound})).Count");
                Assert.True(result.Terminating is null && result.Errors.Count == 0, $"{completer} {bound} {wordText}: {string.Join("; ", result.AllErrors)}");
            }
    }
}
