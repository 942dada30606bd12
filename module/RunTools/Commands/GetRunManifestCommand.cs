using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Reads a run's full manifest (run.json, or the replay of events.jsonl when run.json is stale).</summary>
[Cmdlet(VerbsCommon.Get, "RunManifest", HelpUri = HelpLinks.Docs + "Get-RunManifest.md")]
[OutputType(typeof(RunManifestInfo))]
public sealed class GetRunManifestCommand : RunsCmdlet
{
    protected override void Process()
    {
        foreach (var run in GivenRuns) Emit(RunStore.Read(run).Map(RunManifestInfo.Of), run);
    }
}
