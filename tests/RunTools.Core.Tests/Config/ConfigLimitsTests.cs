using System.Text;
using LanguageExt.Common;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Tests.Hostile;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

/// <summary>The limits on config input: every hostile row of <see cref="HostileInputs"/> for config files and -Set
/// texts, the exact errors of the headline cases, and the guarantee that what the parser accepts cannot overflow any
/// later walk.</summary>
public sealed class ConfigLimitsTests
{
    public static TheoryData<string> ConfigAndSetRows => HostileInputs.Names(HostileInputs.Config.Concat(HostileInputs.Set));

    public static TheoryData<string> RaisableRows =>
        HostileInputs.Names(HostileInputs.Config.Concat(HostileInputs.Set), row => row.Raised is not null);

    static InputLimits Limits(Func<string, string?> environment) => Expect.Succ(InputLimits.FromVariables(environment));

    /// <summary>What New-Run does with the row's input, in the core: a file is size-checked then parsed, a text
    /// override parsed.</summary>
    static Fin<Unit> Read(HostileInput row, InputLimits limits)
    {
        var bytes = row.Content();
        var text = Encoding.UTF8.GetString(bytes);
        return row.Kind == HostileKind.SetText
            ? ConfigOverrides.Parse(text, limits).Map(_ => unit)
            : ConfigParser.CheckFileSize(row.FileName, bytes.Length, limits)
                .Bind(_ => ConfigParser.Parse(text, row.FileName, ConfigParser.FormatOf(row.FileName), limits))
                .Map(_ => unit);
    }

    static object Target(HostileInput row) => row.Kind == HostileKind.SetText ? row.Text : row.FileName;

    [Theory]
    [MemberData(nameof(ConfigAndSetRows))]
    public void A_hostile_config_is_refused_with_its_own_error_naming_the_input(string name)
    {
        var row = HostileInputs.Named(name);

        var error = Assert.IsAssignableFrom<RunError>(Expect.Fail(Read(row, Limits(row.Environment()))));

        Assert.Equal(row.ErrorId, error.ErrorId);
        Assert.Equal(row.Category, error.Kind.ToString());
        Assert.Equal(Target(row), error.Target);
        Assert.True(error.Message.Length < 600, $"a message of {error.Message.Length} characters");
        if (row.Category == "LimitsExceeded") Assert.Contains(row.Variable!, error.Message);
    }

    [Theory]
    [MemberData(nameof(RaisableRows))]
    public void Raising_the_limit_through_its_variable_makes_the_same_input_pass(string name)
    {
        var row = HostileInputs.Named(name);

        Expect.Succ(Read(row, Limits(row.Environment(row.Raised))));
    }

    [Fact]
    public void A_flow_sequence_nested_8000_deep_is_ConfigTooDeep_where_it_crosses_the_limit() =>
        // The root map is level 1; "a: " puts the first '[' at column 4, so the 64th (level 65) is at column 67.
        Expect.Error(new ConfigTooDeep("run.yaml", 1, 67, 65, 64),
            ConfigParser.Parse("a: " + new string('[', 8000) + new string(']', 8000), "run.yaml", ConfigFormat.Yaml));

    [Fact]
    public void A_json_object_nested_10000_deep_is_ConfigTooDeep_where_it_crosses_the_limit()
    {
        var text = "{\"a\":" + string.Concat(Enumerable.Repeat("{\"b\":", 10_000)) + "1" + new string('}', 10_001);
        // The root object is level 1, the value of "a" level 2, ...: level 65 is the 64th {"b": at column 6 + 5 * 63.
        Expect.Error(new ConfigTooDeep("run.json", 1, 6 + 5 * 63, 65, 64), ConfigParser.Parse(text, "run.json", ConfigFormat.Json));
    }

    [Fact]
    public void An_alias_is_as_deep_as_its_anchored_node_where_it_is_used()
    {
        var forty = new string('[', 40) + new string(']', 40);
        var text = $"a: &a {forty}\nb: {new string('[', 30)}*a{new string(']', 30)}\n";
        // Used under 1 (root) + 30 lists, the 40 levels of *a make 71: refused at the alias, line 2, column 34.
        Expect.Error(new ConfigTooDeep("run.yaml", 2, 34, 71, 64), ConfigParser.Parse(text, "run.yaml", ConfigFormat.Yaml));
    }

    [Fact]
    public void The_classic_billion_laughs_is_refused_after_a_few_hundred_bytes_of_input()
    {
        var error = Assert.IsType<ConfigExpansionTooLarge>(Expect.Fail(ConfigParser.Parse(
            HostileInputs.Named("the classic billion laughs (9 levels of 9 aliases)").Text, "laughs.yaml", ConfigFormat.Yaml)));

        // Refused in the line that crosses 4,000,000 nodes (l6 expands to 4.3 million), long before l8 (387 million).
        Assert.Equal(("laughs.yaml", 7, "nodes", 4_000_000L), (error.Source, error.Line, error.Measure, error.Limit));
        Assert.True(error.Found > error.Limit);
    }

    [Fact]
    public void Alias_uses_beyond_the_limit_are_ConfigAliasesExceeded_at_the_first_one_too_many()
    {
        var limits = InputLimits.Default with { ConfigAliases = 3 };
        Expect.Error(new ConfigAliasesExceeded("run.yaml", 2, 17, 3),
            ConfigParser.Parse("a: &a 1\nl: [*a, *a, *a, *a]\n", "run.yaml", ConfigFormat.Yaml, limits));
    }

    [Fact]
    public void A_scalar_over_the_limit_is_ConfigScalarTooLong_at_the_scalar()
    {
        var limits = InputLimits.Default with { ConfigScalarChars = 10 };
        Expect.Error(new ConfigScalarTooLong("run.yaml", 2, 4, 11, 10),
            ConfigParser.Parse("a: 1\nb: abcdefghijk\n", "run.yaml", ConfigFormat.Yaml, limits));
        Expect.Error(new ConfigScalarTooLong("run.json", 1, 10, 11, 10),
            ConfigParser.Parse("{\"a\": 1, \"abcdefghijk\": 2}", "run.json", ConfigFormat.Json, limits));
    }

    [Fact]
    public void A_file_over_the_limit_is_ConfigFileTooLarge_before_it_is_read()
    {
        Expect.Error(new ConfigFileTooLarge("big.yaml", (32L << 20) + 1, 32L << 20),
            ConfigParser.CheckFileSize("big.yaml", (32L << 20) + 1, InputLimits.Default));
        Expect.Succ(ConfigParser.CheckFileSize("big.yaml", 32L << 20, InputLimits.Default));
    }

    [Fact]
    public void A_limit_crossed_inside_an_override_value_is_placed_in_the_whole_override()
    {
        var limits = InputLimits.Default with { ConfigDepth = 3 };
        // model.deep creates levels 1 and 2; the value's first '[' is level 3 and its second, at column 13, level 4.
        Expect.Error(new ConfigTooDeep("model.deep=[[1]]", 1, 13, 4, 3), ConfigOverrides.Parse("model.deep=[[1]]", limits));
        Expect.Error(new ConfigTooDeep("a.b.c.d=1", 1, 7, 4, 3), ConfigOverrides.Parse("a.b.c.d=1", limits));
        Expect.Succ(ConfigOverrides.Parse("model.deep=[1]", limits));
    }

    [Fact]
    public void A_value_given_as_a_tree_is_checked_the_same_way_without_positions()
    {
        var deep = Enumerable.Range(0, 70).Aggregate((ConfigValue)I(1), (inner, _) => L(inner));
        Expect.Error(new ConfigTooDeep("model.x", 0, 0, 65, 64), ConfigOverrides.Of("model.x", deep));
        Expect.Error(new ConfigScalarTooLong("k", 0, 0, 11, 10),
            ConfigLimits.Check(M(("ok", S("short")), ("abcdefghijk", I(1))), "k", InputLimits.Default with { ConfigScalarChars = 10 }));
    }

    [Fact]
    public void A_tree_that_shares_its_parts_is_measured_as_written_out_and_stops_at_the_limit()
    {
        // Ten levels of a list holding the level below ten times: 10^10 leaves, refused after the limit's worth of nodes.
        var shared = Enumerable.Range(0, 10).Aggregate((ConfigValue)S("x"), (inner, _) => new ConfigList(toSeq(Enumerable.Repeat(inner, 10))));
        var error = Assert.IsType<ConfigExpansionTooLarge>(Expect.Fail(ConfigLimits.Check(shared, "k", InputLimits.Default)));
        Assert.Equal(("nodes", 4_000_001L), (error.Measure, error.Found));
    }

    [Fact]
    public void A_config_at_the_depth_ceiling_goes_through_every_walk_on_a_1_MiB_stack()
    {
        // Maps whose one key is $map (which the JSON encoding wraps, doubling the JSON depth) alternating with lists.
        var json = new StringBuilder("{\"r\": ");
        for (var i = 0; i < InputLimits.DepthCeiling - 1; i++) json.Append(i % 2 == 0 ? "{\"$map\": " : "[");
        json.Append('1');
        for (var i = InputLimits.DepthCeiling - 2; i >= 0; i--) json.Append(i % 2 == 0 ? '}' : ']');
        json.Append('}');
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var value = Expect.Succ(ConfigParser.Parse(json.ToString(), "deep.json", ConfigFormat.Json, InputLimits.Ceiling));
                Assert.Equal(InputLimits.DepthCeiling, ConfigLimits.Depth(value));
                var yaml = ConfigYaml.Write(value);
                Assert.Equal(value, Expect.Succ(ConfigParser.Parse(yaml, "deep.yaml", ConfigFormat.Yaml, InputLimits.Ceiling)));
                using (var document = System.Text.Json.JsonDocument.Parse(Expect.ToJson(value), new System.Text.Json.JsonDocumentOptions { MaxDepth = 1024 }))
                    Assert.Equal(value, ConfigJson.Read(document.RootElement));
                Assert.Equal(64, ConfigJson.Sha256(value).Length);
                Assert.Single(ConfigPaths.Flatten(value));
                Assert.NotNull(ConfigPlain.ToPlain(value));
                Assert.NotEmpty(value.Display);
                Assert.Equal(value, ConfigMerge.Merge(value, value));
                Assert.Equal(value.GetHashCode(), ConfigMerge.Merge(M(), value).GetHashCode());
                var created = RunTools.Tests.Manifests.Fx.Created(value);
                var manifest = Manifest.Start(created);
                var (encoded, sidecars) = RunJson.EncodeManifest(manifest, 0);
                var map = sidecars.Fold(HashMap<string, string>(), (m, s) => m.AddOrUpdate(s.Sha256, s.Content));
                Assert.Equal(manifest, Expect.Succ(RunJson.DecodeManifest(encoded, map, "run.json")).Manifest);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    [Fact]
    public void A_manifest_whose_config_is_deeper_than_the_ceiling_is_damaged()
    {
        var deep = Enumerable.Range(0, InputLimits.DepthCeiling).Aggregate((ConfigValue)I(1), (inner, _) => L(inner));
        var manifest = Manifest.Start(RunTools.Tests.Manifests.Fx.Created(M(("a", deep))));
        var (json, _) = RunJson.EncodeManifest(manifest, 0);

        var error = Assert.IsType<RunCorrupted>(Expect.Fail(RunJson.DecodeManifest(json, HashMap<string, string>(), "run.json")));
        Assert.Contains("nested deeper than 256 levels", error.Detail);
    }

    [Fact]
    public void A_large_map_with_distinct_keys_parses_in_one_pass_and_a_duplicate_is_still_found()
    {
        var keys = Enumerable.Range(0, 50_000).Select(i => $"k{i}: {i}\n");
        var map = Assert.IsType<ConfigMap>(Expect.Succ(ConfigParser.Parse(string.Concat(keys), "run.yaml", ConfigFormat.Yaml)));
        Assert.Equal(50_000, map.Entries.Count);
        Expect.Error(new ConfigParseError("run.yaml", 50_001, 1, "duplicate key 'k17'"),
            ConfigParser.Parse(string.Concat(keys) + "k17: again\n", "run.yaml", ConfigFormat.Yaml));
    }
}
