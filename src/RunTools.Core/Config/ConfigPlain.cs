using System.Collections.Specialized;

namespace RunTools.Config;

/// <summary>A config value as plain .NET objects for PowerShell, where <c>$config.model.trees</c> should just work.</summary>
public static class ConfigPlain
{
    /// <summary>
    /// null, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <c>object?[]</c> for a
    /// list, and a read-only <see cref="OrderedDictionary"/> with ordinal (case-sensitive) keys in the map's order.
    /// </summary>
    public static object? ToPlain(ConfigValue value) => value switch
    {
        ConfigNull => null,
        ConfigBool b => b.Value,
        ConfigInt i => i.Value,
        ConfigFloat f => f.Value,
        ConfigString s => s.Value,
        ConfigList l => l.Items.Map(ToPlain).ToArray(),
        ConfigMap m => m.Entries
            .Fold(new OrderedDictionary(StringComparer.Ordinal), (d, e) => { d[e.Key] = ToPlain(e.Value); return d; })
            .AsReadOnly(),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Not a config value case."),
    };
}
