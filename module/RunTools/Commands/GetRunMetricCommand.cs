using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Reads the full history of a run's metrics (every value written, with step, stage and time).</summary>
[Cmdlet(VerbsCommon.Get, "RunMetric", HelpUri = HelpLinks.Docs + "Get-RunMetric.md")]
[OutputType(typeof(MetricRecord))]
public sealed class GetRunMetricCommand : RunCmdlet
{
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path")]
    public string Run { get; set; } = "";

    /// <summary>Where run names given to -Run are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    [ArgumentCompleter(typeof(Completion.MetricNameCompleter))]
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[] Name { get; set; } = [];

    protected override void Process()
    {
        if (!ResolveRun(Run, out var run) || !Succeeded(RunOperations.MetricHistory(run), out var history, run)) return;
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var point in history)
            if (patterns.Length == 0 || patterns.Any(p => p.IsMatch(point.Name))) WriteObject(point);
    }
}
