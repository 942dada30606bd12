using System.Management.Automation;

namespace RunTools.Module.Infrastructure;

/// <summary>A cmdlet that acts on each run given to -Run (run objects, also from the pipeline, paths, names, keys, ids
/// or id prefixes), names looked up under -Root; with -All a key names every run with it, not only the latest.</summary>
public abstract class RunsCmdlet : RunCmdlet
{
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path", "PSPath")]
    public string[] Run { get; set; } = [];

    /// <summary>Where run names given to -Run are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>A key given to -Run names every run with that key, not only the latest.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>The directories of the runs given to -Run, each reference resolved once (a reference that names no run
    /// has been written as an error).</summary>
    protected IEnumerable<string> GivenRuns => ResolveRuns(Run, All);
}
