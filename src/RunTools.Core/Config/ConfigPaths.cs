namespace RunTools.Config;

/// <summary>Dotted keys (<c>model.trees</c>) into a config tree.</summary>
public static class ConfigPaths
{
    /// <summary>
    /// Every leaf with its dotted key, in tree order. Lists and empty maps are leaves; a root that is not a map is one
    /// leaf with the key "". A key that itself contains a dot reads the same as a nested key (<c>{"a.b": 1}</c> and
    /// <c>{a: {b: 1}}</c> both give <c>a.b</c>).
    /// </summary>
    public static Seq<(string Key, ConfigValue Value)> Flatten(ConfigValue root)
    {
        if (root is not ConfigMap map) return Seq1(("", root));
        // Into one list (a config of a million leaves would otherwise build a Seq per map and join them level by level).
        var leaves = new List<(string Key, ConfigValue Value)>();
        foreach (var e in map.Entries) Leaves(e.Key, e.Value, leaves);
        return toSeq(leaves.ToArray());
    }

    private static void Leaves(string key, ConfigValue value, List<(string Key, ConfigValue Value)> leaves)
    {
        if (value is ConfigMap { Entries.IsEmpty: false } map)
            foreach (var e in map.Entries) Leaves(string.Concat(key, ".", e.Key), e.Value, leaves);
        else
            leaves.Add((key, value));
    }

    /// <summary>
    /// The value at a dotted path (the empty path is the root). Each step prefers the nested key; when that does not
    /// lead anywhere a key containing dots is tried (<c>"lr.decay"</c>), so every key <see cref="Flatten"/> gives
    /// can be looked up.
    /// </summary>
    public static Option<ConfigValue> Get(ConfigValue root, string dottedPath) =>
        dottedPath.Length == 0 ? Some(root) : Find(root, dottedPath.Split('.'));

    private static Option<ConfigValue> Find(ConfigValue node, ReadOnlyMemory<string> segments) =>
        segments.IsEmpty
            ? Some(node)
            : node is ConfigMap map
                ? Enumerable.Range(1, segments.Length)
                    .Select(n => map.Find(string.Join(".", segments[..n].ToArray())).Bind(child => Find(child, segments[n..])))
                    .FirstOrDefault(found => found.IsSome)
                : None;
}
