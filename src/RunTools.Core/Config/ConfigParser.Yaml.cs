using RunTools.Domain;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace RunTools.Config;

/// <summary>
/// YAML through YamlDotNet's event parser, typed by the YAML 1.2 core schema. The values are built straight from the
/// events with an explicit stack (<see cref="YamlReader"/>), not through YamlDotNet's representation model: no recursion
/// however deep the input, no node graph beside the value, and the limits are checked on every event before anything
/// grows.
/// </summary>
public static partial class ConfigParser
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    private static Fin<ConfigValue> ParseYaml(string text, string source, InputLimits limits) =>
        ReadYaml(text, source, limits, 0).Bind(root => root.Match(
            None: () => FinSucc<ConfigValue>(ConfigMap.Empty),
            Some: node => node switch
            {
                { Value: ConfigMap, Kind: NodeKind.Mapping } => FinSucc(node.Value),
                // "---" with nothing after it: an empty document.
                { Kind: NodeKind.Scalar, Plain: true, Tagged: false, Text: "" } => FinSucc<ConfigValue>(ConfigMap.Empty),
                _ => Fail(source, node.Start.Line, node.Start.Column, $"{RootNotMapping}, not {Describe(node)}"),
            }));

    /// <summary>
    /// Parses one override value (the text after <c>=</c>) by the same rules as a file. Flow collections are
    /// allowed; block collections are not (<c>a=b: c</c> is almost certainly a string that needs quotes).
    /// <paramref name="baseDepth"/> is the depth the value is set at (the maps its dotted key creates), which counts
    /// towards the depth limit.
    /// </summary>
    internal static Fin<ConfigValue> ParseYamlValue(string text, string source, InputLimits limits, int baseDepth) =>
        ReadYaml(text, source, limits, baseDepth).Bind(root => root.Match(
            None: () => Fail(source, 1, 1, "the value is only a comment or blank; quote it to make it a string"),
            Some: node => node.Kind != NodeKind.Scalar && !node.Flow
                ? Fail(source, node.Start.Line, node.Start.Column,
                    $"the value is a block {(node.Kind == NodeKind.Mapping ? "mapping" : "sequence")}; quote it, or write a collection as [a, b] or {{k: v}}")
                : FinSucc(node.Value)));

    private enum NodeKind { Scalar, Sequence, Mapping }

    /// <summary>The root of the document: its value, and what error messages about it need.</summary>
    private sealed record RootNode(ConfigValue Value, NodeKind Kind, Mark Start, bool Flow, bool Plain, bool Tagged, string Text);

    /// <summary>The root of the text's one YAML document, or None when the text holds no document.</summary>
    private static Fin<Option<RootNode>> ReadYaml(string text, string source, InputLimits limits, int baseDepth)
    {
        var scanner = new Scanner(new StringReader(text));
        var reader = new YamlReader(new Parser(scanner), source, limits, baseDepth);
        try
        {
            return reader.Read();
        }
        catch (LimitExceeded e)
        {
            return FinFail<Option<RootNode>>(e.Error);
        }
        catch (YamlException e)
        {
            // Some scanner errors carry no position (Mark.Empty): the scanner's cursor is where it stopped. A tab that
            // breaks indentation ends the reported span.
            var at = IsEmpty(e.Start) && IsEmpty(e.End) ? scanner.CurrentPosition
                : e.Message.Contains("tab character", StringComparison.Ordinal) ? e.End
                : e.Start;
            return FailAt(source, at, Excerpt.Detail(e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet throws these instead of a YamlException on some malformed input (an unclosed flow
            // collection followed by more lines). Report where the scanner stopped, and the unclosed collection.
            return FailAt(source, scanner.CurrentPosition, reader.OpenFlow.Match(
                Some: open => open.Sequence
                    ? $"While parsing a flow sequence, did not find expected ',' or ']'; the '[' at line {open.Start.Line}, column {open.Start.Column} is not closed."
                    : $"While parsing a flow mapping, did not find expected ',' or '}}'; the '{{' at line {open.Start.Line}, column {open.Start.Column} is not closed.",
                None: () => $"The YAML is malformed here ({Excerpt.Detail(e.Message)})"));
        }
    }

    private static Fin<Option<RootNode>> FailAt(string source, Mark at, string detail) =>
        FinFail<Option<RootNode>>(new ConfigParseError(source, (int)at.Line, (int)at.Column, detail));

    private static bool IsEmpty(Mark mark) =>
        mark.Index == Mark.Empty.Index && mark.Line == Mark.Empty.Line && mark.Column == Mark.Empty.Column;

    private static string Describe(RootNode node) => node.Kind switch
    {
        NodeKind.Sequence => "a sequence",
        NodeKind.Scalar => $"the scalar '{Excerpt.Of(node.Text)}'",
        _ => "a mapping",
    };

    private static string TagText(TagName tag) =>
        Excerpt.Of(tag.Value.StartsWith(TagPrefix, StringComparison.Ordinal) ? "!!" + tag.Value[TagPrefix.Length..] : tag.Value);

    /// <summary>
    /// Events to a value, with an explicit stack of the open collections. Anchored values are remembered by name, so
    /// an alias costs nothing to build (the value is shared; writers expand it, which the size limits account for).
    /// <para>Errors: a syntax error is YamlDotNet's exception, where it stops. An error in a well-formed document (a
    /// bad tag, a duplicate key, a key that is not a scalar, an undefined or recursive alias, a second document) is
    /// remembered and the events are read on to the end, so that a syntax error anywhere is reported first, as a reader
    /// that builds the whole document before looking at it would. A limit stops at once (reading on is what it
    /// prevents).</para>
    /// <para>Limits, on every event: the depth of every collection and every alias use (an alias is as deep as its
    /// anchored node), the length of every scalar, the number of alias uses, and the running size of the document with
    /// its aliases expanded. For that it keeps, for each anchor whose node is complete, the node's height and expanded
    /// size: an alias adds them where it is used, so a "billion laughs" is refused after a few events.</para>
    /// </summary>
    private sealed class YamlReader(IParser parser, string source, InputLimits limits, int baseDepth)
    {
        /// <summary>A collection that has started and not ended.</summary>
        private sealed class Open(NodeKind kind, bool flow, Mark start, string? anchor, long nodesBefore, long charsBefore)
        {
            public NodeKind Kind { get; } = kind;
            public bool Flow { get; } = flow;
            public Mark Start { get; } = start;
            public string? Anchor { get; } = anchor;
            public long NodesBefore { get; } = nodesBefore;
            public long CharsBefore { get; } = charsBefore;
            public List<ConfigValue> Items { get; } = [];
            public List<ConfigEntry> Entries { get; } = [];
            public System.Collections.Generic.HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

            /// <summary>A mapping's key, once read and until its value is.</summary>
            public string? Key { get; set; }

            /// <summary>The height of its tallest child so far (a scalar is 0, a collection 1 + its tallest child).</summary>
            public int TallestChild { get; set; }
        }

        /// <summary>A complete anchored node: its value, its text when it is a scalar (a key may be an alias to it),
        /// and what an alias to it adds to the document.</summary>
        private sealed record Anchored(ConfigValue Value, string? Text, int Height, long Nodes, long Chars);

        private readonly List<Open> open = [];
        private readonly Dictionary<string, Anchored?> anchors = new(StringComparer.Ordinal); // null: its node is still open
        private long nodes, chars, aliases;
        private bool documentStarted;
        private RootNode? root;
        private ConfigParseError? failure;

        public Option<(bool Sequence, Mark Start)> OpenFlow
        {
            get
            {
                for (var i = open.Count - 1; i >= 0; i--)
                    if (open[i].Flow) return Some((open[i].Kind == NodeKind.Sequence, open[i].Start));
                return None;
            }
        }

        public Fin<Option<RootNode>> Read()
        {
            while (parser.MoveNext())
            {
                if (parser.Current is { } e)
                    On(e);
            }
            return failure is not null ? FinFail<Option<RootNode>>(failure)
                : root is null ? FinSucc(Option<RootNode>.None)
                : FinSucc(Some(root));
        }

        private void On(ParsingEvent e)
        {
            switch (e)
            {
                case DocumentStart:
                    if (documentStarted)
                        Failed(e.Start, "a config file must hold one YAML document, but a second one starts here");
                    documentStarted = true;
                    return;
                case Scalar scalar:
                    OnScalar(scalar);
                    return;
                case AnchorAlias alias:
                    OnAlias(alias);
                    return;
                case SequenceStart or MappingStart:
                    OnStart((NodeEvent)e);
                    return;
                case SequenceEnd or MappingEnd when open.Count > 0:
                    OnEnd();
                    return;
            }
        }

        private void OnScalar(Scalar scalar)
        {
            var text = scalar.Value;
            if (text.Length > limits.ConfigScalarChars)
                throw At(scalar.Start, (s, l, c) => new ConfigScalarTooLong(s, l, c, text.Length, limits.ConfigScalarChars));
            Grow(scalar.Start, 1, text.Length);
            var anchor = AnchorOf(scalar);
            if (failure is not null)
                return;
            var value = ScalarValue(scalar);
            if (value is null)
                return;
            if (anchor is not null)
                anchors[anchor] = new Anchored(value, text, 0, 1, text.Length);
            if (open.Count == 0)
                root ??= new RootNode(value, NodeKind.Scalar, scalar.Start, false, scalar.Style == ScalarStyle.Plain, !scalar.Tag.IsEmpty, text);
            else
                Add(value, text, NodeKind.Scalar, scalar.Start, 0);
        }

        private void OnAlias(AnchorAlias alias)
        {
            if (++aliases > limits.ConfigAliases)
                throw At(alias.Start, (s, l, c) => new ConfigAliasesExceeded(s, l, c, limits.ConfigAliases));
            var name = alias.Value.Value;
            if (!anchors.TryGetValue(name, out var anchored))
            {
                Failed(alias.Start, $"the alias '*{Excerpt.Of(name)}' refers to no anchor '&{Excerpt.Of(name)}' defined before it");
                return;
            }
            if (anchored is null)
            {
                var loop = open.FindLast(o => o.Anchor == name)!;
                Failed(loop.Start, $"the node anchored '&{Excerpt.Of(name)}' contains an alias to itself (a recursive alias)");
                return;
            }
            if (anchored.Height > 0 && open.Count + baseDepth + anchored.Height is var depth && depth > limits.ConfigDepth)
                throw At(alias.Start, (s, l, c) => new ConfigTooDeep(s, l, c, depth, limits.ConfigDepth));
            Grow(alias.Start, anchored.Nodes, anchored.Chars);
            if (failure is not null)
                return;
            var kind = anchored.Value switch { ConfigMap => NodeKind.Mapping, ConfigList => NodeKind.Sequence, _ => NodeKind.Scalar };
            if (open.Count == 0)
                root ??= new RootNode(anchored.Value, kind, alias.Start, false, false, true, anchored.Text ?? "");
            else
                Add(anchored.Value, anchored.Text, kind, alias.Start, anchored.Height);
        }

        private void OnStart(NodeEvent e)
        {
            var depth = open.Count + 1 + baseDepth;
            if (depth > limits.ConfigDepth)
                throw At(e.Start, (s, l, c) => new ConfigTooDeep(s, l, c, depth, limits.ConfigDepth));
            var mapping = e is MappingStart;
            var flow = e is SequenceStart { Style: SequenceStyle.Flow } or MappingStart { Style: MappingStyle.Flow };
            var anchor = AnchorOf(e);
            if (anchor is not null)
                anchors[anchor] = null;
            if (failure is null && open.Count > 0 && open[^1] is { Kind: NodeKind.Mapping, Key: null })
                Failed(e.Start, $"a key must be a scalar, not {(mapping ? "a mapping" : "a sequence")}");
            if (failure is null && !(e.Tag.IsEmpty || e.Tag.IsNonSpecific || e.Tag.Value == TagPrefix + (mapping ? "map" : "seq")))
                Failed(e.Start, $"the tag '{TagText(e.Tag)}' is not supported on a {(mapping ? "mapping" : "sequence")}");
            open.Add(new Open(mapping ? NodeKind.Mapping : NodeKind.Sequence, flow, e.Start, anchor, nodes, chars));
            Grow(e.Start, 1, 0);
        }

        private void OnEnd()
        {
            var closed = open[^1];
            open.RemoveAt(open.Count - 1);
            var height = closed.TallestChild + 1;
            ConfigValue value = closed.Kind == NodeKind.Mapping
                ? new ConfigMap(toSeq(closed.Entries.ToArray()))
                : new ConfigList(toSeq(closed.Items.ToArray()));
            if (closed.Anchor is not null)
                anchors[closed.Anchor] = new Anchored(value, null, height, nodes - closed.NodesBefore, chars - closed.CharsBefore);
            if (failure is not null)
                return;
            if (open.Count == 0)
                root ??= new RootNode(value, closed.Kind, closed.Start, closed.Flow, false, false, "");
            else
                Add(value, null, closed.Kind, closed.Start, height);
        }

        /// <summary>A complete node goes into the open collection, as a key or a value.</summary>
        /// <param name="text">The scalar's text (null for a collection), in case it is a key.</param>
        private void Add(ConfigValue value, string? text, NodeKind kind, Mark at, int height)
        {
            var parent = open[^1];
            parent.TallestChild = Math.Max(parent.TallestChild, height);
            if (parent.Kind == NodeKind.Sequence)
            {
                parent.Items.Add(value);
                return;
            }
            if (parent.Key is { } key)
            {
                parent.Entries.Add(new ConfigEntry(key, value));
                parent.Key = null;
                return;
            }
            if (text is null)
            {
                Failed(at, $"a key must be a scalar, not {(kind == NodeKind.Mapping ? "a mapping" : "a sequence")}");
                return;
            }
            if (!parent.Keys.Add(text))
            {
                Failed(at, $"duplicate key '{Excerpt.Of(text)}'");
                return;
            }
            parent.Key = text;
        }

        /// <summary>The node's anchor; a redefined anchor means the new node from here on.</summary>
        private string? AnchorOf(NodeEvent e) => e.Anchor.IsEmpty ? null : e.Anchor.Value;

        private ConfigValue? ScalarValue(Scalar node)
        {
            var text = node.Value;
            if (node.Tag.IsEmpty)
                return node.Style == ScalarStyle.Plain ? ConfigScalar.ResolvePlain(text) : new ConfigString(text);
            if (node.Tag.IsNonSpecific)
                return new ConfigString(text);

            if (!node.Tag.Value.StartsWith(TagPrefix, StringComparison.Ordinal))
                return Unsupported(node);

            switch (node.Tag.Value[TagPrefix.Length..])
            {
                case "str":
                    return new ConfigString(text);
                case "int":
                    if (ConfigScalar.Integer(text).Case is not System.Numerics.BigInteger n)
                        return Invalid(node, $"'{Excerpt.Of(text)}' is not a valid !!int");
                    return n >= long.MinValue && n <= long.MaxValue
                        ? new ConfigInt((long)n)
                        : Invalid(node, $"'{Excerpt.Of(text)}' does not fit in a 64-bit integer");
                case "float":
                    return (ConfigScalar.Float(text) | ConfigScalar.Integer(text).Map(ConfigScalar.ToDouble)).Case is double d
                        ? new ConfigFloat(d)
                        : Invalid(node, $"'{Excerpt.Of(text)}' is not a valid !!float");
                case "bool":
                    return ConfigScalar.Bool(text).Case is bool b
                        ? new ConfigBool(b)
                        : Invalid(node, $"'{Excerpt.Of(text)}' is not a valid !!bool");
                case "null":
                    return ConfigScalar.Null(text).IsSome
                        ? ConfigNull.Instance
                        : Invalid(node, $"'{Excerpt.Of(text)}' is not a valid !!null");
                default:
                    return Unsupported(node);
            }
        }

        private ConfigValue? Unsupported(Scalar node) =>
            Invalid(node, $"the tag '{TagText(node.Tag)}' is not supported (use !!str, !!int, !!float, !!bool or !!null)");

        private ConfigValue? Invalid(Scalar node, string detail)
        {
            Failed(node.Start, detail);
            return null;
        }

        /// <summary>The first error in the document; the events are still read to the end (syntax errors win).</summary>
        private void Failed(Mark at, string detail) =>
            failure ??= new ConfigParseError(source, (int)at.Line, (int)at.Column, detail);

        private void Grow(Mark at, long addNodes, long addChars)
        {
            nodes += addNodes;
            chars += addChars;
            if (nodes > limits.ConfigNodes)
                throw At(at, (s, l, c) => new ConfigExpansionTooLarge(s, l, c, "nodes", nodes, limits.ConfigNodes));
            if (chars > limits.ConfigChars)
                throw At(at, (s, l, c) => new ConfigExpansionTooLarge(s, l, c, "characters", chars, limits.ConfigChars));
        }

        private LimitExceeded At(Mark at, Func<string, int, int, RunError> error) =>
            new(error(source, (int)at.Line, (int)at.Column));
    }
}
