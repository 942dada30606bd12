using System.Collections.Immutable;
using System.Text.Json.Nodes;
using RunTools.Domain;
using RunTools.Evaluation;
using RunTools.Training;
using static RunTools.MachineLearning.Tests.Kit;

namespace RunTools.MachineLearning.Tests;

/// <summary>One training per task and mode, shared by the bundle tests (training is the slow part).</summary>
public sealed class TrainedModels
{
    public sealed record Trained(string Name, TrainingInput Input, TrainingSummary Summary);

    readonly Lazy<Seq<Trained>> all = new(() =>
    {
        var binary = Binary(160);
        var species = Multiclass(120);
        var numbers = Regression(120);
        var merged = species with { Label = OneLeafBranch(species) };
        return Seq(
            Run("binary", Spec(TrainingTask.Binary, Lbfgs(), Lgbm()) with { Smote = SmoteMode.Both }, binary, Plan(binary, k: 3, inner: 2, production: true)),
            Run("multiclass", Spec(TrainingTask.Multiclass, Lgbm()), species, Plan(species, k: 3, inner: null)),
            Run("meta", Spec(TrainingTask.Multiclass, Lbfgs()) with { Mode = TrainingMode.Meta }, species, Plan(species, k: 3, inner: 2)),
            Run("hierarchical", Spec(TrainingTask.Multiclass, Lbfgs()) with { Mode = TrainingMode.Hierarchical, Parent = "family" },
                merged, Plan(merged, k: 3, inner: 2)),
            Run("regression", Spec(TrainingTask.Regression, Lgbm()), numbers, Plan(numbers, k: 3, inner: 2, stratified: false)));
    });

    /// <summary>Species with a1 and a2 merged: the alpha branch has one leaf, so its level-2 part is a constant with
    /// no model file.</summary>
    static FeatureSource OneLeafBranch(Dataset species) =>
        new CategoricalSource("species", ((CategoricalSource)species.Label).Values.Select(v => v is "a1" or "a2" ? "a" : v).ToImmutableArray());

    static Trained Run(string name, TrainingSpec spec, Dataset data, RunTools.Folds.FoldPlan plan)
    {
        var input = Input(spec, data, plan);
        return new Trained(name, input, Train(input));
    }

    public Trained this[string name] => all.Value.Find(t => t.Name == name).IfNone(() => throw new ArgumentException(name));
}

public sealed class BundleTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    public static TheoryData<string> Kinds => new() { "binary", "multiclass", "meta", "hierarchical", "regression" };

    static Fin<byte[]> Reader(Dictionary<string, byte[]> files, string file) =>
        files.TryGetValue(file, out var bytes) ? FinSucc(bytes.ToArray()) : FinFail<byte[]>(new RunCorrupted(file, "missing"));

    /// <summary>Writes the bundle as model.json plus part files (in memory) and reads it back.</summary>
    static (ModelBundle Bundle, Seq<string> Features) RoundTrip(ModelBundle bundle, Seq<string> features)
    {
        var files = BundleJson.Files(bundle).Filter(x => x.Part.Bytes.Length > 0).ToDictionary(x => x.File, x => x.Part.Bytes);
        return Expect(BundleJson.Decode(BundleJson.Encode(bundle, features), "models/x/model.json", f => Reader(files, f)));
    }

    /// <summary>Part bytes are arrays (reference equality in records): compared separately.</summary>
    static ModelBundle WithoutBytes(ModelBundle bundle) => bundle with { Parts = bundle.Parts.Map(p => p with { Bytes = System.Array.Empty<byte>() }) };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Encode_then_Decode_gives_an_equal_bundle_with_the_same_bytes(string kind)
    {
        var trained = models[kind];
        var features = trained.Input.Features.Map(f => f.Name);
        foreach (var fold in trained.Summary.Folds)
        {
            var (decoded, decodedFeatures) = RoundTrip(fold.Model, features);

            Assert.Equal(WithoutBytes(fold.Model), WithoutBytes(decoded));
            Assert.Equal(fold.Model.Parts.Count, decoded.Parts.Count);
            foreach (var (a, b) in fold.Model.Parts.Zip(decoded.Parts)) Assert.Equal(a.Bytes, b.Bytes);
            Assert.Equal(features, decodedFeatures);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_decoded_bundle_scores_the_outer_test_rows_exactly_as_training_did(string kind)
    {
        var trained = models[kind];
        foreach (var fold in trained.Summary.Folds.Filter(f => f.Outer >= 0))
        {
            var (decoded, _) = RoundTrip(fold.Model, trained.Input.Features.Map(f => f.Name));

            var again = Scorer.Score(decoded, trained.Input.Features, fold.TestRows.ToArray());

            Assert.Equal(fold.Test.Classes, again.Classes);
            Assert.Equal(fold.Test.Scores, again.Scores);
            Assert.Equal(fold.Test.Probabilities, again.Probabilities);
        }
    }

    [Fact]
    public void The_bundles_describe_their_task_mode_and_parts()
    {
        Assert.NotNull(models["regression"].Summary.Evaluated().Head.Model.Conformal);
        var hierarchical = models["hierarchical"].Summary.Evaluated().Head.Model;
        var constant = Assert.Single(hierarchical.Parts.Filter(p => p.Bytes.Length == 0));
        Assert.Equal(("level2:alpha", Seq1("a")), (constant.Name, constant.Classes));
        var binary = models["binary"].Summary.Folds;
        Assert.Equal(2 * 4, binary.Count);                    // 3 outer folds and production, with and without SMOTE
        Assert.All(binary, f => Assert.Equal((TrainingTask.Binary, TrainingMode.Direct), (f.Model.Task, f.Model.Mode)));
    }

    [Fact]
    public void The_JSON_names_the_files_of_the_parts_and_leaves_a_constant_part_without_one()
    {
        var bundle = models["hierarchical"].Summary.Evaluated().Head.Model;
        var json = JsonNode.Parse(BundleJson.Encode(bundle, Seq1("x1")))!;
        var parts = json["parts"]!.AsArray().Select(p => (p!["name"]!.GetValue<string>(), p["file"]?.GetValue<string>())).ToArray();
        Assert.Equal([("level1", "level1.zip"), ("level2:alpha", null), ("level2:beta", "level2_beta.zip")], parts);
        Assert.Equal(1, json["format_version"]!.GetValue<int>());
        Assert.Equal("hierarchical", json["mode"]!.GetValue<string>());
    }

    [Fact]
    public void Part_file_names_replace_odd_characters_and_never_collide()
    {
        var bundle = models["binary"].Summary.Folds.Head.Model;
        var part = bundle.Parts.Head;
        var odd = bundle with { Parts = Seq(part with { Name = "ovr:a b" }, part with { Name = "ovr:a_b" }, part with { Name = "ovr:A_B" }, part with { Name = "ovr:ä/..\\x" }) };
        Assert.Equal(Seq("ovr_a_b.zip", "ovr_a_b_2.zip", "ovr_A_B_3.zip", "ovr_ä____x.zip"), BundleJson.Files(odd).Map(x => x.File));
    }

    [Fact]
    public void An_infinite_conformal_quantile_survives_the_round_trip()
    {
        var bundle = models["regression"].Summary.Evaluated().Head.Model with { Conformal = new ConformalCalibration(3, 0.1, double.PositiveInfinity) };
        Assert.Equal(bundle.Conformal, RoundTrip(bundle, Seq("x1", "x2", "x3")).Bundle.Conformal);
    }

    [Theory]
    [InlineData(LabelKind.Integer, "integer")]
    [InlineData(LabelKind.Number, "number")]
    [InlineData(LabelKind.Boolean, "boolean")]
    [InlineData(LabelKind.Text, "text")]
    public void The_label_kind_is_recorded_and_read_back(LabelKind kind, string name)
    {
        var bundle = models["hierarchical"].Summary.Folds.Head.Model;
        bundle = bundle with { Labels = bundle.Labels with { Kind = kind }, Parents = bundle.Parents! with { Kind = kind } };

        var json = JsonNode.Parse(BundleJson.Encode(bundle, Seq1("x1")))!;
        var decoded = RoundTrip(bundle, Seq1("x1")).Bundle;

        Assert.Equal(name, json["label_kind"]!.GetValue<string>());
        Assert.Equal(name, json["parent_label_kind"]!.GetValue<string>());
        Assert.Equal((kind, kind), (decoded.Labels.Kind, decoded.Parents!.Kind));
    }

    [Fact]
    public void A_bundle_written_before_the_label_kind_was_recorded_reads_as_text_labels()
    {
        var bundle = models["binary"].Summary.Folds.Head.Model;
        bundle = bundle with { Labels = bundle.Labels with { Kind = LabelKind.Integer } };
        var json = JsonNode.Parse(BundleJson.Encode(bundle, Seq1("x1")))!.AsObject();
        json.Remove("label_kind");
        json.Remove("parent_label_kind");
        var files = BundleJson.Files(bundle).Filter(x => x.Part.Bytes.Length > 0).ToDictionary(x => x.File, x => x.Part.Bytes);

        var decoded = Expect(BundleJson.Decode(json.ToJsonString(), "m.json", f => Reader(files, f))).Bundle;

        Assert.Equal(LabelKind.Text, decoded.Labels.Kind);
        Assert.Equal(bundle.Labels.Classes, decoded.Labels.Classes);
    }

    [Fact]
    public void An_unknown_label_kind_is_RunCorrupted()
    {
        var json = JsonNode.Parse(BundleJson.Encode(models["binary"].Summary.Folds.Head.Model, Seq1("x1")))!;
        json["label_kind"] = "complex";

        var error = BundleJson.Decode(json.ToJsonString(), "m.json", _ => FinSucc(System.Array.Empty<byte>())).Match(_ => null!, e => e);

        Assert.Contains("complex", Assert.IsType<RunCorrupted>(error).Message);
    }

    [Fact]
    public void A_newer_format_is_refused_with_SchemaVersionUnsupported()
    {
        var json = JsonNode.Parse(BundleJson.Encode(models["binary"].Summary.Folds.Head.Model, Seq1("x1")))!;
        json["format_version"] = 2;
        var result = BundleJson.Decode(json.ToJsonString(), "m.json", _ => FinSucc(System.Array.Empty<byte>()));
        Assert.Equal(new SchemaVersionUnsupported("m.json", 2, 1), result.Match(_ => null!, e => e));
    }

    [Fact]
    public void An_unknown_trainer_in_a_part_is_RunCorrupted_not_read_as_another_trainer()
    {
        var json = JsonNode.Parse(BundleJson.Encode(models["binary"].Summary.Folds.Head.Model, Seq1("x1")))!;
        json["parts"]![0]!["trainer"] = "xgboost";

        var error = BundleJson.Decode(json.ToJsonString(), "m.json", _ => FinSucc(System.Array.Empty<byte>())).Match(_ => null!, e => e);

        Assert.Contains("xgboost", Assert.IsType<RunCorrupted>(error).Message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{ "format_version": 1, "task": "ranking" }""")]
    public void A_damaged_description_is_RunCorrupted(string json)
    {
        var error = BundleJson.Decode(json, "m.json", _ => FinSucc(System.Array.Empty<byte>())).Match(_ => null!, e => e);
        Assert.Equal("m.json", Assert.IsType<RunCorrupted>(error).Path);
    }

    [Fact]
    public void A_missing_part_file_fails_with_the_readers_error()
    {
        var json = BundleJson.Encode(models["binary"].Summary.Folds.Head.Model, Seq1("x1"));
        var error = BundleJson.Decode(json, "m.json", f => FinFail<byte[]>(new RunCorrupted(f, "gone"))).Match(_ => null!, e => e);
        Assert.Equal(new RunCorrupted("model.zip", "gone"), error);
    }
}
