using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace RunTools.HelpGen;

/// <summary>Writes the MAML that Get-Help reads (the schema PowerShell's own *.dll-Help.xml files use), element order as
/// platyPS writes it. The output is deterministic: the same inputs give the same bytes.</summary>
public static class MamlWriter
{
    static readonly XNamespace Msh = "http://msh";
    static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static string Write(IEnumerable<(CommandModel Model, CommandDoc Doc)> commands)
    {
        var root = new XElement(Msh + "helpItems",
            new XAttribute("schema", "maml"),
            commands.OrderBy(c => c.Model.Name, StringComparer.Ordinal).Select(c => CommandElement(c.Model, c.Doc)));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), root);

        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings)) document.Save(writer);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    static XElement CommandElement(CommandModel model, CommandDoc doc)
    {
        var docs = doc.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var ordered = doc.Parameters.Select(d => model.Parameters.First(p => string.Equals(p.Name, d.Name, StringComparison.OrdinalIgnoreCase)));

        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", model.Name),
                new XElement(Command + "verb", model.Verb),
                new XElement(Command + "noun", model.Noun),
                Description(doc.Synopsis)),
            Description(doc.Description),
            new XElement(Command + "syntax",
                model.Syntax.Select(set => new XElement(Command + "syntaxItem",
                    new XElement(Maml + "name", model.Name),
                    set.Parameters.Select(SyntaxParameterElement)))),
            new XElement(Command + "parameters",
                ordered.Select(p => ParameterElement(p, docs[p.Name]))),
            new XElement(Command + "inputTypes",
                doc.Inputs.Select(t => new XElement(Command + "inputType", TypeElement(t.TypeName), Description(t.Description)))),
            new XElement(Command + "returnValues",
                doc.Outputs.Select(t => new XElement(Command + "returnValue", TypeElement(t.TypeName), Description(t.Description)))),
            doc.Notes.Count == 0 ? null : new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(doc.Notes))),
            new XElement(Command + "examples",
                doc.Examples.Select(e => new XElement(Command + "example",
                    new XElement(Maml + "title", $"-------------------------- {e.Title} --------------------------"),
                    new XElement(Dev + "code", e.Code),
                    new XElement(Dev + "remarks", Paras(e.Remarks))))),
            new XElement(Command + "relatedLinks",
                doc.Links.Select(l => new XElement(Maml + "navigationLink",
                    new XElement(Maml + "linkText", l.Text),
                    // Relative links (Other-Cmdlet.md) mean something on GitHub, not to Get-Help -Online.
                    new XElement(Maml + "uri", Uri.TryCreate(l.Uri, UriKind.Absolute, out _) ? l.Uri : "")))));
    }

    /// <summary>A parameter inside one syntax item: the attributes of that parameter set only; valid values as a
    /// group so Get-Help shows <c>-Section {run | config | ...}</c>; a switch has no value.</summary>
    static XElement SyntaxParameterElement(SyntaxParameter s)
    {
        var p = s.Parameter;
        return new XElement(Command + "parameter",
            new XAttribute("required", s.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", p.IsArray ? "true" : "false"),
            new XAttribute("globbing", p.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", s.PipelineInput),
            new XAttribute("position", s.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            p.ValidValues.Count == 0 || p.IsSwitch
                ? null
                : new XElement(Command + "parameterValueGroup",
                    p.ValidValues.Select(v => new XElement(Command + "parameterValue",
                        new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))),
            p.IsSwitch ? null : ValueElement(p),
            new XElement(Dev + "type", new XElement(Maml + "name", p.FullTypeName), new XElement(Maml + "uri")));
    }

    static XElement ParameterElement(ParameterModel p, ParameterDoc doc) =>
        new(Command + "parameter",
            new XAttribute("required", p.Required),
            new XAttribute("variableLength", p.IsArray ? "true" : "false"),
            new XAttribute("globbing", p.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", p.Position),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            Description(p.ValidValues.Count == 0 || p.IsSwitch
                ? doc.Description
                : [.. doc.Description, "Valid values: " + string.Join(", ", p.ValidValues) + "."]),
            ValueElement(p),
            new XElement(Dev + "type", new XElement(Maml + "name", p.FullTypeName), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", doc.DefaultValue ?? p.DefaultValue));

    static XElement ValueElement(ParameterModel p) =>
        new(Command + "parameterValue",
            new XAttribute("required", p.IsSwitch ? "false" : "true"),
            new XAttribute("variableLength", p.IsArray ? "true" : "false"),
            p.TypeName);

    static XElement TypeElement(string name) => new(Dev + "type", new XElement(Maml + "name", name));

    static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paras(paragraphs));

    static IEnumerable<XElement> Paras(IEnumerable<string> paragraphs) => paragraphs.Select(p => new XElement(Maml + "para", p));
}
