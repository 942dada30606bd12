using System.Collections;
using System.Globalization;
using System.Management.Automation;
using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Module.Infrastructure;

/// <summary>PowerShell values to config values, for -Set @{ 'model.trees' = 200 } and friends.</summary>
public static class PowerShellValues
{
    /// <summary><see cref="ToConfig(object?, string, InputLimits)"/> within <see cref="InputLimits.Default"/>.</summary>
    public static Fin<ConfigValue> ToConfig(object? value, string key) => ToConfig(value, key, InputLimits.Default);

    /// <summary>
    /// A PowerShell value as a config value. The conversion is bounded by the limits while it runs: a hashtable that
    /// contains itself, or arrays that share their elements a thousand times over, would otherwise recurse or expand
    /// without end. So collections nested deeper than <see cref="InputLimits.ConfigDepth"/> are ConfigTooDeep and more
    /// than <see cref="InputLimits.ConfigNodes"/> nodes are ConfigExpansionTooLarge, both naming <paramref name="key"/>;
    /// the rest of the limits are checked on the result (<see cref="ConfigOverrides.Of(string, ConfigValue, InputLimits)"/>).
    /// </summary>
    public static Fin<ConfigValue> ToConfig(object? value, string key, InputLimits limits)
    {
        try
        {
            // The maps the dotted key creates count towards the depth, as they will in the config.
            var keyDepth = key.Length == 0 ? 0 : key.AsSpan().Count('.') + 1;
            return FinSucc(Convert(value, key, limits, new Budget(key, limits), keyDepth + 1));
        }
        catch (LimitException e)
        {
            return FinFail<ConfigValue>(e.Error);
        }
        catch (ValueException e)
        {
            return FinFail<ConfigValue>(e.Error);
        }
    }

    /// <summary>The nodes converted so far; one per conversion.</summary>
    sealed class Budget(string key, InputLimits limits)
    {
        long nodes;

        public void Count()
        {
            if (++nodes > limits.ConfigNodes)
                throw new LimitException(new ConfigExpansionTooLarge(key, 0, 0, "nodes", nodes, limits.ConfigNodes));
        }

        public void Enter(int depth)
        {
            if (depth > limits.ConfigDepth)
                throw new LimitException(new ConfigTooDeep(key, 0, 0, depth, limits.ConfigDepth));
        }
    }

    /// <summary>A limit crossed inside the recursive conversion, carried out to <see cref="ToConfig(object?, string, InputLimits)"/>.</summary>
    sealed class LimitException(RunError error) : Exception(error.Message)
    {
        public RunError Error { get; } = error;
    }

    /// <summary>A value that has no config form, carried out the same way.</summary>
    sealed class ValueException(RunError error) : Exception(error.Message)
    {
        public RunError Error { get; } = error;
    }

    /// <param name="depth">The depth a collection here would have in the config.</param>
    static ConfigValue Convert(object? value, string key, InputLimits limits, Budget budget, int depth)
    {
        budget.Count();
        var raw = value is PSObject ps ? ps.BaseObject : value;
        switch (raw)
        {
            case null: return ConfigNull.Instance;
            case bool b: return new ConfigBool(b);
            case SwitchParameter s: return new ConfigBool(s.IsPresent);
            case byte or sbyte or short or ushort or int or uint or long: return new ConfigInt(System.Convert.ToInt64(raw, CultureInfo.InvariantCulture));
            case ulong u when u <= long.MaxValue: return new ConfigInt((long)u);
            case float or double or decimal or ulong: return new ConfigFloat(System.Convert.ToDouble(raw, CultureInfo.InvariantCulture));
            case string s: return new ConfigString(s);
            case char c: return new ConfigString(c.ToString());
            case Enum e: return new ConfigString(e.ToString());
            case DateTime t: return new ConfigString(t.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset t: return new ConfigString(t.ToString("O", CultureInfo.InvariantCulture));
            case IDictionary d:
                budget.Enter(depth);
                return ToMap(Entries(d), key, limits, budget, depth);
            case IEnumerable items:
                budget.Enter(depth);
                var list = new List<ConfigValue>();
                var i = 0;
                foreach (var item in items) list.Add(Convert(item, $"{key}[{i++}]", limits, budget, depth + 1));
                return new ConfigList(toSeq(list.ToArray()));
            case PSCustomObject:
                budget.Enter(depth);
                return ToMap(((PSObject)value!).Properties.Select(p => (p.Name, (object?)p.Value)), key, limits, budget, depth);
            default:
                throw new ValueException(new ConfigValueInvalid(key, $"a {raw.GetType().Name} cannot be a config value; use a number, string, boolean, array or hashtable"));
        }
    }

    static ConfigValue ToMap(IEnumerable<(string Key, object? Value)> entries, string key, InputLimits limits, Budget budget, int depth)
    {
        var result = new List<ConfigEntry>();
        foreach (var (entryKey, entryValue) in entries)
            result.Add(new ConfigEntry(entryKey, Convert(entryValue, key.Length == 0 ? entryKey : $"{key}.{entryKey}", limits, budget, depth + 1)));
        return new ConfigMap(toSeq(result.ToArray()));
    }

    /// <summary>A dictionary's entries with their keys as text. A plain hashtable has no order (it differs between
    /// processes): its entries are sorted by key, so the same hashtable always gives the same result. [ordered] and
    /// other dictionaries keep their order. Works for any IDictionary (a generic Dictionary included).</summary>
    public static IEnumerable<(string Key, object? Value)> Entries(IDictionary d)
    {
        var entries = d.Keys.Cast<object>().Select(k => (Key: k.ToString() ?? "", Value: d[k]));
        return d is Hashtable or Dictionary<object, object?> ? entries.OrderBy(e => e.Key, StringComparer.Ordinal) : entries;
    }

    /// <summary>-Set accepts hashtables (dotted keys to values) and 'key=value' strings, in order, within
    /// <paramref name="limits"/>.</summary>
    public static Fin<Seq<ConfigOverride>> Overrides(object[]? items, InputLimits limits)
    {
        var result = new List<Fin<Seq<ConfigOverride>>>();
        foreach (var item in items ?? [])
        {
            switch (item is PSObject ps ? ps.BaseObject : item)
            {
                case string text:
                    result.Add(ConfigOverrides.Parse(text, limits).Map(o => Seq1(o)));
                    break;
                case IDictionary d:
                    result.Add(Entries(d).Select(e => ToConfig(e.Value, e.Key, limits).Bind(v => ConfigOverrides.Of(e.Key, v, limits))).ToSeq().Sequence());
                    break;
                case var other:
                    result.Add(FinFail<Seq<ConfigOverride>>(new ConfigOverrideInvalid(other?.ToString() ?? "null", "use 'key=value' strings or a hashtable of dotted keys")));
                    break;
            }
        }
        return result.ToSeq().Sequence().Map(groups => groups.Bind(g => g));
    }
}
