using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RunTools.Domain;
using RunTools.Tests.Config;

namespace RunTools.Tests.Domain;

public sealed class NamesTests
{
    const string KeyRule = "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    const string MetricRule = "use 1-128 letters, digits, '.', '_', '-', ':' or '/', starting with a letter or digit";

    public static TheoryData<string> ValidKeys() =>
        ["a", "Z", "0", "baseline", "lgbm_v2", "run-2026.03", "A.b_c-d", "9lives", new string('k', 64)];

    public static TheoryData<string?> InvalidKeys() =>
    [
        null, "", " ", "-a", ".a", "_a", "a b", "a/b", "a\\b", "a:b", "a..b", "a.." , "é", "a\tb", "a*",
        new string('k', 65), "abc\n", "abc\r\n", "\nabc",
    ];

    [Theory]
    [MemberData(nameof(ValidKeys))]
    public void Valid_run_keys_are_kept_as_given(string value) => Assert.Equal(value, Expect.Succ(Names.RunKey(value)).Value);

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Invalid_run_keys_are_refused(string? value) =>
        Expect.Error(new InvalidName("run key", value ?? "", KeyRule), Names.RunKey(value));

    [Theory]
    [MemberData(nameof(ValidKeys))]
    public void Valid_stage_names_are_kept_as_given(string value) => Assert.Equal(value, Expect.Succ(Names.StageName(value)).Value);

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public void Invalid_stage_names_are_refused(string? value) =>
        Expect.Error(new InvalidName("stage name", value ?? "", KeyRule), Names.StageName(value));

    [Theory]
    [InlineData("auc")]
    [InlineData("val/auc")]
    [InlineData("train:loss")]
    [InlineData("fold.1/rmse")]
    [InlineData("a-b_c")]
    [InlineData("0")]
    public void Valid_metric_names(string value) => Assert.Equal(value, Expect.Succ(Names.MetricName(value)));

    [Fact]
    public void A_metric_name_may_have_128_characters_but_not_129()
    {
        Assert.Equal(new string('m', 128), Expect.Succ(Names.MetricName(new string('m', 128))));
        Expect.Error(new InvalidName("metric name", new string('m', 129), MetricRule), Names.MetricName(new string('m', 129)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/auc")]
    [InlineData(":auc")]
    [InlineData("val auc")]
    [InlineData("val..auc")]
    [InlineData("auc\n")]
    [InlineData("auc\\x")]
    [InlineData("auc%")]
    public void Invalid_metric_names(string? value) =>
        Expect.Error(new InvalidName("metric name", value ?? "", MetricRule), Names.MetricName(value));

    [Fact]
    public void Names_print_as_their_value_and_compare_by_value()
    {
        var a = Expect.Succ(Names.RunKey("baseline"));
        Assert.Equal("baseline", a.ToString());
        Assert.Equal(a, Expect.Succ(Names.RunKey("baseline")));
        Assert.NotEqual(a, Expect.Succ(Names.RunKey("Baseline")));
        Assert.Equal("train", Expect.Succ(Names.StageName("train")).ToString());
    }

    // ---- RunRelativePath -----------------------------------------------------------------------------------

    const string Run = "/runs/r1";

    [Theory]
    [InlineData("model.zip", "model.zip")]
    [InlineData("a/./b", "a/b")]
    [InlineData("a\\b", "a/b")]
    [InlineData("a/../b", "b")]
    [InlineData("./a//b/", "a/b")]
    [InlineData("a/b/..", "a")]
    [InlineData("a\\.\\b\\..\\c.csv", "a/c.csv")]
    [InlineData("x/y/../../z", "z")]
    [InlineData("...", "...")]
    [InlineData("a/.hidden", "a/.hidden")]
    public void Relative_paths_are_normalised(string path, string expected) =>
        Assert.Equal(expected, Expect.Succ(RunRelativePath.Create(path, Run)).Value);

    [Theory]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a\\..\\..\\x")]
    [InlineData("/abs")]
    [InlineData("\\abs")]
    [InlineData("C:\\x")]
    [InlineData("c:/x")]
    [InlineData("C:x")]
    [InlineData("\\\\server\\share\\x")]
    [InlineData("//server/share")]
    [InlineData("./C:/x")]
    [InlineData("a/../C:/x")]
    [InlineData("./x:y")]
    public void Paths_that_leave_the_run_are_refused(string path) =>
        Expect.Error(new PathOutsideRun(path, Run), RunRelativePath.Create(path, Run));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_path_is_an_invalid_name(string path) =>
        Expect.Error(new InvalidName("path", path, "the path is empty"), RunRelativePath.Create(path, Run));

    [Theory]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("a/..")]
    [InlineData("a/b/../..")]
    public void A_path_that_names_the_run_itself_is_an_invalid_name(string path) =>
        Expect.Error(new InvalidName("path", path, "the path names the run directory itself"), RunRelativePath.Create(path, Run));

    [Fact]
    public void A_path_with_a_NUL_is_an_invalid_name() =>
        Expect.Error(new InvalidName("path", "a\0b", "the path contains a NUL character"), RunRelativePath.Create("a\0b", Run));

    [Fact]
    public void Refusals_are_coded_security_and_argument_errors()
    {
        var outside = Assert.IsType<PathOutsideRun>(Expect.Fail(RunRelativePath.Create("../x", Run)));
        Assert.Equal((1002, ErrorKind.Security, (object?)"../x"), (outside.Code, outside.Kind, outside.Target));
        Assert.Equal("The path '../x' resolves outside the run directory '/runs/r1'.", outside.Message);
        var empty = Assert.IsType<InvalidName>(Expect.Fail(RunRelativePath.Create("", Run)));
        Assert.Equal((1001, ErrorKind.InvalidArgument), (empty.Code, empty.Kind));
    }

    static readonly Gen<string> PathGen =
        Gen.Choose(1, 7)
            .SelectMany(n => Gen.ArrayOf(Gen.Elements("a", "b", "c.csv", ".", "..", "...", "", " ", "C:", "x:y", ".git"), n))
            .SelectMany(parts => Gen.Elements("/", "\\").Select(sep => string.Join(sep, parts)))
            .SelectMany(p => Gen.Elements("", "/", "\\", "./", "../").Select(prefix => prefix + p));

    [Property(MaxTest = 1000)]
    public Property Accepted_paths_never_leave_the_run() =>
        Prop.ForAll(Arb.From(PathGen), path =>
            RunRelativePath.Create(path, Run).Match(
                Succ: r =>
                {
                    var segments = r.Value.Split('/');
                    Assert.DoesNotContain("..", segments);
                    Assert.DoesNotContain(".", segments);
                    Assert.DoesNotContain("", segments);
                    Assert.DoesNotContain('\\', r.Value);
                    Assert.False(Path.IsPathRooted(r.Value), r.Value);
                    Assert.False(r.Value.Length >= 2 && r.Value[1] == ':', r.Value);
                    // Normalising again changes nothing (a whitespace-only result such as "./ " -> " " is the one
                    // exception: the emptiness check runs on the raw text; see the report).
                    if (!string.IsNullOrWhiteSpace(r.Value))
                        Assert.Equal(r, Expect.Succ(RunRelativePath.Create(r.Value, Run)));
                    return true;
                },
                Fail: e => e is PathOutsideRun or InvalidName));

    [Property(MaxTest = 300)]
    public Property Paths_that_climb_above_the_run_are_always_refused() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, 4).SelectMany(depth => Gen.Choose(depth + 1, depth + 3).Select(up => (depth, up)))), t =>
        {
            var path = string.Join('/', Enumerable.Repeat("d", t.depth).Concat(Enumerable.Repeat("..", t.up)).Append("x"));
            return Expect.Fail(RunRelativePath.Create(path, Run)) is PathOutsideRun;
        });
}
