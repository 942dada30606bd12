using System.Text;
using System.Text.RegularExpressions;

namespace RunTools.HelpGen;

/// <summary>The prose of one cmdlet's help, as written in docs/en-US/&lt;Verb-Noun&gt;.md. Text is a list of
/// paragraphs; a paragraph that came from a fenced block keeps its line breaks.</summary>
public sealed record CommandDoc(
    string Name,
    IReadOnlyList<string> Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<ExampleDoc> Examples,
    IReadOnlyList<ParameterDoc> Parameters,
    IReadOnlyList<TypeDoc> Inputs,
    IReadOnlyList<TypeDoc> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<LinkDoc> Links);

/// <param name="Title">"Example 1: Create a run".</param>
/// <param name="Code">The example's ```powershell block.</param>
/// <param name="Remarks">Everything else in the example: prose, and output blocks kept verbatim.</param>
public sealed record ExampleDoc(string Title, string Code, IReadOnlyList<string> Remarks);

/// <param name="DefaultValue">From an optional ```yaml block with a single <c>Default value:</c> line, for defaults that
/// are decided at run time (the code's own default is used otherwise).</param>
public sealed record ParameterDoc(string Name, IReadOnlyList<string> Description, string? DefaultValue);

public sealed record TypeDoc(string TypeName, IReadOnlyList<string> Description);

public sealed record LinkDoc(string Text, string Uri);

/// <summary>
/// Reads the platyPS-like markdown layout:
/// <code>
/// # Verb-Noun
/// ## SYNOPSIS          one paragraph
/// ## SYNTAX            optional, ignored: the syntax always comes from the code
/// ## DESCRIPTION
/// ## EXAMPLES          ### Example N: Title, one ```powershell block, then remarks
/// ## PARAMETERS        ### -Name per parameter (including -WhatIf and -Confirm), optional ```yaml Default value: ...
/// ## INPUTS            ### Type name, then text
/// ## OUTPUTS           ### Type name, then text
/// ## NOTES
/// ## RELATED LINKS     - [Text](uri)
/// </code>
/// Problems are collected, not thrown, so one run of the generator reports all of them.
/// </summary>
public static partial class HelpMarkdown
{
    static readonly string[] KnownSections = ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    [GeneratedRegex(@"^Example \d+: \S.*$")]
    private static partial Regex ExampleTitle();

    [GeneratedRegex(@"^\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)$")]
    private static partial Regex Link();

    [GeneratedRegex(@"^(?:[-*]|\d+\.)\s+")]
    private static partial Regex ListItem();

    public static (CommandDoc? Doc, IReadOnlyList<string> Problems) Parse(string markdown, string source)
    {
        var problems = new List<string>();
        void Problem(string message) => problems.Add($"{source}: {message}");

        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var (title, sections) = Outline(lines, Problem);
        if (title is null)
        {
            Problem("the first heading must be '# Verb-Noun'");
            return (null, problems);
        }

        foreach (var unknown in sections.Keys.Where(k => !KnownSections.Contains(k)))
            Problem($"unknown section '## {unknown}' (expected {string.Join(", ", KnownSections)})");

        Section? Get(string name) => sections.GetValueOrDefault(name);

        var synopsis = Paragraphs(Get("SYNOPSIS")?.Body ?? []);
        if (synopsis.Count != 1) Problem("SYNOPSIS must be exactly one paragraph");
        var description = Paragraphs(Get("DESCRIPTION")?.Body ?? []);
        if (description.Count == 0) Problem("DESCRIPTION is missing or empty");

        var examples = new List<ExampleDoc>();
        foreach (var sub in Get("EXAMPLES")?.Subsections ?? [])
        {
            if (!ExampleTitle().IsMatch(sub.Heading)) Problem($"example heading '### {sub.Heading}' must read 'Example N: Title'");
            var blocks = Blocks(sub.Body);
            var code = blocks.Where(b => b.Language is "powershell").ToList();
            if (code.Count != 1 || code[0].Text.Trim().Length == 0)
                Problem($"'{sub.Heading}' must have exactly one non-empty ```powershell block");
            var remarks = blocks.Where(b => b.Language is not "powershell").Select(b => b.Text).ToList();
            examples.Add(new ExampleDoc(sub.Heading, code.FirstOrDefault()?.Text ?? "", remarks));
        }
        if (examples.Count == 0) Problem("EXAMPLES must have at least one '### Example 1: Title'");

        var parameters = new List<ParameterDoc>();
        foreach (var sub in Get("PARAMETERS")?.Subsections ?? [])
        {
            if (!sub.Heading.StartsWith('-'))
            {
                Problem($"parameter heading '### {sub.Heading}' must read '### -Name'");
                continue;
            }
            var name = sub.Heading[1..].Trim();
            var blocks = Blocks(sub.Body);
            string? defaultValue = null;
            foreach (var yaml in blocks.Where(b => b.Language is "yaml"))
                foreach (var line in yaml.Text.Split('\n').Where(l => l.Trim().Length > 0))
                {
                    var colon = line.IndexOf(':');
                    var key = colon < 0 ? line.Trim() : line[..colon].Trim();
                    if (key == "Default value") defaultValue = line[(colon + 1)..].Trim();
                    else Problem($"-{name}: '{key}' comes from the code; the yaml block may only set 'Default value'");
                }
            var text = blocks.Where(b => b.Language is not "yaml").Select(b => b.Text).ToList();
            if (text.Count == 0) Problem($"-{name} has no description");
            if (parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))) Problem($"-{name} is described twice");
            parameters.Add(new ParameterDoc(name, text, defaultValue));
        }

        List<TypeDoc> Types(string section)
        {
            var types = (Get(section)?.Subsections ?? []).Select(s => new TypeDoc(s.Heading, Paragraphs(s.Body))).ToList();
            if (types.Count == 0) Problem($"{section} must name at least one type ('### TypeName', or '### None')");
            return types;
        }

        var inputs = Types("INPUTS");
        var outputs = Types("OUTPUTS");
        var notes = Paragraphs(Get("NOTES")?.Body ?? []);

        var links = new List<LinkDoc>();
        foreach (var paragraph in Paragraphs(Get("RELATED LINKS")?.Body ?? []))
        {
            var item = ListItem().Replace(paragraph, "");
            var match = Link().Match(item);
            if (match.Success) links.Add(new LinkDoc(match.Groups["text"].Value, match.Groups["uri"].Value));
            else Problem($"related link '{paragraph}' must read '- [Text](uri)'");
        }

        return (new CommandDoc(title, synopsis, description, examples, parameters, inputs, outputs, notes, links), problems);
    }

    sealed record Section(string Heading, List<string> Body, List<Section> Subsections);

    /// <summary>Splits the file into its '# ' title, '## ' sections and their '### ' subsections. Headings inside
    /// fenced blocks are text.</summary>
    static (string? Title, Dictionary<string, Section> Sections) Outline(string[] lines, Action<string> problem)
    {
        string? title = null;
        var sections = new Dictionary<string, Section>(StringComparer.Ordinal);
        Section? section = null, sub = null;
        var fenced = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (!fenced && line.StartsWith("# ", StringComparison.Ordinal))
            {
                if (title is not null) problem("more than one '# ' heading");
                title ??= line[2..].Trim();
                continue;
            }
            if (!fenced && line.StartsWith("## ", StringComparison.Ordinal))
            {
                var heading = line[3..].Trim();
                section = new Section(heading, [], []);
                sub = null;
                if (!sections.TryAdd(heading, section)) problem($"section '## {heading}' appears twice");
                continue;
            }
            if (!fenced && line.StartsWith("### ", StringComparison.Ordinal) && section is not null)
            {
                sub = new Section(line[4..].Trim(), [], []);
                section.Subsections.Add(sub);
                continue;
            }
            (sub ?? section)?.Body.Add(line);
        }
        return (title, sections);
    }

    /// <summary>A paragraph of prose (Language null) or a fenced block (its language, "" when none).</summary>
    sealed record Block(string? Language, string Text);

    /// <summary>Prose paragraphs are separated by blank lines; their lines are joined with spaces, except that each
    /// list item starts a paragraph of its own. Fenced blocks keep their lines.</summary>
    static List<Block> Blocks(IEnumerable<string> lines)
    {
        var blocks = new List<Block>();
        var prose = new StringBuilder();
        StringBuilder? fence = null;
        string? language = null;

        void EndProse()
        {
            if (prose.Length > 0) blocks.Add(new Block(null, prose.ToString()));
            prose.Clear();
        }

        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (fence is not null)
            {
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    blocks.Add(new Block(language ?? "", fence.ToString().TrimEnd('\n')));
                    fence = null;
                }
                else fence.Append(line).Append('\n');
                continue;
            }
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                EndProse();
                fence = new StringBuilder();
                language = line.TrimStart()[3..].Trim().ToLowerInvariant();
                continue;
            }
            if (line.Trim().Length == 0)
            {
                EndProse();
                continue;
            }
            if (ListItem().IsMatch(line)) EndProse();
            if (prose.Length > 0) prose.Append(' ');
            prose.Append(line.Trim());
        }
        if (fence is not null) blocks.Add(new Block(language ?? "", fence.ToString().TrimEnd('\n')));
        EndProse();
        return blocks;
    }

    static List<string> Paragraphs(IEnumerable<string> lines) => Blocks(lines).Select(b => b.Text).ToList();
}
