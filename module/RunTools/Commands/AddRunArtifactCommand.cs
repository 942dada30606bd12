using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Registers a file with a run: copies it in (atomically) unless it is already inside the run, and records
/// its path, SHA-256, size and kind in the manifest.</summary>
[Cmdlet(VerbsCommon.Add, "RunArtifact", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "Add-RunArtifact.md")]
[OutputType(typeof(ArtifactRecord))]
public sealed class AddRunArtifactCommand : RunCmdlet
{
    [Parameter(Mandatory = true)]
    [RunPathTransformation]
    public string Run { get; set; } = "";

    /// <summary>The file to register.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath", "LiteralPath")]
    public string[] Path { get; set; } = [];

    /// <summary>Where to put it inside the run (a file, or a folder ending in '/'); default artifacts/&lt;name&gt;.</summary>
    [Parameter]
    public string? Destination { get; set; }

    [Parameter]
    public ArtifactKind? Kind { get; set; }

    /// <summary>Replace an artifact already registered at the destination.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void Process()
    {
        foreach (var given in Path)
        {
            var source = FullPath(given);
            if (!Succeeded(RunOperations.ArtifactTarget(Run, source, Destination), out var target, given)) continue;
            if (!Succeeded(RunOperations.PreviewArtifact(Run, target.Relative, Force), out var manifest, target.Relative)) continue;
            var action = target.Copy ? $"Copy '{source}' into the run as '{target.Relative}'" : $"Register '{target.Relative}'";
            if (!ShouldProcess(manifest.Name, action)) continue;
            if (!Succeeded(RunOperations.AddArtifact(Run, source, target.Relative, target.Copy, Kind, null, Force), out var added, given)) continue;
            WriteObject(ArtifactRecord.Of(added.Manifest, added.Artifact, added.Manifest.Path!));
        }
    }
}
