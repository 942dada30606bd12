using RunTools.Config;
using RunTools.Domain;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

public sealed class ConfigPathsTests
{
    private static readonly ConfigMap Tree = M(
        ("a", I(1)),
        ("b", M(("c", L(I(1), M(("x", I(2))))), ("d", M()), ("e", M(("f", Null))))),
        ("g", S("text")));

    [Fact]
    public void Flatten_gives_dotted_keys_for_every_leaf_in_tree_order() =>
        Assert.Equal(
            Seq<(string, ConfigValue)>(("a", I(1)), ("b.c", L(I(1), M(("x", I(2))))), ("b.d", M()), ("b.e.f", Null), ("g", S("text"))),
            ConfigPaths.Flatten(Tree));

    [Fact]
    public void Flatten_of_an_empty_map_is_empty_and_of_a_scalar_is_one_unnamed_leaf()
    {
        Assert.Equal(Seq<(string, ConfigValue)>(), ConfigPaths.Flatten(M()));
        Assert.Equal(Seq1<(string, ConfigValue)>(("", I(5))), ConfigPaths.Flatten(I(5)));
    }

    [Theory]
    [InlineData("a", "1")]
    [InlineData("b.c", "[1, {x: 2}]")]
    [InlineData("b.d", "{}")]
    [InlineData("b.e.f", "null")]
    [InlineData("b.e", "{f: null}")]
    public void Get_finds_values_by_dotted_path(string path, string display) =>
        Assert.Equal(display, ConfigPaths.Get(Tree, path).Map(v => v.Display).IfNone("<none>"));

    [Theory]
    [InlineData("z")]
    [InlineData("a.b")]
    [InlineData("b.c.x")]
    [InlineData("b.e.f.g")]
    [InlineData("b..c")]
    public void Get_of_a_missing_path_is_none(string path) =>
        Assert.Equal(Option<ConfigValue>.None, ConfigPaths.Get(Tree, path));

    [Fact]
    public void Get_of_the_empty_path_is_the_root() =>
        Assert.Equal(Some<ConfigValue>(Tree), ConfigPaths.Get(Tree, ""));

    [Fact]
    public void Get_finds_keys_that_contain_dots()
    {
        var tree = M(("lr.decay", F(0.5)), ("a", M(("x", I(0)), ("b.c", I(1)))));
        Assert.Equal(Some(F(0.5)), ConfigPaths.Get(tree, "lr.decay"));
        Assert.Equal(Some(I(1)), ConfigPaths.Get(tree, "a.b.c"));
        Assert.Equal(Seq<(string, ConfigValue)>(("lr.decay", F(0.5)), ("a.x", I(0)), ("a.b.c", I(1))), ConfigPaths.Flatten(tree));
    }
}

public sealed class ConfigReadTests
{
    private static readonly ConfigValue Config = Expect.Succ(ConfigParser.Parse("""
        name: exp1
        trees: 200
        lr: 0.1
        rounds: 3
        flag: true
        tags: [a, 1, true, 2.5]
        tag: solo
        weights: [1, 2.5]
        seeds: [1, 2]
        nothing: null
        bad: abc
        mixed: [1, x]
        holes: [a, null]
        nested: {x: 1}
        """, "read.yaml", ConfigFormat.Yaml));

    private static void Invalid<T>(string key, string detail, Fin<T> result) =>
        Expect.Error(new ConfigValueInvalid(key, detail), result);

    [Fact]
    public void String_reads_scalars_as_text_and_defaults_when_missing_or_null()
    {
        Assert.Equal("exp1", Expect.Succ(ConfigRead.String(Config, "name", "d")));
        Assert.Equal("200", Expect.Succ(ConfigRead.String(Config, "trees", "d")));
        Assert.Equal("true", Expect.Succ(ConfigRead.String(Config, "flag", "d")));
        Assert.Equal("d", Expect.Succ(ConfigRead.String(Config, "missing", "d")));
        Assert.Equal("d", Expect.Succ(ConfigRead.String(Config, "nothing", "d")));
        Assert.Equal("1", Expect.Succ(ConfigRead.String(Config, "nested.x", "d")));
        Invalid("nested", "expected a string, found the map {x: 1}", ConfigRead.String(Config, "nested", "d"));
        Invalid("seeds", "expected a string, found the list [1, 2]", ConfigRead.String(Config, "seeds", "d"));
    }

    [Fact]
    public void OptionalString_is_none_when_missing_or_null()
    {
        Assert.Equal(Some("exp1"), Expect.Succ(ConfigRead.OptionalString(Config, "name")));
        Assert.Equal(Option<string>.None, Expect.Succ(ConfigRead.OptionalString(Config, "missing")));
        Assert.Equal(Option<string>.None, Expect.Succ(ConfigRead.OptionalString(Config, "nothing")));
        Invalid("tags", "expected a string, found the list [a, 1, true, 2.5]", ConfigRead.OptionalString(Config, "tags"));
    }

    [Fact]
    public void Int_reads_integers_only()
    {
        Assert.Equal(200L, Expect.Succ(ConfigRead.Int(Config, "trees", 7)));
        Assert.Equal(7L, Expect.Succ(ConfigRead.Int(Config, "missing", 7)));
        Assert.Equal(7L, Expect.Succ(ConfigRead.Int(Config, "nothing", 7)));
        Invalid("bad", "expected an integer, found 'abc'", ConfigRead.Int(Config, "bad", 7));
        Invalid("lr", "expected an integer, found '0.1'", ConfigRead.Int(Config, "lr", 7));
        Invalid("flag", "expected an integer, found 'true'", ConfigRead.Int(Config, "flag", 7));
    }

    [Fact]
    public void Float_accepts_floats_and_integers()
    {
        Assert.Equal(0.1, Expect.Succ(ConfigRead.Float(Config, "lr", 9.5)));
        Assert.Equal(3.0, Expect.Succ(ConfigRead.Float(Config, "rounds", 9.5)));
        Assert.Equal(9.5, Expect.Succ(ConfigRead.Float(Config, "missing", 9.5)));
        Invalid("bad", "expected a number, found 'abc'", ConfigRead.Float(Config, "bad", 9.5));
    }

    [Fact]
    public void Bool_reads_booleans_only()
    {
        Assert.True(Expect.Succ(ConfigRead.Bool(Config, "flag", false)));
        Assert.False(Expect.Succ(ConfigRead.Bool(Config, "missing", false)));
        Assert.True(Expect.Succ(ConfigRead.Bool(Config, "missing", true)));
        Invalid("name", "expected a boolean (true or false), found 'exp1'", ConfigRead.Bool(Config, "name", false));
        Invalid("nested.x", "expected a boolean (true or false), found '1'", ConfigRead.Bool(Config, "nested.x", false));
    }

    [Fact]
    public void Strings_reads_a_list_or_one_scalar()
    {
        Assert.Equal(Seq("a", "1", "true", "2.5"), Expect.Succ(ConfigRead.Strings(Config, "tags")));
        Assert.Equal(Seq1("solo"), Expect.Succ(ConfigRead.Strings(Config, "tag")));
        Assert.Equal(Seq<string>(), Expect.Succ(ConfigRead.Strings(Config, "missing")));
        Assert.Equal(Seq<string>(), Expect.Succ(ConfigRead.Strings(Config, "nothing")));
        Invalid("holes[1]", "expected a string, found null", ConfigRead.Strings(Config, "holes"));
        Invalid("nested", "expected a string, found the map {x: 1}", ConfigRead.Strings(Config, "nested"));
    }

    [Fact]
    public void Floats_reads_numbers()
    {
        Assert.Equal(Seq(1.0, 2.5), Expect.Succ(ConfigRead.Floats(Config, "weights")));
        Assert.Equal(Seq1(0.1), Expect.Succ(ConfigRead.Floats(Config, "lr")));
        Assert.Equal(Seq<double>(), Expect.Succ(ConfigRead.Floats(Config, "missing")));
        Invalid("mixed[1]", "expected a number, found 'x'", ConfigRead.Floats(Config, "mixed"));
    }

    [Fact]
    public void Ints_reads_integers()
    {
        Assert.Equal(Seq(1L, 2L), Expect.Succ(ConfigRead.Ints(Config, "seeds")));
        Assert.Equal(Seq1(200L), Expect.Succ(ConfigRead.Ints(Config, "trees")));
        Assert.Equal(Seq<long>(), Expect.Succ(ConfigRead.Ints(Config, "missing")));
        Invalid("weights[1]", "expected an integer, found '2.5'", ConfigRead.Ints(Config, "weights"));
        Invalid("lr", "expected an integer, found '0.1'", ConfigRead.Ints(Config, "lr"));
    }
}
