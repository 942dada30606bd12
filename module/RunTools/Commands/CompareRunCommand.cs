using System.Management.Automation;
using RunTools.Comparison;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Shell.Tables;

namespace RunTools.Module.Commands;

/// <summary>
/// Compares runs like Compare-Object compares objects: the reference run (position 0, or the first run piped in)
/// against every other run, section by section (config, data, features, inputs, environment, git, stages, metrics).
/// One record per difference; -IncludeEqual adds the equal keys.
/// With -Table, an N-way comparison instead: one row per key that differs between the runs (every key with -All),
/// one column per run; and, when every run trained on the same fold plan, fold-paired comparisons of each run's
/// per-fold metrics with the baseline's (paired t-test and Wilcoxon signed-rank test).
/// </summary>
[Cmdlet(VerbsData.Compare, "Run", DefaultParameterSetName = Pairwise, HelpUri = HelpLinks.Docs + "Compare-Run.md")]
[OutputType(typeof(RunDifference), ParameterSetName = [Pairwise])]
[OutputType(typeof(PSObject), typeof(FoldPairedComparison), ParameterSetName = [TableSet])]
public sealed class CompareRunCommand : RunCmdlet
{
    const string Pairwise = "Pairwise", TableSet = "Table";

    /// <summary>The name runs' table rows carry as their first type name.</summary>
    public const string TableRowType = "RunTools.Comparison.RunTableRow";

    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Position = 0, ParameterSetName = Pairwise)]
    [RunPathTransformation]
    [Alias("Reference")]
    public string? ReferenceRun { get; set; }

    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ParameterSetName = Pairwise)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TableSet)]
    [RunPathTransformation]
    [Alias("Difference", "Run", "Path")]
    public string[] DifferenceRun { get; set; } = [];

    /// <summary>Where run names are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>Pairwise: a key given to -DifferenceRun names every run with that key, not only the latest. With
    /// -Table: every key, not only those that differ (a key given to -DifferenceRun always names all its runs).</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    [Parameter(ParameterSetName = Pairwise)]
    public SwitchParameter IncludeEqual { get; set; }

    /// <summary>An N-way table: one row per key, one column per run.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TableSet)]
    public SwitchParameter Table { get; set; }

    /// <summary>With -Table, the run the fold-paired comparisons compare with (its name; default: the first run).</summary>
    [Parameter(ParameterSetName = TableSet)]
    [ValidateNotNullOrEmpty]
    public string? Baseline { get; set; }

    /// <summary>Only these sections.</summary>
    [Parameter]
    [ValidateSet("run", "config", "data", "features", "inputs", "environment", "git", "stages", "metrics", IgnoreCase = true)]
    public string[] Section { get; set; } = [];

    readonly List<RunManifest> runs = [];
    readonly System.Collections.Generic.HashSet<string> seen = new(StringComparer.Ordinal);

    protected override void Process()
    {
        var table = ParameterSetName == TableSet;
        foreach (var path in ResolveRuns(DifferenceRun, all: table || All))
        {
            if (table && !seen.Add(path)) continue; // a run named twice is one column
            if (Succeeded(RunStore.Read(path), out var manifest, path)) runs.Add(manifest);
        }
    }

    protected override void End()
    {
        if (ParameterSetName == TableSet)
        {
            WriteTable();
            return;
        }
        RunManifest reference;
        IEnumerable<RunManifest> others = runs;
        if (ReferenceRun is not null)
        {
            if (!ResolveRun(ReferenceRun, out var path) || !Succeeded(RunStore.Read(path), out reference, path)) return;
        }
        else if (runs.Count >= 2)
        {
            reference = runs[0];
            others = runs.Skip(1);
        }
        else
        {
            Terminate(new RunTools.Domain.NothingToCompare(runs.Count), DifferenceRun);
            return;
        }
        foreach (var other in others)
            foreach (var d in RunDiff.Between(reference, other, IncludeEqual))
                if (InSections(d.Section)) WriteObject(d);
    }

    bool InSections(string section) => Section.Length == 0 || Section.Contains(section, StringComparer.OrdinalIgnoreCase);

    void WriteTable()
    {
        if (runs.Count < 2)
        {
            Terminate(new RunTools.Domain.NothingToCompare(runs.Count), DifferenceRun);
            return;
        }
        var all = toSeq(runs.ToArray());
        var baseline = runs[0];
        if (Baseline is not null)
        {
            var named = runs.Find(r => string.Equals(r.Name, Baseline, StringComparison.OrdinalIgnoreCase));
            if (named is null)
            {
                Terminate(new BaselineNotCompared(Baseline, all.Map(r => r.Name)), Baseline);
                return;
            }
            baseline = named;
        }

        var table = RunTable.Of(all, All);
        foreach (var row in table.Rows.Filter(r => InSections(r.Section)))
        {
            var record = new PSObject();
            record.TypeNames.Insert(0, TableRowType);
            record.Properties.Add(new PSNoteProperty("Section", row.Section));
            record.Properties.Add(new PSNoteProperty("Key", row.Key));
            for (var i = 0; i < table.Columns.Count; i++) record.Properties.Add(new PSNoteProperty(table.Columns[i], row.Values[i]));
            record.Properties.Add(new PSNoteProperty("Differs", row.Differs));
            WriteObject(record);
        }

        if (!InSections("metrics")) return;
        var shared = RunTable.SharedTrainings(all);
        if (shared.IsEmpty)
        {
            if (all.Count(r => !RunTable.Trainings(r).IsEmpty) >= 2)
                WriteWarning("The runs did not all train on the same fold plan (same training stage, same plan content hash), so their folds do not pair up: no fold-paired comparisons.");
            return;
        }
        // Runs are named by their columns (unique even when two runs share a name).
        var folds = new List<TrainingFolds>();
        foreach (var training in shared)
            foreach (var (run, column) in runs.Zip(table.Columns))
            {
                var read = Guarded(run.Path!, () => RunTables.Read(run.Path!, training.FoldMetrics, null).Bind(t => RunTable.FoldValues(t, System.IO.Path.Combine(run.Path!, training.FoldMetrics))));
                if (Succeeded(read, out var values, run.Path)) folds.Add(new TrainingFolds(column, training.Stage, training.PlanHash, values));
            }
        WriteObject(RunTable.Paired(table.Columns[runs.IndexOf(baseline)], toSeq(folds.ToArray())).ToArray(), enumerateCollection: true);
    }
}
