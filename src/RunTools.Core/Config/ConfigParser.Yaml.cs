using RunTools.Domain;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace RunTools.Config;

/// <summary>YAML through YamlDotNet's representation model, typed by the YAML 1.2 core schema.</summary>
public static partial class ConfigParser
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    private static Fin<ConfigValue> ParseYaml(string text, string source) =>
        LoadYaml(text, source).Bind(root => root.Match(
            None: () => FinSucc<ConfigValue>(ConfigMap.Empty),
            Some: node => node switch
            {
                YamlMappingNode => new YamlConverter(source).Convert(node),
                // "---" with nothing after it: an empty document.
                YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" } s when s.Tag.IsEmpty => FinSucc<ConfigValue>(ConfigMap.Empty),
                _ => Fail(source, node.Start.Line, node.Start.Column, $"{RootNotMapping}, not {Describe(node)}"),
            }));

    /// <summary>
    /// Parses one override value (the text after <c>=</c>) by the same rules as a file. Flow collections are
    /// allowed; block collections are not (<c>a=b: c</c> is almost certainly a string that needs quotes).
    /// </summary>
    internal static Fin<ConfigValue> ParseYamlValue(string text, string source) =>
        LoadYaml(text, source).Bind(root => root.Match(
            None: () => Fail(source, 1, 1, "the value is only a comment or blank; quote it to make it a string"),
            Some: node => node switch
            {
                YamlMappingNode { Style: not MappingStyle.Flow } or YamlSequenceNode { Style: not SequenceStyle.Flow } =>
                    Fail(source, node.Start.Line, node.Start.Column,
                        $"the value is a block {(node is YamlMappingNode ? "mapping" : "sequence")}; quote it, or write a collection as [a, b] or {{k: v}}"),
                _ => new YamlConverter(source).Convert(node),
            }));

    /// <summary>The root node of the text's one YAML document, or None when the text holds no document.</summary>
    private static Fin<Option<YamlNode>> LoadYaml(string text, string source)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new TrackingParser(new Parser(scanner));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (AnchorNotFoundException e)
        {
            return parser.UndefinedAlias.Match(
                Some: alias => FailLoad(source, alias.Start, $"the alias '*{alias.Value.Value}' refers to no anchor '&{alias.Value.Value}' defined before it"),
                None: () => FailLoad(source, e.Start, e.Message));
        }
        catch (YamlException e)
        {
            // Some scanner errors carry no position (Mark.Empty): the scanner's cursor is where it stopped. A tab that
            // breaks indentation ends the reported span.
            var at = IsEmpty(e.Start) && IsEmpty(e.End) ? scanner.CurrentPosition
                : e.Message.Contains("tab character", StringComparison.Ordinal) ? e.End
                : e.Start;
            return FailLoad(source, at, Readable(e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet throws these instead of a YamlException on some malformed input (an unclosed flow
            // collection followed by more lines). Report where the scanner stopped, and the unclosed collection.
            return FailLoad(source, scanner.CurrentPosition, parser.OpenFlow.Match(
                Some: open => open.Sequence
                    ? $"While parsing a flow sequence, did not find expected ',' or ']'; the '[' at line {open.Start.Line}, column {open.Start.Column} is not closed."
                    : $"While parsing a flow mapping, did not find expected ',' or '}}'; the '{{' at line {open.Start.Line}, column {open.Start.Column} is not closed.",
                None: () => $"The YAML is malformed here ({e.Message})"));
        }

        return stream.Documents.Count switch
        {
            0 => FinSucc(Option<YamlNode>.None),
            1 => FinSucc(Some(stream.Documents[0].RootNode)),
            _ => FailLoad(source, parser.DocumentStarts[1], "a config file must hold one YAML document, but a second one starts here"),
        };
    }

    private static Fin<Option<YamlNode>> FailLoad(string source, Mark at, string detail) =>
        FinFail<Option<YamlNode>>(new ConfigParseError(source, (int)at.Line, (int)at.Column, detail));

    private static bool IsEmpty(Mark mark) =>
        mark.Index == Mark.Empty.Index && mark.Line == Mark.Empty.Line && mark.Column == Mark.Empty.Column;

    private static string Readable(string message) =>
        message.StartsWith("Duplicate key ", StringComparison.Ordinal)
            ? $"duplicate key '{message["Duplicate key ".Length..]}'"
            : message;

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a sequence",
        YamlScalarNode s => $"the scalar '{s.Value}'",
        _ => "a mapping",
    };

    private static string TagText(TagName tag) =>
        tag.Value.StartsWith(TagPrefix, StringComparison.Ordinal) ? "!!" + tag.Value[TagPrefix.Length..] : tag.Value;

    /// <summary>
    /// Node graph to value tree. Aliases are the same node object as their anchor, so converted nodes are memoised
    /// by reference (an alias costs nothing) and a node met again while it is being converted is a recursive alias.
    /// The state lives for one conversion only.
    /// </summary>
    private sealed class YamlConverter(string source)
    {
        private readonly Dictionary<YamlNode, ConfigValue> done = new(ReferenceEqualityComparer.Instance);
        private readonly System.Collections.Generic.HashSet<YamlNode> active = new(ReferenceEqualityComparer.Instance);

        public Fin<ConfigValue> Convert(YamlNode node)
        {
            if (done.TryGetValue(node, out var known))
                return FinSucc(known);
            if (!active.Add(node))
                return At(node, $"the node anchored '&{node.Anchor.Value}' contains an alias to itself (a recursive alias)");

            var result = node switch
            {
                YamlScalarNode s => Scalar(s),
                YamlSequenceNode q => Sequence(q),
                YamlMappingNode m => Mapping(m),
                _ => At(node, "an alias that does not resolve to a node"),
            };
            active.Remove(node);
            return result.Do(value => done[node] = value);
        }

        private Fin<ConfigValue> Sequence(YamlSequenceNode node) =>
            CheckCollectionTag(node, "seq").Bind(_ =>
                toSeq(node.Children)
                    .Fold(FinSucc(Seq<ConfigValue>()), (acc, child) => acc.Bind(items => Convert(child).Map(items.Add)))
                    .Map(items => (ConfigValue)new ConfigList(items)));

        private Fin<ConfigValue> Mapping(YamlMappingNode node) =>
            CheckCollectionTag(node, "map").Bind(_ =>
                toSeq(node.Children)
                    .Fold(FinSucc(Seq<ConfigEntry>()), (acc, pair) => acc.Bind(entries => Entry(entries, pair.Key, pair.Value)))
                    .Map(entries => (ConfigValue)new ConfigMap(entries)));

        private Fin<Seq<ConfigEntry>> Entry(Seq<ConfigEntry> entries, YamlNode keyNode, YamlNode valueNode)
        {
            if (keyNode is not YamlScalarNode scalar)
                return At(keyNode, $"a key must be a scalar, not {Describe(keyNode)}").Map(_ => entries);
            var key = scalar.Value ?? "";
            return entries.Exists(e => e.Key == key)
                ? At(keyNode, $"duplicate key '{key}'").Map(_ => entries)
                : Convert(valueNode).Map(value => entries.Add(new ConfigEntry(key, value)));
        }

        private Fin<Unit> CheckCollectionTag(YamlNode node, string expected) =>
            node.Tag.IsEmpty || node.Tag.IsNonSpecific || node.Tag.Value == TagPrefix + expected
                ? FinSucc(unit)
                : At(node, $"the tag '{TagText(node.Tag)}' is not supported on a {(expected == "map" ? "mapping" : "sequence")}").Map(_ => unit);

        private Fin<ConfigValue> Scalar(YamlScalarNode node)
        {
            var text = node.Value ?? "";
            if (node.Tag.IsEmpty)
                return FinSucc(node.Style == ScalarStyle.Plain ? ConfigScalar.ResolvePlain(text) : new ConfigString(text));
            if (node.Tag.IsNonSpecific)
                return FinSucc<ConfigValue>(new ConfigString(text));

            if (!node.Tag.Value.StartsWith(TagPrefix, StringComparison.Ordinal))
                return Unsupported(node);

            return node.Tag.Value[TagPrefix.Length..] switch
            {
                "str" => FinSucc<ConfigValue>(new ConfigString(text)),
                "int" => ConfigScalar.Integer(text).Match(
                    Some: n => n >= long.MinValue && n <= long.MaxValue
                        ? FinSucc<ConfigValue>(new ConfigInt((long)n))
                        : At(node, $"'{text}' does not fit in a 64-bit integer"),
                    None: () => At(node, $"'{text}' is not a valid !!int")),
                "float" => (ConfigScalar.Float(text) | ConfigScalar.Integer(text).Map(ConfigScalar.ToDouble)).Match(
                    Some: d => FinSucc<ConfigValue>(new ConfigFloat(d)),
                    None: () => At(node, $"'{text}' is not a valid !!float")),
                "bool" => ConfigScalar.Bool(text).Match(
                    Some: b => FinSucc<ConfigValue>(new ConfigBool(b)),
                    None: () => At(node, $"'{text}' is not a valid !!bool")),
                "null" => ConfigScalar.Null(text).Match(
                    Some: _ => FinSucc<ConfigValue>(ConfigNull.Instance),
                    None: () => At(node, $"'{text}' is not a valid !!null")),
                _ => Unsupported(node),
            };
        }

        private Fin<ConfigValue> Unsupported(YamlNode node) =>
            At(node, $"the tag '{TagText(node.Tag)}' is not supported (use !!str, !!int, !!float, !!bool or !!null)");

        private Fin<ConfigValue> At(YamlNode node, string detail) =>
            Fail(source, node.Start.Line, node.Start.Column, detail);
    }

    /// <summary>
    /// Passes events through and remembers what error reporting needs: where each document starts, the open flow
    /// collections, and the first alias whose anchor has not been defined.
    /// </summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        private readonly Stack<(bool Flow, bool Sequence, Mark Start)> open = new();
        private readonly System.Collections.Generic.HashSet<string> anchors = new(StringComparer.Ordinal);

        public List<Mark> DocumentStarts { get; } = [];
        public Option<AnchorAlias> UndefinedAlias { get; private set; }

        public Option<(bool Sequence, Mark Start)> OpenFlow =>
            toSeq(open).Find(c => c.Flow).Map(c => (c.Sequence, c.Start));

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var more = inner.MoveNext();
            if (more && inner.Current is { } current)
                Track(current);
            return more;
        }

        private void Track(ParsingEvent e)
        {
            if (e is NodeEvent { Anchor.IsEmpty: false } anchored)
                anchors.Add(anchored.Anchor.Value);
            switch (e)
            {
                case DocumentStart:
                    DocumentStarts.Add(e.Start);
                    anchors.Clear();
                    break;
                case AnchorAlias alias when UndefinedAlias.IsNone && !anchors.Contains(alias.Value.Value):
                    UndefinedAlias = Some(alias);
                    break;
                case SequenceStart s:
                    open.Push((s.Style == SequenceStyle.Flow, true, e.Start));
                    break;
                case MappingStart m:
                    open.Push((m.Style == MappingStyle.Flow, false, e.Start));
                    break;
                case SequenceEnd or MappingEnd when open.Count > 0:
                    open.Pop();
                    break;
            }
        }
    }
}
