using System.Management.Automation;
using System.Management.Automation.Language;

namespace RunTools.Module.Completion;

/// <summary>
/// The word a user is completing, as a completer must read it: without the quotes the user may have opened (and
/// closed), as a case-insensitive prefix pattern in which the user's own <c>*</c> and <c>?</c> are wildcards, and
/// with the quote the user chose, which the completions keep. Pure: no session, no disk.
/// </summary>
public sealed class CompletionWord
{
    readonly WildcardPattern pattern;

    CompletionWord(string text, char? quote)
    {
        Text = text;
        Quote = quote;
        pattern = new WildcardPattern(EscapeBrackets(text) + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
    }

    /// <summary>What the user typed, without surrounding quotes.</summary>
    public string Text { get; }

    /// <summary>The quote the user opened the word with (' or "), or null.</summary>
    public char? Quote { get; }

    /// <summary>Whether the user typed a wildcard (* or ?).</summary>
    public bool HasWildcard => Text.IndexOfAny(['*', '?']) >= 0;

    public static CompletionWord Parse(string? wordToComplete)
    {
        var word = wordToComplete ?? "";
        if (word.Length == 0 || !IsQuote(word[0])) return new CompletionWord(word, null);
        var quote = IsSingleQuote(word[0]) ? '\'' : '"';
        var body = word[1..];
        if (body.Length > 0 && IsQuote(body[^1]) && IsSingleQuote(body[^1]) == (quote == '\'')) body = body[..^1];
        body = quote == '\'' ? body.Replace("''", "'") : body.Replace("`\"", "\"").Replace("`$", "$").Replace("``", "`");
        return new CompletionWord(body, quote);
    }

    /// <summary>Whether a candidate starts with the word (the word's * and ? as wildcards), ignoring case.</summary>
    public bool Matches(string candidate) => pattern.IsMatch(candidate);

    /// <summary>The text that replaces the word: the value, in the user's quotes, or in single quotes when PowerShell
    /// would not read the bare value back as that one string (spaces, $, commas, a leading '-' or digit, ...).</summary>
    public string CompletionTextFor(string value) => Quote switch
    {
        '"' => "\"" + value.Replace("`", "``").Replace("\"", "`\"").Replace("$", "`$") + "\"",
        '\'' => SingleQuoted(value),
        _ => NeedsQuotes(value) ? SingleQuoted(value) : value,
    };

    /// <summary>The value in single quotes, each single quote (any of PowerShell's four) doubled.</summary>
    public static string SingleQuoted(string value)
    {
        var escaped = new System.Text.StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            if (IsSingleQuote(c)) escaped.Append(c);
            escaped.Append(c);
        }
        return escaped.Append('\'').ToString();
    }

    /// <summary>Whether a bare value would not reach the parameter as itself: PowerShell's parser decides, reading it
    /// as a command argument; only a bare word that is exactly the value needs no quotes.</summary>
    public static bool NeedsQuotes(string value)
    {
        if (value.Length == 0) return true;
        var ast = Parser.ParseInput("x " + value, out _, out var errors);
        if (errors.Length > 0 || ast.EndBlock?.Statements.Count != 1) return true;
        if (ast.EndBlock.Statements[0] is not PipelineAst { PipelineElements.Count: 1 } pipeline) return true;
        if (pipeline.PipelineElements[0] is not CommandAst { CommandElements.Count: 2 } command) return true;
        return command.CommandElements[1] is not StringConstantExpressionAst { StringConstantType: StringConstantType.BareWord } bare
               || bare.Value != value;
    }

    static bool IsQuote(char c) => IsSingleQuote(c) || IsDoubleQuote(c);

    static bool IsSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201a' or '\u201b';

    static bool IsDoubleQuote(char c) => c is '"' or '\u201c' or '\u201d' or '\u201e';

    /// <summary>Brackets are literal in run names and paths; only * and ? are the user's wildcards.</summary>
    static string EscapeBrackets(string text) =>
        text.Replace("`", "``").Replace("[", "`[").Replace("]", "`]");
}
