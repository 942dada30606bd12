using System.Management.Automation;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Tables;

namespace RunTools.Module.Commands;

/// <summary>
/// Reads a table stored in a run (CSV, TSV or Parquet: predictions, fold plans, metric tables) and writes one
/// PSCustomObject per row, with a property per column: double, long, string, bool or datetime (a date is its
/// midnight; a timestamp's Kind is Utc, or Unspecified when the file recorded no zone), and $null where a value is
/// missing. <c>-Path</c> is relative to the run; <c>-Name</c> is the path of a registered artifact of kind table,
/// predictions or fold_plan. A path that leaves the run directory is refused.
/// </summary>
[Cmdlet(VerbsData.Import, "RunTable", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Docs + "Import-RunTable.md")]
[OutputType(typeof(PSObject))]
public sealed class ImportRunTableCommand : RunCmdlet
{
    const string PathSet = "Path";
    const string NameSet = "Name";

    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    public string Run { get; set; } = "";

    /// <summary>Where run names given to -Run are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>The table file, relative to the run directory (e.g. predictions/oof.parquet).</summary>
    [ArgumentCompleter(typeof(Completion.RunTableCompleter))]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    public string Path { get; set; } = "";

    /// <summary>A registered artifact's path in the run (see Get-RunManifest's Artifacts).</summary>
    [ArgumentCompleter(typeof(Completion.TableArtifactCompleter))]
    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    public string Name { get; set; } = "";

    /// <summary>Only the first N rows (column types still come from the whole file).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? First { get; set; }

    protected override void Process()
    {
        if (!ResolveRun(Run, out var run)) return;
        var read = ParameterSetName == NameSet ? RunTables.ReadArtifact(run, Name, First) : RunTables.Read(run, Path, First);
        if (!Succeeded(read, out var table, run)) return;
        var names = table.Columns.Map(c => c.Name).ToArray();
        var columns = table.Columns.ToArray();
        for (var row = 0; row < table.RowCount && !Stopping; row++)
        {
            var record = new PSObject();
            for (var c = 0; c < columns.Length; c++) record.Properties.Add(new PSNoteProperty(names[c], PowerShellValue(columns[c].ValueAt(row))));
            WriteObject(record);
        }
    }

    /// <summary>A date becomes a [datetime] at midnight (kind Unspecified), which PowerShell compares and formats as
    /// users expect; a timestamp is already a [datetime] (kind Utc, or Unspecified when naive).</summary>
    static object? PowerShellValue(object? value) => value is DateOnly date ? date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified) : value;
}
