using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Bundles;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>
/// Writes one or more runs into one zip that can be copied anywhere and imported with Import-RunBundle. The zip is
/// deterministic (the same runs give the same bytes) and carries bundle.json, with every file's SHA-256 and tree
/// hashes, so that an import verifies everything. Runs come from the pipeline and are written together at the end.
/// </summary>
[Cmdlet(VerbsData.Export, "RunBundle", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Docs + "Export-RunBundle.md")]
[OutputType(typeof(BundleInfo))]
public sealed class ExportRunBundleCommand : RunCmdlet
{
    const string PathSet = "Path", LiteralPathSet = "LiteralPath";

    /// <summary>The runs to export: run objects, paths, names, keys, ids or id prefixes.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    public string[] Run { get; set; } = [];

    /// <summary>Where run names are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>A key names every run with that key, not only the latest.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>The zip to write (a wildcard may name one existing file).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    public string Path { get; set; } = "";

    /// <summary>The zip to write, taken literally.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = "";

    /// <summary>Replace an existing file at -Path; export runs that a live process is working on.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    readonly List<string> runs = [];
    bool unresolved;

    /// <summary>Every run given, resolved; one that names no run is reported and nothing is exported (a bundle never
    /// silently lacks a run that was asked for).</summary>
    protected override void Process()
    {
        foreach (var reference in Run)
        {
            var found = ResolveRuns(reference, All);
            unresolved |= found.IsEmpty;
            runs.AddRange(found);
        }
    }

    protected override void End()
    {
        if (runs.Count == 0 || unresolved) return; // an empty pipeline: nothing to bundle, and no empty zip
        // Like Out-File: a -Path wildcard is the one existing file it matches; matching none, it is the path as written.
        var literal = ParameterSetName == LiteralPathSet;
        var matches = ExpandPath(literal ? LiteralPath : Path, literal);
        if (matches.Count > 1)
        {
            Terminate(new RunTools.Domain.InvalidName("bundle path", Path, $"it matches {matches.Count} files; give one"), Path);
            return;
        }
        var destination = matches.IsEmpty ? FullPath(Path) : matches.Head;
        if (!Succeeded(BundleExport.Plan(toSeq(runs), destination, Force), out var plan, destination)) return;
        var what = $"Export {plan.Runs.Count} run{(plan.Runs.Count == 1 ? "" : "s")} ({string.Join(", ", plan.Runs.Map(r => r.Name))})";
        if (!ShouldProcess(destination, plan.Replace ? $"{what}, replacing the file" : what)) return;
        Emit(BundleExport.Execute(plan), destination);
    }
}
