using System.Text;
using System.Text.RegularExpressions;
using RunTools.Domain;

namespace RunTools.Config;

/// <summary>
/// Which config keys (and environment variable names) look like secrets. A key is split into words (at every
/// character that is not a letter or digit, such as <c>.</c>, <c>_</c>, <c>-</c>, <c>[</c>, and at camelCase and
/// letter/digit boundaries; compared case-insensitively): <c>db.password</c> is db·password, <c>apiKey</c> api·key,
/// <c>aws_secret_access_key</c> aws·secret·access·key, <c>APIKey2</c> api·key·2. A pattern is split the same way
/// (<c>*</c> and <c>?</c> are wildcards inside a word), and a key matches when its words contain the pattern's words
/// one after the other. So the pattern <c>key</c> matches <c>api_key</c> and <c>apiKey</c> but not <c>monkey</c> or
/// <c>keys</c>; <c>private_key</c> matches <c>ssh.privateKey</c>; <c>pass*</c> matches <c>passwd</c>.
/// Build it with <see cref="Of"/> or <see cref="Parse"/>; <see cref="Default"/> has <see cref="DefaultPatterns"/>.
/// </summary>
public sealed record SecretKeyPattern
{
    /// <summary>The words RunTools treats as secret unless told otherwise.</summary>
    public static readonly Seq<string> DefaultPatterns = Seq(
        "password", "passwd", "passphrase", "pwd", "secret", "secrets", "token", "key", "apikey", "credential", "credentials");

    public static readonly SecretKeyPattern Default = new(DefaultPatterns, DefaultPatterns.Map(p => Compile(WordsOf(p, wildcards: true))));

    private readonly Seq<Seq<Regex>> compiled;

    private SecretKeyPattern(Seq<string> patterns, Seq<Seq<Regex>> compiled)
    {
        Patterns = patterns;
        this.compiled = compiled;
    }

    /// <summary>The patterns as given.</summary>
    public Seq<string> Patterns { get; }

    public bool Equals(SecretKeyPattern? other) => other is not null && Patterns.Equals(other.Patterns);

    public override int GetHashCode() => Patterns.GetHashCode();

    public override string ToString() => string.Join(", ", Patterns);

    /// <summary>Patterns of letters, digits, the wildcards <c>*</c> and <c>?</c>, and separators (<c>. _ -</c>); each
    /// must have at least one word. No patterns at all is allowed: then no key looks like a secret.</summary>
    public static Fin<SecretKeyPattern> Of(Seq<string> patterns) =>
        patterns.Map(p => Check(p).Map(words => (Pattern: p, Words: words))).Sequence()
            .Map(checkedPatterns => new SecretKeyPattern(checkedPatterns.Map(c => c.Pattern), checkedPatterns.Map(c => Compile(c.Words))));

    /// <summary>A list of patterns separated by commas, semicolons or white space (the form of
    /// <c>RUNTOOLS_SECRET_KEYS</c>).</summary>
    public static Fin<SecretKeyPattern> Parse(string list) =>
        Of(toSeq(list.Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)));

    /// <summary>Whether a key (a dotted config key such as <c>db.password</c> or <c>servers[0].apiKey</c>, or an
    /// environment variable name) looks like a secret.</summary>
    public bool Matches(string key)
    {
        var words = WordsOf(key, wildcards: false).ToArray();
        return compiled.Exists(pattern =>
            Enumerable.Range(0, Math.Max(0, words.Length - pattern.Count + 1))
                .Any(start => pattern.Select((regex, i) => regex.IsMatch(words[start + i])).All(match => match)));
    }

    /// <summary>The words of a key, lower-case: split at every character that is not a letter or digit, between a
    /// lower-case letter and an upper-case one (<c>apiKey</c>), before the last capital of a run of capitals followed
    /// by a lower-case letter (<c>APIKey</c>: api, key), and between letters and digits (<c>key2</c>: key, 2).</summary>
    public static Seq<string> Words(string key) => WordsOf(key, wildcards: false);

    /// <summary>The environment variable name a key's value could come from: its words in capitals joined by '_'
    /// (<c>db.password</c> → <c>DB_PASSWORD</c>, <c>apiKey</c> → <c>API_KEY</c>).</summary>
    public static string VariableNameFor(string key) =>
        WordsOf(key, wildcards: false) is { IsEmpty: false } words ? string.Join("_", words).ToUpperInvariant() : "SECRET";

    private static Seq<string> WordsOf(string text, bool wildcards)
    {
        bool IsWordChar(char c) => char.IsLetterOrDigit(c) || (wildcards && c is '*' or '?');
        var words = new List<string>();
        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length > 0) words.Add(word.ToString().ToLowerInvariant());
            word.Clear();
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsWordChar(c))
            {
                Flush();
                continue;
            }
            if (word.Length > 0)
            {
                var previous = text[i - 1];
                var next = i + 1 < text.Length ? text[i + 1] : '\0';
                var boundary =
                    (char.IsLower(previous) && char.IsUpper(c))
                    || (char.IsUpper(previous) && char.IsUpper(c) && char.IsLower(next))
                    || (char.IsLetter(previous) && char.IsDigit(c))
                    || (char.IsDigit(previous) && char.IsLetter(c));
                if (boundary) Flush();
            }
            word.Append(c);
        }
        Flush();
        return toSeq(words);
    }

    private static Fin<Seq<string>> Check(string pattern)
    {
        var bad = pattern.FirstOrDefault(c => !(char.IsLetterOrDigit(c) || c is '*' or '?' or '.' or '_' or '-'));
        if (bad != default)
            return FinFail<Seq<string>>(new SecretKeyPatternInvalid(pattern, $"'{bad}' is not allowed (use letters, digits, the wildcards * and ?, and . _ - between words)"));
        var words = WordsOf(pattern, wildcards: true);
        return words.IsEmpty
            ? FinFail<Seq<string>>(new SecretKeyPatternInvalid(pattern, "it has no word"))
            : FinSucc(words);
    }

    private static Seq<Regex> Compile(Seq<string> words) =>
        words.Map(w => new Regex(
            "\\A" + Regex.Escape(w).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "\\z",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Singleline)).Strict();
}
