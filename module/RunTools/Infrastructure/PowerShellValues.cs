using System.Collections;
using System.Globalization;
using System.Management.Automation;
using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Module.Infrastructure;

/// <summary>PowerShell values to config values, for -Set @{ 'model.trees' = 200 } and friends.</summary>
public static class PowerShellValues
{
    public static Fin<ConfigValue> ToConfig(object? value, string key) => (value is PSObject ps ? ps.BaseObject : value) switch
    {
        null => ConfigNull.Instance,
        bool b => new ConfigBool(b),
        SwitchParameter s => new ConfigBool(s.IsPresent),
        byte or sbyte or short or ushort or int or uint or long => new ConfigInt(Convert.ToInt64(value is PSObject p ? p.BaseObject : value, CultureInfo.InvariantCulture)),
        ulong u when u <= long.MaxValue => new ConfigInt((long)u),
        float or double or decimal or ulong => new ConfigFloat(Convert.ToDouble(value is PSObject p ? p.BaseObject : value, CultureInfo.InvariantCulture)),
        string s => new ConfigString(s),
        char c => new ConfigString(c.ToString()),
        Enum e => new ConfigString(e.ToString()),
        DateTime t => new ConfigString(t.ToString("O", CultureInfo.InvariantCulture)),
        DateTimeOffset t => new ConfigString(t.ToString("O", CultureInfo.InvariantCulture)),
        IDictionary d => ToMap(d, key),
        IEnumerable items => items.Cast<object?>().Select((item, i) => ToConfig(item, $"{key}[{i}]")).ToSeq().Sequence().Map(xs => (ConfigValue)new ConfigList(xs)),
        PSCustomObject => ToMap(((PSObject)value!).Properties.ToDictionary(p => (object)p.Name, p => p.Value), key),
        var other => FinFail<ConfigValue>(new ConfigValueInvalid(key, $"a {other.GetType().Name} cannot be a config value; use a number, string, boolean, array or hashtable")),
    };

    /// <summary>A dictionary's entries with their keys as text. A plain hashtable has no order (it differs between
    /// processes): its entries are sorted by key, so the same hashtable always gives the same result. [ordered] and
    /// other dictionaries keep their order. Works for any IDictionary (a generic Dictionary included).</summary>
    public static IEnumerable<(string Key, object? Value)> Entries(IDictionary d)
    {
        var entries = d.Keys.Cast<object>().Select(k => (Key: k.ToString() ?? "", Value: d[k]));
        return d is Hashtable or Dictionary<object, object?> ? entries.OrderBy(e => e.Key, StringComparer.Ordinal) : entries;
    }

    static Fin<ConfigValue> ToMap(IDictionary d, string key) =>
        Entries(d).Select(e => ToConfig(e.Value, key.Length == 0 ? e.Key : $"{key}.{e.Key}").Map(v => new ConfigEntry(e.Key, v)))
            .ToSeq().Sequence().Map(es => (ConfigValue)new ConfigMap(es));

    /// <summary>-Set accepts hashtables (dotted keys to values) and 'key=value' strings, in order.</summary>
    public static Fin<Seq<ConfigOverride>> Overrides(object[]? items)
    {
        var result = new List<Fin<Seq<ConfigOverride>>>();
        foreach (var item in items ?? [])
        {
            switch (item is PSObject ps ? ps.BaseObject : item)
            {
                case string text:
                    result.Add(ConfigOverrides.Parse(text).Map(o => Seq1(o)));
                    break;
                case IDictionary d:
                    result.Add(Entries(d).Select(e => ToConfig(e.Value, e.Key).Bind(v => ConfigOverrides.Of(e.Key, v))).ToSeq().Sequence());
                    break;
                case var other:
                    result.Add(FinFail<Seq<ConfigOverride>>(new ConfigOverrideInvalid(other?.ToString() ?? "null", "use 'key=value' strings or a hashtable of dotted keys")));
                    break;
            }
        }
        return result.ToSeq().Sequence().Map(groups => groups.Bind(g => g));
    }
}
