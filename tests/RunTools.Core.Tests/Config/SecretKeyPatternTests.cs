using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Tests.Config;

public sealed class SecretKeyPatternTests
{
    [Theory]
    [InlineData("db.password", "db password")]
    [InlineData("api_key", "api key")]
    [InlineData("apiKey", "api key")]
    [InlineData("APIKey", "api key")]
    [InlineData("APIKEY", "apikey")]
    [InlineData("aws_secret_access_key", "aws secret access key")]
    [InlineData("ssh.private-key", "ssh private key")]
    [InlineData("OAuthToken", "o auth token")]
    [InlineData("key2", "key 2")]
    [InlineData("servers[0].password", "servers 0 password")]
    [InlineData("DB_PASSWORD", "db password")]
    [InlineData("monkey", "monkey")]
    [InlineData("", "")]
    public void Keys_split_into_lower_case_words_at_separators_camel_case_and_digits(string key, string words) =>
        Assert.Equal(words, string.Join(" ", SecretKeyPattern.Words(key)));

    [Theory]
    [InlineData("db.password", true)]
    [InlineData("api_key", true)]
    [InlineData("apiKey", true)]
    [InlineData("APIKey", true)]
    [InlineData("APIKEY", true)]
    [InlineData("auth.token", true)]
    [InlineData("aws_secret_access_key", true)]
    [InlineData("Password", true)]
    [InlineData("db.passwd", true)]
    [InlineData("gpg.passphrase", true)]
    [InlineData("secrets.db", true)]
    [InlineData("service.credentials.user", true)]
    [InlineData("servers[1].apiKey", true)]
    [InlineData("key", true)]
    [InlineData("key2", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("monkey", false)]
    [InlineData("tokens", false)]
    [InlineData("keys", false)]
    [InlineData("keyboard.layout", false)]
    [InlineData("tokenizer.max_tokens", false)]
    [InlineData("passwords", false)]
    [InlineData("model.trees", false)]
    [InlineData("data.label", false)]
    [InlineData("donkey_kong", false)]
    public void The_default_patterns_match_whole_key_words(string key, bool matches) =>
        Assert.Equal(matches, SecretKeyPattern.Default.Matches(key));

    [Theory]
    [InlineData("pass*", "db.passwd", true)]
    [InlineData("pass*", "db.password", true)]
    [InlineData("pass*", "compass", false)]
    [InlineData("pi?", "bank.pin", true)]
    [InlineData("pi?", "bank.pi", false)]
    [InlineData("private_key", "ssh.privateKey", true)]
    [InlineData("private_key", "ssh.private-key", true)]
    [InlineData("privateKey", "ssh.private_key", true)]
    [InlineData("private_key", "ssh.key", false)]
    [InlineData("private_key", "private.other.key", false)]
    [InlineData("private_key", "key.private", false)]
    [InlineData("*key", "monkey", true)]
    [InlineData("PIN", "bank.pin", true)]
    public void Patterns_are_words_with_wildcards_matched_one_after_the_other(string pattern, string key, bool matches) =>
        Assert.Equal(matches, Expect.Succ(SecretKeyPattern.Of(Seq1(pattern))).Matches(key));

    [Fact]
    public void No_patterns_match_no_key() =>
        Assert.False(Expect.Succ(SecretKeyPattern.Of(Seq<string>())).Matches("db.password"));

    [Fact]
    public void A_list_separates_patterns_by_commas_semicolons_and_white_space()
    {
        var pattern = Expect.Succ(SecretKeyPattern.Parse(" password, token;pin\tprivate_key "));
        Assert.Equal(Seq("password", "token", "pin", "private_key"), pattern.Patterns);
        Assert.True(pattern.Matches("bank.pin"));
        Assert.False(pattern.Matches("api_key"));
    }

    [Theory]
    [InlineData("pass word", "' ' is not allowed (use letters, digits, the wildcards * and ?, and . _ - between words)")]
    [InlineData("key$", "'$' is not allowed (use letters, digits, the wildcards * and ?, and . _ - between words)")]
    [InlineData("._-", "it has no word")]
    [InlineData("", "it has no word")]
    public void Invalid_patterns_are_SecretKeyPatternInvalid(string pattern, string detail) =>
        Expect.Error(new SecretKeyPatternInvalid(pattern, detail), SecretKeyPattern.Of(Seq1(pattern)));

    [Theory]
    [InlineData("db.password", "DB_PASSWORD")]
    [InlineData("apiKey", "API_KEY")]
    [InlineData("servers[0].token", "SERVERS_0_TOKEN")]
    [InlineData("", "SECRET")]
    public void The_suggested_variable_is_the_keys_words_in_capitals(string key, string variable) =>
        Assert.Equal(variable, SecretKeyPattern.VariableNameFor(key));

    [Fact]
    public void Patterns_are_equal_by_their_text() =>
        Assert.Equal(SecretKeyPattern.Default, Expect.Succ(SecretKeyPattern.Of(SecretKeyPattern.DefaultPatterns)));
}
