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
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path")]
    public string Run { get; set; } = "";

    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[] Name { get; set; } = [];

    protected override void Process()
    {
        if (!Succeeded(RunOperations.MetricHistory(Run), out var history, Run)) return;
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var point in history)
            if (patterns.Length == 0 || patterns.Any(p => p.IsMatch(point.Name))) WriteObject(point);
    }
}
