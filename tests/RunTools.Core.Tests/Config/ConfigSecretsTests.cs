using System.Security.Cryptography;
using System.Text;
using LanguageExt.Common;
using RunTools.Comparison;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Tests.Manifests;
using static RunTools.Tests.Config.V;

namespace RunTools.Tests.Config;

public sealed class ConfigSecretsTests
{
    const string Value = "s3cr3t-Value!";

    static IReadOnlyDictionary<string, string> Env(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);

    static Seq<byte[]> Salts(int count, byte first = 1) =>
        toSeq(Enumerable.Range(0, count).Select(i => Enumerable.Repeat((byte)(first + i), ConfigSecrets.SaltBytes).ToArray()).ToList());

    /// <summary>A password referred to whole, the same variable inside a connection string, a token in a list of
    /// servers, and values that are no secrets.</summary>
    static readonly ConfigMap Config = M(
        ("db", M(
            ("password", S("${env:DB_PASSWORD}")),
            ("url", S("postgres://u:${env:DB_PASSWORD}@host/db")),
            ("port", I(5432)))),
        ("servers", L(M(("name", S("a")), ("token", S("${env:TOKEN_A}"))))),
        ("price", S("$${not_a_reference}")),
        ("model", M(("trees", I(200)))));

    static Seq<SecretUse> Uses(ConfigValue config) => Expect.Succ(ConfigSecrets.Scan(config, SecretKeyPattern.Default, allowLiterals: false));

    static SecretUse Use(string key, string text) => new(key, Expect.Succ(ConfigTemplate.Parse(key, text)));

    [Fact]
    public void Scan_finds_every_string_that_refers_to_the_environment_whole_or_embedded_with_its_key() =>
        Assert.Equal(
            Seq(
                Use("db.password", "${env:DB_PASSWORD}"),
                Use("db.url", "postgres://u:${env:DB_PASSWORD}@host/db"),
                Use("servers[0].token", "${env:TOKEN_A}")),
            Uses(Config));

    [Fact]
    public void A_use_records_its_references_as_env_names() =>
        Assert.Equal("env:USER, env:PASS", Use("db.url", "${env:USER}:${env:PASS}@h").Reference);

    public static TheoryData<string, ConfigValue> Literals => new()
    {
        { "db.password", S("hunter2") },
        { "api_key", I(1234) },
        { "apiKey", F(1.5) },
        { "auth.token", S("abc") },
        { "aws_secret_access_key", S("AKIA") },
    };

    [Theory]
    [MemberData(nameof(Literals))]
    public void A_literal_string_or_number_under_a_secret_key_is_SecretLiteral(string key, ConfigValue value) =>
        Expect.Error(new SecretLiteral(key, SecretKeyPattern.VariableNameFor(key)),
            ConfigSecrets.Scan(ConfigMap.Empty.With(key, value), SecretKeyPattern.Default, allowLiterals: false));

    public static TheoryData<string, ConfigValue> NoSecrets => new()
    {
        { "db.password", B(false) },
        { "db.password", Null },
        { "db.password", S("") },
        { "db.password", L() },
        { "db.password", M() },
        { "monkey", S("banana") },
        { "tokens", I(4096) },
        { "model.trees", I(200) },
    };

    [Theory]
    [MemberData(nameof(NoSecrets))]
    public void Booleans_null_empty_values_and_other_keys_are_accepted_and_are_no_secrets(string key, ConfigValue value) =>
        Assert.Equal(Seq<SecretUse>(), Uses(ConfigMap.Empty.With(key, value)));

    [Fact]
    public void A_value_with_a_reference_under_a_secret_key_is_not_a_literal() =>
        Assert.Equal(Seq1(Use("db.password", "prefix-${env:P}")), Uses(M(("db", M(("password", S("prefix-${env:P}")))))));

    [Fact]
    public void Literals_in_a_list_under_a_secret_key_are_refused_item_by_item_and_all_problems_are_reported_at_once()
    {
        var config = M(
            ("secret", L(S("a"), S("${env:OK}"), I(2))),
            ("db", M(("password", S("hunter2")), ("url", S("x${HOME}")))));
        var error = Expect.Fail(ConfigSecrets.Scan(config, SecretKeyPattern.Default, allowLiterals: false));
        Assert.Equal(
            Seq<Error>(
                new SecretLiteral("secret[0]", "SECRET_0"),
                new SecretLiteral("secret[2]", "SECRET_2"),
                new SecretLiteral("db.password", "DB_PASSWORD"),
                new SecretReferenceInvalid("db.url", 2, "only environment variables can be referenced, as ${env:NAME}")),
            Assert.IsType<ManyErrors>(error).Errors);
    }

    [Fact]
    public void Allowing_literals_accepts_them_but_still_finds_references_and_refuses_malformed_ones()
    {
        var config = M(("db", M(("password", S("hunter2")), ("user", S("${env:DB_USER}")))));
        Assert.Equal(Seq1(Use("db.user", "${env:DB_USER}")), Expect.Succ(ConfigSecrets.Scan(config, SecretKeyPattern.Default, allowLiterals: true)));
        Expect.Error(new SecretReferenceInvalid("db.password", 1, "'${' is not closed by '}'"),
            ConfigSecrets.Scan(M(("db", M(("password", S("${env:X"))))), SecretKeyPattern.Default, allowLiterals: true));
    }

    [Fact]
    public void The_patterns_decide_which_keys_are_secret()
    {
        var pin = Expect.Succ(SecretKeyPattern.Of(Seq1("pin")));
        var config = M(("bank", M(("pin", I(1234)), ("password", S("hunter2")))));
        Expect.Error(new SecretLiteral("bank.pin", "BANK_PIN"), ConfigSecrets.Scan(config, pin, allowLiterals: false));
    }

    [Fact]
    public void A_secret_is_recorded_as_its_reference_salt_and_the_PBKDF2_SHA256_hash_of_the_expanded_string()
    {
        var salts = Salts(3);
        var secrets = Expect.Succ(ConfigSecrets.Record(Uses(Config), Env(("DB_PASSWORD", Value), ("TOKEN_A", "tok")), salts));

        static string Pbkdf2(string value, byte[] salt) =>
            Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(value), salt, 100_000, HashAlgorithmName.SHA256, 32));
        Assert.Equal(
            Seq(
                new SecretRef("db.password", "env:DB_PASSWORD", Convert.ToHexStringLower(salts[0]), Pbkdf2(Value, salts[0])),
                new SecretRef("db.url", "env:DB_PASSWORD", Convert.ToHexStringLower(salts[1]), Pbkdf2($"postgres://u:{Value}@host/db", salts[1])),
                new SecretRef("servers[0].token", "env:TOKEN_A", Convert.ToHexStringLower(salts[2]), Pbkdf2("tok", salts[2]))),
            secrets);
        Assert.True(ConfigSecrets.Iterations >= 100_000);
        Assert.Equal(32, secrets[0].Salt.Length);
    }

    [Fact]
    public void The_hash_is_reproducible_from_the_recorded_salt_and_differs_with_another_salt()
    {
        var use = Seq1(Use("db.password", "${env:DB_PASSWORD}"));
        var environment = Env(("DB_PASSWORD", Value));
        var one = Expect.Succ(ConfigSecrets.Record(use, environment, Salts(1, first: 7))).Head;
        var again = Expect.Succ(ConfigSecrets.Record(use, environment, Salts(1, first: 7))).Head;
        var other = Expect.Succ(ConfigSecrets.Record(use, environment, Salts(1, first: 8))).Head;

        Assert.Equal(one, again);
        Assert.Equal(one.Sha256, ConfigSecrets.Hash(Value, Convert.FromHexString(one.Salt)));
        Assert.True(ConfigSecrets.IsValueOf(one, Value));
        Assert.False(ConfigSecrets.IsValueOf(one, Value + " "));
        Assert.NotEqual(one.Sha256, other.Sha256);
        Assert.False(ConfigSecrets.IsValueOf(one with { Salt = "not hex" }, Value));
    }

    [Fact]
    public void Every_unset_variable_is_SecretNotFound_naming_the_key_and_the_variable()
    {
        var error = Expect.Fail(ConfigSecrets.Record(Uses(Config), Env(), Salts(3)));
        Assert.Equal(
            Seq<Error>(
                new SecretNotFound("db.password", "DB_PASSWORD"),
                new SecretNotFound("db.url", "DB_PASSWORD"),
                new SecretNotFound("servers[0].token", "TOKEN_A")),
            Assert.IsType<ManyErrors>(error).Errors);
        Assert.Equal(RunTools.Domain.ErrorKind.NotFound, new SecretNotFound("k", "V").Kind);
    }

    [Fact]
    public void An_empty_variable_is_set_and_its_value_is_the_empty_string() =>
        Assert.True(ConfigSecrets.IsValueOf(
            Expect.Succ(ConfigSecrets.Record(Seq1(Use("db.password", "${env:DB_PASSWORD}")), Env(("DB_PASSWORD", "")), Salts(1))).Head, ""));

    [Fact]
    public void Nothing_the_run_records_or_writes_holds_a_secret_value()
    {
        var uses = Uses(Config);
        var environment = Env(("DB_PASSWORD", Value), ("TOKEN_A", "token-A-value"));
        var secrets = Expect.Succ(ConfigSecrets.Record(uses, environment, Salts(uses.Count)));
        var recordedEnvironment = ConfigSecrets.Redact(Fx.Env with
        {
            Variables = Seq(
                new EnvironmentVariable("DB_PASSWORD", Value),
                new EnvironmentVariable("TOKEN_A", "token-A-value"),
                new EnvironmentVariable("HOME", "/home/ann")),
        }, uses, SecretKeyPattern.Default);
        var created = Expect.Succ(RunCommands.Create(Fx.Spec(Config) with { Environment = recordedEnvironment, Secrets = secrets }, Fx.RunName, Fx.T0));
        var manifest = Manifest.Start(created);
        var (eventLine, eventSidecars) = RunJson.EncodeEvent(1, null, created);
        var (manifestJson, manifestSidecars) = RunJson.EncodeManifest(manifest, eventLine.Length);

        var written = Seq(eventLine, manifestJson, ConfigYaml.Write(created.Config), ConfigJson.Canonical(created.Config))
            + eventSidecars.Map(s => s.Content) + manifestSidecars.Map(s => s.Content);
        Assert.All(written, text =>
        {
            Assert.DoesNotContain(Value, text);
            Assert.DoesNotContain("token-A-value", text);
        });
        Assert.Contains("\"reference\":\"env:DB_PASSWORD\"", eventLine);
        Assert.Contains("\"${env:DB_PASSWORD}\"", manifestJson);
        var decoded = Expect.Succ(RunJson.DecodeManifest(manifestJson, manifestSidecars.Fold(HashMap<string, string>(), (m, s) => m.Add(s.Sha256, s.Content)), "run.json"));
        Assert.Equal(secrets, decoded.Manifest.Secrets);
    }

    [Fact]
    public void Recorded_environment_variables_that_are_referenced_or_look_like_secrets_are_redacted()
    {
        var env = Fx.Env with
        {
            Variables = Seq(
                new EnvironmentVariable("MY_PW", "x"),
                new EnvironmentVariable("AWS_SECRET_ACCESS_KEY", "y"),
                new EnvironmentVariable("API_TOKEN", null),
                new EnvironmentVariable("HOME", "/home/ann")),
        };
        Assert.Equal(
            Seq(
                new EnvironmentVariable("MY_PW", ConfigSecrets.Redacted),
                new EnvironmentVariable("AWS_SECRET_ACCESS_KEY", ConfigSecrets.Redacted),
                new EnvironmentVariable("API_TOKEN", null),
                new EnvironmentVariable("HOME", "/home/ann")),
            ConfigSecrets.Redact(env, Seq1(Use("db.password", "${env:MY_PW}")), SecretKeyPattern.Default).Variables);
    }

    static (Seq<SecretRef> Secrets, IReadOnlyDictionary<string, string> Environment) Created()
    {
        var environment = Env(("DB_PASSWORD", Value), ("TOKEN_A", "tok"));
        return (Expect.Succ(ConfigSecrets.Record(Uses(Config), environment, Salts(3))), environment);
    }

    [Fact]
    public void A_stage_sees_the_config_with_references_expanded_and_escapes_resolved_and_nothing_changed()
    {
        var (secrets, environment) = Created();
        var stage = Expect.Succ(ConfigSecrets.ForStage(Config, secrets, environment));

        Assert.Equal(
            M(
                ("db", M(("password", S(Value)), ("url", S($"postgres://u:{Value}@host/db")), ("port", I(5432)))),
                ("servers", L(M(("name", S("a")), ("token", S("tok"))))),
                ("price", S("${not_a_reference}")),
                ("model", M(("trees", I(200))))),
            stage.Config);
        Assert.Equal(Seq<SecretChanged>(), ConfigSecrets.Changed(stage));
        Assert.DoesNotContain(Value, stage.ToString());
        Assert.DoesNotContain(Value, stage.Mask.ToString());
    }

    [Fact]
    public void A_value_that_changed_since_the_run_was_created_is_SecretChanged_for_each_key_that_uses_it()
    {
        var (secrets, environment) = Created();
        var now = Env(("DB_PASSWORD", "another value"), ("TOKEN_A", environment["TOKEN_A"]));
        var stage = Expect.Succ(ConfigSecrets.ForStage(Config, secrets, now));

        Assert.Equal(S("another value"), ConfigPaths.Get(stage.Config, "db.password").IfNone(Null));
        Assert.Equal(
            Seq(new SecretChanged("db.password", "env:DB_PASSWORD"), new SecretChanged("db.url", "env:DB_PASSWORD")),
            ConfigSecrets.Changed(stage));
        Assert.DoesNotContain("another value", ConfigSecrets.Changed(stage).Head.Message);
    }

    [Fact]
    public void A_stage_of_a_run_whose_variable_is_unset_is_SecretNotFound()
    {
        var (secrets, _) = Created();
        Expect.Error(new SecretNotFound("servers[0].token", "TOKEN_A"), ConfigSecrets.ForStage(Config, secrets, Env(("DB_PASSWORD", Value))));
    }

    [Fact]
    public void A_use_without_a_recorded_hash_is_not_checked()
    {
        var stage = Expect.Succ(ConfigSecrets.ForStage(Config, Seq<SecretRef>(), Env(("DB_PASSWORD", Value), ("TOKEN_A", "tok"))));
        Assert.Equal(Seq<SecretChanged>(), ConfigSecrets.Changed(stage));
    }

    [Fact]
    public void The_mask_replaces_every_referenced_value_of_four_characters_or_more_longest_first()
    {
        var config = M(("a", S("${env:LONG}")), ("b", S("${env:SHORT}")), ("c", S("${env:PART}")));
        var stage = Expect.Succ(ConfigSecrets.ForStage(config, Seq<SecretRef>(), Env(("LONG", "abcdefgh"), ("SHORT", "abc"), ("PART", "abcd"))));

        Assert.Equal(Seq("abcdefgh", "abcd"), stage.Mask.Values);
        Assert.Equal("x *** y *** z abc", stage.Mask.Apply("x abcdefgh y abcd z abc"));
        Assert.Equal("unchanged", SecretMask.None.Apply("unchanged"));
    }

    [Fact]
    public void Compare_Run_compares_secrets_by_reference_never_by_their_per_run_salted_hashes()
    {
        var (one, environment) = Created();
        var two = Expect.Succ(ConfigSecrets.Record(Uses(Config), environment, Salts(3, first: 50)));
        var a = Manifest.Start(Expect.Succ(RunCommands.Create(Fx.Spec(Config) with { Secrets = one }, Fx.RunName, Fx.T0)));
        var b = Manifest.Start(Expect.Succ(RunCommands.Create(Fx.Spec(Config) with { Secrets = two }, "b", Fx.T0)));
        var c = Manifest.Start(Expect.Succ(RunCommands.Create(
            Fx.Spec(Config.With("db", M(("password", S("${env:OTHER}")), ("url", S("postgres://u:${env:DB_PASSWORD}@host/db")), ("port", I(5432))))), "c", Fx.T0)));

        Assert.NotEqual(one.Map(s => s.Sha256), two.Map(s => s.Sha256));
        Assert.Equal(Seq<RunDifference>(), RunDiff.Between(a, b));
        Assert.Equal(
            Seq1(new RunDifference(Fx.RunName, "c", "config", "db.password", "${env:DB_PASSWORD}", "${env:OTHER}", null, null, RunDiff.Changed)),
            RunDiff.Between(a, c));
    }
}
