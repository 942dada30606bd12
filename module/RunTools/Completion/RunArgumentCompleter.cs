using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace RunTools.Module.Completion;

/// <summary>One value a completer offers: the value itself, its tool tip, what the list shows (default: the value), and
/// another text the word may begin instead of the value (a run's key for its name, a file's name for its path).</summary>
public sealed record Candidate(string Value, string ToolTip, string? ListItem = null, string? AlsoMatches = null);

/// <summary>
/// What every RunTools completer shares: the word is unquoted and matched as a prefix (the user's * and ? as
/// wildcards), each value is quoted when PowerShell needs it, and nothing a completer meets ever escapes: a completer
/// that throws breaks Tab, so a failure completes nothing. An empty list means "nothing to offer" (PowerShell then
/// offers nothing either); only a word a completer hands on (<see cref="LeaveToFileCompletion"/>) gets file names.
/// </summary>
public abstract class RunArgumentCompleter : IArgumentCompleter
{
    /// <summary>Enough for any list a user reads; a root with more runs is cut, newest first.</summary>
    const int MaxResults = 500;

    public IEnumerable<CompletionResult>? CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var word = CompletionWord.Parse(wordToComplete);
            if (LeaveToFileCompletion(word)) return null;
            var scope = new CompletionScope(parameterName, fakeBoundParameters, commandAst);
            var seen = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
            var results = new List<CompletionResult>();
            foreach (var candidate in Candidates(scope, word))
            {
                if (results.Count == MaxResults) break;
                if (!Accept(word, candidate) || !seen.Add(candidate.Value)) continue;
                results.Add(new CompletionResult(word.CompletionTextFor(candidate.Value), candidate.ListItem ?? candidate.Value,
                    CompletionResultType.ParameterValue, candidate.ToolTip.Length > 0 ? candidate.ToolTip : candidate.Value));
            }
            return results;
        }
        catch (Exception)
        {
            return [];
        }
    }

    /// <summary>Whether PowerShell's file completion should complete the word instead (a completer that returns
    /// null hands the word on; an empty list completes nothing).</summary>
    protected virtual bool LeaveToFileCompletion(CompletionWord word) => false;

    /// <summary>The values to offer, in the order to offer them; they are filtered by the word.</summary>
    protected abstract IEnumerable<Candidate> Candidates(CompletionScope scope, CompletionWord word);

    /// <summary>A candidate is offered when the word begins its value (or its other text).</summary>
    static bool Accept(CompletionWord word, Candidate candidate) =>
        word.Matches(candidate.Value) || (candidate.AlsoMatches is { } also && word.Matches(also));

    internal static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    internal static string Number(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
