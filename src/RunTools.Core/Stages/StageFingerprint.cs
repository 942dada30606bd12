using System.Security.Cryptography;
using System.Text;
using RunTools.Config;
using RunTools.Manifests;

namespace RunTools.Stages;

/// <summary>What a stage's fingerprint is made of: each part names one thing the stage uses.</summary>
public static class FingerprintKinds
{
    /// <summary>The script block's text (its hash) or the command line; one per stage, named "".</summary>
    public const string Command = "command";

    /// <summary>A declared input file, by its recorded path.</summary>
    public const string Input = "input";

    /// <summary>One of the run's data files (New-Run -DataPath), by the path it was given as.</summary>
    public const string Data = "data";

    /// <summary>A stage this one depends on (its name, or <c>run:stage</c> for another run's), by the hash of its outputs.</summary>
    public const string Upstream = "upstream";

    /// <summary>A variable the script block reads from outside itself (found in its syntax tree).</summary>
    public const string Variable = "variable";

    /// <summary>An explicit parameter (Invoke-RunStage -Parameter).</summary>
    public const string Parameter = "parameter";

    /// <summary>A config key the stage reads (a dotted key; "" is the whole config).</summary>
    public const string Config = "config";

    /// <summary>Every kind, in the order a stage record lists what changed.</summary>
    public static readonly Seq<string> Order = Seq(Command, Input, Data, Upstream, Variable, Parameter, Config);
}

/// <summary>One thing a stage uses and the hash of its value.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the value's canonical form; null when the value cannot be
/// fingerprinted (a live object, a script block), which always makes the stage run.</param>
/// <param name="Unhashable">Why the value could not be fingerprinted (its type), when <paramref name="Sha256"/> is null.</param>
public sealed record FingerprintPart(string Kind, string Name, string? Sha256, string? Unhashable = null)
{
    /// <summary>How a reason names the part: <c>$threshold</c>, <c>config key evaluate.threshold</c>, ...</summary>
    public string Label => Kind switch
    {
        FingerprintKinds.Command => "the stage's command",
        FingerprintKinds.Variable => "$" + Name,
        FingerprintKinds.Config => Name.Length == 0 ? "the whole config" : Name,
        _ => Name,
    };

    /// <summary>A value fingerprinted by the canonical text of its config form.</summary>
    public static FingerprintPart Of(string kind, string name, ConfigValue value) => new(kind, name, ConfigJson.Sha256(value));

    /// <summary>The part for a config key as the config has it now (absent keys have their own hash: a key the stage
    /// looked for and did not find changes the stage when it appears).</summary>
    public static FingerprintPart ConfigKey(ConfigValue config, string key) =>
        new(FingerprintKinds.Config, key, ConfigPaths.Get(config, key).Match(ConfigJson.Sha256, () => Absent));

    /// <summary>The hash of a value that is not there (an unset variable, a config key that does not exist).</summary>
    public const string Absent = "absent";

    /// <summary>The hash of a list of files (a stage's outputs): their paths and content hashes, sorted by path.</summary>
    public static string FilesHash(Seq<FileHash> files) =>
        Hash(string.Concat(files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => $"{f.Path}\0{f.Sha256}\n")));

    internal static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>
/// A stage's fingerprint: everything the stage uses, each part hashed. Two attempts with equal fingerprints did the
/// same work, so the later one may be skipped (same run) or served from the earlier one's outputs (another run).
/// Config keys read through <c>$Run.Config</c> are known only once the stage has run: they are added when it ends and
/// checked against the config the next attempt would see; <see cref="Key"/> leaves them out, so it can be computed
/// before the stage runs and looked up in the stage cache.
/// </summary>
public sealed record StageFingerprint(Seq<FingerprintPart> Parts)
{
    public static readonly StageFingerprint Empty = new(Seq<FingerprintPart>());

    /// <summary>Whether every part could be fingerprinted: only then can the stage be skipped or reused.</summary>
    public bool IsComplete => Parts.ForAll(p => p.Sha256 is not null);

    /// <summary>The parts known before the stage runs (all but the config keys it reads).</summary>
    public Seq<FingerprintPart> Static => Parts.Filter(p => p.Kind != FingerprintKinds.Config);

    public Seq<FingerprintPart> ConfigKeys => Parts.Filter(p => p.Kind == FingerprintKinds.Config);

    /// <summary>SHA-256 over the static parts, sorted: the stage cache's key.</summary>
    public string Key => FingerprintPart.Hash(string.Concat(Static
        .OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
        .Select(p => $"{p.Kind}\0{p.Name}\0{p.Sha256 ?? "?"}\n")));

    /// <summary>The fingerprint with more config keys (those the stage read while it ran); a key already present is
    /// kept once.</summary>
    public StageFingerprint WithConfigKeys(Seq<FingerprintPart> read) =>
        new(Parts.Concat(read.Filter(r => !Parts.Exists(p => p.Kind == r.Kind && p.Name == r.Name)).Distinct()).Strict());

    /// <summary>The parts whose value cannot be fingerprinted.</summary>
    public Seq<FingerprintPart> Unhashable => Parts.Filter(p => p.Sha256 is null);

    /// <summary>What differs between a recorded fingerprint and the one a new attempt would have, as a reason:
    /// "variables changed: $threshold; config changed: evaluate.threshold". The config keys the recorded attempt read
    /// are compared with <paramref name="config"/> (the config the new attempt sees). Null when nothing differs.</summary>
    public static string? Changes(StageFingerprint recorded, StageFingerprint now, ConfigValue config)
    {
        var differ = new List<FingerprintPart>();
        // A part without a hash is not a change but a value nobody can compare: the caller says so (see Unhashable).
        foreach (var part in now.Static.Filter(p => p.Sha256 is not null))
            if (recorded.Static.Find(r => r.Kind == part.Kind && r.Name == part.Name).Case is not FingerprintPart r || r.Sha256 != part.Sha256)
                differ.Add(part);
        foreach (var gone in recorded.Static.Filter(r => !now.Static.Exists(p => p.Kind == r.Kind && p.Name == r.Name)))
            differ.Add(gone);
        // Config keys: what the recorded attempt read, as the config has it now (and any the new attempt declares).
        var keys = recorded.ConfigKeys.Concat(now.ConfigKeys.Filter(k => !recorded.ConfigKeys.Exists(r => r.Name == k.Name)));
        foreach (var key in keys)
        {
            var current = FingerprintPart.ConfigKey(config, key.Name);
            var before = recorded.ConfigKeys.Find(r => r.Name == key.Name).Map(r => r.Sha256).IfNoneUnsafe((string?)null);
            if (before != current.Sha256) differ.Add(current);
        }
        return Describe(toSeq(differ));
    }

    /// <summary>"inputs changed: a, b; variables changed: $x" (each kind once, in <see cref="FingerprintKinds.Order"/>).</summary>
    public static string? Describe(Seq<FingerprintPart> parts)
    {
        if (parts.IsEmpty) return null;
        var groups = FingerprintKinds.Order
            .Map(kind => (Kind: kind, Labels: parts.Filter(p => p.Kind == kind).Map(p => p.Label).Distinct().ToArray()))
            .Filter(g => g.Labels.Length > 0)
            .Map(g => g.Kind == FingerprintKinds.Command
                ? "the stage's command changed"
                : $"{Plural(g.Kind)} changed: {string.Join(", ", g.Labels)}");
        return string.Join("; ", groups);
    }

    static string Plural(string kind) => kind switch
    {
        FingerprintKinds.Input => "inputs",
        FingerprintKinds.Data => "data",
        FingerprintKinds.Upstream => "upstream stages",
        FingerprintKinds.Variable => "variables",
        FingerprintKinds.Parameter => "parameters",
        FingerprintKinds.Config => "config",
        _ => kind,
    };
}
