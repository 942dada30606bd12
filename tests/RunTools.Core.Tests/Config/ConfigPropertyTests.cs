using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Config;

namespace RunTools.Tests.Config;

/// <summary>Random config trees for property tests: depth-limited, unique keys per map, and the awkward cases.</summary>
public static class ConfigGen
{
    private static readonly string[] TrickyStrings =
    [
        "", " ", "  ", " x", "x ", "true", "True", "false", "null", "Null", "~", "yes", "No", "on", "OFF", "y", "n",
        "1", "-1", "+1", "007", "1.0", "1e3", "1.", ".5", ".inf", "-.inf", ".nan", "NaN", "Infinity", "0x1F", "0o17",
        "0b101", "1_000", "2001-12-14", "1:20", "a: b", "a:b", ":", "key:", "?", "? x", "-", "- a", "--", "---",
        "...", "#", "a #b", "a#b", "&a", "*a", "!tag", "!!str", "|", ">", "%", "@", "`", "'", "\"", "\\", "{a}",
        "[1]", "a,b", "<<", "=", "\t", "\n", "a\nb", "\r\n", "\0", "\u0001", "\u007F", "\u0085", "\u00A0", "\u2028",
        "\u2029", "\uFEFF", "\uFFFD", "é", "日本語", "😀", "a😀b", "$float", "$map", "snake_case", "path/to/file.csv",
        "two words", "CamelCase", "_private",
    ];

    private static readonly string[] Pieces =
        ["a", "Z", "0", "9", " ", ":", "#", "-", ".", ",", "'", "\"", "\\", "\n", "\t", "\r", "{", "]", "&", "*", "!",
         "é", "日", "😀", "\u0085", "\u00A0", "\u2028", "\u0001", "\u007F", "\uFEFF", "true", "1", "e"];

    private static readonly double[] TrickyFloats =
    [
        0.0, -0.0, 1.0, -1.0, 2.0, 0.1, 0.5, 1e300, -1e300, 1e-300, 5e-324, double.MaxValue, double.MinValue,
        double.Epsilon, 1e15, 1e16, 1e21, 123456789012345678.0, 9223372036854775808.0, double.NaN,
        double.PositiveInfinity, double.NegativeInfinity,
    ];

    private static readonly long[] TrickyInts = [0, 1, -1, 7, 200, long.MaxValue, long.MinValue, int.MaxValue, int.MinValue];

    public static Gen<string> Text =>
        Gen.Frequency(
            (3, Gen.Elements(TrickyStrings)),
            (2, Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(p => string.Concat(p))));

    private static Gen<long> Long =>
        Gen.Frequency(
            (1, Gen.Elements(TrickyInts)),
            (2, Gen.Choose(-1000, 1000).Select(i => (long)i)),
            (1, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
                .Select(t => ((long)t.Item1 << 32) | (uint)t.Item2)));

    private static Gen<double> Double =>
        Gen.Frequency(
            (2, Gen.Elements(TrickyFloats)),
            (1, Gen.Choose(-100000, 100000).Select(i => (double)i)),
            (1, Gen.Choose(-100000, 100000).Select(i => i / 64.0)),
            (2, Long.Select(BitConverter.Int64BitsToDouble)));

    public static Gen<ConfigValue> Scalar =>
        Gen.OneOf(
            Gen.Constant<ConfigValue>(ConfigNull.Instance),
            Gen.Elements(true, false).Select(b => (ConfigValue)new ConfigBool(b)),
            Long.Select(n => (ConfigValue)new ConfigInt(n)),
            Double.Select(d => (ConfigValue)new ConfigFloat(d)),
            Text.Select(s => (ConfigValue)new ConfigString(s)),
            Text.Select(s => (ConfigValue)new ConfigString(s)));

    public static Gen<ConfigValue> Value(int depth) =>
        depth <= 0
            ? Scalar
            : Gen.Frequency(
                (5, Scalar),
                (2, List(depth - 1).Select(l => (ConfigValue)l)),
                (2, Map(depth - 1).Select(m => (ConfigValue)m)));

    public static Gen<ConfigList> List(int depth) =>
        Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(Value(depth), n)).Select(items => new ConfigList(toSeq(items)));

    public static Gen<ConfigMap> Map(int depth) =>
        Gen.Choose(0, 5)
            .SelectMany(n => Gen.ArrayOf(Gen.Zip(Text, Value(depth)), n))
            .Select(pairs => new ConfigMap(toSeq(pairs.DistinctBy(p => p.Item1).Select(p => new ConfigEntry(p.Item1, p.Item2)).ToArray())));

    public static IEnumerable<ConfigMap> ShrinkMap(ConfigMap map) =>
        map.Entries.Select((_, i) => new ConfigMap(toSeq(map.Entries.Where((_, j) => j != i).ToArray())))
            .Concat(map.Entries.SelectMany((e, i) => ShrinkValue(e.Value).Select(v =>
                new ConfigMap(toSeq(map.Entries.Select((x, j) => j == i ? x with { Value = v } : x).ToArray())))));

    public static IEnumerable<ConfigValue> ShrinkValue(ConfigValue value) => value switch
    {
        ConfigMap m => ShrinkMap(m).Select(x => (ConfigValue)x).Prepend(ConfigNull.Instance),
        ConfigList l => l.Items.Select((_, i) => (ConfigValue)new ConfigList(toSeq(l.Items.Where((_, j) => j != i).ToArray())))
            .Prepend(ConfigNull.Instance),
        ConfigNull => [],
        _ => [ConfigNull.Instance],
    };

    /// <summary>The same tree with every map's entries in a different (rotated and reversed) order.</summary>
    public static ConfigValue Reorder(ConfigValue value, int seed) => value switch
    {
        ConfigMap m => new ConfigMap(Rotate(m.Entries.Map(e => e with { Value = Reorder(e.Value, seed + 1) }), seed)),
        ConfigList l => new ConfigList(l.Items.Map(x => Reorder(x, seed + 1))),
        _ => value,
    };

    /// <summary>The same tree with every map's keys sorted ordinally.</summary>
    public static ConfigValue Sorted(ConfigValue value) => value switch
    {
        ConfigMap m => new ConfigMap(toSeq(m.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => e with { Value = Sorted(e.Value) }).ToArray())),
        ConfigList l => new ConfigList(l.Items.Map(Sorted)),
        _ => value,
    };

    private static Seq<ConfigEntry> Rotate(Seq<ConfigEntry> entries, int seed)
    {
        if (entries.Count < 2)
            return entries;
        var k = Math.Abs(seed % entries.Count);
        var rotated = entries.Skip(k) + entries.Take(k);
        return seed % 2 == 0 ? toSeq(rotated.Reverse().ToArray()) : rotated;
    }
}

/// <summary>Registered with <c>[Property(Arbitrary = ...)]</c>.</summary>
public static class ConfigArbitraries
{
    public static Arbitrary<ConfigMap> Maps() => Arb.From(ConfigGen.Map(3), ConfigGen.ShrinkMap);

    public static Arbitrary<ConfigValue> Values() => Arb.From(ConfigGen.Value(3), ConfigGen.ShrinkValue);
}

public sealed class ConfigPropertyTests
{
    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 500)]
    public void Yaml_round_trips(ConfigMap value) =>
        Assert.Equal<ConfigValue>(value, Expect.Succ(ConfigParser.Parse(ConfigYaml.Write(value), "prop.yaml", ConfigFormat.Yaml)));

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 500)]
    public void Json_round_trips(ConfigValue value)
    {
        Assert.Equal(value, Expect.FromJson(Expect.ToJson(value)));
        Assert.Equal(value, Expect.FromJson(Expect.ToJson(value, indented: true)));
    }

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 300)]
    public void Json_written_maps_parse_as_config_files_when_all_floats_are_finite(ConfigMap value)
    {
        var json = Expect.ToJson(value);
        if (!json.Contains("\"$float\"", StringComparison.Ordinal) && !json.Contains("\"$map\"", StringComparison.Ordinal))
            Assert.Equal<ConfigValue>(value, Expect.Succ(ConfigParser.Parse(json, "prop.json", ConfigFormat.Json)));
    }

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 300)]
    public void Canonical_and_sha256_do_not_depend_on_key_order(ConfigValue value, int seed)
    {
        var reordered = ConfigGen.Reorder(value, seed);
        Assert.Equal(ConfigJson.Canonical(value), ConfigJson.Canonical(reordered));
        Assert.Equal(ConfigJson.Sha256(value), ConfigJson.Sha256(reordered));
    }

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 300)]
    public void Canonical_text_loses_nothing_but_key_order(ConfigValue value) =>
        Assert.Equal(ConfigGen.Sorted(value), Expect.FromJson(ConfigJson.Canonical(value)));

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 300)]
    public void Override_text_from_Of_parses_back_to_the_same_override(ConfigValue value)
    {
        var made = Expect.Succ(ConfigOverrides.Of("model.params", value));
        Assert.Equal(made, Expect.Succ(ConfigOverrides.Parse(made.Text)));
    }

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 300)]
    public void Merge_with_itself_is_the_identity(ConfigValue value) =>
        Assert.Equal(value, ConfigMerge.Merge(value, value));

    [Property(Arbitrary = [typeof(ConfigArbitraries)], MaxTest = 300)]
    public void Merge_with_an_empty_map_on_either_side_is_the_identity(ConfigMap value)
    {
        Assert.Equal<ConfigValue>(value, ConfigMerge.Merge(ConfigMap.Empty, value));
        Assert.Equal<ConfigValue>(value, ConfigMerge.Merge(value, ConfigMap.Empty));
    }
}
