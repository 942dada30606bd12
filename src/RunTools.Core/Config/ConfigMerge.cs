using RunTools.Domain;

namespace RunTools.Config;

/// <summary>Layering configs: defaults, then files, then overrides.</summary>
public static class ConfigMerge
{
    /// <summary>
    /// <paramref name="over"/> laid on <paramref name="base"/>. Two maps merge key by key, deeply: keys keep the base's
    /// order and keys only <paramref name="over"/> has are appended in its order. Anything else is replaced by
    /// <paramref name="over"/>: a list replaces a list (no concatenation), a map replaces a scalar, a scalar replaces a
    /// map, and an explicit null sets null.
    /// </summary>
    public static ConfigValue Merge(ConfigValue @base, ConfigValue over) =>
        (@base, over) switch
        {
            (ConfigMap b, ConfigMap o) => MergeMaps(b, o),
            _ => over,
        };

    /// <summary>Key by key through dictionaries, so two maps of n and m keys merge in O(n + m), not O(n × m).</summary>
    private static ConfigMap MergeMaps(ConfigMap @base, ConfigMap over)
    {
        if (over.Entries.IsEmpty) return @base;
        if (@base.Entries.IsEmpty) return over;
        var overValues = new Dictionary<string, ConfigValue>(over.Entries.Count, StringComparer.Ordinal);
        foreach (var e in over.Entries) overValues[e.Key] = e.Value;
        var baseKeys = new System.Collections.Generic.HashSet<string>(@base.Entries.Map(e => e.Key), StringComparer.Ordinal);
        var merged = new List<ConfigEntry>(@base.Entries.Count + over.Entries.Count);
        foreach (var e in @base.Entries)
            merged.Add(overValues.TryGetValue(e.Key, out var v) ? e with { Value = Merge(e.Value, v) } : e);
        foreach (var e in over.Entries)
            if (!baseKeys.Contains(e.Key)) merged.Add(e);
        return new ConfigMap(toSeq(merged.ToArray()));
    }

    /// <summary>
    /// Sets each override's path in order (later ones win), creating missing maps on the way. A path that runs
    /// through an existing value that is not a map (including null) is a <see cref="ConfigPathConflict"/>.
    /// </summary>
    public static Fin<ConfigValue> Apply(ConfigValue root, Seq<ConfigOverride> overrides) =>
        overrides.Fold(FinSucc(root), (acc, o) => acc.Bind(current => Set(current, o)));

    /// <summary>The layers merged left to right (the first is the base; none gives an empty map), then the overrides.</summary>
    public static Fin<ConfigValue> Resolve(Seq<ConfigValue> layers, Seq<ConfigOverride> overrides) =>
        Apply(layers.Fold((ConfigValue)ConfigMap.Empty, Merge), overrides);

    private static Fin<ConfigValue> Set(ConfigValue root, ConfigOverride o) =>
        o.Path.IsEmpty
            ? FinFail<ConfigValue>(new ConfigPathConflict(o.Text, "the override has an empty key"))
            : SetAt(root, o.Path, Seq<string>(), o);

    private static Fin<ConfigValue> SetAt(ConfigValue node, Seq<string> path, Seq<string> walked, ConfigOverride o)
    {
        if (node is not ConfigMap map)
            return FinFail<ConfigValue>(new ConfigPathConflict(o.Key, walked.IsEmpty
                ? $"the config root is {Kind(node)}, not a map"
                : $"'{Excerpt.Of(string.Join(".", walked))}' is {Kind(node)}, not a map"));

        var key = path.Head;
        return path.Tail.IsEmpty
            ? FinSucc<ConfigValue>(map.With(key, o.Value))
            : SetAt(map.Find(key).IfNone(ConfigMap.Empty), path.Tail, walked.Add(key), o)
                .Map(child => (ConfigValue)map.With(key, child));
    }

    internal static string Kind(ConfigValue value) => value switch
    {
        ConfigNull => "null",
        ConfigBool b => $"the boolean {b.Display}",
        ConfigInt i => $"the integer {i.Display}",
        ConfigFloat f => $"the float {f.Display}",
        ConfigString s => $"the string '{Excerpt.Of(s.Value)}'",
        ConfigList => "a list",
        _ => "a map",
    };
}
