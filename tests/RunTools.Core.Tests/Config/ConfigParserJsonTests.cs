using RunTools.Config;
using RunTools.Domain;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

public sealed class ConfigParserJsonTests
{
    private static Fin<ConfigValue> Parse(string text) => ConfigParser.Parse(text, "run.json", ConfigFormat.Json);

    private static void ParseError(string text, int line, int column, string detail) =>
        Expect.Error(new ConfigParseError("run.json", line, column, detail), Parse(text));

    [Theory]
    [InlineData("config.json", ConfigFormat.Json)]
    [InlineData("C:/runs/CONFIG.JSON", ConfigFormat.Json)]
    [InlineData("config.yaml", ConfigFormat.Yaml)]
    [InlineData("config.yml", ConfigFormat.Yaml)]
    [InlineData("config", ConfigFormat.Yaml)]
    [InlineData("config.json.bak", ConfigFormat.Yaml)]
    [InlineData("dir.json/config.yaml", ConfigFormat.Yaml)]
    public void The_format_follows_the_extension(string path, ConfigFormat expected) =>
        Assert.Equal(expected, ConfigParser.FormatOf(path));

    [Fact]
    public void A_json_file_parses_to_the_exact_tree()
    {
        const string text = """
            {
              "name": "baseline",
              "trees": 200,
              "lr": 0.05,
              "whole": 2.0,
              "exp": 1e2,
              "negzero": -0,
              "big": 9223372036854775808,
              "min": -9223372036854775808,
              "flags": [true, false, null],
              "model": {"params": [{"depth": 4}, []], "empty": {}},
              "text": "tab\there \u00e9 \"q\""
            }
            """;
        var expected = M(
            ("name", S("baseline")),
            ("trees", I(200)),
            ("lr", F(0.05)),
            ("whole", F(2.0)),
            ("exp", F(100.0)),
            ("negzero", I(0)),
            ("big", F(9223372036854775808.0)),
            ("min", I(long.MinValue)),
            ("flags", L(B(true), B(false), Null)),
            ("model", M(("params", L(M(("depth", I(4))), L())), ("empty", M()))),
            ("text", S("tab\there é \"q\"")));
        Assert.Equal(expected, Expect.Succ(Parse(text)));
    }

    [Fact]
    public void Comments_trailing_commas_and_a_byte_order_mark_are_accepted() =>
        Assert.Equal(
            M(("a", I(1)), ("b", L(I(2), I(3)))),
            Expect.Succ(Parse("\uFEFF{\n  // line comment\n  \"a\": 1, /* block */\n  \"b\": [2, 3,],\n}\n// after\n")));

    [Theory]
    [InlineData("missing comma", "{\"a\": 1\n \"b\": 2}", 2, 2, "'\"' is invalid after a value. Expected either ',', '}', or ']'.")]
    [InlineData("column counts characters, not bytes", "{\n  \"é\": 1 \"x\"}", 2, 10, "'\"' is invalid after a value. Expected either ',', '}', or ']'.")]
    [InlineData("duplicate key", "{\n  \"a\": 1,\n  \"a\": 2\n}", 3, 3, "duplicate key 'a'")]
    [InlineData("nested duplicate key", "{\"x\": {\"k\": 1, \"k\": 2}}", 1, 16, "duplicate key 'k'")]
    [InlineData("unbalanced close", "{\"a\": [1, 2}", 1, 12, "'}' is invalid without a matching open.")]
    [InlineData("bad literal", "{\"a\": tru}", 1, 10, "'tru}' is an invalid JSON literal. Expected the literal 'true'.")]
    [InlineData("content after the root", "{} x", 1, 4, "'x' is invalid after a single JSON value. Expected end of data.")]
    [InlineData("empty text", "", 1, 1, "The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true.")]
    [InlineData("array root", "\n [1, 2]", 2, 2, "the root of a config file must be a mapping of keys to values (a JSON object), not an array")]
    [InlineData("string root", "\"x\"", 1, 1, "the root of a config file must be a mapping of keys to values (a JSON object), not a string")]
    [InlineData("lone surrogate", "{\"a\": \"\\ud800\"}", 1, 7, "the string escapes a lone UTF-16 surrogate, which is not text")]
    public void Malformed_json_is_a_parse_error_at_the_right_place(string name, string text, int line, int column, string detail)
    {
        Assert.NotEmpty(name);
        ParseError(text, line, column, detail);
    }
}
