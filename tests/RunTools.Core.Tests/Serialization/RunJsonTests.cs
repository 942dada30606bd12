using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Tests.Config;
using static RunTools.Domain.RunStatus;
using static RunTools.Tests.Config.V;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Serialization;

public sealed class RunJsonManifestTests
{
    const string RunJsonPath = "runs/r1/run.json";
    static readonly HashMap<string, string> NoSidecars = HashMap<string, string>();

    static readonly ErrorInfo Boom = new("System.InvalidOperationException", "boom \"quoted\" ünïcödé\nline 2", "train", At(6));
    static readonly FileHash TrainCsv = File("data/train.csv", 'd', 4096);
    static readonly FileHash Prepared = File("prepared.parquet", 'p', 2048);

    /// <summary>A manifest with every part filled in, some optionals null, and some with a non-UTC offset.</summary>
    static RunManifest Rich()
    {
        var created = Created(BaseConfig.With("odd", M(("nan", F(double.NaN)), ("big", I(long.MaxValue)), ("neg0", F(-0.0)), ("list", L(Null, B(true), S("é")))))) with
        {
            Lineage = Seq(
                new LineageRef(Guid.Parse("11111111-2222-3333-4444-555555555555"), "20250101_000000_up", "upstream", null, null, null),
                new LineageRef(Guid.Parse("aaaaaaaa-2222-3333-4444-555555555555"), "20250102_000000_m", "model", "train", "model.zip", Sha('m'))),
            Inputs = Seq(Train, new InputFile("C:\\data\\extra.bin", "C:\\data\\extra.bin", Sha('e'), 0, DataFormat.Other, null, NameList.Empty)),
        };
        return Apply(Manifest.Start(created),
            new RunStatusChanged(At(1).ToOffset(TimeSpan.FromHours(5.5)), Pending, Running, Me, "go", null),
            Started(2, "prepare", 1, Seq1(TrainCsv), command: "scriptblock sha256:11"),
            new ArtifactAdded(At(3), new Artifact("folds/plan.json", Sha('f'), 12, ArtifactKind.FoldPlan, "prepare", At(3))),
            Ended(4, "prepare", 1, StageStatus.Completed, Seq1(Prepared)),
            Started(5, "train", 1, Seq1(Prepared), Seq1("prepare"), "python train.py --lr 0.1"),
            Ended(6, "train", 1, StageStatus.Failed, error: Boom),
            Status(6, Running, Failed, message: "stage 'train' failed", error: Boom),
            new MetricWritten(At(7), "auc", 0.1, null, null),
            new MetricWritten(At(8), "auc", 1e-300, 5, "train"),
            new MetricWritten(At(9), "val/loss", -123456.789e10, long.MaxValue, "eval"));
    }

    static RunManifest Decode(string json, HashMap<string, string>? sidecars = null) =>
        Expect.Succ(RunJson.DecodeManifest(json, sidecars ?? NoSidecars, RunJsonPath)).Manifest;

    static HashMap<string, string> MapOf(Seq<Sidecar> sidecars) =>
        sidecars.Fold(HashMap<string, string>(), (m, s) => m.AddOrUpdate(s.Sha256, s.Content));

    static Sidecar ListSidecar(Seq<string> items) => new(NameList.HashOf(items), JsonSerializer.Serialize(items.ToArray()));

    [Fact]
    public void A_full_manifest_round_trips_exactly()
    {
        var m = Rich();
        var (json, sidecars) = RunJson.EncodeManifest(m, 12345);

        Assert.Equal(Seq<Sidecar>(), sidecars);
        Assert.Equal(new RunJson.DecodedManifest(m, 12345, null, null), Expect.Succ(RunJson.DecodeManifest(json, NoSidecars, RunJsonPath)));
        // Sanity of the fixture: the interesting parts are there.
        Assert.NotNull(m.LastError);
        Assert.NotNull(m.Owner);
        Assert.Equal(2, m.Stages.Count);
        Assert.Contains(m.Environment.Variables, v => v.Value is null);
    }

    [Fact]
    public void A_new_manifest_with_every_optional_null_round_trips_exactly()
    {
        var m = Manifest.Start(Created() with { Git = null, Label = null, FeatureList = NameList.Empty, Inputs = Seq<InputFile>() })
            with { Environment = Env with { Variables = Seq<EnvironmentVariable>() } };
        Assert.Null(m.Git);
        Assert.Equal(m, Decode(RunJson.EncodeManifest(m, 0).Json));
    }

    [Fact]
    public void Git_with_a_null_branch_round_trips()
    {
        var m = NewRun() with { Git = Git with { Branch = null, Dirty = true } };
        Assert.Equal(m, Decode(RunJson.EncodeManifest(m, 0).Json));
    }

    [Fact]
    public void The_path_a_manifest_was_read_from_is_not_written()
    {
        var m = NewRun() with { Path = "/runs/r1" };
        var decoded = Decode(RunJson.EncodeManifest(m, 0).Json);
        Assert.Null(decoded.Path);
        Assert.Equal(m with { Path = null }, decoded);
    }

    [Fact]
    public void The_json_uses_snake_case_utc_times_lower_case_words_and_derived_durations()
    {
        var m = Rich();
        var root = JsonNode.Parse(RunJson.EncodeManifest(m, 77).Json)!.AsObject();

        Assert.Equal(
            ["schema_version", "run_id", "name", "key", "created_at", "package_version", "status", "started_at", "ended_at",
             "duration_seconds", "status_message", "last_error", "owner", "inputs", "config", "config_sha256", "config_files", "secrets",
             "feature_list", "label", "environment", "git", "lineage", "stages", "artifacts", "metrics", "fold_plans", "locked", "lock_reason",
             "repairs", "event_count", "updated_at", "events_bytes", "chain_head", "chained_from"],
            root.Select(p => p.Key));
        Assert.Equal(2, (int)root["schema_version"]!);
        Assert.Equal("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f", (string)root["run_id"]!);
        Assert.Equal("2026-03-01T12:00:00.0000000Z", (string)root["created_at"]!);
        Assert.Equal("2026-03-01T12:00:01.0000000Z", (string)root["started_at"]!);
        Assert.Equal("failed", (string)root["status"]!);
        Assert.Equal(5.0, (double)root["duration_seconds"]!);
        Assert.Equal("failed", (string)root["stages"]![1]!["status"]!);
        Assert.Equal(1.0, (double)root["stages"]![1]!["duration_seconds"]!);
        Assert.Equal("fold_plan", (string)root["artifacts"]![0]!["kind"]!);
        Assert.Equal("csv", (string)root["inputs"]![0]!["format"]!);
        Assert.Null(root["environment"]!["variables"]!["OMP_NUM_THREADS"]);
        Assert.True(root["environment"]!["variables"]!.AsObject().ContainsKey("OMP_NUM_THREADS"));
        Assert.Equal(77, (long)root["events_bytes"]!);
        Assert.Equal(m.EventCount, (long)root["event_count"]!);
        Assert.Equal("stage 'train' failed", (string)root["status_message"]!);

        // Null optionals are written as null, not left out.
        var fresh = JsonNode.Parse(RunJson.EncodeManifest(NewRun() with { Git = null }, 0).Json)!.AsObject();
        foreach (var name in new[] { "started_at", "ended_at", "duration_seconds", "status_message", "last_error", "owner", "git" })
            Assert.True(fresh.TryGetPropertyValue(name, out var value) && value is null, name);
    }

    [Fact]
    public void Times_in_any_offset_come_back_as_the_same_instant_in_utc()
    {
        var local = new DateTimeOffset(2026, 3, 1, 17, 30, 0, TimeSpan.FromHours(5.5)).AddTicks(1234567);
        var m = NewRun() with { CreatedAt = local, UpdatedAt = local };
        var decoded = Decode(RunJson.EncodeManifest(m, 0).Json);
        Assert.Equal(m, decoded);
        Assert.Equal(TimeSpan.Zero, decoded.CreatedAt.Offset);
        Assert.Equal(local.UtcTicks, decoded.CreatedAt.UtcTicks);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var m = Rich();
        var root = JsonNode.Parse(RunJson.EncodeManifest(m, 5).Json)!.AsObject();
        root["added_in_a_minor_version"] = new JsonObject { ["x"] = 1 };
        root["stages"]![0]!.AsObject()["note"] = "hi";
        Assert.Equal(m, Decode(root.ToJsonString()));
    }

    // ---- sidecars -------------------------------------------------------------------------------------------

    static Seq<string> Names(int n) => toSeq(Enumerable.Range(0, n).Select(i => $"f{i}").ToArray());

    [Fact]
    public void A_list_of_64_stays_inline()
    {
        var m = NewRun() with { FeatureList = new NameList(Names(64)) };
        var (json, sidecars) = RunJson.EncodeManifest(m, 0);
        Assert.Equal(RunJson.InlineListLimit, 64);
        Assert.Empty(sidecars);
        var list = JsonNode.Parse(json)!["feature_list"]!.AsObject();
        Assert.Equal(["count", "sha256", "items"], list.Select(p => p.Key));
        Assert.Equal(m, Decode(json));
    }

    [Fact]
    public void A_list_of_65_goes_to_a_sidecar_named_by_its_hash()
    {
        var items = Names(65);
        var m = NewRun() with { FeatureList = new NameList(items) };
        var (json, sidecars) = RunJson.EncodeManifest(m, 0);

        var content = "[" + string.Join(",", items.Map(i => $"\"{i}\"")) + "]";
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        var sidecar = Assert.Single(sidecars);
        Assert.Equal(ListSidecar(items), sidecar);
        Assert.Equal(content, sidecar.Content);
        Assert.Equal($"sidecars/{sha}.json", sidecar.RelativePath);
        Assert.Equal(sha, m.FeatureList.Sha256);

        var list = JsonNode.Parse(json)!["feature_list"]!.AsObject();
        Assert.Equal(["count", "sha256", "sidecar"], list.Select(p => p.Key));
        Assert.Equal((65, sha, $"sidecars/{sha}.json"), ((int)list["count"]!, (string)list["sha256"]!, (string)list["sidecar"]!));

        Assert.Equal(m, Decode(json, MapOf(sidecars)));
    }

    [Fact]
    public void A_manifest_whose_sidecar_is_missing_is_corrupted()
    {
        var m = NewRun() with { FeatureList = new NameList(Names(100)) };
        var json = RunJson.EncodeManifest(m, 0).Json;
        Expect.Error(new RunCorrupted(RunJsonPath, $"the sidecar sidecars/{m.FeatureList.Sha256}.json is missing"),
            RunJson.DecodeManifest(json, NoSidecars, RunJsonPath));
    }

    [Fact]
    public void The_same_long_list_in_two_places_is_one_sidecar()
    {
        var columns = new NameList(Names(80));
        var m = NewRun() with { FeatureList = columns, Inputs = Seq1(Train with { Columns = columns }) };
        var (json, sidecars) = RunJson.EncodeManifest(m, 0);
        Assert.Equal(Seq1(ListSidecar(columns.Items)), sidecars);
        Assert.Equal(m, Decode(json, MapOf(sidecars)));
    }

    [Fact]
    public void Two_long_lists_are_two_sidecars_in_order()
    {
        var columns = new NameList(Names(80));
        var features = new NameList(Names(70));
        var m = NewRun() with { FeatureList = features, Inputs = Seq1(Train with { Columns = columns }) };
        var (json, sidecars) = RunJson.EncodeManifest(m, 0);
        Assert.Equal(Seq(columns.Sha256, features.Sha256), sidecars.Map(s => s.Sha256));
        Assert.Equal(m, Decode(json, MapOf(sidecars)));
    }

    [Fact]
    public void A_sidecar_parses_back_when_its_bytes_match_its_name()
    {
        var sidecar = ListSidecar(Names(65));
        Assert.Equal(sidecar, Expect.Succ(Sidecar.Parse(sidecar.Sha256, Encoding.UTF8.GetBytes(sidecar.Content), "sidecars/x.json")));
    }

    [Fact]
    public void A_tampered_sidecar_is_refused()
    {
        var sidecar = ListSidecar(Names(65));
        Expect.Error(new RunCorrupted("sidecars/x.json", "the sidecar's content does not match its hash"),
            Sidecar.Parse(sidecar.Sha256, Encoding.UTF8.GetBytes(sidecar.Content.Replace("\"f7\"", "\"f7x\"")), "sidecars/x.json"));
        // The name is the hash of the bytes: the same items written with other spacing are a changed file.
        Expect.Error(new RunCorrupted("sidecars/x.json", "the sidecar's content does not match its hash"),
            Sidecar.Parse(sidecar.Sha256, Encoding.UTF8.GetBytes(sidecar.Content.Replace(",", ", ")), "sidecars/x.json"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"a\": 1}")]
    [InlineData("[1, 2]")]
    public void A_list_sidecar_that_is_not_a_string_array_is_corrupted(string content)
    {
        var m = NewRun() with { FeatureList = new NameList(Names(65)) };
        var json = RunJson.EncodeManifest(m, 0).Json;
        var error = Assert.IsType<RunCorrupted>(Expect.Fail(RunJson.DecodeManifest(json, HashMap((m.FeatureList.Sha256, content)), RunJsonPath)));
        Assert.Equal(RunJsonPath, error.Path);
        Assert.Contains($"sidecars/{m.FeatureList.Sha256}.json", error.Detail);
    }

    [Fact]
    public void A_large_config_goes_to_a_sidecar_and_comes_back()
    {
        var m = NewRun() with { Config = M(("blob", S(new string('y', RunJson.InlineConfigLimit + 1)))) };
        var (json, sidecars) = RunJson.EncodeManifest(m, 10, Sha('h'), 2);
        var sidecar = Assert.Single(sidecars);
        Assert.True(json.Length < 8192, $"run.json is {json.Length} bytes");
        Assert.Equal(sidecar.RelativePath, (string)JsonNode.Parse(json)!["config_sidecar"]!);
        Assert.Equal(m with { ChainHead = Sha('h') }, Decode(json, MapOf(sidecars)));
    }

    [Fact]
    public void The_chain_head_and_where_the_chain_starts_round_trip()
    {
        var decoded = Expect.Succ(RunJson.DecodeManifest(RunJson.EncodeManifest(NewRun(), 99, Sha('h'), 7).Json, NoSidecars, RunJsonPath));
        Assert.Equal((99L, Sha('h'), (long?)7, Sha('h')), (decoded.EventsBytes, decoded.ChainHead, decoded.ChainedFrom, decoded.Manifest.ChainHead));
        var legacy = Expect.Succ(RunJson.DecodeManifest(RunJson.EncodeManifest(NewRun(), 99).Json, NoSidecars, RunJsonPath));
        Assert.Equal((null, (long?)null), (legacy.ChainHead, legacy.ChainedFrom));
    }

    // ---- refusals -------------------------------------------------------------------------------------------

    [Fact]
    public void A_newer_schema_version_is_refused_before_anything_else_is_read()
    {
        Expect.Error(new SchemaVersionUnsupported(RunJsonPath, 3, 2),
            RunJson.DecodeManifest("""{"schema_version": 3, "whatever": true}""", NoSidecars, RunJsonPath));
        var root = JsonNode.Parse(RunJson.EncodeManifest(NewRun(), 0).Json)!.AsObject();
        root["schema_version"] = 99;
        Expect.Error(new SchemaVersionUnsupported(RunJsonPath, 99, 2), RunJson.DecodeManifest(root.ToJsonString(), NoSidecars, RunJsonPath));
        // A version that does not fit an int is still newer (it must not wrap around).
        root["schema_version"] = 4294967297L;
        Expect.Error(new SchemaVersionUnsupported(RunJsonPath, int.MaxValue, 2), RunJson.DecodeManifest(root.ToJsonString(), NoSidecars, RunJsonPath));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"schema_version\": 2,}")]
    [InlineData("run.json")]
    [InlineData("{} {}")]
    public void Malformed_json_is_corrupted(string json)
    {
        var error = Assert.IsType<RunCorrupted>(Expect.Fail(RunJson.DecodeManifest(json, NoSidecars, RunJsonPath)));
        Assert.Equal(RunJsonPath, error.Path);
        Assert.StartsWith("not valid JSON (line ", error.Detail);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"run\"")]
    public void A_root_that_is_not_an_object_is_corrupted(string json) =>
        Expect.Error(new RunCorrupted(RunJsonPath, "'$' is not an object"), RunJson.DecodeManifest(json, NoSidecars, RunJsonPath));

    static readonly string StatusWords = "one of pending, running, completed, failed, cancelled, abandoned";

    public static TheoryData<string, string, string> Damage() => new()
    {
        // JSON path to change, the new value as JSON ("<remove>" removes it), the detail expected.
        { "$.schema_version", "<remove>", "'$.schema_version' is missing" },
        { "$.run_id", "<remove>", "'$.run_id' is missing" },
        { "$.run_id", "null", "'$.run_id' is missing" },
        { "$.run_id", "\"xyz\"", "'$.run_id' is not a UUID" },
        { "$.name", "42", "'$.name' is not a string" },
        { "$.created_at", "\"yesterday\"", "'$.created_at' is not an ISO-8601 time" },
        { "$.status", "\"done\"", $"'$.status' is not {StatusWords}" },
        { "$.status", "3", "'$.status' is not a string" },
        { "$.event_count", "1.5", "'$.event_count' is not an integer" },
        { "$.event_count", "\"16\"", "'$.event_count' is not an integer" },
        { "$.events_bytes", "<remove>", "'$.events_bytes' is missing" },
        { "$.environment", "<remove>", "'$.environment' is missing" },
        { "$.environment", "[]", "'$.environment' is not an object" },
        { "$.environment.dotnet", "<remove>", "'$.environment.dotnet' is missing" },
        { "$.environment.processor_count", "\"8\"", "'$.environment.processor_count' is not an integer" },
        { "$.feature_list", "<remove>", "'$.feature_list' is missing" },
        { "$.feature_list.count", "3", "a list has 2 items but says 3" },
        { "$.feature_list.items", "[1, 2]", "'$.feature_list.items' is not an array of strings" },
        { "$.git.dirty", "\"yes\"", "'$.git.dirty' is not true or false" },
        { "$.git.commit", "<remove>", "'$.git.commit' is missing" },
        { "$.owner.pid", "\"4242\"", "'$.owner.pid' is not an integer" },
        { "$.last_error.message", "<remove>", "'$.last_error.message' is missing" },
        { "$.inputs", "{}", "'$.inputs' is not an array" },
        { "$.inputs[0]", "7", "'$.inputs[0]' is not an object" },
        { "$.inputs[0].columns", "<remove>", "'$.inputs[0].columns' is missing" },
        { "$.inputs[0].format", "\"xlsx\"", "'$.inputs[0].format' is not one of csv, parquet, other" },
        { "$.inputs[0].rows", "\"many\"", "'$.inputs[0].rows' is not an integer" },
        { "$.lineage[1].run_id", "\"nope\"", "'$.lineage[1].run_id' is not a UUID" },
        { "$.stages[0].status", "\"done\"", $"'$.stages[0].status' is not {StatusWords}" },
        { "$.stages[1].status", "<remove>", "'$.stages[1].status' is missing" },
        { "$.stages[1].process.pid", "\"x\"", "'$.stages[1].process.pid' is not an integer" },
        { "$.stages[1].depends_on", "[1]", "'$.stages[1].depends_on' is not an array of strings" },
        { "$.stages[1].depends_on", "\"prepare\"", "'$.stages[1].depends_on' is not an array" },
        { "$.stages[0].outputs[0].bytes", "<remove>", "'$.stages[0].outputs[0].bytes' is missing" },
        { "$.stages[1].error.at", "\"later\"", "'$.stages[1].error.at' is not an ISO-8601 time" },
        { "$.artifacts[0].kind", "\"weird\"", "unknown artifact kind 'weird'" },
        { "$.metrics[0].last", "\"x\"", "'$.metrics[0].last' is not a number" },
        { "$.metrics[1].count", "<remove>", "'$.metrics[1].count' is missing" },
        { "$.config", "<remove>", "'$.config' is missing" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public void Damaged_fields_are_corrupted_naming_the_field(string path, string value, string detail)
    {
        var root = JsonNode.Parse(RunJson.EncodeManifest(Rich(), 0).Json)!;
        JsonEdit.Set(root, path, value);
        Expect.Error(new RunCorrupted(RunJsonPath, detail), RunJson.DecodeManifest(root.ToJsonString(), NoSidecars, RunJsonPath));
    }

    [Fact]
    public void Missing_optional_fields_read_as_null_or_empty()
    {
        var m = NewRun() with { Git = null };
        var root = JsonNode.Parse(RunJson.EncodeManifest(m, 0).Json)!.AsObject();
        foreach (var name in new[] { "started_at", "ended_at", "duration_seconds", "status_message", "last_error", "owner", "label", "git",
                     "lineage", "stages", "artifacts", "metrics" })
            root.Remove(name);
        root["environment"]!.AsObject().Remove("variables");
        Assert.Equal(m with { Label = null, Environment = Env with { Variables = Seq<EnvironmentVariable>() } }, Decode(root.ToJsonString()));
    }

    // ---- artifact kinds -------------------------------------------------------------------------------------

    [Theory]
    [InlineData(ArtifactKind.File, "file")]
    [InlineData(ArtifactKind.Model, "model")]
    [InlineData(ArtifactKind.Table, "table")]
    [InlineData(ArtifactKind.Predictions, "predictions")]
    [InlineData(ArtifactKind.Metrics, "metrics")]
    [InlineData(ArtifactKind.FoldPlan, "fold_plan")]
    [InlineData(ArtifactKind.Plot, "plot")]
    [InlineData(ArtifactKind.Log, "log")]
    [InlineData(ArtifactKind.Config, "config")]
    public void Artifact_kinds_are_snake_case_words(ArtifactKind kind, string text)
    {
        Assert.Equal(text, ArtifactKinds.Text(kind));
        Assert.Equal(Some(kind), ArtifactKinds.Parse(text));
        Assert.Equal(Some(kind), ArtifactKinds.Parse(text.ToUpperInvariant()));
        Assert.Equal(Some(kind), ArtifactKinds.Parse(kind.ToString()));
    }

    [Fact]
    public void Unknown_artifact_kinds_do_not_parse() => Assert.Equal(Option<ArtifactKind>.None, ArtifactKinds.Parse("weird"));
}

/// <summary>Edits a JSON tree at a simple path such as <c>$.stages[0].status</c>.</summary>
internal static class JsonEdit
{
    public static void Set(JsonNode root, string path, string json)
    {
        var steps = Steps(path);
        var parent = steps.SkipLast(1).Aggregate(root, (node, step) => step is int i ? node[i]! : node[(string)step]!);
        var last = steps[^1];
        var value = json == "<remove>" ? null : JsonNode.Parse(json);
        switch (last, parent)
        {
            case (string name, JsonObject o) when json == "<remove>":
                Assert.True(o.Remove(name), $"{path} is not there to remove");
                break;
            case (string name, JsonObject o):
                o[name] = value;
                break;
            case (int index, JsonArray a):
                a[index] = value;
                break;
            default:
                throw new ArgumentException(path);
        }
    }

    static List<object> Steps(string path)
    {
        var steps = new List<object>();
        foreach (var part in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[');
            steps.Add(bracket < 0 ? part : part[..bracket]);
            if (bracket >= 0) steps.Add(int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
        }
        return steps;
    }
}
