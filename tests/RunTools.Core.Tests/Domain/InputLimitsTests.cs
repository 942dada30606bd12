using LanguageExt.Common;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Folds;
using RunTools.Tables;
using RunTools.Tests.Config;

namespace RunTools.Tests.Domain;

public sealed class InputLimitsTests
{
    static Fin<InputLimits> From(params (string Variable, string Value)[] set) =>
        InputLimits.FromVariables(name => set.Where(s => s.Variable == name).Select(s => s.Value).FirstOrDefault());

    [Fact]
    public void Without_variables_every_limit_is_its_documented_default() =>
        Assert.Equal(
            new InputLimits(32L << 20, 64, 1 << 20, 10_000, 4_000_000, 64L << 20, 65_536, 16 << 20, 64 << 20, 64 << 20),
            Expect.Succ(From()));

    [Fact]
    public void Every_limit_has_its_own_variable_and_a_default_within_its_ceiling()
    {
        Assert.Equal(InputLimits.All.Count, InputLimits.All.Map(l => l.Variable).Distinct().Count());
        Assert.All(InputLimits.All, l => Assert.StartsWith("RUNTOOLS_LIMIT_", l.Variable));
        Assert.All(InputLimits.All, l => Assert.InRange(l.Default, 1, l.Ceiling));
        Assert.All(InputLimits.All, l => Assert.Equal(l.Default, InputLimits.Default.ValueOf(l)));
        Assert.All(InputLimits.All, l => Assert.Equal(l.Ceiling, InputLimits.Ceiling.ValueOf(l)));
    }

    [Theory]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_DEPTH", "128", 128L)]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_DEPTH", " 256 ", 256L)]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_FILE_BYTES", "100M", 100L << 20)]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_FILE_BYTES", "100MiB", 100L << 20)]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_FILE_BYTES", "1g", 1L << 30)]
    [InlineData("RUNTOOLS_LIMIT_DATA_FIELD_BYTES", "512k", 512L << 10)]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_NODES", "10000000", 10_000_000L)]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_ALIASES", "", 10_000L)]
    public void A_variable_sets_its_limit_with_an_optional_binary_suffix(string variable, string value, long expected)
    {
        var limit = InputLimits.All.Single(l => l.Variable == variable);
        Assert.Equal(expected, Expect.Succ(From((variable, value))).ValueOf(limit));
    }

    [Theory]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_DEPTH", "257", "the nesting depth of a config cannot be raised above 256 levels")]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_DEPTH", "0", "a limit must be at least 1")]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_DEPTH", "-5", "it is not a whole number (optionally with a k, M or G suffix)")]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_NODES", "lots", "it is not a whole number (optionally with a k, M or G suffix)")]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_FILE_BYTES", "2G", "the size of a config file cannot be raised above 1,073,741,824 bytes")]
    [InlineData("RUNTOOLS_LIMIT_CONFIG_FILE_BYTES", "99999999999G", "the size of a config file cannot be raised above 1,073,741,824 bytes")]
    public void A_variable_that_is_not_a_usable_limit_is_InputLimitInvalid_naming_it(string variable, string value, string reason) =>
        Expect.Error(new InputLimitInvalid(variable, value, reason), From((variable, value)));

    [Fact]
    public void A_limit_error_says_how_to_raise_it_or_that_it_is_at_its_ceiling()
    {
        Assert.Equal(
            "deep.yaml(3,7): the config is nested 65 levels deep here, more than the limit of 64 levels; to allow more, set the "
            + "environment variable RUNTOOLS_LIMIT_CONFIG_DEPTH (now 64, at most 256).",
            new ConfigTooDeep("deep.yaml", 3, 7, 65, 64).Message);
        Assert.EndsWith("the nesting depth of a config cannot be raised above 256 levels.", new ConfigTooDeep("deep.yaml", 3, 7, 257, 256).Message);
    }
}

public sealed class ExcerptTests
{
    static readonly string Huge = new('x', 10 << 20);

    [Fact]
    public void A_short_value_is_quoted_whole_and_a_long_one_as_its_start_and_length()
    {
        Assert.Equal("model.trees", Excerpt.Of("model.trees"));
        Assert.Equal(new string('x', 80) + "… (10,485,760 characters)", Excerpt.Of(Huge));
        Assert.Equal("", Excerpt.Of(null));
    }

    [Fact]
    public void A_surrogate_pair_is_never_cut_in_half()
    {
        var text = new string('a', 79) + "😀" + new string('b', 10);
        Assert.Equal(new string('a', 79) + "… (91 characters)", Excerpt.Of(text));
    }

    [Fact]
    public void A_long_list_of_names_quotes_the_first_twenty() =>
        Assert.Equal(
            string.Join(", ", Enumerable.Range(0, 20).Select(i => $"'c{i}'")) + " and 9,980 more",
            Excerpt.Names(Enumerable.Range(0, 10_000).Select(i => $"c{i}")));

    /// <summary>Every error whose message quotes user input, built from 10 MB values (and lists of a thousand of them):
    /// the message stays a few lines.</summary>
    public static TheoryData<string> ErrorsQuotingInput => new()
    {
        nameof(InvalidName), nameof(ConfigFileNotFound), nameof(ConfigParseError), nameof(ConfigOverrideInvalid), nameof(ConfigPathConflict),
        nameof(ConfigValueInvalid), nameof(DataFileNotFound), nameof(DataFileInvalid), nameof(RunNotFound), nameof(RunIdAmbiguous), nameof(MetricInvalid),
        nameof(ColumnsMissing), nameof(ColumnNotFound), nameof(ColumnNameInvalid), nameof(ColumnNameDuplicate), nameof(CsvRecordInvalid),
        nameof(StageScriptFailed), nameof(FoldSpecInvalid), nameof(DuplicateRowKey), nameof(ClassTooSmall), nameof(InputLimitInvalid),
        nameof(UnexpectedFailure), nameof(StorageFailed), nameof(ConfigTooDeep), nameof(DataFieldTooLong),
    };

    static Error Build(string name) => name switch
    {
        nameof(InvalidName) => new InvalidName("run key", Huge, "use letters"),
        nameof(ConfigFileNotFound) => new ConfigFileNotFound(Huge),
        nameof(ConfigParseError) => new ConfigParseError(Huge, 1, 1, Huge),
        nameof(ConfigOverrideInvalid) => new ConfigOverrideInvalid(Huge, Huge),
        nameof(ConfigPathConflict) => new ConfigPathConflict(Huge, Huge),
        nameof(ConfigValueInvalid) => new ConfigValueInvalid(Huge, Huge),
        nameof(DataFileNotFound) => new DataFileNotFound(Huge),
        nameof(DataFileInvalid) => new DataFileInvalid(Huge, Huge),
        nameof(RunNotFound) => new RunNotFound(Huge, Huge, toSeq(Enumerable.Repeat(Huge, 3))),
        nameof(RunIdAmbiguous) => new RunIdAmbiguous(Huge, toSeq(Enumerable.Repeat(Huge, 1000))),
        nameof(MetricInvalid) => new MetricInvalid(Huge, Huge),
        nameof(ColumnsMissing) => new ColumnsMissing(Huge, toSeq(Enumerable.Repeat(Huge, 1000))),
        nameof(ColumnNotFound) => new ColumnNotFound(toSeq(Enumerable.Repeat(Huge, 1000)), toSeq(Enumerable.Repeat(Huge, 1000))),
        nameof(ColumnNameInvalid) => new ColumnNameInvalid(Huge, 1, "bad"),
        nameof(ColumnNameDuplicate) => new ColumnNameDuplicate(Huge),
        nameof(CsvRecordInvalid) => new CsvRecordInvalid(Huge, 1, Huge),
        nameof(StageScriptFailed) => new StageScriptFailed(Huge, "Exception", Huge),
        nameof(FoldSpecInvalid) => new FoldSpecInvalid(Huge, Huge),
        nameof(DuplicateRowKey) => new DuplicateRowKey(Huge, 2),
        nameof(ClassTooSmall) => new ClassTooSmall(Huge, 1, 5, "folds.k", "the data"),
        nameof(InputLimitInvalid) => new InputLimitInvalid("RUNTOOLS_LIMIT_CONFIG_DEPTH", Huge, "it is not a whole number"),
        nameof(UnexpectedFailure) => new UnexpectedFailure("New-Run", "Exception", Huge),
        nameof(StorageFailed) => new StorageFailed(Huge, "read", Huge),
        nameof(ConfigTooDeep) => new ConfigTooDeep(Huge, 1, 1, 65, 64),
        nameof(DataFieldTooLong) => new DataFieldTooLong(Huge, 1, Huge, 1, 0),
        _ => throw new ArgumentOutOfRangeException(name),
    };

    [Theory]
    [MemberData(nameof(ErrorsQuotingInput))]
    public void An_error_built_from_a_10_MB_value_has_a_message_of_a_few_lines(string error) =>
        Assert.InRange(Build(error).Message.Length, 1, 5000);

    [Fact]
    public void A_10_MB_bad_key_gives_a_short_message_and_keeps_the_whole_key_as_target()
    {
        var text = Huge + "=1";
        var error = Assert.IsType<ConfigScalarTooLong>(Expect.Fail(ConfigOverrides.Parse(text)));
        Assert.Same(text, error.Target);
        Assert.InRange(error.Message.Length, 1, 600);

        var invalid = Assert.IsType<ConfigOverrideInvalid>(Expect.Fail(ConfigOverrides.Parse("bad key " + new string('k', 500_000) + "=1")));
        Assert.InRange(invalid.Message.Length, 1, 600);
    }

    [Fact]
    public void A_config_value_quoted_in_an_error_is_cut_without_writing_all_of_it()
    {
        var big = new ConfigList(toSeq(Enumerable.Range(0, 1_000_000).Select(i => (ConfigValue)new ConfigInt(i))));
        var error = Assert.IsType<ConfigValueInvalid>(Expect.Fail(ConfigRead.String(new ConfigMap(Seq1(new ConfigEntry("a", big))), "a", "")));
        Assert.StartsWith("The config value at 'a' is not valid: expected a string, found the list [0, 1, 2,", error.Message);
        Assert.InRange(error.Message.Length, 1, 200);
    }
}
