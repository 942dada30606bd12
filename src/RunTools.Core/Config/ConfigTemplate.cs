using System.Text;
using System.Text.RegularExpressions;
using RunTools.Domain;

namespace RunTools.Config;

/// <summary>A piece of a config string: literal text, or a reference to an environment variable.</summary>
public abstract record TemplatePart
{
    private protected TemplatePart() { }
}

/// <summary>Literal text, escapes already resolved (<c>$${</c> is here <c>${</c>).</summary>
public sealed record TextPart(string Text) : TemplatePart;

/// <summary><c>${env:NAME}</c>: the value of the environment variable NAME.</summary>
public sealed record EnvReference(string Variable) : TemplatePart
{
    /// <summary>How a run records the reference: <c>env:NAME</c>.</summary>
    public string Reference => "env:" + Variable;
}

/// <summary>
/// A config string as text and references: <c>"postgres://u:${env:DB_PASSWORD}@host/db"</c> is the text
/// <c>postgres://u:</c>, the reference to <c>DB_PASSWORD</c> and the text <c>@host/db</c>. A reference is
/// <c>${env:NAME}</c> with NAME made of letters, digits and '_'; <c>$${</c> is a literal <c>${</c>. Any other
/// <c>${</c> is an error (it is most likely a reference written wrongly, which must not pass as text).
/// </summary>
public sealed record ConfigTemplate(Seq<TemplatePart> Parts)
{
    private static readonly Regex VariableName = new(@"\A[A-Za-z0-9_]+\z", RegexOptions.CultureInvariant);

    public Seq<EnvReference> References => Parts.Choose(p => p is EnvReference r ? Some(r) : None);

    public bool HasReferences => Parts.Exists(p => p is EnvReference);

    /// <summary>The string with every reference replaced by <paramref name="value"/> of it and escapes resolved.</summary>
    public string Expand(Func<EnvReference, string> value) =>
        string.Concat(Parts.Map(p => p switch
        {
            EnvReference r => value(r),
            TextPart t => t.Text,
            _ => "",
        }));

    /// <summary>Splits a config string into text and references.</summary>
    /// <param name="key">The config key the string is at, for the error.</param>
    public static Fin<ConfigTemplate> Parse(string key, string text)
    {
        // Fast path: most strings have no '$' at all.
        if (!text.Contains("${", StringComparison.Ordinal))
            return new ConfigTemplate(text.Length == 0 ? Seq<TemplatePart>() : Seq1<TemplatePart>(new TextPart(text)));

        var parts = new List<TemplatePart>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (string.CompareOrdinal(text, i, "$${", 0, 3) == 0)
            {
                literal.Append("${");
                i += 3;
                continue;
            }
            if (string.CompareOrdinal(text, i, "${", 0, 2) != 0)
            {
                literal.Append(text[i]);
                i++;
                continue;
            }
            var close = text.IndexOf('}', i + 2);
            var position = i + 1;
            if (close < 0)
                return Invalid(key, position, "'${' is not closed by '}'");
            var inner = text[(i + 2)..close];
            if (!inner.StartsWith("env:", StringComparison.Ordinal))
                return Invalid(key, position, "only environment variables can be referenced, as ${env:NAME}");
            if (!VariableName.IsMatch(inner[4..]))
                return Invalid(key, position, inner.Length == 4 ? "the variable name is empty" : "the variable name has a character other than a letter, digit or '_'");
            if (literal.Length > 0)
            {
                parts.Add(new TextPart(literal.ToString()));
                literal.Clear();
            }
            parts.Add(new EnvReference(inner[4..]));
            i = close + 1;
        }
        if (literal.Length > 0) parts.Add(new TextPart(literal.ToString()));
        return new ConfigTemplate(toSeq(parts));
    }

    private static Fin<ConfigTemplate> Invalid(string key, int position, string detail) =>
        FinFail<ConfigTemplate>(new SecretReferenceInvalid(key, position, detail));
}
