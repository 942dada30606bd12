using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.Training;

namespace RunTools.MachineLearning;

/// <summary>
/// A model bundle on disk: <c>model.json</c> (task, mode, feature encoding, label classes and the label column's type
/// (<c>label_kind</c>: integer, number, boolean or text; absent in bundles written before it was recorded, which read as
/// text), parts with their
/// candidates, hierarchy, conformal calibration) beside one ML.NET zip per part (<c>&lt;file&gt;.zip</c>).
/// </summary>
public static class BundleJson
{
    public const int FormatVersion = 1;

    static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A file name for a part: "model", "meta", "level1", "ovr_&lt;class&gt;", "level2_&lt;branch&gt;" with any character
    /// that is not a letter, digit, '-' or '_' replaced, and a counter when two names collide.</summary>
    public static Seq<(ModelPart Part, string File)> Files(ModelBundle bundle)
    {
        var used = new System.Collections.Generic.HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return bundle.Parts.Map(p =>
        {
            var stem = string.Concat(p.Name.Replace(':', '_').Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
            var file = stem + ".zip";
            for (var n = 2; !used.Add(file); n++) file = $"{stem}_{n}.zip";
            return (p, file);
        });
    }

    public static string Encode(ModelBundle bundle, Seq<string> featureList)
    {
        var root = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["task"] = bundle.Task.ToString().ToLowerInvariant(),
            ["mode"] = bundle.Mode.ToString().ToLowerInvariant(),
            ["features"] = new JsonArray(featureList.Map(f => (JsonNode?)f).ToArray()),
            ["encoding"] = new JsonArray(bundle.Encoder.Features.Map(Encoding).ToArray()),
            ["classes"] = new JsonArray(bundle.Labels.Classes.Map(c => (JsonNode?)c).ToArray()),
            ["label_kind"] = LabelValues.Name(bundle.Labels.Kind),
            ["positive_class"] = bundle.Labels.Positive,
            ["parent_classes"] = bundle.Parents is null ? null : new JsonArray(bundle.Parents.Classes.Map(c => (JsonNode?)c).ToArray()),
            ["parent_label_kind"] = bundle.Parents is null ? null : LabelValues.Name(bundle.Parents.Kind),
            ["hierarchy"] = new JsonArray(bundle.Hierarchy.Map(h => (JsonNode?)new JsonObject { ["leaf"] = h.Leaf, ["parent"] = h.Parent }).ToArray()),
            ["parts"] = new JsonArray(Files(bundle).Map(x => (JsonNode?)new JsonObject
            {
                ["name"] = x.Part.Name,
                ["file"] = x.Part.Bytes.Length == 0 ? null : x.File,
                ["candidate"] = x.Part.Candidate.Id,
                ["trainer"] = TrainerParameters.Name(x.Part.Candidate.Trainer),
                ["parameters"] = new JsonObject(x.Part.Candidate.Parameters.Map((k, v) => new KeyValuePair<string, JsonNode?>(k, v)).Values),
                ["classes"] = new JsonArray(x.Part.Classes.Map(c => (JsonNode?)c).ToArray()),
            }).ToArray()),
            ["conformal"] = bundle.Conformal is { } c ? new JsonObject { ["n"] = c.N, ["alpha"] = c.Alpha, ["quantile"] = Number(c.Quantile) } : null,
        };
        return root.ToJsonString(Options);
    }

    static JsonNode? Number(double value) => double.IsFinite(value) ? value : value.ToString(CultureInfo.InvariantCulture);

    static JsonNode? Encoding(FeatureEncoding e) => e switch
    {
        NumericEncoding n => new JsonObject { ["name"] = n.Name, ["kind"] = "numeric", ["fill"] = n.Fill, ["indicator"] = n.Indicator },
        OneHotEncoding o => new JsonObject { ["name"] = o.Name, ["kind"] = "categorical", ["categories"] = new JsonArray(o.Categories.Map(c => (JsonNode?)c).ToArray()) },
        _ => null,
    };

    /// <summary>Reads model.json; <paramref name="readPart"/> returns the bytes of a part's zip file.</summary>
    public static Fin<(ModelBundle Bundle, Seq<string> Features)> Decode(string json, string source, Func<string, Fin<byte[]>> readPart)
    {
        try
        {
            var root = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("empty document");
            var version = root["format_version"]!.GetValue<int>();
            if (version > FormatVersion) return FinFail<(ModelBundle, Seq<string>)>(new SchemaVersionUnsupported(source, version, FormatVersion));
            var task = Enum.Parse<TrainingTask>(root["task"]!.GetValue<string>(), ignoreCase: true);
            var mode = Enum.Parse<TrainingMode>(root["mode"]!.GetValue<string>(), ignoreCase: true);
            var encoder = new EncoderState(toSeq(root["encoding"]!.AsArray().Select(node => (FeatureEncoding)(node!["kind"]!.GetValue<string>() switch
            {
                "numeric" => new NumericEncoding(node["name"]!.GetValue<string>(), node["fill"]!.GetValue<double>(), node["indicator"]!.GetValue<bool>()),
                "categorical" => new OneHotEncoding(node["name"]!.GetValue<string>(), Strings(node["categories"])),
                var other => throw new JsonException($"unknown feature kind '{other}'"),
            })).ToArray()));
            var classes = Strings(root["classes"]);
            var labels = new LabelEncoding(task, classes, Kind(root["label_kind"]));
            var parents = root["parent_classes"] is JsonArray p ? new LabelEncoding(TrainingTask.Multiclass, Strings(p), Kind(root["parent_label_kind"])) : null;
            var hierarchy = toSeq(root["hierarchy"]!.AsArray().Select(h => (h!["leaf"]!.GetValue<string>(), h["parent"]!.GetValue<string>())).ToArray());
            var parts = new List<ModelPart>();
            foreach (var node in root["parts"]!.AsArray())
            {
                var file = node!["file"]?.GetValue<string>();
                var bytes = file is null ? FinSucc(System.Array.Empty<byte>()) : readPart(file);
                if (bytes.IsFail) return bytes.Map(_ => default((ModelBundle, Seq<string>)));
                var trainerName = node["trainer"]!.GetValue<string>();
                var trainer = TrainerParameters.Parse(trainerName).IfNone(() => throw new JsonException($"unknown trainer '{trainerName}'"));
                var parameters = toMap(node["parameters"]!.AsObject().Select(kv => (kv.Key, kv.Value!.GetValue<double>())));
                parts.Add(new ModelPart(node["name"]!.GetValue<string>(), new Candidate(node["candidate"]!.GetValue<string>(), trainer, parameters),
                    (byte[])bytes, Strings(node["classes"])));
            }
            var conformal = root["conformal"] is JsonObject c
                ? new ConformalCalibration(c["n"]!.GetValue<int>(), c["alpha"]!.GetValue<double>(),
                    c["quantile"]!.GetValueKind() == JsonValueKind.String
                        ? double.Parse(c["quantile"]!.GetValue<string>(), CultureInfo.InvariantCulture)
                        : c["quantile"]!.GetValue<double>())
                : null;
            return (new ModelBundle(task, mode, encoder, labels, parents, toSeq(parts), hierarchy, conformal), Strings(root["features"]));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or ArgumentException or FormatException)
        {
            return FinFail<(ModelBundle, Seq<string>)>(new RunCorrupted(source, $"the model description is damaged: {e.Message}"));
        }
    }

    /// <summary>A label kind: text when the bundle does not record it (bundles written before it was), as those
    /// bundles' predictions were text.</summary>
    static LabelKind Kind(JsonNode? node) =>
        node is null
            ? LabelKind.Text
            : LabelValues.Parse(node.GetValue<string>()).IfNone(() => throw new JsonException($"unknown label kind '{node.GetValue<string>()}'"));

    static Seq<string> Strings(JsonNode? node) => toSeq(node!.AsArray().Select(x => x!.GetValue<string>()).ToArray());
}
