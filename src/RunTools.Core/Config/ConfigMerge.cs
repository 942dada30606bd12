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

    private static ConfigMap MergeMaps(ConfigMap @base, ConfigMap over)
    {
        var baseKeys = toHashSet(@base.Entries.Map(e => e.Key));
        return new ConfigMap(
            @base.Entries.Map(e => over.Find(e.Key).Match(Some: v => e with { Value = Merge(e.Value, v) }, None: () => e))
            + over.Entries.Filter(e => !baseKeys.Contains(e.Key)));
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
