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
[Cmdlet(VerbsData.Export, "RunBundle", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "Export-RunBundle.md")]
[OutputType(typeof(BundleInfo))]
public sealed class ExportRunBundleCommand : RunCmdlet
{
    /// <summary>The runs to export.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    public string[] Run { get; set; } = [];

    /// <summary>The zip to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("PSPath", "LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>Replace an existing file at -Path; export runs that a live process is working on.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    readonly List<string> runs = [];

    protected override void Process() => runs.AddRange(Run);

    protected override void End()
    {
        if (runs.Count == 0) return; // an empty pipeline: nothing to bundle, and no empty zip
        var destination = FullPath(Path);
        if (!Succeeded(BundleExport.Plan(toSeq(runs), destination, Force), out var plan, destination)) return;
        var what = $"Export {plan.Runs.Count} run{(plan.Runs.Count == 1 ? "" : "s")} ({string.Join(", ", plan.Runs.Map(r => r.Name))})";
        if (!ShouldProcess(destination, plan.Replace ? $"{what}, replacing the file" : what)) return;
        Emit(BundleExport.Execute(plan), destination);
    }
}
