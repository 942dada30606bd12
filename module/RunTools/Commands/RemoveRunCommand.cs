using RunTools.Shell.Hosting;
using System.Management.Automation;
using RunTools.Domain;
using RunTools.Module.Infrastructure;
using RunTools.Retention;
using RunTools.Shell.Store;

namespace RunTools.Module.Commands;

/// <summary>
/// Removes runs: the runs given, or the runs a retention policy selects (-OlderThan, -KeepLast, -KeepBest) among the
/// runs given or under a root. The plan is computed once every run is in (<see cref="RetentionPlan.Decide"/>), so
/// -WhatIf shows exactly it: a ShouldProcess line per run removed, with its reason, and the kept runs with theirs
/// through -Verbose. A locked run is never removed; a referenced or live one only with -Force. The run disappears with
/// one rename before its files are deleted, so a reader never sees half a run.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "Run", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByRoot, HelpUri = HelpLinks.Docs + "Remove-Run.md")]
[OutputType(typeof(RetentionDecision))]
public sealed class RemoveRunCommand : RunCmdlet
{
    const string ByRun = "ByRun", ByRoot = "ByRoot";

    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ByRun)]
    [RunPathTransformation]
    [Alias("Path", "PSPath")]
    public string[] Run { get; set; } = [];

    /// <summary>The runs root a policy applies to (default: $env:RUNTOOLS_ROOT, else ./runs); with -Run, where run
    /// names are looked up.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    [Parameter(ParameterSetName = ByRun)]
    public string? Root { get; set; }

    /// <summary>Only the runs whose key matches (wildcards allowed).</summary>
    [ArgumentCompleter(typeof(Completion.RunKeyCompleter))]
    [Parameter(ParameterSetName = ByRoot)]
    [SupportsWildcards]
    public string[] Key { get; set; } = [];

    /// <summary>Only runs created longer ago than this are removed.</summary>
    [Parameter]
    [AgeTransformation]
    public TimeSpan? OlderThan { get; set; }

    [Parameter]
    public int? KeepLast { get; set; }

    [Parameter]
    public int? KeepBest { get; set; }

    [ArgumentCompleter(typeof(Completion.MetricNameCompleter))]
    [Parameter]
    public string? Metric { get; set; }

    [Parameter]
    public SwitchParameter LowerIsBetter { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    readonly List<string> given = [];

    protected override void Process() => given.AddRange(ResolveRuns(Run));

    protected override void End()
    {
        var policy = RetentionPolicy.Create(OlderThan, KeepLast, KeepBest, Metric, LowerIsBetter, Force,
                runsNamed: ParameterSetName == ByRun || Key.Length > 0)
            .Match(Succ: p => p, Fail: problems =>
            {
                // Every problem is reported; the last one ends the command, since no policy can be applied.
                foreach (var problem in problems.Init) WriteFailure(problem);
                Terminate(problems.Last);
                return null!;
            });

        var retention = new RunRetention();
        var scope = ParameterSetName == ByRun ? Given(retention) : UnderRoot(retention);
        var plan = RetentionPlan.Decide(scope, retention.References, policy, Clock.Now);
        if (!Succeeded(plan, out var decided)) return;

        var refused = decided.Refusals.ToDictionary(r => r.Path, r => r.Error, StringComparer.Ordinal);
        var whatIf = WhatIfMode;
        foreach (var decision in decided.Decisions)
        {
            var outcome = decision;
            if (refused.TryGetValue(decision.Path, out var error))
                WriteFailure(error, decision.Path);
            else if (decision.ActionKind == RetentionAction.Keep)
                WriteVerbose($"Keep {decision.Name}: {decision.Detail}");
            else if (ShouldProcess(RunTarget(decision.Path), $"Remove run ({decision.Detail})"))
                outcome = decision.WithRemoved(Succeeded(retention.Remove(decision.Path, Force), out _, decision.Path));
            if (PassThru && !whatIf) WriteObject(outcome);
        }
    }

    /// <summary>The runs given (each once); a run that cannot be read is an error of its own. The runs under their roots
    /// are read too, for what they reference.</summary>
    Seq<RetentionRun> Given(RunRetention retention)
    {
        var runs = new List<RetentionRun>();
        foreach (var run in given.Distinct(StringComparer.Ordinal))
            if (Succeeded(retention.Read(run), out var read, run)) runs.Add(read);
        foreach (var root in runs.Select(r => System.IO.Path.GetDirectoryName(r.Path)!).Distinct(StringComparer.Ordinal))
            foreach (var (path, error) in retention.Scan(root).Unreadable)
                WriteWarning($"Could not read '{path}', so the runs it may reference are not known: {error.Message}");
        return toSeq(runs);
    }

    /// <summary>Every run under the root whose key matches -Key; a run that cannot be read is an error of its own (and
    /// is not removed).</summary>
    Seq<RetentionRun> UnderRoot(RunRetention retention)
    {
        var root = Root is null ? DefaultRoot : FullPath(Root);
        var (runs, unreadable) = retention.Scan(root);
        foreach (var (path, error) in unreadable) WriteFailure(error, path);
        var patterns = Key.Select(k => new WildcardPattern(k, WildcardOptions.IgnoreCase)).ToArray();
        // Like Get-Run: a key given without wildcards that no run has is an error; an empty wildcard match is not.
        foreach (var key in Key.Where(k => !WildcardPattern.ContainsWildcardCharacters(k) && !runs.Exists(r => string.Equals(r.Key, k, StringComparison.OrdinalIgnoreCase))))
            WriteFailure(new RunNotFound(key, root, RunLookup.NearMatches(key, runs.Map(r => new RunEntry(System.IO.Path.GetFileName(r.Path), r.Path, r.Key, null, null)))), key);
        return patterns.Length == 0 ? runs : runs.Filter(r => patterns.Any(p => p.IsMatch(r.Key)));
    }
}
