using RunTools.Config;
using RunTools.Domain;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

public sealed class ConfigOverrideTests
{
    public static TheoryData<string, string[], ConfigValue> Valid => new()
    {
        { "model.trees=200", ["model", "trees"], I(200) },
        { "lr=1e-3", ["lr"], F(0.001) },
        { "ratio=1.0", ["ratio"], F(1.0) },
        { "name=\"200\"", ["name"], S("200") },
        { "name='x y'", ["name"], S("x y") },
        { "title=hello world", ["title"], S("hello world") },
        { "empty=", ["empty"], S("") },
        { "quoted.empty=\"\"", ["quoted", "empty"], S("") },
        { "gone=null", ["gone"], Null },
        { "gone=~", ["gone"], Null },
        { "flag=true", ["flag"], B(true) },
        { "flag=no", ["flag"], S("no") },
        { "seeds=[1, 2]", ["seeds"], L(I(1), I(2)) },
        { "grid={depth: [4, 8], lr: .1}", ["grid"], M(("depth", L(I(4), I(8))), ("lr", F(0.1))) },
        { "none=[]", ["none"], L() },
        { "path=/data/train.csv", ["path"], S("/data/train.csv") },
        { "expr=a=b", ["expr"], S("a=b") },
        { "tag=!!str 5", ["tag"], S("5") },
        { "A_b-C.d0.9=x", ["A_b-C", "d0", "9"], S("x") },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Overrides_parse_with_yaml_typed_values(string text, string[] path, ConfigValue value) =>
        Assert.Equal(new ConfigOverride(toSeq(path), value, text), Expect.Succ(ConfigOverrides.Parse(text)));

    [Theory]
    [InlineData("model.trees", "expected key=value, for example model.trees=200")]
    [InlineData("=5", "the key is empty")]
    [InlineData("a..b=1", "the key 'a..b' has an empty segment")]
    [InlineData(".a=1", "the key '.a' has an empty segment")]
    [InlineData("a.=1", "the key 'a.' has an empty segment")]
    [InlineData("a.b c=1", "'b c' is not a valid key segment (letters, digits, '_' and '-', joined by dots)")]
    [InlineData("+a=1", "'+a' is not a valid key segment (letters, digits, '_' and '-', joined by dots)")]
    [InlineData(" a=1", "' a' is not a valid key segment (letters, digits, '_' and '-', joined by dots)")]
    [InlineData("a=[1, 2", "While parsing a flow sequence, did not find expected ',' or ']'. (at the end of the value)")]
    [InlineData("a=b: c", "the value is a block mapping; quote it, or write a collection as [a, b] or {k: v} (column 3)")]
    [InlineData("a=- x", "the value is a block sequence; quote it, or write a collection as [a, b] or {k: v} (column 3)")]
    [InlineData("a=#x", "the value is only a comment or blank; quote it to make it a string (column 3)")]
    [InlineData("key=!!int x", "'x' is not a valid !!int (column 5)")]
    [InlineData("key=@x", "While scanning for the next token, found character that cannot start any token. (column 5)")]
    public void Bad_overrides_are_ConfigOverrideInvalid(string text, string detail) =>
        Expect.Error(new ConfigOverrideInvalid(text, detail), ConfigOverrides.Parse(text));

    [Fact]
    public void Of_builds_an_override_from_a_dotted_key_and_a_typed_value() =>
        Assert.Equal(
            new ConfigOverride(Seq("model", "trees"), I(200), "model.trees=200"),
            Expect.Succ(ConfigOverrides.Of("model.trees", I(200))));

    public static TheoryData<ConfigValue, string> OfTexts => new()
    {
        { S("200"), "k=\"200\"" },
        { S(""), "k=\"\"" },
        { S("plain text"), "k=plain text" },
        { F(2.0), "k=2.0" },
        { F(double.NaN), "k=.nan" },
        { Null, "k=null" },
        { L(I(1), S("x y"), L()), "k=[1, x y, []]" },
        { M(("a", M()), ("b c", S("true"))), "k={a: {}, b c: \"true\"}" },
    };

    [Theory]
    [MemberData(nameof(OfTexts))]
    public void Of_writes_text_that_parses_back_to_the_same_override(ConfigValue value, string text)
    {
        var made = Expect.Succ(ConfigOverrides.Of("k", value));
        Assert.Equal(text, made.Text);
        Assert.Equal(made, Expect.Succ(ConfigOverrides.Parse(made.Text)));
    }

    [Theory]
    [InlineData("", "the key is empty")]
    [InlineData("model trees", "'model trees' is not a valid key segment (letters, digits, '_' and '-', joined by dots)")]
    [InlineData("model.", "the key 'model.' has an empty segment")]
    public void Of_checks_the_key(string key, string detail) =>
        Expect.Error(new ConfigOverrideInvalid(key, detail), ConfigOverrides.Of(key, I(1)));

    [Fact]
    public void Key_joins_the_path() =>
        Assert.Equal("a.b.c", Expect.Succ(ConfigOverrides.Parse("a.b.c=1")).Key);
}
