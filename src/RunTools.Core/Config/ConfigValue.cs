using System.Globalization;


namespace RunTools.Config;

/// <summary>
/// A configuration value: the typed tree that YAML/JSON files, defaults and overrides all become. Maps keep the
/// order their keys were first given in (for readable output); equality is structural.
/// </summary>
public abstract record ConfigValue
{
    private protected ConfigValue() { }

    /// <summary>The value as text the way a flattened table shows it (<c>200</c>, <c>true</c>, <c>[1, 2]</c>).</summary>
    public abstract string Display { get; }

    public sealed override string ToString() => Display;
}

public sealed record ConfigNull : ConfigValue
{
    public static readonly ConfigNull Instance = new();
    public override string Display => "null";
}

public sealed record ConfigBool(bool Value) : ConfigValue
{
    public override string Display => Value ? "true" : "false";
}

public sealed record ConfigInt(long Value) : ConfigValue
{
    public override string Display => Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record ConfigFloat(double Value) : ConfigValue
{
    public override string Display => Value.ToString("R", CultureInfo.InvariantCulture);
}

public sealed record ConfigString(string Value) : ConfigValue
{
    public override string Display => Value;
}

public sealed record ConfigList(Seq<ConfigValue> Items) : ConfigValue
{
    public override string Display => "[" + string.Join(", ", Items.Map(i => i.Display)) + "]";
}

/// <summary>One key of a map.</summary>
public sealed record ConfigEntry(string Key, ConfigValue Value);

public sealed record ConfigMap(Seq<ConfigEntry> Entries) : ConfigValue
{
    public static readonly ConfigMap Empty = new(Seq<ConfigEntry>());

    public override string Display => "{" + string.Join(", ", Entries.Map(e => $"{e.Key}: {e.Value.Display}")) + "}";

    /// <summary>The value at a key. (A method, not an indexer: an indexer returning Option would reach PowerShell
    /// scripts through $manifest.Config['key'], where an Option enumerates as a collection.)</summary>
    public Option<ConfigValue> Find(string key) => Entries.Find(e => e.Key == key).Map(e => e.Value);

    /// <summary>A copy with <paramref name="key"/> set: replaced in place if present, appended otherwise.</summary>
    public ConfigMap With(string key, ConfigValue value) =>
        Entries.Exists(e => e.Key == key)
            ? new ConfigMap(Entries.Map(e => e.Key == key ? e with { Value = value } : e))
            : new ConfigMap(Entries.Add(new ConfigEntry(key, value)));
}
