using System.Collections;
using System.Management.Automation;
using LanguageExt.Common;
using RunTools.Indexing;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Lists runs under a root, filtered through the root's run index (by name, key, id, status, creation time,
/// params, metrics or a script block over index rows) before their objects are built, or reads specific run directories.</summary>
[Cmdlet(VerbsCommon.Get, "Run", DefaultParameterSetName = ByRoot, HelpUri = HelpLinks.Docs + "Get-Run.md")]
[OutputType(typeof(RunInfo))]
public sealed class GetRunCommand : RunCmdlet
{
    const string ByRoot = "ByRoot", ByRun = "ByRun", ByPath = "ByPath", ByLiteralPath = "ByLiteralPath";

    /// <summary>Run names (directory name or key), wildcards allowed.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Position = 0, ParameterSetName = ByRoot)]
    [SupportsWildcards]
    public string[] Name { get; set; } = [];

    /// <summary>The runs root (default: $env:RUNTOOLS_ROOT, else ./runs); with -Run, where names are looked up.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    [Parameter(ParameterSetName = ByRun)]
    public string? Root { get; set; }

    /// <summary>Run ids, or their leading characters.</summary>
    [ArgumentCompleter(typeof(Completion.RunIdCompleter))]
    [Parameter(ParameterSetName = ByRoot)]
    public string[] Id { get; set; } = [];

    /// <summary>Keep the runs in these observed statuses.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    public RunStatus[] Status { get; set; } = [];

    /// <summary>Run keys (the name given to New-Run, shared by every run of it), wildcards allowed.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    [SupportsWildcards]
    public string[] Key { get; set; } = [];

    /// <summary>Keep the runs created at or after this time.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    public DateTime? Since { get; set; }

    /// <summary>Keep the runs created before this time.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    public DateTime? Until { get; set; }

    /// <summary>Keep the runs whose config has each key (dotted, case-insensitive) at the value given, compared by type.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    public Hashtable? Param { get; set; }

    /// <summary>A script block over each run's index row ($_: Name, Key, Id, Status, Created, Started, Ended, Params,
    /// Metrics): the runs for which it returns true are kept, before their full objects are built.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    public ScriptBlock? Filter { get; set; }

    /// <summary>Order the runs by this metric's last value, highest first (with -Ascending, lowest first).</summary>
    [Parameter(ParameterSetName = ByRoot)]
    [ValidateNotNullOrEmpty]
    public string? By { get; set; }

    /// <summary>With -By, order lowest first.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    public SwitchParameter Ascending { get; set; }

    /// <summary>Keep this many runs: the first of the -By order, or without -By the newest.</summary>
    [Parameter(ParameterSetName = ByRoot)]
    [ValidateRange(1, int.MaxValue)]
    public int Top { get; set; }

    /// <summary>Runs as every -Run takes them: run objects (also from the pipeline), paths, names, keys, ids or id
    /// prefixes.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ParameterSetName = ByRun, ValueFromPipeline = true)]
    [RunPathTransformation]
    public string[] Run { get; set; } = [];

    /// <summary>Run directories to read; wildcards allowed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByPath)]
    [SupportsWildcards]
    [RunPathTransformation]
    public string[] Path { get; set; } = [];

    /// <summary>Run directories to read, taken literally.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPath)]
    [RunPathTransformation]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    protected override void Process()
    {
        switch (ParameterSetName)
        {
            case ByRun:
                foreach (var run in ResolveRuns(Run)) Emit(Read(run), run);
                return;
            case ByPath or ByLiteralPath:
                var literal = ParameterSetName == ByLiteralPath;
                foreach (var given in literal ? LiteralPath : Path)
                    foreach (var path in ExpandPath(given, literal))
                        // A wildcard lists the runs among what it matches; a path written out must be a run.
                        if (literal || !WildcardPattern.ContainsWildcardCharacters(given) || RunStore.IsRun(path))
                            Emit(Read(path), path);
                return;
        }

        var root = Root is null ? DefaultRoot : FullPath(Root);
        var indexed = RunIndexStore.Query(root, ReportIndexing, stopping.Token);
        foreach (var (path, error) in indexed.Failures) WriteFailure(error, path);
        var query = new RunQuery(toSeq(Status), Since is { } since ? new DateTimeOffset(since) : null, Until is { } until ? new DateTimeOffset(until) : null,
            ParamFilters(), By, Ascending.IsPresent, MyInvocation.BoundParameters.ContainsKey(nameof(Top)) ? Top : null);
        var names = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        var keys = Key.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        var kept = indexed.Runs.Filter(r =>
            (names.Length == 0 || names.Any(p => p.IsMatch(r.Entry.Directory) || p.IsMatch(r.Entry.Key)))
            && (keys.Length == 0 || keys.Any(p => p.IsMatch(r.Entry.Key)))
            && (Id.Length == 0 || Id.Any(id => r.Entry.Id.ToString().StartsWith(id, StringComparison.OrdinalIgnoreCase)))
            && query.Keeps(r)
            && PassesFilter(r));
        // A -By metric that no run has: nothing can be ordered.
        var order = query.Order(kept.Strict());
        if (order.IsFail) { Terminate((Error)order, By); return; }
        var ordered = (Seq<IndexedRun>)order;
        // Full objects (and their staleness) only for the runs that pass.
        var matches = new List<RunInfo>();
        foreach (var run in ordered)
        {
            var path = System.IO.Path.Combine(root, run.Entry.Directory);
            var manifest = indexed.Read.TryGetValue(run.Entry.Directory, out var m) ? FinSucc(m) : Guarded(path, () => RunStore.Read(path));
            if (Succeeded(manifest.Map(x => Info(x, path)), out var info, path)) matches.Add(info);
        }
        WriteObject(matches.ToArray(), enumerateCollection: true);
        // Like Get-Item: each name or id given without wildcards that matched no run is an error of its own; an empty
        // wildcard or status filter is not.
        var listed = indexed.Runs.Map(r => new RunEntry(r.Entry.Directory, System.IO.Path.Combine(root, r.Entry.Directory), r.Entry.Key, r.Entry.Id, r.Entry.Created)).Strict();
        foreach (var name in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            if (!matches.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Key, name, StringComparison.OrdinalIgnoreCase)))
                WriteFailure(new RunNotFound(name, root, RunLookup.NearMatches(name, listed)), name);
        foreach (var id in Id.Where(i => !WildcardPattern.ContainsWildcardCharacters(i)))
            if (!matches.Any(r => r.Id.ToString().StartsWith(id, StringComparison.OrdinalIgnoreCase)))
                WriteFailure(new RunNotFound(id, root), id);
    }

    /// <summary>-Filter over the run's index row; a script that throws is an error naming the run, and the run is left
    /// out.</summary>
    bool PassesFilter(IndexedRun run)
    {
        if (Filter is null) return true;
        try
        {
            var row = RunIndexRow.Of(run);
            var result = Filter.InvokeWithContext(null, [new PSVariable("_", row), new PSVariable("PSItem", row)]);
            return result.Count > 0 && result.Any(LanguagePrimitives.IsTrue);
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            WriteFailure(new RunFilterFailed(run.Entry.Directory, e.Message), run.Entry.Directory);
            return false;
        }
    }

    /// <summary>-Param's pairs, the values as PowerShell typed them.</summary>
    Seq<(string Key, object? Value)> ParamFilters() =>
        Param is null
            ? Seq<(string, object?)>()
            : toSeq(Param.Keys.Cast<object>().Select(k => (k.ToString()!, Param[k] is PSObject p ? p.BaseObject : Param[k])).ToArray());

    void ReportIndexing(int done, int total)
    {
        // Progress only when there is enough to wait for: a rebuilt index, many runs written by another tool.
        if (total < ProgressFrom || (done != total && done % Math.Max(1, total / 100) != 0)) return;
        WriteProgress(new ProgressRecord(IndexProgressId, "Get-Run: indexing runs", $"{done:N0} of {total:N0} run(s) read")
        {
            PercentComplete = (int)(100L * done / total),
            RecordType = done == total ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
    }

    const int ProgressFrom = 50, IndexProgressId = 11;

    readonly CancellationTokenSource stopping = new();

    protected override void StopProcessing() => stopping.Cancel();

    static RunInfo Info(RunManifest m, string path)
    {
        var (status, live) = RunStore.Observe(m with { Path = path }, Liveness.DefaultStaleAfter);
        return RunInfo.Of(m, path, status, live, RunFreshness.Of(m with { Path = path }));
    }

    /// <summary>One run, whatever happens reading it: a damaged run (or a fault nobody anticipated while reading it) is
    /// an error of its own, and the other runs are still listed.</summary>
    static Fin<RunInfo> Read(string path) =>
        Guarded(path, () => RunStore.Read(path).Map(m =>
        {
            var (status, live) = RunStore.Observe(m, Liveness.DefaultStaleAfter);
            return RunInfo.Of(m, m.Path!, status, live, RunFreshness.Of(m));
        }));
}
