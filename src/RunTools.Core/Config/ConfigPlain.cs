using RunTools.Views;

namespace RunTools.Config;

/// <summary>A config value as plain .NET objects for PowerShell, where <c>$config.model.trees</c> should just work.</summary>
public static class ConfigPlain
{
    /// <summary>
    /// null, <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, a read-only
    /// <see cref="ValueList"/> for a list, and a read-only <see cref="ValueMap{TValue}"/> with ordinal (case-sensitive)
    /// keys in the map's order; both show as YAML flow text.
    /// </summary>
    public static object? ToPlain(ConfigValue value) => value switch
    {
        ConfigNull => null,
        ConfigBool b => b.Value,
        ConfigInt i => i.Value,
        ConfigFloat f => f.Value,
        ConfigString s => s.Value,
        ConfigList l => new ValueList(l.Items.Map(ToPlain).ToArray()),
        ConfigMap m => new ValueMap<object?>(m.Entries.Map(e => (e.Key, ToPlain(e.Value)))),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Not a config value case."),
    };
}
