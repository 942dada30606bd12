using System.Text.Json.Nodes;
using FsCheck.Xunit;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Tests.Config;
using RunTools.Tests.Manifests;
using static RunTools.Domain.RunStatus;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Serialization;

public sealed class RunJsonEventTests
{
    const string EventsPath = "runs/r1/events.jsonl:3";
    static readonly HashMap<string, string> NoSidecars = HashMap<string, string>();
    static readonly ErrorInfo Boom = new("StageScriptFailed", "Stage 'train' failed: boom", "train", At(6));

    public static TheoryData<string, RunEvent> Events() => new()
    {
        { "created", Created() },
        { "created", Created() with { Git = null, Label = null, Lineage = Seq1(new LineageRef(Guid.Empty, "up", "input", null, "a.csv", null)) } },
        { "status_changed", Status(1, Pending, Running) },
        { "status_changed", Status(6, Running, Failed, Other, "stage 'train' failed", Boom) },
        { "status_changed", Status(7, Abandoned, Running, Other, "taken over: the previous process is gone") },
        { "stage_started", Started(2, "train", 3, Seq(File("a.csv", 'a'), File("/abs/b.csv", 'b')), Seq("prepare", "split"), "python x.py") },
        { "stage_started", Started(2, "train") },
        { "stage_ended", Ended(3, "train", 3, StageStatus.Completed, Seq1(File("model.zip", 'm'))) },
        { "stage_ended", Ended(3, "train", 1, StageStatus.Failed, error: Boom) },
        { "stage_ended", Ended(3, "train", 1, StageStatus.Cancelled) },
        { "stage_ended", Ended(3, "train", 2, StageStatus.Completed) with { Log = File("logs/train.log", 'l', 1234) } },
        { "stage_started", Started(2, "evaluate") with
            {
                Fingerprint = new RunTools.Stages.StageFingerprint(Seq(
                    new RunTools.Stages.FingerprintPart("command", "", Sha('c')),
                    new RunTools.Stages.FingerprintPart("variable", "threshold", Sha('t')),
                    new RunTools.Stages.FingerprintPart("variable", "model", null, "ScriptBlock"))),
                Reason = "variables changed: $threshold",
            } },
        { "stage_ended", Ended(3, "evaluate", 1, StageStatus.Completed) with
            {
                ConfigKeys = Seq1(new RunTools.Stages.FingerprintPart("config", "evaluate.threshold", Sha('k'))),
                ReusedFrom = "20260301_120000_parent/evaluate/2",
            } },
        { "artifact_added", new ArtifactAdded(At(4), new Artifact("p/pred.parquet", Sha('p'), 99, ArtifactKind.Predictions, "eval", At(4))) },
        { "artifact_added", new ArtifactAdded(At(4), new Artifact("x", Sha('x'), 0, ArtifactKind.FoldPlan, null, At(3))) },
        { "metric_written", new MetricWritten(At(5), "val/auc", 0.8125, 12, "train") },
        { "metric_written", new MetricWritten(At(5), "loss", -1e-300, null, null) },
        { "metric_written", new MetricWritten(At(5), "big", double.MaxValue, long.MinValue, null) },
        { "progress", new ProgressReported(At(6), "train", "epoch 3/10 \"ok\" é 😀") },
        { "progress", new ProgressReported(At(6), null, "") },
        { "fold_plan_recorded", new FoldPlanRecorded(At(7), new FoldPlanRecord("folds", "stratified_group", 5, 2, true, true, 1200, Sha('f'), "folds/folds.parquet", "folds/folds.json", "folds")) },
        { "fold_plan_recorded", new FoldPlanRecorded(At(7), new FoldPlanRecord("outer", "walk_forward", 3, 1, false, false, 10, Sha('g'), "folds/outer.parquet", "folds/outer.json", null)) },
        { "created", Created() with
            {
                ConfigFiles = Seq(File("config_resolved.yaml", 'r', 120), File("config_overrides.yaml", 'o', 80)),
                Secrets = Seq1(new SecretRef("db.password", "env:DB_PASSWORD", Sha('s')[..32], Sha('h'))),
                Lineage = Seq1(new LineageRef(Guid.Empty, "up", "upstream", null, null, null, Sha('c'), 17)),
            } },
        { "rebuilt", new RunRebuilt(At(8), Apply(NewRun(), Status(1, Pending, Running)) with
            {
                Repairs = Seq1(new RepairNote(At(2), "quarantined", "1 line")),
                Locked = true,
                LockReason = "paper",
            }, 41, Sha('e')) },
        { "rebuilt", new RunRebuilt(At(8), NewRun(), 0, null) },
        { "events_repaired", new EventsRepaired(At(9), 2, File("sidecars/q.jsonl", 'q', 300), File("events.jsonl", 'e', 9000), "lines 4, 9 did not decode") },
        { "retention_lock", new RetentionLockChanged(At(10), true, "published in the paper") },
        { "retention_lock", new RetentionLockChanged(At(10), false, null) },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_type_round_trips(string type, RunEvent e)
    {
        var (line, sidecars) = RunJson.EncodeEvent(42, Sha('p'), e);

        Assert.Empty(sidecars);
        Assert.DoesNotContain('\n', line);
        var fields = JsonNode.Parse(line)!.AsObject();
        Assert.Equal(["seq", "prev", "type", "at"], fields.Take(4).Select(p => p.Key));
        Assert.Equal((42L, Sha('p'), type), ((long)fields["seq"]!, (string)fields["prev"]!, (string)fields["type"]!));
        var decoded = Expect.Succ(RunJson.DecodeEvent(line, NoSidecars, EventsPath));
        Assert.Equal((42L, Sha('p'), e), (decoded.Seq, decoded.Prev, decoded.Event));
        Assert.Equal(e is RunCreated or RunRebuilt ? RunManifest.CurrentSchemaVersion : null, decoded.SchemaVersion);
    }

    [Fact]
    public void The_first_line_has_no_prev()
    {
        var (line, _) = RunJson.EncodeEvent(1, null, Created());
        Assert.Equal(["seq", "type", "at"], JsonNode.Parse(line)!.AsObject().Take(3).Select(p => p.Key));
        Assert.Null(Expect.Succ(RunJson.DecodeEvent(line, NoSidecars, EventsPath)).Prev);
    }

    [Fact]
    public void A_line_hash_is_the_sha256_of_its_bytes()
    {
        var (line, _) = RunJson.EncodeEvent(2, Sha('a'), Status(1, Pending, Running));
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), RunJson.LineHash(bytes));
    }

    [Fact]
    public void The_event_types_are_all_covered() =>
        Assert.Equal(
            typeof(RunEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(RunEvent))).Select(t => t.Name).Order(),
            Events().Select(row => row[1].GetType().Name).Distinct().Order());

    [Fact]
    public void A_created_event_with_a_long_feature_list_uses_a_sidecar()
    {
        var features = toSeq(Enumerable.Range(0, 100).Select(i => $"col_{i}").ToArray());
        var columns = Seq1("id") + features.Add("y");
        var e = Created(inputs: Seq1(Csv(columns.ToArray())));
        var (line, sidecars) = RunJson.EncodeEvent(1, null, e);

        Assert.Equal(features, e.FeatureList.Items);
        Assert.Equal(Seq(ListSidecar(columns), ListSidecar(features)), sidecars);
        var map = sidecars.Fold(HashMap<string, string>(), (m, s) => m.AddOrUpdate(s.Sha256, s.Content));
        Assert.Equal((RunEvent)e, Expect.Succ(RunJson.DecodeEvent(line, map, EventsPath)).Event);
        Expect.Error(new RunCorrupted(EventsPath, $"the sidecar sidecars/{NameList.HashOf(columns)}.json is missing"),
            RunJson.DecodeEvent(line, NoSidecars, EventsPath));
    }

    static Sidecar ListSidecar(Seq<string> items) => new(NameList.HashOf(items), System.Text.Json.JsonSerializer.Serialize(items.ToArray()));

    [Fact]
    public void A_created_event_with_a_large_config_puts_the_config_in_a_sidecar()
    {
        var big = RunTools.Tests.Config.V.M(("blob", RunTools.Tests.Config.V.S(new string('x', RunJson.InlineConfigLimit))));
        var e = Created(big);
        var (line, sidecars) = RunJson.EncodeEvent(1, null, e);
        var sidecar = Assert.Single(sidecars);
        Assert.Equal(sidecar.RelativePath, (string)JsonNode.Parse(line)!["config_sidecar"]!);
        Assert.Null(JsonNode.Parse(line)!["config"]);
        Assert.True(line.Length < 2048);
        Assert.Equal(sidecar, Expect.Succ(Sidecar.Parse(sidecar.Sha256, System.Text.Encoding.UTF8.GetBytes(sidecar.Content), "x")));
        Assert.Equal((RunEvent)e, Expect.Succ(RunJson.DecodeEvent(line, HashMap((sidecar.Sha256, sidecar.Content)), EventsPath)).Event);
        Expect.Error(new RunCorrupted(EventsPath, $"the sidecar sidecars/{sidecar.Sha256}.json is missing"), RunJson.DecodeEvent(line, NoSidecars, EventsPath));
    }

    [Fact]
    public void A_created_event_records_the_schema_version()
    {
        var fields = JsonNode.Parse(RunJson.EncodeEvent(1, null, Created()).Line)!.AsObject();
        Assert.Equal(RunManifest.CurrentSchemaVersion, (int)fields["schema_version"]!);
        Assert.Equal("2026-03-01T12:00:00.0000000Z", (string)fields["at"]!);
    }

    [Fact]
    public void A_created_event_from_a_newer_schema_is_refused_as_such()
    {
        var fields = JsonNode.Parse(RunJson.EncodeEvent(1, null, Created()).Line)!.AsObject();
        fields["schema_version"] = RunManifest.CurrentSchemaVersion + 1;
        Expect.Error(new SchemaVersionUnsupported(EventsPath, RunManifest.CurrentSchemaVersion + 1, RunManifest.CurrentSchemaVersion),
            RunJson.DecodeEvent(fields.ToJsonString(), NoSidecars, EventsPath));
        fields["schema_version"] = 4294967297L;
        Expect.Error(new SchemaVersionUnsupported(EventsPath, int.MaxValue, RunManifest.CurrentSchemaVersion),
            RunJson.DecodeEvent(fields.ToJsonString(), NoSidecars, EventsPath));
    }

    [Fact]
    public void An_unknown_event_type_is_corrupted() =>
        Expect.Error(new RunCorrupted(EventsPath, "unknown event type 'renamed'"),
            RunJson.DecodeEvent("""{"seq":3,"type":"renamed","at":"2026-03-01T12:00:00Z"}""", NoSidecars, EventsPath));

    [Theory]
    [InlineData("""{"type":"progress","at":"2026-03-01T12:00:00Z","message":"x"}""", "'$.seq' is missing")]
    [InlineData("""{"seq":3,"at":"2026-03-01T12:00:00Z","message":"x"}""", "'$.type' is missing")]
    [InlineData("""{"seq":3,"type":"progress","message":"x"}""", "'$.at' is missing")]
    [InlineData("""{"seq":3,"type":"progress","at":"2026-03-01T12:00:00Z"}""", "'$.message' is missing")]
    [InlineData("""{"seq":3,"type":"stage_ended","at":"2026-03-01T12:00:00Z","stage":"t","status":"completed"}""", "'$.attempt' is missing")]
    [InlineData("""{"seq":3,"type":"stage_ended","at":"2026-03-01T12:00:00Z","stage":"t","attempt":1,"status":"finished"}""", "'$.status' is not one of pending, running, completed, failed, cancelled, abandoned")]
    [InlineData("""{"seq":3,"type":"status_changed","at":"2026-03-01T12:00:00Z","from":"pending","to":"running"}""", "'$.process' is missing")]
    [InlineData("""{"seq":3,"type":"status_changed","at":"2026-03-01T12:00:00Z","from":"pending","to":"running","process":{"pid":1,"host":"h"}}""", "'$.process.started_at' is missing")]
    [InlineData("""{"seq":3,"type":"metric_written","at":"2026-03-01T12:00:00Z","name":"auc","value":"high"}""", "'$.value' is not a number")]
    [InlineData("""{"seq":3,"type":"stage_started","at":"2026-03-01T12:00:00Z","stage":"t","attempt":1,"inputs":[{"path":"a","sha256":"x"}]}""", "'$.inputs[0].bytes' is missing")]
    [InlineData("""{"seq":"3","type":"progress","at":"2026-03-01T12:00:00Z","message":"x"}""", "'$.seq' is not an integer")]
    public void Damaged_events_are_corrupted_naming_the_field(string line, string detail) =>
        Expect.Error(new RunCorrupted(EventsPath, detail), RunJson.DecodeEvent(line, NoSidecars, EventsPath));

    [Fact]
    public void A_malformed_line_is_corrupted()
    {
        var error = Assert.IsType<RunCorrupted>(Expect.Fail(RunJson.DecodeEvent("""{"seq":3,"type":""", NoSidecars, EventsPath)));
        Assert.Equal(EventsPath, error.Path);
        Assert.StartsWith("not valid JSON (line 1)", error.Detail);
    }

    // ---- properties over random valid runs ------------------------------------------------------------------

    [Property(Arbitrary = [typeof(RunScriptArbitraries)], MaxTest = 200)]
    public void Random_manifests_round_trip_through_run_json(RunScript script, int eventsBytes)
    {
        var (_, m) = RunScripts.Play(script);
        var (json, sidecars) = RunJson.EncodeManifest(m, eventsBytes, Sha('h'), 2);
        var map = sidecars.Fold(HashMap<string, string>(), (acc, s) => acc.AddOrUpdate(s.Sha256, s.Content));

        Assert.Equal(new RunJson.DecodedManifest(m with { ChainHead = Sha('h') }, eventsBytes, Sha('h'), 2), Expect.Succ(RunJson.DecodeManifest(json, map, "run.json")));
        Assert.All(sidecars, s => Assert.Equal(s, Expect.Succ(Sidecar.Parse(s.Sha256, System.Text.Encoding.UTF8.GetBytes(s.Content), s.RelativePath))));
        Assert.Equal(sidecars.Map(s => s.Sha256).Distinct().Count, sidecars.Count);
    }

    [Property(Arbitrary = [typeof(RunScriptArbitraries)], MaxTest = 200)]
    public void Random_event_logs_round_trip_line_by_line_and_replay_to_the_same_manifest(RunScript script)
    {
        var (events, m) = RunScripts.Play(script);
        var lines = toSeq(events.Select((e, i) => RunJson.EncodeEvent(i + 1, i == 0 ? null : Sha('p'), e)).ToArray());
        var map = lines.Bind(l => l.Sidecars).Fold(HashMap<string, string>(), (acc, s) => acc.AddOrUpdate(s.Sha256, s.Content));

        var decoded = toSeq(lines.Select((l, i) => Expect.Succ(RunJson.DecodeEvent(l.Line, map, $"events.jsonl:{i + 1}"))).ToArray());
        Assert.Equal(toSeq(events.Select((e, i) => ((long)(i + 1), e)).ToArray()), decoded.Map(d => (d.Seq, d.Event)));
        Assert.Equal(m, Expect.Succ(Manifest.Replay(decoded.Map(d => d.Event), "events.jsonl")));
    }
}
