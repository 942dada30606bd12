using System.Security.Cryptography;
using System.Text;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Config;

/// <summary>A config string that refers to environment variables, at its key (<c>db.password</c>,
/// <c>servers[0].url</c>).</summary>
public sealed record SecretUse(string Key, ConfigTemplate Template)
{
    /// <summary>What the run records as the reference: <c>env:DB_PASSWORD</c>; several are joined by ", " in the order
    /// they appear.</summary>
    public string Reference => string.Join(", ", Template.References.Map(r => r.Reference));
}

/// <summary>Replaces known secret values in text with <see cref="Replacement"/>. Values shorter than
/// <see cref="MinimumLength"/> are not masked (masking "1" would garble every log).</summary>
public sealed record SecretMask(Seq<string> Values)
{
    public const int MinimumLength = 4;
    public const string Replacement = "***";

    public static readonly SecretMask None = new(Seq<string>());

    /// <summary>The values worth masking, longest first (so a value that contains another is replaced whole).</summary>
    public static SecretMask Of(IEnumerable<string> values) =>
        new(toSeq(values.Where(v => v.Length >= MinimumLength).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToList()));

    public string Apply(string text) =>
        Values.Fold(text, (t, v) => t.Replace(v, Replacement, StringComparison.Ordinal));

    /// <summary>Never the values themselves.</summary>
    public override string ToString() => $"SecretMask ({Values.Count} value{(Values.Count == 1 ? "" : "s")})";
}

/// <summary>The config a stage sees, with references expanded from the environment it runs in (in memory only), and
/// the mask for the stage's log and errors. <see cref="ConfigSecrets.Changed"/> tells which values are not the ones the
/// run was created with.</summary>
public sealed record StageConfig(ConfigValue Config, SecretMask Mask)
{
    /// <summary>Each use of the environment with its expanded value, in tree order.</summary>
    internal Seq<(SecretUse Use, string Value)> Expanded { get; init; }

    /// <summary>What the run recorded when it was created.</summary>
    internal Seq<SecretRef> Recorded { get; init; }

    /// <summary>Never the expanded values.</summary>
    public override string ToString() => $"StageConfig ({Expanded.Count} value{(Expanded.Count == 1 ? "" : "s")} from the environment)";
}

/// <summary>
/// Secrets in config: values refer to the environment as <c>${env:NAME}</c>; a run records each reference with a
/// salted hash of the value (<see cref="SecretRef"/>), never the value. Keys that look like secrets
/// (<see cref="SecretKeyPattern"/>) may not hold literals unless allowed.
/// </summary>
public static class ConfigSecrets
{
    /// <summary>PBKDF2-HMAC-SHA256 iterations for <see cref="Hash"/>. Part of the recorded hash's meaning: changing it
    /// makes every recorded secret look changed.</summary>
    public const int Iterations = 100_000;

    /// <summary>The size of the random salt the shell passes in for each secret.</summary>
    public const int SaltBytes = 16;

    /// <summary>What <c>-EnvironmentVariable</c> records for a variable that holds a secret.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>
    /// Every string value that refers to the environment, in tree order; and the refusals: a malformed reference
    /// anywhere (<see cref="SecretReferenceInvalid"/>), a literal string (not empty) or number under a key that looks
    /// like a secret (<see cref="SecretLiteral"/>) unless <paramref name="allowLiterals"/>. A string with at least one
    /// reference is not a literal; booleans and null are never secrets. All problems are reported at once.
    /// </summary>
    public static Fin<Seq<SecretUse>> Scan(ConfigValue config, SecretKeyPattern pattern, bool allowLiterals) =>
        Failures.All(Scalars(config).Map(s => Check(s.Key, s.Value, pattern, allowLiterals))).Map(found => found.Somes());

    /// <summary>The recorded form of each use: its reference, the salt (hex) and the salted hash of the expanded
    /// string. Every unset variable is a <see cref="SecretNotFound"/>.</summary>
    /// <param name="environment">The environment variables (only the referenced ones are read).</param>
    /// <param name="salts">One random salt of <see cref="SaltBytes"/> bytes per use, in the same order.</param>
    public static Fin<Seq<SecretRef>> Record(Seq<SecretUse> uses, IReadOnlyDictionary<string, string> environment, Seq<byte[]> salts)
    {
        if (salts.Count != uses.Count || salts.Exists(s => s.Length < SaltBytes))
            throw new ArgumentException($"one salt of at least {SaltBytes} bytes per secret is needed", nameof(salts));
        return Failures.All(uses.Zip(salts).Map(pair => Expand(pair.Item1, environment)
            .Map(value => new SecretRef(pair.Item1.Key, pair.Item1.Reference, Convert.ToHexStringLower(pair.Item2), Hash(value, pair.Item2)))));
    }

    /// <summary>PBKDF2-HMAC-SHA256 of the UTF-8 bytes of <paramref name="value"/> with <paramref name="salt"/>,
    /// <see cref="Iterations"/> iterations, 32 bytes, lower-case hex.</summary>
    public static string Hash(string value, byte[] salt) =>
        Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(value), salt, Iterations, HashAlgorithmName.SHA256, 32));

    /// <summary>Whether <paramref name="value"/> is the value a recorded secret was hashed from.</summary>
    public static bool IsValueOf(SecretRef secret, string value)
    {
        byte[] salt;
        try
        {
            salt = Convert.FromHexString(secret.Salt);
        }
        catch (FormatException)
        {
            return false; // a damaged record cannot vouch for any value
        }
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Hash(value, salt)), Encoding.ASCII.GetBytes(secret.Sha256.ToLowerInvariant()));
    }

    /// <summary>
    /// The config a stage sees: every reference expanded from <paramref name="environment"/> and every <c>$${</c>
    /// turned into <c>${</c>; an unset variable is a <see cref="SecretNotFound"/> (all of them at once).
    /// </summary>
    /// <param name="recorded">The run's <see cref="RunManifest.Secrets"/>, for <see cref="Changed"/>.</param>
    public static Fin<StageConfig> ForStage(ConfigValue config, Seq<SecretRef> recorded, IReadOnlyDictionary<string, string> environment) =>
        from uses in Failures.All(Scalars(config).Map(s => s.Value is ConfigString text
            ? ConfigTemplate.Parse(s.Key, text.Value).Map(t => t.HasReferences ? Some(new SecretUse(s.Key, t)) : None)
            : FinSucc(Option<SecretUse>.None))).Map(found => found.Somes())
        from values in Failures.All(uses.Map(u => Expand(u, environment)))
        from expanded in MapStrings(config, "", (key, text) =>
            ConfigTemplate.Parse(key, text).Bind(t => ExpandTemplate(key, t, environment)).Map(s => (ConfigValue)new ConfigString(s)))
        select new StageConfig(expanded, SecretMask.Of(uses.Bind(u => u.Template.References).Map(r => environment[r.Variable])))
        {
            Expanded = uses.Zip(values),
            Recorded = recorded,
        };

    /// <summary>The keys whose expanded value is not the one the run was created with: each is checked against the hash
    /// recorded for its key (the n-th use of a key against the n-th record of that key; a use without a record is not
    /// checked). Hashing is deliberately slow, so this is asked only when a stage really starts.</summary>
    public static Seq<SecretChanged> Changed(StageConfig stage) => Mismatches(stage.Expanded, stage.Recorded);

    /// <summary>The environment to record with every variable that holds a secret redacted: the ones the config refers
    /// to, and the ones whose names look like secrets (<c>AWS_SECRET_ACCESS_KEY</c>). An unset variable stays null.</summary>
    public static EnvironmentInfo Redact(EnvironmentInfo environment, Seq<SecretUse> uses, SecretKeyPattern pattern)
    {
        // Case-insensitively: on Windows the environment's names are, and redacting one variable too many is harmless.
        var referenced = new System.Collections.Generic.HashSet<string>(
            uses.Bind(u => u.Template.References).Map(r => r.Variable), StringComparer.OrdinalIgnoreCase);
        return environment with
        {
            Variables = environment.Variables.Map(v =>
                v.Value is not null && (referenced.Contains(v.Name) || pattern.Matches(v.Name)) ? v with { Value = Redacted } : v),
        };
    }

    private static Seq<SecretChanged> Mismatches(Seq<(SecretUse Use, string Value)> uses, Seq<SecretRef> recorded) =>
        toSeq(uses.Select((u, i) => (u.Use, u.Value, Occurrence: uses.Take(i).Count(x => x.Use.Key == u.Use.Key))))
            .Choose(u => recorded.Filter(r => r.Key == u.Use.Key).Skip(u.Occurrence).HeadOrNone()
                .Filter(r => !IsValueOf(r, u.Value))
                .Map(r => new SecretChanged(u.Use.Key, r.Reference)));

    private static Fin<Option<SecretUse>> Check(string key, ConfigValue value, SecretKeyPattern pattern, bool allowLiterals) => value switch
    {
        ConfigString s => ConfigTemplate.Parse(key, s.Value).Bind(t =>
            t.HasReferences ? FinSucc(Some(new SecretUse(key, t)))
            : s.Value.Length > 0 && !allowLiterals && pattern.Matches(key) ? Literal(key)
            : FinSucc(Option<SecretUse>.None)),
        ConfigInt or ConfigFloat when !allowLiterals && pattern.Matches(key) => Literal(key),
        _ => FinSucc(Option<SecretUse>.None),
    };

    private static Fin<Option<SecretUse>> Literal(string key) =>
        FinFail<Option<SecretUse>>(new SecretLiteral(key, SecretKeyPattern.VariableNameFor(key)));

    private static Fin<string> Expand(SecretUse use, IReadOnlyDictionary<string, string> environment) =>
        ExpandTemplate(use.Key, use.Template, environment);

    private static Fin<string> ExpandTemplate(string key, ConfigTemplate template, IReadOnlyDictionary<string, string> environment) =>
        Failures.All(template.References.Map(r => r.Variable).Distinct().Map(name => environment.ContainsKey(name)
                ? FinSucc(name)
                : FinFail<string>(new SecretNotFound(key, name))))
            .Map(_ => template.Expand(r => environment[r.Variable]));

    /// <summary>Every scalar and empty collection with its key: map keys joined by '.', list items as
    /// <c>key[i]</c>.</summary>
    private static Seq<(string Key, ConfigValue Value)> Scalars(ConfigValue value, string key = "") => value switch
    {
        ConfigMap m => m.Entries.Bind(e => Scalars(e.Value, Child(key, e.Key))),
        ConfigList l => toSeq(l.Items.Select((item, i) => (item, i))).Bind(x => Scalars(x.item, $"{key}[{x.i}]")),
        _ => Seq1((key, value)),
    };

    private static Fin<ConfigValue> MapStrings(ConfigValue value, string key, Func<string, string, Fin<ConfigValue>> map) => value switch
    {
        ConfigString s => map(key, s.Value),
        ConfigMap m => Failures.All(m.Entries.Map(e => MapStrings(e.Value, Child(key, e.Key), map).Map(v => e with { Value = v })))
            .Map(entries => (ConfigValue)new ConfigMap(entries)),
        ConfigList l => Failures.All(toSeq(l.Items.Select((item, i) => MapStrings(item, $"{key}[{i}]", map))))
            .Map(items => (ConfigValue)new ConfigList(items)),
        _ => FinSucc(value),
    };

    private static string Child(string parent, string key) => parent.Length == 0 ? key : parent + "." + key;
}
