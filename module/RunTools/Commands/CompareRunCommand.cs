using System.Management.Automation;
using RunTools.Comparison;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;

namespace RunTools.Module.Commands;

/// <summary>
/// Compares runs like Compare-Object compares objects: the reference run (position 0, or the first run piped in)
/// against every other run, section by section (config, data, features, inputs, environment, git, stages, metrics).
/// One record per difference; -IncludeEqual adds the equal keys.
/// </summary>
[Cmdlet(VerbsData.Compare, "Run", HelpUri = HelpLinks.Docs + "Compare-Run.md")]
[OutputType(typeof(RunDifference))]
public sealed class CompareRunCommand : RunCmdlet
{
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Position = 0)]
    [RunPathTransformation]
    [Alias("Reference")]
    public string? ReferenceRun { get; set; }

    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Difference", "Run", "Path")]
    public string[] DifferenceRun { get; set; } = [];

    /// <summary>Where run names are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>A key given to -DifferenceRun names every run with that key, not only the latest.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter IncludeEqual { get; set; }

    /// <summary>Only these sections.</summary>
    [Parameter]
    [ValidateSet("run", "config", "data", "features", "inputs", "environment", "git", "stages", "metrics", IgnoreCase = true)]
    public string[] Section { get; set; } = [];

    readonly List<RunManifest> runs = [];

    protected override void Process()
    {
        foreach (var path in ResolveRuns(DifferenceRun, All))
            if (Succeeded(RunStore.Read(path), out var manifest, path)) runs.Add(manifest);
    }

    protected override void End()
    {
        RunManifest reference;
        IEnumerable<RunManifest> others = runs;
        if (ReferenceRun is not null)
        {
            if (!ResolveRun(ReferenceRun, out var path) || !Succeeded(RunStore.Read(path), out reference, path)) return;
        }
        else if (runs.Count >= 2)
        {
            reference = runs[0];
            others = runs.Skip(1);
        }
        else
        {
            Terminate(new RunTools.Domain.NothingToCompare(runs.Count), DifferenceRun);
            return;
        }
        foreach (var other in others)
            foreach (var d in RunDiff.Between(reference, other, IncludeEqual))
                if (Section.Length == 0 || Section.Contains(d.Section, StringComparer.OrdinalIgnoreCase)) WriteObject(d);
    }
}
