using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace RunTools.HelpGen;

/// <summary>The generated help, or why it cannot be generated.</summary>
/// <param name="Xml">The MAML text (meaningful only when there are no problems).</param>
/// <param name="Problems">Every mismatch between the markdown and the code, as "file: message".</param>
public sealed record HelpGeneration(string Xml, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Builds RunTools.dll-Help.xml: imports the repository's RunTools.psd1 in a fresh runspace, reads every exported
/// cmdlet's metadata with Get-Command, pairs it with docs/en-US/&lt;Verb-Noun&gt;.md and writes MAML. The markdown
/// holds the prose; the code holds the facts (syntax, types, mandatory, position, pipeline input, aliases, output
/// types), so the two cannot drift: a parameter or output type the markdown gets wrong is a problem, not a guess.
/// </summary>
public static class HelpGenerator
{
    public const string HelpFileName = "RunTools.dll-Help.xml";

    public static string DocsDirectory(string repoRoot) => Path.Combine(repoRoot, "docs", "en-US");

    /// <summary>The committed source of the help file; the module build copies it to where Get-Help looks.</summary>
    public static string HelpFilePath(string repoRoot) => Path.Combine(repoRoot, "module", "RunTools", "en-US", HelpFileName);

    public static HelpGeneration Generate(string repoRoot)
    {
        var manifest = Path.Combine(repoRoot, "RunTools.psd1");
        var iss = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = PowerShell.Create(runspace);
        ps.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("ErrorAction", "Stop")
            .AddStatement()
            .AddCommand("Get-Command").AddParameter("Module", "RunTools").AddParameter("CommandType", CommandTypes.Cmdlet);
        var cmdlets = ps.Invoke().Select(o => (CmdletInfo)o.BaseObject).ToList();
        if (cmdlets.Count == 0) return new HelpGeneration("", [$"{manifest}: exports no cmdlets (is the module built?)"]);
        return Generate(cmdlets, DocsDirectory(repoRoot));
    }

    public static HelpGeneration Generate(IReadOnlyList<CmdletInfo> cmdlets, string docsDirectory)
    {
        var problems = new List<string>();
        var pairs = new List<(CommandModel, CommandDoc)>();

        var files = Directory.Exists(docsDirectory)
            ? Directory.GetFiles(docsDirectory, "*-*.md").ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal)
            : [];
        foreach (var stray in files.Keys.Where(f => !cmdlets.Any(c => c.Name == f)).Order(StringComparer.Ordinal))
            problems.Add($"{Path.GetFileName(files[stray])}: no exported cmdlet is named '{stray}'");

        foreach (var cmdlet in cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var source = cmdlet.Name + ".md";
            if (!files.TryGetValue(cmdlet.Name, out var path))
            {
                problems.Add($"{source}: missing (every exported cmdlet needs docs/en-US/{source})");
                continue;
            }
            var (doc, parseProblems) = HelpMarkdown.Parse(File.ReadAllText(path), source);
            problems.AddRange(parseProblems);
            if (doc is null) continue;
            var model = CommandModels.From(cmdlet);
            problems.AddRange(Check(model, doc, source));
            pairs.Add((model, doc));
        }

        return problems.Count > 0 ? new HelpGeneration("", problems) : new HelpGeneration(MamlWriter.Write(pairs), problems);
    }

    /// <summary>Where the markdown and the code disagree.</summary>
    static IEnumerable<string> Check(CommandModel model, CommandDoc doc, string source)
    {
        if (doc.Name != model.Name) yield return $"{source}: the title is '# {doc.Name}', expected '# {model.Name}'";

        var documented = doc.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in model.Parameters.Where(p => !documented.Contains(p.Name)))
            yield return $"{source}: parameter -{p.Name} is not described (add '### -{p.Name}' under PARAMETERS)";
        foreach (var p in doc.Parameters.Where(d => !model.Parameters.Any(m => string.Equals(m.Name, d.Name, StringComparison.OrdinalIgnoreCase))))
            yield return $"{source}: -{p.Name} is described but {model.Name} has no such parameter";
        foreach (var p in doc.Parameters.Where(d => model.Parameters.Any(m => m.Name != d.Name && string.Equals(m.Name, d.Name, StringComparison.OrdinalIgnoreCase))))
            yield return $"{source}: -{p.Name} is spelled differently in the code";

        var outputs = doc.Outputs.Select(o => o.TypeName).ToHashSet(StringComparer.Ordinal);
        var declared = model.OutputTypes.ToHashSet(StringComparer.Ordinal);
        if (!outputs.SetEquals(declared))
            yield return $"{source}: OUTPUTS names {Names(outputs)} but [OutputType] declares {Names(declared)}";

        static string Names(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
    }
}
