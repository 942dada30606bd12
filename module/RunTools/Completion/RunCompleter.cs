namespace RunTools.Module.Completion;

/// <summary>
/// Runs under the root in scope (-Root, else $env:RUNTOOLS_ROOT, else ./runs), for -Run and Get-Run -Name: keys first
/// (a key names its latest run), then run names newest first (a name is also offered for a word that begins its key),
/// then, for a word that begins an id, the ids it begins. The tool tip gives the run's recorded status, creation time
/// and id. A word that is a path (it has a separator, or starts with '.' or '~') is left to PowerShell's file
/// completion, since -Run takes a run directory's path too.
/// </summary>
public sealed class RunCompleter : RunArgumentCompleter
{
    protected override bool LeaveToFileCompletion(CompletionWord word) => RunCandidates.IsPath(word.Text);

    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, CompletionWord word) =>
        RunCandidates.Keys(scope).Concat(RunCandidates.Names(scope)).Concat(RunCandidates.Ids(scope, word));
}

/// <summary>The keys of the runs under the root in scope (Remove-Run -Key).</summary>
public sealed class RunKeyCompleter : RunArgumentCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, CompletionWord word) => RunCandidates.Keys(scope);
}

/// <summary>The ids of the runs under the root in scope (Get-Run -Id), matched by their leading characters.</summary>
public sealed class RunIdCompleter : RunArgumentCompleter
{
    protected override IEnumerable<Candidate> Candidates(CompletionScope scope, CompletionWord word) =>
        scope.Runs.Select(r => new Candidate(r.Id.ToString(), RunCandidates.Describe(r), $"{r.Id} ({r.Name})"));
}

static class RunCandidates
{
    public static bool IsPath(string text) =>
        text.IndexOfAny(['/', '\\']) >= 0 || text.StartsWith('.') || text.StartsWith('~') || Path.IsPathRooted(text);

    public static IEnumerable<Candidate> Keys(CompletionScope scope) =>
        scope.Runs.GroupBy(r => r.Key, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new Candidate(g.Key, g.Count() == 1
                ? $"Key of one run: {Describe(g.First())}"
                : $"Key of {g.Count()} runs; the latest: {Describe(g.First())}"));

    public static IEnumerable<Candidate> Names(CompletionScope scope) =>
        scope.Runs.Select(r => new Candidate(r.Name, Describe(r), AlsoMatches: r.Key));

    /// <summary>Ids only for a word that can begin one (hex digits and dashes): a name's prefix is not an id's.</summary>
    public static IEnumerable<Candidate> Ids(CompletionScope scope, CompletionWord word) =>
        word.Text.Length > 0 && word.Text.All(c => Uri.IsHexDigit(c) || c == '-')
            ? scope.Runs.Select(r => new Candidate(r.Id.ToString(), Describe(r), $"{r.Id} ({r.Name})"))
            : [];

    public static string Describe(RunChoice run) =>
        $"{run.Name}: {run.Status.ToString().ToLowerInvariant()}, created {RunArgumentCompleter.Time(run.CreatedAt)}, id {run.Id}";
}
