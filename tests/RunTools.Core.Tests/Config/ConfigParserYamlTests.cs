using RunTools.Config;
using RunTools.Domain;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

public sealed class ConfigParserYamlTests
{
    private static Fin<ConfigValue> Parse(string text) => ConfigParser.Parse(text, "run.yaml", ConfigFormat.Yaml);

    private static ConfigValue ValueOf(string scalarText) =>
        Expect.Succ(Parse("v: " + scalarText + "\n")) is ConfigMap { Entries: var entries } && entries.Count == 1
            ? entries.Head.Value
            : throw new Xunit.Sdk.XunitException("expected a one-key map");

    private static void ParseError(string text, int line, int column, string detail) =>
        Expect.Error(new ConfigParseError("run.yaml", line, column, detail), Parse(text));

    public static TheoryData<string, ConfigValue> PlainScalars => new()
    {
        { "null", Null }, { "Null", Null }, { "NULL", Null }, { "~", Null }, { "", Null },
        { "nULL", S("nULL") }, { "none", S("none") },
        { "true", B(true) }, { "True", B(true) }, { "TRUE", B(true) },
        { "false", B(false) }, { "False", B(false) }, { "FALSE", B(false) },
        { "tRUE", S("tRUE") }, { "yes", S("yes") }, { "on", S("on") }, { "off", S("off") },
        { "0", I(0) }, { "42", I(42) }, { "-17", I(-17) }, { "+17", I(17) }, { "007", I(7) },
        { "0x1F", I(31) }, { "0xff", I(255) }, { "0o17", I(15) },
        { "9223372036854775807", I(long.MaxValue) }, { "-9223372036854775808", I(long.MinValue) },
        { "9223372036854775808", F(9223372036854775808.0) }, { "0xFFFFFFFFFFFFFFFF", F(18446744073709551615.0) },
        { "0X1F", S("0X1F") }, { "0o8", S("0o8") }, { "0b101", S("0b101") }, { "1_000", S("1_000") },
        { "1.5", F(1.5) }, { "-1.5", F(-1.5) }, { "+2.25", F(2.25) }, { "1e3", F(1000.0) }, { "1.5E-3", F(0.0015) },
        { ".5", F(0.5) }, { "1.", F(1.0) }, { "2.0", F(2.0) }, { "-0.0", F(-0.0) }, { "1e999", F(double.PositiveInfinity) },
        { ".inf", F(double.PositiveInfinity) }, { "+.inf", F(double.PositiveInfinity) }, { ".Inf", F(double.PositiveInfinity) },
        { "-.inf", F(double.NegativeInfinity) }, { "-.INF", F(double.NegativeInfinity) },
        { ".nan", F(double.NaN) }, { ".NaN", F(double.NaN) }, { ".NAN", F(double.NaN) },
        { "inf", S("inf") }, { "nan", S("nan") }, { "NaN", S("NaN") }, { "1e", S("1e") }, { "1.2.3", S("1.2.3") },
        { "2024-01-31", S("2024-01-31") }, { "1,5", S("1,5") }, { "abc", S("abc") }, { "hello world", S("hello world") },
        { "/data/train.csv", S("/data/train.csv") }, { "é日本", S("é日本") },
    };

    [Theory]
    [MemberData(nameof(PlainScalars))]
    public void Plain_scalars_are_typed_by_the_core_schema(string text, ConfigValue expected) =>
        Assert.Equal(expected, ValueOf(text));

    [Fact]
    public void Negative_zero_keeps_its_sign() =>
        Assert.True(double.IsNegative(Assert.IsType<ConfigFloat>(ValueOf("-0.0")).Value));

    public static TheoryData<string, ConfigValue> QuotedScalars => new()
    {
        { "'1'", S("1") }, { "\"true\"", S("true") }, { "'null'", S("null") }, { "\"~\"", S("~") }, { "''", S("") },
        { "\"\"", S("") }, { "'.inf'", S(".inf") }, { "\"a\\tb\\n\\u00e9\"", S("a\tb\né") }, { "'it''s'", S("it's") },
        { "\"  padded \"", S("  padded ") },
    };

    [Theory]
    [MemberData(nameof(QuotedScalars))]
    public void Quoted_scalars_are_always_strings(string text, ConfigValue expected) =>
        Assert.Equal(expected, ValueOf(text));

    [Fact]
    public void Block_scalars_are_strings() =>
        Assert.Equal(
            M(("literal", S("line 1\n  line 2\n")), ("folded", S("folded text 42"))),
            Expect.Succ(Parse("literal: |\n  line 1\n    line 2\nfolded: >-\n  folded\n  text 42\n")));

    public static TheoryData<string, ConfigValue> TaggedScalars => new()
    {
        { "!!str 5", S("5") }, { "!!str true", S("true") }, { "!!str", S("") }, { "! 7", S("7") },
        { "!!int \"12\"", I(12) }, { "!!int 0x10", I(16) }, { "!!float 1", F(1.0) }, { "!!float '2.5'", F(2.5) },
        { "!!float .nan", F(double.NaN) }, { "!!bool \"false\"", B(false) }, { "!!null ''", Null }, { "!!null ~", Null },
        { "!<tag:yaml.org,2002:str> 3", S("3") },
    };

    [Theory]
    [MemberData(nameof(TaggedScalars))]
    public void Explicit_tags_are_honoured(string text, ConfigValue expected) =>
        Assert.Equal(expected, ValueOf(text));

    [Fact]
    public void Collection_tags_are_accepted_on_their_own_kind() =>
        Assert.Equal(
            M(("m", M(("a", I(1)))), ("l", L(I(1)))),
            Expect.Succ(Parse("m: !!map {a: 1}\nl: !!seq [1]\n")));

    [Theory]
    [InlineData("v: !!int abc\n", 1, 4, "'abc' is not a valid !!int")]
    [InlineData("v: !!int 1.5\n", 1, 4, "'1.5' is not a valid !!int")]
    [InlineData("v: !!int 99999999999999999999\n", 1, 4, "'99999999999999999999' does not fit in a 64-bit integer")]
    [InlineData("v: !!float x\n", 1, 4, "'x' is not a valid !!float")]
    [InlineData("a: 1\nv: !!bool yes\n", 2, 4, "'yes' is not a valid !!bool")]
    [InlineData("v: !!null 0\n", 1, 4, "'0' is not a valid !!null")]
    [InlineData("v: !foo bar\n", 1, 4, "the tag '!foo' is not supported (use !!str, !!int, !!float, !!bool or !!null)")]
    [InlineData("v: !!timestamp 2001-12-14\n", 1, 4, "the tag '!!timestamp' is not supported (use !!str, !!int, !!float, !!bool or !!null)")]
    [InlineData("v: !!str [1]\n", 1, 4, "the tag '!!str' is not supported on a sequence")]
    [InlineData("v:\n  !!seq {a: 1}\n", 2, 3, "the tag '!!seq' is not supported on a mapping")]
    public void Bad_tags_are_errors_at_the_node(string text, int line, int column, string detail) =>
        ParseError(text, line, column, detail);

    [Fact]
    public void Aliases_resolve_to_the_anchored_value()
    {
        const string text = """
            defaults: &defaults
              lr: 0.1
              layers: [64, 32]
            model: *defaults
            name: &name baseline
            label: *name
            *name : key from an alias
            """;
        var defaults = M(("lr", F(0.1)), ("layers", L(I(64), I(32))));
        Assert.Equal(
            M(("defaults", defaults), ("model", defaults), ("name", S("baseline")), ("label", S("baseline")),
              ("baseline", S("key from an alias"))),
            Expect.Succ(Parse(text)));
    }

    [Fact]
    public void A_recursive_alias_is_an_error() =>
        ParseError("a: &loop [1, *loop]\n", 1, 4, "the node anchored '&loop' contains an alias to itself (a recursive alias)");

    [Fact]
    public void An_undefined_alias_is_an_error_at_the_alias() =>
        ParseError("a: 1\nb: *nope\n", 2, 4, "the alias '*nope' refers to no anchor '&nope' defined before it");

    [Fact]
    public void A_nested_file_parses_to_the_exact_tree()
    {
        const string text = """
            # experiment config
            name: baseline
            seed: 42
            data:
              path: data/train.csv
              label: "target"
              exclude: [id, 'timestamp']
              split: {test: 0.2, folds: 5}
            model:
              kind: lightgbm
              trees: 200
              learning_rate: 1e-2
              early_stop: null
              params:
                - name: depth
                  values: [4, 8]
                - name: leaves
                  values:
                    - 31
                    - 63
              tags: []
              extra: {}
            notes: |
              first line
              second line
            enabled: true
            """;
        var expected = M(
            ("name", S("baseline")),
            ("seed", I(42)),
            ("data", M(
                ("path", S("data/train.csv")),
                ("label", S("target")),
                ("exclude", L(S("id"), S("timestamp"))),
                ("split", M(("test", F(0.2)), ("folds", I(5)))))),
            ("model", M(
                ("kind", S("lightgbm")),
                ("trees", I(200)),
                ("learning_rate", F(0.01)),
                ("early_stop", Null),
                ("params", L(
                    M(("name", S("depth")), ("values", L(I(4), I(8)))),
                    M(("name", S("leaves")), ("values", L(I(31), I(63)))))),
                ("tags", L()),
                ("extra", M()))),
            ("notes", S("first line\nsecond line\n")),
            ("enabled", B(true)));
        Assert.Equal(expected, Expect.Succ(Parse(text)));
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_are_accepted() =>
        Assert.Equal(M(("a", I(1)), ("b", S("x"))), Expect.Succ(Parse("\uFEFFa: 1\r\nb: x\r\n")));

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("--- # empty\n...\n")]
    public void An_empty_document_is_an_empty_map(string text) =>
        Assert.Equal(ConfigMap.Empty, Expect.Succ(Parse(text)));

    [Theory]
    [InlineData("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a'")]
    [InlineData("a: 1\n'a': 2\n", 2, 1, "duplicate key 'a'")]
    [InlineData("x:\n  k: 1\n  !!str k: 2\n", 3, 3, "duplicate key 'k'")]
    [InlineData("? [1, 2]\n: 3\n", 1, 3, "a key must be a scalar, not a sequence")]
    [InlineData("a: 1\n{b: 1}: 2\n", 2, 1, "a key must be a scalar, not a mapping")]
    [InlineData("a: 1\n---\nb: 2\n", 2, 1, "a config file must hold one YAML document, but a second one starts here")]
    [InlineData("- a\n- b\n", 1, 1, "the root of a config file must be a mapping of keys to values, not a sequence")]
    [InlineData("\n  just text\n", 2, 3, "the root of a config file must be a mapping of keys to values, not the scalar 'just text'")]
    [InlineData("null\n", 1, 1, "the root of a config file must be a mapping of keys to values, not the scalar 'null'")]
    public void Structural_errors_have_the_right_position(string text, int line, int column, string detail) =>
        ParseError(text, line, column, detail);

    [Theory]
    [InlineData("bad indentation", "a:\n  b: 1\n c: 2\n", 3, 2, "While parsing a block mapping, did not find expected key.")]
    [InlineData("unclosed bracket before more keys", "a: [1, 2\nb: 3\n", 2, 1,
        "While parsing a flow sequence, did not find expected ',' or ']'; the '[' at line 1, column 4 is not closed.")]
    [InlineData("unclosed brace before more keys", "x: 1\na: {k: 1\nb: 3\n", 3, 1,
        "While parsing a flow mapping, did not find expected ',' or '}'; the '{' at line 2, column 4 is not closed.")]
    [InlineData("unclosed bracket at the end", "a: [1, 2\n", 2, 1, "While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("tab indentation", "a:\n\tb: 1\n", 2, 1, "While scanning a mapping, found invalid tab as indentation.")]
    [InlineData("tab after a value", "a:\n  b: 1\n\tc: 2\n", 3, 1, "While scanning a plain scalar, found a tab character that violate indentation.")]
    [InlineData("unclosed quote", "a: 1\nb: 'abc\n", 2, 4, "While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("mapping in a plain value", "a: b: c\n", 1, 5, "While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("reserved indicator", "a: @x\n", 1, 4, "While scanning for the next token, found character that cannot start any token.")]
    [InlineData("list item in a mapping", "key: value\n- item\n", 2, 1, "While parsing a block mapping, did not find expected key.")]
    public void Malformed_yaml_is_a_parse_error_at_the_right_place(string name, string text, int line, int column, string detail)
    {
        Assert.NotEmpty(name);
        ParseError(text, line, column, detail);
    }

    [Fact]
    public void The_error_message_names_the_source_and_position() =>
        Assert.Equal("run.yaml(3,1): duplicate key 'a'", Expect.Fail(Parse("a: 1\nb: 2\na: 3\n")).Message);
}
