using RunTools.Views;
using System.Collections;
using System.Collections.Specialized;
using RunTools.Config;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

public sealed class ConfigYamlTests
{
    private static ConfigValue Reparse(string yaml) => Expect.Succ(ConfigParser.Parse(yaml, "written.yaml", ConfigFormat.Yaml));

    private static readonly ConfigMap Sample = M(
        ("name", S("exp")),
        ("trees", I(200)),
        ("neg", I(-5)),
        ("lr", F(0.1)),
        ("whole", F(2.0)),
        ("negzero", F(-0.0)),
        ("big", F(1e300)),
        ("tiny", F(1e-5)),
        ("nan", F(double.NaN)),
        ("inf", F(double.PositiveInfinity)),
        ("ninf", F(double.NegativeInfinity)),
        ("flag", B(true)),
        ("none", Null),
        ("path", S("/data/train.csv")),
        ("words", S("two words")),
        ("quoted", S("true")),
        ("num", S("1")),
        ("float", S("1.5")),
        ("empty", S("")),
        ("space", S(" x")),
        ("trailing", S("x ")),
        ("colon", S("a: b")),
        ("hash", S("#")),
        ("tilde", S("~")),
        ("yaml11", S("yes")),
        ("multi", S("line1\nline2")),
        ("escapes", S("tab\t\"q\" back\\slash \u0001 \u007F \u0085 \u00A0 \u2028 \uFEFF é 😀")),
        ("emptyMap", M()),
        ("emptyList", L()),
        ("list", L(I(1), M(("a", I(1)), ("b", L(S("x")))), L(I(2), L(I(3))), L(), M())),
        ("nested", M(("deep", M(("k", S("v")))))),
        ("key with: colon", I(1)),
        ("", S("empty key")),
        ("1", S("numeric key")),
        ("off", S("no")));

    private const string SampleYaml = """
        name: exp
        trees: 200
        neg: -5
        lr: 0.1
        whole: 2.0
        negzero: -0.0
        big: 1.0e+300
        tiny: 1.0e-05
        nan: .nan
        inf: .inf
        ninf: -.inf
        flag: true
        none: null
        path: /data/train.csv
        words: two words
        quoted: "true"
        num: "1"
        float: "1.5"
        empty: ""
        space: " x"
        trailing: "x "
        colon: "a: b"
        hash: "#"
        tilde: "~"
        yaml11: "yes"
        multi: "line1\nline2"
        escapes: "tab\t\"q\" back\\slash \x01 \x7F \N \_ \L \uFEFF é 😀"
        emptyMap: {}
        emptyList: []
        list:
          - 1
          - a: 1
            b:
              - x
          - - 2
            - - 3
          - []
          - {}
        nested:
          deep:
            k: v
        "key with: colon": 1
        "": empty key
        "1": numeric key
        "off": "no"

        """;

    [Fact]
    public void Write_gives_the_exact_block_yaml() =>
        Assert.Equal(SampleYaml.ReplaceLineEndings("\n"), ConfigYaml.Write(Sample));

    [Fact]
    public void Written_yaml_parses_back_to_the_same_value()
    {
        var back = Reparse(ConfigYaml.Write(Sample));
        Assert.Equal(Sample, back);
        Assert.True(double.IsNegative(Assert.IsType<ConfigFloat>(((ConfigMap)back).Find("negzero").IfNone(Null)).Value));
    }

    [Fact]
    public void An_empty_map_is_written_as_braces() =>
        Assert.Equal("{}\n", ConfigYaml.Write(M()));

    [Fact]
    public void Very_long_keys_use_the_explicit_key_form_and_round_trip()
    {
        var longKey = new string('k', 1100);
        var value = M((longKey, M(("a", I(1)))), (longKey + "2", S("x")), ("list", L(M((longKey, L(I(1)))))));
        var yaml = ConfigYaml.Write(value);
        Assert.StartsWith("? " + longKey + "\n:\n  a: 1\n? " + longKey + "2\n: x\n", yaml);
        Assert.Equal(value, Reparse(yaml));
    }
}

public sealed class ConfigJsonTests
{
    private static readonly ConfigMap Sample = M(
        ("i", I(2)),
        ("f", F(2.0)),
        ("big", F(1e300)),
        ("nan", F(double.NaN)),
        ("inf", F(double.PositiveInfinity)),
        ("ninf", F(double.NegativeInfinity)),
        ("s", S("x")),
        ("l", L(Null, B(false), L())),
        ("looksLikeFloat", M(("$float", S("NaN")))),
        ("looksLikeMap", M(("$map", M()))),
        ("twoKeys", M(("$float", S("NaN")), ("other", I(1)))));

    private const string SampleJson =
        """{"i":2,"f":2.0,"big":1.0e+300,"nan":{"$float":"NaN"},"inf":{"$float":"Infinity"},"ninf":{"$float":"-Infinity"},"s":"x","l":[null,false,[]],"looksLikeFloat":{"$map":{"$float":"NaN"}},"looksLikeMap":{"$map":{"$map":{}}},"twoKeys":{"$float":"NaN","other":1}}""";

    [Fact]
    public void Write_gives_the_exact_json() =>
        Assert.Equal(SampleJson, Expect.ToJson(Sample));

    [Fact]
    public void Read_reverses_write_exactly()
    {
        Assert.Equal(Sample, Expect.FromJson(Expect.ToJson(Sample)));
        Assert.Equal(Sample, Expect.FromJson(Expect.ToJson(Sample, indented: true)));
    }

    [Fact]
    public void Read_accepts_json_written_by_others() =>
        Assert.Equal(
            M(("a", I(2)), ("b", F(2.0)), ("c", F(1e21)), ("d", M(("$float", S("abc")))), ("e", F(double.NegativeInfinity)),
              ("big", F(18446744073709551616.0))),
            Expect.FromJson("""{"a": 2, "b": 2.0, "c": 1E21, "d": {"$float": "abc"}, "e": {"$float": "-Infinity"}, "big": 18446744073709551616}"""));

    [Fact]
    public void Canonical_sorts_keys_ordinally_at_every_level_and_escapes_minimally() =>
        Assert.Equal(
            "{\"B\":[{\"a\":1,\"b\":2}],\"a\":{\"c\":\"é\\\"\\n\\u0001😀\",\"d\":0.5},\"b\":{\"$float\":\"NaN\"},\"ä\":null}",
            ConfigJson.Canonical(M(
                ("b", F(double.NaN)),
                ("ä", Null),
                ("a", M(("d", F(0.5)), ("c", S("é\"\n\u0001😀")))),
                ("B", L(M(("b", I(2)), ("a", I(1))))))));

    [Fact]
    public void Canonical_text_reads_back_as_the_value_with_sorted_keys() =>
        Assert.Equal(
            M(("a", M(("$float", S("x")))), ("b", F(1.0))),
            Expect.FromJson(ConfigJson.Canonical(M(("b", F(1.0)), ("a", M(("$float", S("x"))))))));

    [Fact]
    public void Sha256_is_the_lowercase_hex_hash_of_the_canonical_utf8()
    {
        Assert.Equal("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862", ConfigJson.Sha256(M(("a", I(1)))));
        Assert.Equal("c29a44abc114a1d75486434c013102c9e736f526b4fd19658d9492b7b224de6d", ConfigJson.Sha256(M(("a", F(1.0)))));
    }
}

public sealed class ConfigPlainTests
{
    [Fact]
    public void Scalars_become_plain_dotnet_values()
    {
        Assert.Null(ConfigPlain.ToPlain(Null));
        Assert.True(ConfigPlain.ToPlain(B(true)) is true);
        Assert.Equal(200L, ConfigPlain.ToPlain(I(200)));
        Assert.Equal(0.5, ConfigPlain.ToPlain(F(0.5)));
        Assert.Equal("x", ConfigPlain.ToPlain(S("x")));
        var list = Assert.IsType<ValueList>(ConfigPlain.ToPlain(L(I(1), S("a"), Null, L(F(2.5)))));
        Assert.Equal(new object?[] { 1L, "a", null }, list.Take(3).ToArray());
        Assert.Equal(new object?[] { 2.5 }, Assert.IsType<ValueList>(list[3]).ToArray());
        Assert.Equal("[1, a, null, [2.5]]", list.ToString());
    }

    [Fact]
    public void Maps_become_read_only_ordered_dictionaries_with_ordinal_keys()
    {
        var plain = Assert.IsType<ValueMap<object?>>(ConfigPlain.ToPlain(
            M(("model", M(("trees", I(200)), ("Trees", I(1)))), ("name", S("x")), ("list", L(M(("k", B(false))))))));
        IDictionary untyped = plain;

        Assert.True(untyped.IsReadOnly);
        Assert.Equal(new object[] { "model", "name", "list" }, untyped.Keys.Cast<object>().ToArray());
        var model = Assert.IsType<ValueMap<object?>>(plain["model"]);
        Assert.Equal(200L, model["trees"]);
        Assert.Equal(1L, model["Trees"]);
        Assert.Null(((IDictionary)model)["TREES"]);
        Assert.False(model.ContainsKey("TREES"));
        Assert.True(model.Contains("trees"));
        Assert.Equal("x", plain["name"]);
        var item = Assert.IsType<ValueMap<object?>>(Assert.IsType<ValueList>(plain["list"])[0]);
        Assert.True(item["k"] is false);
        Assert.Equal("{model: {trees: 200, Trees: 1}, name: x, list: [{k: false}]}", plain.ToString());
        Assert.Throws<NotSupportedException>(() => untyped["name"] = "changed");
    }
}
