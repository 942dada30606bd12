using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;

namespace RunTools.Module.Commands;

/// <summary>Reads a run's full manifest (run.json, or the replay of events.jsonl when run.json is stale).</summary>
[Cmdlet(VerbsCommon.Get, "RunManifest", HelpUri = HelpLinks.Docs + "Get-RunManifest.md")]
[OutputType(typeof(RunManifest))]
public sealed class GetRunManifestCommand : RunCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path", "PSPath")]
    public string[] Run { get; set; } = [];

    protected override void Process()
    {
        foreach (var run in Run) Emit(RunStore.Read(run), run);
    }
}
