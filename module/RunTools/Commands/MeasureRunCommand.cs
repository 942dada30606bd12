using System.Management.Automation;
using RunTools.Comparison;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;

namespace RunTools.Module.Commands;

/// <summary>
/// Groups runs by config keys or run properties and aggregates their metrics, like Measure-Object over runs (or
/// HydraFlow's group_by(...).agg(...)): one record per group and metric with the count, mean, sample sd, min, max and
/// the 95% t-interval of the runs' last values. Computed once every run has been read.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "Run", HelpUri = HelpLinks.Docs + "Measure-Run.md")]
[OutputType(typeof(RunMeasurement))]
public sealed class MeasureRunCommand : RunsCmdlet
{
    /// <summary>Dotted config keys (model.trainer) or run properties (Name, Key, Status) to group by; none: one group.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] GroupBy { get; set; } = [];

    /// <summary>The metrics to aggregate (wildcards allowed); default: every metric the runs have.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Metric { get; set; } = [];

    readonly List<MeasuredRun> runs = [];
    readonly System.Collections.Generic.HashSet<string> seen = new(StringComparer.Ordinal);

    protected override void Process()
    {
        foreach (var path in GivenRuns)
        {
            if (!seen.Add(path)) continue; // a run named twice counts once
            if (Succeeded(Guarded(path, () => RunStore.Read(path)), out var manifest, path))
                runs.Add(new MeasuredRun(manifest, RunStore.Observe(manifest, RunTools.Manifests.Liveness.DefaultStaleAfter).Status.ToString()));
        }
    }

    protected override void End()
    {
        var patterns = Metric.Select(m => new WildcardPattern(m, WildcardOptions.IgnoreCase)).ToArray();
        var known = runs.SelectMany(r => r.Manifest.Metrics.Map(m => m.Name)).Distinct().Order(StringComparer.Ordinal).ToArray();
        // Like Get-Run -Name: a metric named without wildcards that no run has is an error of its own.
        foreach (var name in Metric.Where(m => !WildcardPattern.ContainsWildcardCharacters(m)))
            if (!known.Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)))
                WriteFailure(new MetricNotInRuns(name, toSeq(known.Take(5).ToArray())), name);
        var measured = RunMeasure.Measure(toSeq(runs.ToArray()), toSeq(GroupBy), m => patterns.Length == 0 || patterns.Any(p => p.IsMatch(m)));
        // A group-by key no run has leaves nothing to group by: nothing can proceed.
        if (measured.Match(Succ: _ => (LanguageExt.Common.Error?)null, Fail: e => e) is { } error) Terminate(error, GroupBy);
        else WriteObject(measured.Match(Succ: rows => rows.ToArray(), Fail: _ => []), enumerateCollection: true);
    }
}
