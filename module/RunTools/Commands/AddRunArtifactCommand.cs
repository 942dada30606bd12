using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Registers a file with a run: copies it in (atomically) unless it is already inside the run, and records
/// its path, SHA-256, size and kind in the manifest.</summary>
[Cmdlet(VerbsCommon.Add, "RunArtifact", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Docs + "Add-RunArtifact.md")]
[OutputType(typeof(ArtifactRecord))]
public sealed class AddRunArtifactCommand : RunCmdlet
{
    const string PathSet = "Path", LiteralPathSet = "LiteralPath";

    /// <summary>The run: a run object (also from the pipeline), its path, name, key, id or id prefix.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    public string Run { get; set; } = "";

    /// <summary>Where run names are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>The files to register (also piped paths, when -Run is given); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>The files to register, taken literally (also from the pipeline: Get-ChildItem's files).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName", "LP")]
    public string[] LiteralPath { get; set; } = [];

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
        if (!ResolveRun(Run, out var run)) return;
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var given in literal ? LiteralPath : Path)
        {
            // The files a wildcard matches (not folders); one that matches none is reported as the file it names
            // not being there.
            var sources = ExpandPath(given, literal).Filter(p => literal || !WildcardPattern.ContainsWildcardCharacters(given) || File.Exists(p));
            foreach (var source in sources.IsEmpty ? Seq1(FullPath(given)) : sources)
            {
                if (!Succeeded(RunOperations.ArtifactTarget(run, source, Destination), out var target, given)) continue;
                if (!Succeeded(RunOperations.PreviewArtifact(run, target.Relative, Force), out var manifest, target.Relative)) continue;
                var action = target.Copy ? $"Copy '{source}' into the run as '{target.Relative}'" : $"Register '{target.Relative}'";
                if (!ShouldProcess(RunTarget(run), action)) continue;
                if (!Succeeded(RunOperations.AddArtifact(run, source, target.Relative, target.Copy, Kind, null, Force), out var added, given)) continue;
                WriteObject(ArtifactRecord.Of(added.Manifest, added.Artifact, added.Manifest.Path!));
            }
        }
    }
}
