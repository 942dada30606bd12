using System.Management.Automation;
using System.Text.Json;

namespace RunTools.Module.Tests;

/// <summary>Assertions shared by the module tests: typed output, error records, and run directories on disk.</summary>
public static class Expect
{
    public const string RunInfo = "RunTools.Views.RunInfo";
    public const string RunManifest = "RunTools.Views.RunManifestInfo";
    public const string StageResult = "RunTools.Views.StageResult";
    public const string ArtifactRecord = "RunTools.Views.ArtifactRecord";
    public const string MetricRecord = "RunTools.Views.MetricRecord";
    public const string RunCheck = "RunTools.Views.RunCheck";
    public const string RunDifference = "RunTools.Comparison.RunDifference";
    public const string RetentionDecision = "RunTools.Retention.RetentionDecision";

    /// <summary>The one output object, of the given type (by full name: the module's types live in its private load
    /// context, so the tests never reference them).</summary>
    public static PSObject Single(ScriptResult result, string typeName)
    {
        result.AssertNoErrors();
        var o = Assert.Single(result.Output);
        Assert.Equal(typeName, o.BaseObject.GetType().FullName);
        return o;
    }

    /// <summary>Every output object, all of the given type.</summary>
    public static IReadOnlyList<PSObject> All(ScriptResult result, string typeName)
    {
        result.AssertNoErrors();
        Assert.All(result.Output, o => Assert.Equal(typeName, o.BaseObject.GetType().FullName));
        return result.Output;
    }

    public static object? Get(this PSObject o, string property)
    {
        var p = o.Properties[property];
        Assert.True(p is not null, $"{o.BaseObject.GetType().Name} has no property '{property}'");
        return p!.Value is PSObject wrapped ? wrapped.BaseObject : p.Value;
    }

    public static string Text(this PSObject o, string property) => o.Get(property)?.ToString() ?? "";

    /// <summary>The script's only error: a RunTools error record with the stable id, a real category and the
    /// offending input as its target.</summary>
    public static ErrorRecord Error(ScriptResult result, string errorId, string cmdlet, ErrorCategory category, object? target)
    {
        var e = result.SingleError();
        Assert.Equal($"{errorId},RunTools.Module.Commands.{cmdlet}Command", e.FullyQualifiedErrorId);
        Assert.Equal(category, e.CategoryInfo.Category);
        Assert.Equal(target, e.TargetObject);
        Assert.Equal("RunTools.Module.Infrastructure.RunToolsException", e.Exception.GetType().FullName);
        return e;
    }

    /// <summary>The script's errors, in order: one RunTools error record each, with the stable id, a real category
    /// and the offending input as its target (a check that reports every problem at once writes one record each).</summary>
    public static IReadOnlyList<ErrorRecord> Errors(ScriptResult result, string cmdlet, params (string ErrorId, ErrorCategory Category, object? Target)[] expected)
    {
        var errors = result.AllErrors.ToList();
        Assert.Equal(
            expected.Select(e => ($"{e.ErrorId},RunTools.Module.Commands.{cmdlet}Command", e.Category, e.Target)),
            errors.Select(e => (e.FullyQualifiedErrorId, e.CategoryInfo.Category, (object?)e.TargetObject)));
        Assert.All(errors, e => Assert.Equal("RunTools.Module.Infrastructure.RunToolsException", e.Exception.GetType().FullName));
        return errors;
    }

    /// <summary>Two snapshots (see <see cref="PowerShellHost.Snapshot"/>) hold the same files with the same content.</summary>
    public static void Unchanged(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, hash) in before) Assert.True(after[file] == hash, $"{file} changed");
    }

    /// <summary>The run directories directly under a root (hidden work areas excluded).</summary>
    public static string[] RunDirectories(string root) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>No run directory and nothing left in the staging area: a failed New-Run left no trace.</summary>
    public static void NoRunCreated(string root)
    {
        Assert.Empty(RunDirectories(root));
        var staging = Path.Combine(root, ".runtools", "staging");
        if (Directory.Exists(staging)) Assert.Empty(Directory.GetFileSystemEntries(staging));
    }

    public static JsonDocument Manifest(string runDirectory) => JsonDocument.Parse(File.ReadAllText(Path.Combine(runDirectory, "run.json")));

    /// <summary>The complete lines of events.jsonl (a last line without its newline is a torn write, not an event).</summary>
    public static int EventLines(string runDirectory)
    {
        var bytes = File.ReadAllBytes(Path.Combine(runDirectory, "events.jsonl"));
        return bytes.Count(b => b == (byte)'\n');
    }

    /// <summary>Test-Run's checks as "kind item status" lines.</summary>
    public static string[] Checks(ScriptResult result) =>
        All(result, RunCheck).Select(c => $"{c.Text("Kind")} {c.Text("Item")} {c.Text("Status")}").ToArray();

    /// <summary>Test-Run reports every check Ok (or Unverified: what RunTools could not record, which is no finding).</summary>
    public static void AllOk(ScriptResult result)
    {
        var checks = All(result, RunCheck);
        Assert.NotEmpty(checks);
        Assert.All(checks, c => Assert.True(c.Text("Status") is "Ok" or "Unverified",
            $"{c.Text("Kind")} {c.Text("Item")} is {c.Text("Status")}: {c.Text("Detail")}"));
    }

    /// <summary>Polls until the condition holds, or fails after the timeout.</summary>
    public static void Eventually(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            Thread.Sleep(20);
        }
    }
}
