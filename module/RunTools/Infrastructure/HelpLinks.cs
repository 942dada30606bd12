namespace RunTools.Module.Infrastructure;

/// <summary>Where each cmdlet's help is online (<c>Get-Help &lt;cmdlet&gt; -Online</c> opens its HelpUri): the
/// cmdlet's page under docs/en-US in the project repository, the source of its Get-Help text. The project URI is the
/// one RunTools.psd1 names as ProjectUri.</summary>
public static class HelpLinks
{
    public const string Project = "https://github.com/runtools/runtools";

    /// <summary>The folder of the cmdlet pages; a cmdlet's HelpUri is this followed by <c>&lt;Verb-Noun&gt;.md</c>.</summary>
    public const string Docs = Project + "/blob/main/docs/en-US/";
}
