using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Comparison;

/// <summary>One difference (or, with -IncludeEqual, one equality) between a reference run and another run, shaped
/// like Compare-Object's output: <see cref="SideIndicator"/> is <c>==</c> (equal), <c>&lt;&gt;</c> (both have it,
/// values differ), <c>&lt;=</c> (only the reference has it) or <c>=&gt;</c> (only the difference run has it).</summary>
/// <param name="delta">DifferenceValue − ReferenceValue, when both are numbers.</param>
/// <param name="relativeDelta">Delta / |ReferenceValue|, when both are numbers and the reference is not 0.</param>
public sealed class RunDifference(
    string referenceRun,
    string differenceRun,
    string section,
    string key,
    object? referenceValue,
    object? differenceValue,
    double? delta,
    double? relativeDelta,
    string sideIndicator) : IEquatable<RunDifference>
{
    public string ReferenceRun { get; } = referenceRun;
    public string DifferenceRun { get; } = differenceRun;
    public string Section { get; } = section;
    public string Key { get; } = key;
    public object? ReferenceValue { get; } = referenceValue;
    public object? DifferenceValue { get; } = differenceValue;
    public double? Delta { get; } = delta;
    public double? RelativeDelta { get; } = relativeDelta;
    public string SideIndicator { get; } = sideIndicator;

    public override string ToString() => $"{Section}.{Key}";

    object Fields => (ReferenceRun, DifferenceRun, Section, Key, ReferenceValue, DifferenceValue, Delta, RelativeDelta, SideIndicator);
    public bool Equals(RunDifference? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as RunDifference);
    public override int GetHashCode() => Fields.GetHashCode();
}

public static class RunDiff
{
    public const string Equal = "==", Changed = "<>", ReferenceOnly = "<=", DifferenceOnly = "=>";

    /// <summary>The sections, in output order.</summary>
    public static readonly Seq<string> Sections = Seq("run", "config", "data", "features", "inputs", "environment", "git", "stages", "metrics");

    /// <summary>Every difference between two manifests, section by section, in a stable order.</summary>
    public static Seq<RunDifference> Between(RunManifest reference, RunManifest difference, bool includeEqual = false) =>
        Sections.Bind(section => Section(section, reference, difference))
            .Map(row => Row(reference.Name, difference.Name, row.Section, row.Key, row.Ref, row.Diff))
            .Filter(d => includeEqual || d.SideIndicator != Equal);

    sealed record Entry(string Section, string Key, object? Ref, object? Diff);

    static Seq<Entry> Section(string section, RunManifest a, RunManifest b) => Pairs(section, Fields(section, a), Fields(section, b));

    /// <summary>The keys and values of one section of a manifest, as <see cref="Between"/> compares them (config keys
    /// flattened to dotted keys, metrics by their last value, inputs by hash, size, rows and columns), in order.</summary>
    public static Seq<(string Key, object? Value)> Fields(string section, RunManifest m) => section switch
    {
        "run" => RunFields(m),
        "config" => ConfigFields(m),
        "data" => Seq1(("label", (object?)m.Label)),
        "features" => Presence(m.FeatureList.Items),
        "inputs" => InputFields(m),
        "environment" => EnvironmentFields(m.Environment),
        "git" => GitFields(m.Git),
        "stages" => m.Stages.Map(s => (s.Name + ".status", (object?)Lifecycle.Text(s.Status))),
        "metrics" => m.Metrics.Map(x => (x.Name, (object?)x.Last)),
        _ => Seq<(string, object?)>(),
    };

    /// <summary>Joins two keyed lists: the reference's keys in order, then keys only the other run has. A key
    /// missing on one side is null there. A key can occur more than once (<c>{"a.b": 1, a: {b: 2}}</c> flattens to
    /// <c>a.b</c> twice); its occurrences pair up in order.</summary>
    static Seq<Entry> Pairs(string section, Seq<(string Key, object? Value)> a, Seq<(string Key, object? Value)> b)
    {
        var aNumbered = Numbered(a);
        var bNumbered = Numbered(b);
        // Values are stored marked: a LanguageExt map cannot hold null (Find would throw on a present null value).
        var bByKey = bNumbered.Fold(HashMap<(string, int), object>(), (m, kv) => m.AddOrUpdate((kv.Key, kv.Occurrence), Mark(kv.Value)));
        var aKeys = toHashSet(aNumbered.Map(kv => (kv.Key, kv.Occurrence)));
        return aNumbered.Map(kv => new Entry(section, kv.Key, Mark(kv.Value), bByKey.Find((kv.Key, kv.Occurrence)).Match(v => v, () => Missing.Value)))
            .Concat(bNumbered.Filter(kv => !aKeys.Contains((kv.Key, kv.Occurrence))).Map(kv => new Entry(section, kv.Key, Missing.Value, Mark(kv.Value))));
    }

    /// <summary>Each item with how many earlier items have the same key.</summary>
    static Seq<(string Key, int Occurrence, object? Value)> Numbered(Seq<(string Key, object? Value)> items) =>
        items.Fold(
            (Seen: HashMap<string, int>(), Items: Seq<(string Key, int Occurrence, object? Value)>()),
            (acc, kv) =>
            {
                var n = acc.Seen.Find(kv.Key).IfNone(0);
                return (acc.Seen.AddOrUpdate(kv.Key, n + 1), acc.Items.Add((kv.Key, n, kv.Value)));
            }).Items;

    /// <summary>Tells "the key is absent" from "the key is present with a null value".</summary>
    sealed class Missing
    {
        public static readonly Missing Value = new();
    }

    sealed record Present(object? Value);

    static object Mark(object? value) => new Present(value);

    static RunDifference Row(string refName, string diffName, string section, string key, object? refSlot, object? diffSlot)
    {
        var refValue = (refSlot as Present)?.Value;
        var diffValue = (diffSlot as Present)?.Value;
        var side = (refSlot, diffSlot) switch
        {
            (Missing, _) => DifferenceOnly,
            (_, Missing) => ReferenceOnly,
            _ => Same(refValue, diffValue) ? Equal : Changed,
        };
        double? delta = null, relative = null;
        if (side != ReferenceOnly && side != DifferenceOnly && Number(refValue) is { } r && Number(diffValue) is { } d)
        {
            delta = d - r;
            relative = r == 0 ? null : (d - r) / Math.Abs(r);
        }
        return new RunDifference(refName, diffName, section, key, refValue, diffValue, delta, relative, side);
    }

    /// <summary>Whether two values of a key are the same (numbers of one type by value, lists and maps by content).</summary>
    internal static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (Views.ValueList x, Views.ValueList y) => x.Count == y.Count && x.Select((item, i) => Same(item, y[i])).All(same => same),
        // Maps (ConfigPlain gives read-only dictionaries: empty maps are leaves, lists may hold maps) compare by content;
        // key order does not matter, as for the config hash.
        (System.Collections.IDictionary x, System.Collections.IDictionary y) =>
            x.Count == y.Count && x.Keys.Cast<object>().All(k => y.Contains(k) && Same(x[k], y[k])),
        _ => Equals(a, b) || (Number(a) is { } x && Number(b) is { } y && x.Equals(y) && a.GetType() == b.GetType()),
    };

    static double? Number(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        _ => null,
    };

    static Seq<(string, object?)> RunFields(RunManifest m) => Seq<(string, object?)>(
        ("status", Lifecycle.Text(m.Status)),
        ("package_version", m.PackageVersion));

    static Seq<(string, object?)> ConfigFields(RunManifest m) =>
        ConfigPaths.Flatten(m.Config).Map(kv => (kv.Key, ConfigPlain.ToPlain(kv.Value)));

    static Seq<(string, object?)> Presence(Seq<string> names) => names.Map(n => (n, (object?)"present"));

    static Seq<(string, object?)> InputFields(RunManifest m) =>
        m.Inputs.Bind(i => Seq<(string, object?)>(
            ($"{i.Path}.sha256", i.Sha256),
            ($"{i.Path}.bytes", i.Bytes),
            ($"{i.Path}.rows", i.Rows),
            ($"{i.Path}.columns", i.Columns.Sha256)));

    static Seq<(string, object?)> EnvironmentFields(EnvironmentInfo e) =>
        Seq<(string, object?)>(
            ("dotnet", e.DotNetVersion),
            ("powershell", e.PowerShellVersion),
            ("os", e.OperatingSystem),
            ("hostname", e.HostName),
            ("processor_count", (long)e.ProcessorCount))
        .Concat(e.Variables.Map(v => ($"variables.{v.Name}", (object?)v.Value)));

    static Seq<(string, object?)> GitFields(GitState? g) =>
        g is null
            ? Seq<(string, object?)>()
            : Seq<(string, object?)>(("commit", g.Commit), ("branch", g.Branch), ("dirty", g.Dirty));
}
