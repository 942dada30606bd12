using RunTools.Config;
using RunTools.Domain;

namespace RunTools.Tests.Config;

public sealed class ConfigTemplateTests
{
    static TemplatePart T(string text) => new TextPart(text);

    static TemplatePart E(string variable) => new EnvReference(variable);

    public static TheoryData<string, TemplatePart[]> Parsed => new()
    {
        { "", [] },
        { "plain text", [T("plain text")] },
        { "costs $5 {each}", [T("costs $5 {each}")] },
        { "${env:DB_PASSWORD}", [E("DB_PASSWORD")] },
        { "postgres://u:${env:DB_PASSWORD}@host/db", [T("postgres://u:"), E("DB_PASSWORD"), T("@host/db")] },
        { "${env:USER}:${env:PASS_2}", [E("USER"), T(":"), E("PASS_2")] },
        { "${env:a}${env:b}", [E("a"), E("b")] },
        { "$${env:NOT_A_REFERENCE}", [T("${env:NOT_A_REFERENCE}")] },
        { "a$${b}c", [T("a${b}c")] },
        { "$${env:X}${env:Y}", [T("${env:X}"), E("Y")] },
        { "$$x and $", [T("$$x and $")] },
    };

    [Theory]
    [MemberData(nameof(Parsed))]
    public void Strings_split_into_text_and_environment_references(string text, TemplatePart[] parts) =>
        Assert.Equal(new ConfigTemplate(toSeq(parts)), Expect.Succ(ConfigTemplate.Parse("k", text)));

    [Theory]
    [InlineData("${env:A", 1, "'${' is not closed by '}'")]
    [InlineData("x${HOME}", 2, "only environment variables can be referenced, as ${env:NAME}")]
    [InlineData("${ENV:A}", 1, "only environment variables can be referenced, as ${env:NAME}")]
    [InlineData("ok ${env:A} then ${env:}", 18, "the variable name is empty")]
    [InlineData("${env:DB-PASSWORD}", 1, "the variable name has a character other than a letter, digit or '_'")]
    [InlineData("${env: A}", 1, "the variable name has a character other than a letter, digit or '_'")]
    public void A_malformed_reference_is_SecretReferenceInvalid_at_its_position(string text, int position, string detail) =>
        Expect.Error(new SecretReferenceInvalid("db.url", position, detail), ConfigTemplate.Parse("db.url", text));

    [Fact]
    public void The_message_of_a_malformed_reference_does_not_repeat_the_text()
    {
        var error = Expect.Fail(ConfigTemplate.Parse("db.password", "hunter${2}"));
        Assert.DoesNotContain("hunter", error.Message);
        Assert.Contains("write $${ for a literal ${", error.Message);
    }

    [Fact]
    public void Expanding_replaces_references_and_keeps_escaped_text()
    {
        var template = Expect.Succ(ConfigTemplate.Parse("k", "u:${env:USER} p:${env:PASS} literal:$${env:PASS}"));
        Assert.Equal(Seq("USER", "PASS"), template.References.Map(r => r.Variable));
        Assert.Equal(Seq("env:USER", "env:PASS"), template.References.Map(r => r.Reference));
        Assert.Equal("u:ann p:pw literal:${env:PASS}", template.Expand(r => r.Variable == "USER" ? "ann" : "pw"));
    }
}
