using System.Management.Automation;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Lists runs under a root (filtered by name, id or status) or reads specific run directories.</summary>
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

    [Parameter(ParameterSetName = ByRoot)]
    public RunStatus[] Status { get; set; } = [];

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
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        var matches = new List<RunInfo>();
        var listing = new List<RunInfo>();
        foreach (var directory in RunStore.List(root))
        {
            var dirName = System.IO.Path.GetFileName(directory);
            if (!Succeeded(Read(directory), out var run, directory)) continue;
            listing.Add(run);
            if (patterns.Length > 0 && !patterns.Any(p => p.IsMatch(dirName) || p.IsMatch(run.Key))) continue;
            if (Id.Length > 0 && !Id.Any(id => run.Id.ToString().StartsWith(id, StringComparison.OrdinalIgnoreCase))) continue;
            if (Status.Length > 0 && !Status.Any(s => s.ToString() == run.Status)) continue;
            matches.Add(run);
        }
        // Oldest first by creation time (directory names sort "-10" before "-2").
        WriteObject(matches.OrderBy(r => r.CreatedAt).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray(), enumerateCollection: true);
        // Like Get-Item: each name or id given without wildcards that matched no run is an error of its own; an empty
        // wildcard or status filter is not.
        var listed = toSeq(listing.Select(r => new RunEntry(r.Name, r.Path, r.Key, r.Id, r.CreatedAt)).ToArray());
        foreach (var name in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            if (!matches.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Key, name, StringComparison.OrdinalIgnoreCase)))
                WriteFailure(new RunNotFound(name, root, RunLookup.NearMatches(name, listed)), name);
        foreach (var id in Id.Where(i => !WildcardPattern.ContainsWildcardCharacters(i)))
            if (!matches.Any(r => r.Id.ToString().StartsWith(id, StringComparison.OrdinalIgnoreCase)))
                WriteFailure(new RunNotFound(id, root), id);
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
