using LanguageExt.Common;
using System.Security.Cryptography;
using System.Text;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Tests.Config;
using static RunTools.Domain.RunStatus;
using static RunTools.Tests.Config.V;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Manifests;

public sealed class ManifestConstructionTests
{
    [Fact]
    public void Create_derives_label_and_features_from_the_first_tabular_input()
    {
        var created = Expect.Succ(RunCommands.Create(Spec(git: Git), RunName, T0));

        Assert.Equal(
            new RunCreated(T0, RunId, RunName, "baseline", "0.1.0", Seq1(Train), BaseConfig, new NameList(Seq("x1", "x2")), "y",
                Env, Git, Seq<LineageRef>()),
            created);
    }

    [Fact]
    public void Start_gives_the_pending_manifest_of_the_created_event()
    {
        var m = Manifest.Start(Created());

        // The config hash is SHA-256 of the canonical JSON (keys sorted), computed here independently.
        var canonical = """{"data":{"id":"id","label":"y"},"model":{"lr":0.5,"trees":200}}""";
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        Assert.Equal(
            new RunManifest(
                SchemaVersion: 2, RunId: RunId, Name: RunName, Key: "baseline", CreatedAt: T0, PackageVersion: "0.1.0",
                Status: Pending, StartedAt: null, EndedAt: null, StatusMessage: null, LastError: null, Owner: null,
                Inputs: Seq1(Train), Config: BaseConfig, ConfigSha256: sha, FeatureList: new NameList(Seq("x1", "x2")), Label: "y",
                Environment: Env, Git: Git, Lineage: Seq<LineageRef>(), Stages: Seq<StageRecord>(),
                Artifacts: Seq<Artifact>(), Metrics: Seq<MetricSummary>(), EventCount: 1, UpdatedAt: T0),
            m);
        Assert.Null(m.Duration);
        Assert.Null(m.Path);
    }

    [Fact]
    public void An_explicit_feature_list_is_used_as_given_and_in_its_order()
    {
        var config = BaseConfig.With("data", M(("label", S("y")), ("features", L(S("x2"), S("x1")))));
        Assert.Equal(new NameList(Seq("x2", "x1")), Created(config).FeatureList);
    }

    [Fact]
    public void A_single_feature_may_be_a_scalar()
    {
        var config = BaseConfig.With("data", M(("features", S("x2"))));
        Assert.Equal(new DataSchema(null, Seq1("x2"), null, null, null), Expect.Succ(DataSchema.Resolve(config, Seq1(Train))));
    }

    [Fact]
    public void Id_group_time_label_and_excluded_columns_are_not_features()
    {
        var input = Csv("row", "site", "ts", "x1", "leak", "x2", "target");
        var config = M(("data", M(
            ("label", S("target")), ("id", S("row")), ("group", S("site")), ("time", S("ts")), ("exclude", L(S("leak"))))));

        Assert.Equal(new DataSchema("target", Seq("x1", "x2"), "row", "site", "ts"), Expect.Succ(DataSchema.Resolve(config, Seq1(input))));
    }

    [Fact]
    public void Named_columns_missing_from_the_table_are_reported_together_once_each()
    {
        var config = M(("data", M(("label", S("target")), ("id", S("id")), ("features", L(S("x1"), S("f9"), S("f9"))))));

        Expect.Error(new ColumnsMissing("data/train.csv", Seq("target", "f9")), RunCommands.Create(Spec(config), RunName, T0));
        var error = Assert.IsType<ColumnsMissing>(Expect.Fail(DataSchema.Resolve(config, Seq1(Train))));
        Assert.Equal("'data/train.csv' has no columns 'target', 'f9'.", error.Message);
        Assert.Equal((1203, ErrorKind.InvalidData, (object?)"data/train.csv"), (error.Code, error.Kind, error.Target));
    }

    /// <summary>The missing columns and the columns that are both a role and a feature are independent problems:
    /// both are reported, the features error naming every such column.</summary>
    [Fact]
    public void Missing_columns_and_roles_listed_as_features_are_reported_together()
    {
        var config = M(("data", M(("label", S("target")), ("id", S("id")), ("features", L(S("x1"), S("f9"), S("target"), S("id"))))));

        var errors = Assert.IsType<ManyErrors>(Expect.Fail(DataSchema.Resolve(config, Seq1(Train)))).Errors;

        Assert.Equal(
            Seq<Error>(new ColumnsMissing("data/train.csv", Seq("target", "f9")),
                new ConfigValueInvalid("data.features", "'target' is data.label, 'id' is data.id; a column with a role cannot also be a feature")),
            errors);
    }

    [Fact]
    public void An_excluded_column_that_does_not_exist_is_reported()
    {
        // A typo in data.exclude would otherwise leave the column it meant among the features.
        var config = M(("data", M(("label", S("y")), ("id", S("id")), ("exclude", L(S("x_1"))))));
        Expect.Error(new ColumnsMissing("data/train.csv", Seq1("x_1")), DataSchema.Resolve(config, Seq1(Train)));
    }

    [Fact]
    public void One_missing_column_is_named_in_the_singular()
    {
        var config = M(("data", M(("label", S("target")))));
        var error = Assert.IsType<ColumnsMissing>(Expect.Fail(DataSchema.Resolve(config, Seq1(Train))));
        Assert.Equal("'data/train.csv' has no column 'target'.", error.Message);
    }

    [Fact]
    public void The_table_is_the_first_input_with_columns_and_a_tabular_format()
    {
        var blob = new InputFile("data/extra.bin", "/work/data/extra.bin", Sha('e'), 9, DataFormat.Other, null, NameList.Empty);
        var noColumns = Csv() with { Path = "data/empty.csv" };
        var parquet = new InputFile("data/p.parquet", "/work/data/p.parquet", Sha('p'), 99, DataFormat.Parquet, 5, new NameList(Seq("y", "z")));
        var config = M(("data", M(("label", S("y")))));

        Assert.Equal(Seq1("z"), Expect.Succ(DataSchema.Resolve(config, Seq(blob, noColumns, parquet, Train))).Features);
    }

    [Fact]
    public void Without_a_table_there_are_no_derived_features_and_no_column_check()
    {
        var blob = new InputFile("data/extra.bin", "/work/data/extra.bin", Sha('e'), 9, DataFormat.Other, null, NameList.Empty);
        var config = M(("data", M(("label", S("anything")))));

        Assert.Equal(new DataSchema("anything", Seq<string>(), null, null, null), Expect.Succ(DataSchema.Resolve(config, Seq1(blob))));
        Assert.Equal(new DataSchema(null, Seq<string>(), null, null, null), Expect.Succ(DataSchema.Resolve(ConfigMap.Empty, Seq<InputFile>())));
    }

    [Fact]
    public void A_mistyped_data_setting_is_a_config_error_naming_the_key()
    {
        var config = M(("data", M(("label", M(("x", I(1)))))));
        var error = Assert.IsType<ConfigValueInvalid>(Expect.Fail(DataSchema.Resolve(config, Seq1(Train))));
        Assert.Equal("data.label", error.Key);
    }
}

public sealed class ManifestReplayTests
{
    static readonly ErrorInfo Boom = new("System.InvalidOperationException", "boom", "train", At(9));

    /// <summary>A million events, streamed: replay never recurses or builds lazy chains whose depth grows with the
    /// events (such chains overflowed the stack near 12,500 metric events of one name).</summary>
    [Fact]
    public void A_million_events_replay_into_a_manifest_that_stays_small()
    {
        static IEnumerable<RunEvent> Log()
        {
            yield return Created();
            yield return new MetricWritten(At(1), "other", 0, null, null);
            for (var i = 1; i <= 1_000_000; i++)
            {
                yield return new MetricWritten(At(2), i % 3 == 0 ? "val/loss" : "loss", i, i, "train");
                if (i % 100_000 == 0) yield return new ArtifactAdded(At(3), new Artifact($"checkpoints/{i}.pt", Sha('c'), i, ArtifactKind.Model, "train", At(3)));
            }
        }

        var m = Expect.Succ(Manifest.Replay(Log(), Source));

        Assert.Equal(1_000_012, m.EventCount);
        Assert.Equal(Seq("other", "loss", "val/loss"), m.Metrics.Map(x => x.Name));
        var loss = m.Metric("loss")!;
        Assert.Equal((1_000_000.0, 1.0, 1_000_000.0, 666_667L, (long?)1_000_000), (loss.Last, loss.Min, loss.Max, loss.Count, loss.Step));
        Assert.Equal(10, m.Artifacts.Count);
        // Reading the result walks plain arrays: enumerating it and comparing it are as cheap as for a fresh manifest.
        Assert.Equal(m, m with { });
        Assert.Equal(m.Metrics.Count, m.Metrics.ToArray().Length);
    }
    static readonly FileHash TrainCsv = File("data/train.csv", 'd', 4096);
    static readonly FileHash Prepared = File("prepared.parquet", 'p', 2048);
    static readonly FileHash ModelZip = File("model.zip", 'm', 777);
    static readonly Artifact PreparedArtifact = new("prepared.parquet", Sha('p'), 2048, ArtifactKind.Table, "prepare", At(3));

    static Seq<RunEvent> Story() => Seq<RunEvent>(
        Created(),                                                                       // 1
        Status(1, Pending, Running),                                                     // 2
        Started(2, "prepare", 1, Seq1(TrainCsv), command: "scriptblock sha256:11"),      // 3
        new ArtifactAdded(At(3), PreparedArtifact),                                      // 4
        Ended(4, "prepare", 1, StageStatus.Completed, Seq1(Prepared)),                   // 5
        new MetricWritten(At(5), "auc", 0.75, 1, "train"),                               // 6
        new MetricWritten(At(6), "auc", 0.875, 2, null),                                 // 7
        new MetricWritten(At(7), "auc", 0.8125, 3, "eval"),                              // 8
        Started(8, "train", 1, Seq1(Prepared), Seq1("prepare"), "train.ps1"),            // 9
        Ended(9, "train", 1, StageStatus.Failed, error: Boom),                           // 10
        Status(10, Running, Failed, message: "stage 'train' failed", error: Boom),       // 11
        Status(11, Failed, Running, Other, "resumed after failed"),                      // 12
        Started(12, "train", 2, Seq1(Prepared), Seq1("prepare"), "train.ps1", Other),    // 13
        Ended(13, "train", 2, StageStatus.Completed, Seq1(ModelZip)),                    // 14
        new ProgressReported(At(14), "train", "done"),                                   // 15
        Status(15, Running, Completed, Other));                                          // 16

    [Fact]
    public void Replaying_a_run_gives_the_exact_manifest()
    {
        var m = Expect.Succ(Manifest.Replay(Story(), Source));

        Assert.Equal(
            NewRun() with
            {
                Status = Completed,
                StartedAt = At(1),
                EndedAt = At(15),
                StatusMessage = null,
                LastError = Boom,
                Owner = Other,
                Stages = Seq(
                    new StageRecord("prepare", 1, StageStatus.Completed, At(2), At(4), Seq<string>(), Seq1(TrainCsv), Seq1(Prepared),
                        null, Me, "scriptblock sha256:11", "logs/prepare.log"),
                    new StageRecord("train", 2, StageStatus.Completed, At(12), At(13), Seq1("prepare"), Seq1(Prepared), Seq1(ModelZip),
                        null, Other, "train.ps1", "logs/train.log")),
                Artifacts = Seq1(PreparedArtifact),
                Metrics = Seq1(new MetricSummary("auc", 0.8125, 3, 0.75, 0.875, 3, "eval", At(7))),
                EventCount = 16,
                UpdatedAt = At(15),
            },
            m);
        Assert.Equal(TimeSpan.FromSeconds(14), m.Duration);
        Assert.Equal(TimeSpan.FromSeconds(1), m.Stage("train")!.Duration);
        Assert.Null(m.Stage("eval"));
        Assert.Equal(3, m.Metric("auc")!.Count);
        Assert.Null(m.Metric("loss"));
    }

    [Fact]
    public void Replay_is_Start_then_ApplyAll()
    {
        var events = Story();
        Assert.Equal(
            Expect.Succ(Manifest.ApplyAll(Manifest.Start((RunCreated)events.Head), events.Tail)),
            Expect.Succ(Manifest.Replay(events, Source)));
    }

    [Fact]
    public void A_failed_attempt_keeps_its_error_and_the_failed_run_its_end_until_resumed()
    {
        var events = Story().Take(11).ToSeq();
        var m = Expect.Succ(Manifest.Replay(events, Source));

        Assert.Equal((Failed, (DateTimeOffset?)At(10), "stage 'train' failed", Boom, Me), (m.Status, m.EndedAt, m.StatusMessage, m.LastError, m.Owner));
        Assert.Equal(
            new StageRecord("train", 1, StageStatus.Failed, At(8), At(9), Seq1("prepare"), Seq1(Prepared), Seq<FileHash>(), Boom, Me,
                "train.ps1", "logs/train.log"),
            m.Stage("train"));

        var resumed = Apply(m, Status(11, Failed, Running, Other, "resumed after failed"));
        Assert.Equal(
            m with { Status = Running, EndedAt = null, StatusMessage = "resumed after failed", Owner = Other, EventCount = 12, UpdatedAt = At(11) },
            resumed);
    }

    [Fact]
    public void A_new_attempt_replaces_the_stage_record_in_place()
    {
        var m = Apply(StartedRun(),
            Started(2, "a"), Ended(3, "a", 1, StageStatus.Completed),
            Started(4, "b"), Ended(5, "b", 1, StageStatus.Completed),
            Started(6, "a", 2, command: "v2"));

        Assert.Equal(Seq("a", "b"), m.Stages.Map(s => s.Name));
        Assert.Equal(
            new StageRecord("a", 2, StageStatus.Running, At(6), null, Seq<string>(), Seq<FileHash>(), Seq<FileHash>(), null, Me, "v2", "logs/a.log"),
            m.Stages[0]);
        Assert.Null(m.Stages[0].Duration);
    }

    [Fact]
    public void A_stage_stored_as_running_may_start_its_next_attempt_after_its_process_is_gone()
    {
        var m = Apply(StartedRun(), Started(2, "train"), Started(3, "train", 2, by: Other));
        Assert.Equal((2, StageStatus.Running, Other), (m.Stage("train")!.Attempt, m.Stage("train")!.Status, m.Stage("train")!.Process));
    }

    [Fact]
    public void Artifacts_with_the_same_path_are_replaced_and_others_appended()
    {
        var a1 = new Artifact("model.zip", Sha('1'), 1, ArtifactKind.Model, "train", At(2));
        var b = new Artifact("plot.png", Sha('2'), 2, ArtifactKind.Plot, null, At(3));
        var a2 = a1 with { Sha256 = Sha('3'), Bytes = 3, AddedAt = At(4) };

        var m = Apply(NewRun(), new ArtifactAdded(At(2), a1), new ArtifactAdded(At(3), b), new ArtifactAdded(At(4), a2));
        Assert.Equal(Seq(a2, b), m.Artifacts);
        Assert.Equal((4L, At(4)), (m.EventCount, m.UpdatedAt));
    }

    [Fact]
    public void Metric_summaries_track_last_min_max_count_and_the_latest_stage()
    {
        var m = Apply(NewRun(),
            new MetricWritten(At(1), "loss", 2.5, 1, "train"),
            new MetricWritten(At(2), "val/auc", 0.5, null, null),
            new MetricWritten(At(3), "loss", 0.25, 2, null),
            new MetricWritten(At(4), "loss", 1.0, null, "tune"),
            new MetricWritten(At(5), "loss", 1.5, 7, null));

        // A write without a stage keeps the stage the metric was last written by.
        Assert.Equal(
            Seq(new MetricSummary("loss", 1.5, 7, 0.25, 2.5, 4, "tune", At(5)),
                new MetricSummary("val/auc", 0.5, null, 0.5, 0.5, 1, null, At(2))),
            m.Metrics);
    }

    [Fact]
    public void Progress_changes_only_the_count_and_time()
    {
        var m = StartedRun();
        Assert.Equal(m with { EventCount = 3, UpdatedAt = At(5) }, Apply(m, new ProgressReported(At(5), null, "50%")));
    }

    [Fact]
    public void Taking_over_an_abandoned_run_changes_its_owner_and_keeps_its_start()
    {
        var m = StartedRun();
        var taken = Apply(m, Status(5, Abandoned, Running, Other, "taken over: the previous process is gone"));
        Assert.Equal(m with { Owner = Other, StatusMessage = "taken over: the previous process is gone", EventCount = 3, UpdatedAt = At(5) }, taken);

        var closed = Apply(m, Status(6, Abandoned, Cancelled, Other));
        Assert.Equal((Cancelled, (DateTimeOffset?)At(6), Me), (closed.Status, closed.EndedAt, closed.Owner));
    }

    [Fact]
    public void A_pending_run_can_be_cancelled_without_ever_starting()
    {
        var m = Apply(NewRun(), Status(3, Pending, Cancelled, message: "not needed"));
        Assert.Equal(NewRun() with { Status = Cancelled, EndedAt = At(3), StatusMessage = "not needed", EventCount = 2, UpdatedAt = At(3) }, m);
        Assert.Null(m.Duration);
    }

    // ---- what replay refuses --------------------------------------------------------------------------------

    static RunCorrupted EventError(int index, RunError inner) => new(Source, $"event {index}: {inner.Message}");

    [Fact]
    public void Replay_refuses_an_empty_log() =>
        Expect.Error(new RunCorrupted(Source, "there are no events"), Manifest.Replay(Seq<RunEvent>(), Source));

    [Fact]
    public void Replay_refuses_a_log_that_does_not_start_with_created() =>
        Expect.Error(new RunCorrupted(Source, "the first event is not 'created'"),
            Manifest.Replay(Seq<RunEvent>(Status(1, Pending, Running), Created()), Source));

    [Fact]
    public void Replay_refuses_a_second_created() =>
        Expect.Error(EventError(3, new RunCorrupted(RunName, "a second 'created' event")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Created()), Source));

    [Fact]
    public void Replay_refuses_a_stage_that_ends_without_starting() =>
        Expect.Error(EventError(3, new RunCorrupted(RunName, "stage 'train' ended but never started")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Ended(2, "train", 1, StageStatus.Completed)), Source));

    [Fact]
    public void Replay_refuses_a_skipped_attempt_number() =>
        Expect.Error(EventError(3, new RunCorrupted(RunName, "stage 'train' attempt 2, expected 1")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Started(2, "train", 2)), Source));

    [Fact]
    public void Replay_refuses_a_repeated_attempt_number() =>
        Expect.Error(EventError(5, new RunCorrupted(RunName, "stage 'train' attempt 1, expected 2")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Started(2, "train"),
                Ended(3, "train", 1, StageStatus.Failed), Started(4, "train")), Source));

    [Fact]
    public void Replay_refuses_the_end_of_an_attempt_that_is_not_the_latest() =>
        Expect.Error(EventError(6, new RunCorrupted(RunName, "stage 'train' attempt 1 ended but attempt 2 is the latest")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Started(2, "train"),
                Ended(3, "train", 1, StageStatus.Failed), Started(4, "train", 2), Ended(5, "train", 1, StageStatus.Completed)), Source));

    [Fact]
    public void Replay_refuses_an_illegal_run_transition() =>
        Expect.Error(EventError(2, new IllegalTransition($"Run '{RunName}'", "pending", "completed")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Completed)), Source));

    [Fact]
    public void Replay_refuses_leaving_a_completed_run() =>
        Expect.Error(EventError(4, new IllegalTransition($"Run '{RunName}'", "completed", "running")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Status(2, Running, Completed), Status(3, Completed, Running)), Source));

    [Fact]
    public void Replay_refuses_a_status_change_from_a_status_the_run_is_not_in() =>
        Expect.Error(EventError(2, new RunCorrupted(RunName, "status change from 'running' but the run is 'pending'")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Running, Completed)), Source));

    [Fact]
    public void Replay_refuses_an_abandoned_takeover_of_a_run_that_was_not_running() =>
        Expect.Error(EventError(2, new RunCorrupted(RunName, "status change from 'abandoned' but the run is 'pending'")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Abandoned, Running)), Source));

    [Fact]
    public void Replay_refuses_a_stage_in_a_run_that_is_not_running() =>
        Expect.Error(EventError(2, new IllegalTransition("Stage 'train'", "not started", "running in a pending run")),
            Manifest.Replay(Seq<RunEvent>(Created(), Started(1, "train")), Source));

    [Fact]
    public void Replay_refuses_an_attempt_that_ends_twice() =>
        Expect.Error(EventError(5, new IllegalTransition("Stage 'train'", "completed", "failed")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Started(2, "train"),
                Ended(3, "train", 1, StageStatus.Completed), Ended(4, "train", 1, StageStatus.Failed)), Source));

    [Fact]
    public void Replay_refuses_an_attempt_that_ends_as_running() =>
        Expect.Error(EventError(4, new IllegalTransition("Stage 'train'", "running", "running")),
            Manifest.Replay(Seq<RunEvent>(Created(), Status(1, Pending, Running), Started(2, "train"),
                Ended(3, "train", 1, StageStatus.Running)), Source));

    [Fact]
    public void ApplyAll_stops_at_the_first_broken_rule_with_that_rule_s_error() =>
        Expect.Error(new IllegalTransition($"Run '{RunName}'", "pending", "failed"),
            Manifest.ApplyAll(NewRun(), Seq<RunEvent>(new ProgressReported(At(1), null, "x"), Status(2, Pending, Failed), Status(3, Pending, Running))));

    [Fact]
    public void Upsert_replaces_the_first_match_in_place_or_appends() 
    {
        Assert.Equal(Seq(1, 20, 3), Manifest.Upsert(Seq(1, 2, 3), 20, x => x == 2));
        Assert.Equal(Seq(1, 2, 3, 4), Manifest.Upsert(Seq(1, 2, 3), 4, x => x == 4));
    }
}
