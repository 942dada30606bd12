using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Reads a run's full manifest (run.json, or the replay of events.jsonl when run.json is stale).</summary>
[Cmdlet(VerbsCommon.Get, "RunManifest", HelpUri = HelpLinks.Docs + "Get-RunManifest.md")]
[OutputType(typeof(RunManifestInfo))]
public sealed class GetRunManifestCommand : RunCmdlet
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

    protected override void Process()
    {
        foreach (var run in ResolveRuns(Run, All)) Emit(RunStore.Read(run).Map(RunManifestInfo.Of), run);
    }
}
