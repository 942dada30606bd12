using System.Management.Automation;
using RunTools.Bundles;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Bundles;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>
/// Imports the runs of a bundle written by Export-RunBundle under a runs root. Every entry's name and kind, every
/// file's size and SHA-256, and every run's identity and history are checked before anything appears under the root;
/// then each run appears with one rename. A bundle's runs are imported together or not at all.
/// </summary>
[Cmdlet(VerbsData.Import, "RunBundle", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Docs + "Import-RunBundle.md")]
[OutputType(typeof(RunInfo))]
public sealed class ImportRunBundleCommand : RunCmdlet
{
    const string PathSet = "Path", LiteralPathSet = "LiteralPath";

    /// <summary>The bundles (zips) to import; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>The bundles (zips) to import, taken literally (also from the pipeline: Get-ChildItem's files).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName", "LP")]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The runs root to import into (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>Replace runs under the root with the same name or id.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The largest file the bundle may hold, in bytes.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxFileSize { get; set; } = BundleLimits.Default.MaxEntryBytes;

    /// <summary>The most the bundle's files may hold together, in bytes.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxTotalSize { get; set; } = BundleLimits.Default.MaxTotalBytes;

    /// <summary>The highest compression ratio of a file larger than 1 MiB.</summary>
    [Parameter]
    [ValidateRange(1.0, double.MaxValue)]
    public double MaxCompressionRatio { get; set; } = BundleLimits.Default.MaxRatio;

    protected override void Process()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var given in literal ? LiteralPath : Path)
        {
            var bundles = ExpandPath(given, literal).Filter(p => literal || !WildcardPattern.ContainsWildcardCharacters(given) || File.Exists(p));
            // A wildcard that matches nothing is reported as the bundle it names not being there.
            foreach (var bundle in bundles.IsEmpty ? Seq1(FullPath(given)) : bundles) Import(bundle);
        }
    }

    void Import(string bundle)
    {
        var root = Root is null ? DefaultRoot : FullPath(Root);
        var limits = BundleLimits.Default with { MaxEntryBytes = MaxFileSize, MaxTotalBytes = MaxTotalSize, MaxRatio = MaxCompressionRatio };
        if (!Succeeded(BundleImport.Plan(new ImportRequest(bundle, root, limits, Force)), out var plan, bundle)) return;
        var names = string.Join(", ", plan.Manifest.Runs.Map(r => r.Name));
        if (!ShouldProcess(root, $"Import {plan.Manifest.Runs.Count} run{(plan.Manifest.Runs.Count == 1 ? "" : "s")} ({names}) from '{bundle}'")) return;
        foreach (var replaced in plan.Replaced)
            if (!ShouldProcess(RunTarget(replaced.Path), $"Replace run '{replaced.Name}' with '{replaced.By}' from the bundle"))
                return;
        if (!Succeeded(BundleImport.Execute(plan), out var imported, bundle)) return;
        foreach (var m in imported)
        {
            var (status, live) = RunStore.Observe(m, Liveness.DefaultStaleAfter);
            WriteObject(RunInfo.Of(m, m.Path!, status, live));
        }
    }
}
