using System.Text;
using RunTools.Domain;

namespace RunTools.Config;

/// <summary>
/// The <see cref="InputLimits"/> on a config value that was not parsed from text: a PowerShell hashtable given to
/// <c>-Set</c>, a config decoded from a manifest. The parsers check text as they read it (with positions); this checks a
/// value already built, without recursion, so a value of any depth can be checked safely.
/// </summary>
public static class ConfigLimits
{
    /// <summary>
    /// The value when it is within the limits: its depth (collections; the root collection is 1 +
    /// <paramref name="baseDepth"/>), the length of each scalar and key, and its size counted as the parsers count it
    /// (every collection, key and value is a node; scalars and keys add their characters). Shared values count each
    /// time they occur, as every writer expands them. The walk stops at the first bound crossed, so it visits at most
    /// <see cref="InputLimits.ConfigNodes"/> + 1 nodes whatever the value.
    /// </summary>
    /// <param name="source">What the errors name (and target): a dotted key, a file.</param>
    /// <param name="baseDepth">The maps above the value (an override's dotted key creates them).</param>
    public static Fin<ConfigValue> Check(ConfigValue value, string source, InputLimits limits, int baseDepth = 0)
    {
        var stack = new Stack<(ConfigValue Value, int Depth)>();
        stack.Push((value, baseDepth + 1));
        long nodes = 0, chars = 0;
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (node is ConfigMap or ConfigList && depth > limits.ConfigDepth)
                return FinFail<ConfigValue>(new ConfigTooDeep(source, 0, 0, depth, limits.ConfigDepth));
            if (Grow(1, ScalarLength(node)) is { } error)
                return FinFail<ConfigValue>(error);
            switch (node)
            {
                case ConfigMap map:
                    foreach (var entry in map.Entries)
                    {
                        if (Grow(1, entry.Key.Length) is { } keyError)
                            return FinFail<ConfigValue>(keyError);
                        stack.Push((entry.Value, depth + 1));
                    }
                    break;
                case ConfigList list:
                    foreach (var item in list.Items)
                        stack.Push((item, depth + 1));
                    break;
            }
        }
        return FinSucc(value);

        RunError? Grow(long addNodes, long length)
        {
            if (length > limits.ConfigScalarChars)
                return new ConfigScalarTooLong(source, 0, 0, length, limits.ConfigScalarChars);
            nodes += addNodes;
            chars += length;
            return nodes > limits.ConfigNodes ? new ConfigExpansionTooLarge(source, 0, 0, "nodes", nodes, limits.ConfigNodes)
                : chars > limits.ConfigChars ? new ConfigExpansionTooLarge(source, 0, 0, "characters", chars, limits.ConfigChars)
                : null;
        }
    }

    /// <summary>How deep the value's collections nest (a scalar is 0, a collection 1 + its deepest child), without
    /// recursion. Shared values are walked each time they occur: use it on values within the limits.</summary>
    public static int Depth(ConfigValue value)
    {
        var deepest = 0;
        var stack = new Stack<(ConfigValue Value, int Depth)>();
        stack.Push((value, 1));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            switch (node)
            {
                case ConfigMap map:
                    deepest = Math.Max(deepest, depth);
                    foreach (var entry in map.Entries) stack.Push((entry.Value, depth + 1));
                    break;
                case ConfigList list:
                    deepest = Math.Max(deepest, depth);
                    foreach (var item in list.Items) stack.Push((item, depth + 1));
                    break;
            }
        }
        return deepest;
    }

    /// <summary>The characters a scalar counts for: its text (a string's value, a number as written in YAML).</summary>
    private static long ScalarLength(ConfigValue value) => value switch
    {
        ConfigString s => s.Value.Length,
        ConfigMap or ConfigList => 0,
        _ => value.Display.Length,
    };

    /// <summary>
    /// The value as <see cref="ConfigValue.Display"/> shows it, cut to an excerpt of about <see cref="Excerpt.ValueChars"/>
    /// characters for an error message. Only as much of the value is visited as the excerpt shows, so quoting a 10 MB
    /// map costs nothing.
    /// </summary>
    internal static string Brief(ConfigValue value)
    {
        var sb = new StringBuilder();
        var complete = Append(sb, value, Excerpt.ValueChars);
        return complete ? sb.ToString() : sb.ToString(0, Math.Min(sb.Length, Excerpt.ValueChars)) + "…";

        // False once the text is longer than max (the rest is not written).
        static bool Append(StringBuilder sb, ConfigValue value, int max)
        {
            switch (value)
            {
                case ConfigList l:
                    sb.Append('[');
                    var first = true;
                    foreach (var item in l.Items)
                    {
                        if (!first) sb.Append(", ");
                        first = false;
                        if (sb.Length > max || !Append(sb, item, max)) return false;
                    }
                    sb.Append(']');
                    break;
                case ConfigMap m:
                    sb.Append('{');
                    var firstEntry = true;
                    foreach (var e in m.Entries)
                    {
                        if (!firstEntry) sb.Append(", ");
                        firstEntry = false;
                        sb.Append(e.Key.Length > max ? e.Key[..(max + 1)] : e.Key).Append(": ");
                        if (sb.Length > max || !Append(sb, e.Value, max)) return false;
                    }
                    sb.Append('}');
                    break;
                case ConfigString s:
                    sb.Append(s.Value.Length > max ? s.Value[..(max + 1)] : s.Value);
                    break;
                default:
                    sb.Append(value.Display);
                    break;
            }
            return sb.Length <= max;
        }
    }
}
