using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Tests.Config;
using RunTools.Verification;
using RunTools.Views;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Verification;

/// <summary>Test-Run's judgement over what is on disk: every byte of a run is accounted for.</summary>
public sealed class RunVerificationTests
{
    const string RunPath = "/runs/20260301_120000_baseline";
    static readonly FileHash ResolvedConfig = File(RunLayout.ResolvedConfig, 'r', 30);
    static readonly FileHash Overrides = File(RunLayout.Overrides, 'o', 20);
    static readonly FileHash TrainLog = File("logs/train.log", 'l', 100);
    static readonly Artifact Model = new("models/model.zip", Sha('m'), 5, ArtifactKind.Model, "train", At(3));

    /// <summary>A run with config files, a finished stage with its log hash, an artifact, a metric.</summary>
    static RunManifest Run() => Apply(Manifest.Start(Created() with { ConfigFiles = Seq(ResolvedConfig, Overrides) }),
        Status(1, RunStatus.Pending, RunStatus.Running),
        Started(2, "train"),
        new ArtifactAdded(At(3), Model),
        Ended(4, "train", 1, StageStatus.Completed, Seq1(File(Model.Path, 'm', 5))) with { Log = TrainLog },
        new MetricWritten(At(5), "auc", 0.9, null, "train"));

    static LogSeen Intact(RunManifest m) =>
        new(true, m.EventCount, 5000, m.EventCount, 0, 0, Seq<LogProblem>(), 0, m, Sha('h'), 2, m, Sha('h'));

    static RunJsonSeen Current(RunManifest m) => new(true, new RunJson.DecodedManifest(m with { ChainHead = Sha('h') }, 5000, Sha('h'), 2), null);

    static Seq<FileSeen> OnDisk(RunManifest m) => Seq(
        new FileSeen(RunLayout.Manifest, Sha('j'), 900),
        new FileSeen(RunLayout.Events, Sha('e'), 5000),
        new FileSeen(RunLayout.ResolvedConfig, Sha('r'), 30),
        new FileSeen(RunLayout.Overrides, Sha('o'), 20),
        new FileSeen("logs/train.log", Sha('l'), 100),
        new FileSeen(Model.Path, Sha('m'), 5));

    static RunSeen Seen(RunManifest m, Func<RunSeen, RunSeen>? change = null)
    {
        var seen = new RunSeen(RunPath, Intact(m), Current(m), OnDisk(m), Seq1(TrainLog), m.Inputs.Map(i => (i.FullPath, (FileHash?)File(i.FullPath, 'd'))),
            null, Seq<RelativeSeen>());
        return change is null ? seen : change(seen);
    }

    static string[] Lines(Seq<RunCheck> checks) => checks.Map(c => $"{c.Kind} {c.Item} {c.Status}").ToArray();

    static RunCheck Only(Seq<RunCheck> checks, string kind, string item) => checks.Filter(c => c.Kind == kind && c.Item == item).Single();

    [Fact]
    public void An_intact_run_is_Ok_item_by_item()
    {
        var m = Run();
        Assert.Equal(
        [
            "events events.jsonl Ok",
            "manifest run.json Ok",
            $"config {RunLayout.ResolvedConfig} Ok",
            $"config {RunLayout.Overrides} Ok",
            "log logs/train.log Ok",
            "artifact models/model.zip Ok",
            $"input {Train.FullPath} Ok",
        ], Lines(RunVerification.Check(Seen(m))));
        Assert.All(RunVerification.Check(Seen(m)), c => Assert.True(c.Passed));
    }

    [Fact]
    public void A_line_that_breaks_the_chain_is_ChainBroken_and_the_files_are_checked_against_run_json()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with
        {
            Log = Intact(m) with { Problems = Seq1(new LogProblem(4, CheckStatus.ChainBroken, "line 4 does not carry the hash of line 3")), Replayed = null },
        }));

        var broken = Only(checks, "events", "events.jsonl:4");
        Assert.Equal((CheckStatus.ChainBroken, "line 4 does not carry the hash of line 3"), (broken.StatusKind, broken.Detail));
        Assert.DoesNotContain(checks, c => c.Kind == "events" && c.StatusKind == CheckStatus.Ok);
        Assert.Equal(CheckStatus.Ok, Only(checks, "artifact", Model.Path).StatusKind);
    }

    [Fact]
    public void More_problems_than_are_listed_are_counted()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with
        {
            Log = Intact(m) with { Problems = Seq1(new LogProblem(2, CheckStatus.Modified, "line 2 is not an event")), MoreProblems = 7 },
        }));
        Assert.Contains("7 more problem(s) after line 2", Only(checks, "events", "events.jsonl").Detail);
    }

    [Fact]
    public void A_cut_off_last_line_is_Stale_not_tampering()
    {
        var m = Run();
        var events = RunVerification.Check(Seen(m, s => s with { Log = Intact(m) with { TornBytes = 42 } })).Filter(c => c.Kind == "events");
        Assert.Equal([CheckStatus.Stale, CheckStatus.Ok], events.Map(c => c.StatusKind).ToArray());
        Assert.StartsWith("42 bytes of a cut-off event", events[0].Detail);
    }

    [Fact]
    public void A_missing_log_is_Missing_and_run_json_cannot_be_verified_without_it()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with { Log = LogSeen.Gone }));
        Assert.Equal(CheckStatus.Missing, Only(checks, "events", "events.jsonl").StatusKind);
        Assert.Equal(CheckStatus.Unverified, Only(checks, "manifest", "run.json").StatusKind);
        Assert.Equal(CheckStatus.Ok, Only(checks, "artifact", Model.Path).StatusKind);
    }

    [Fact]
    public void Run_json_whose_chain_head_is_not_the_logs_line_is_ChainBroken()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with { Log = Intact(m) with { HeadAtRunJson = Sha('x'), Head = Sha('x') } }));
        var manifest = Only(checks, "manifest", "run.json");
        Assert.Equal((CheckStatus.ChainBroken, Sha('h'), Sha('x')), (manifest.StatusKind, manifest.Expected, manifest.Actual));
    }

    [Fact]
    public void Run_json_that_differs_from_the_replay_is_Modified()
    {
        var m = Run();
        var forged = m with { Metrics = Seq1(m.Metrics[0] with { Last = 0.99 }) };
        var checks = RunVerification.Check(Seen(m, s => s with { RunJson = Current(forged) }));
        Assert.Equal(CheckStatus.Modified, Only(checks, "manifest", "run.json").StatusKind);
    }

    [Fact]
    public void Run_json_behind_the_log_is_Stale()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with { Log = Intact(m) with { Bytes = 5300 } }));
        Assert.Equal(CheckStatus.Stale, Only(checks, "manifest", "run.json").StatusKind);
    }

    [Fact]
    public void Run_json_that_does_not_decode_is_Modified_and_a_deleted_one_Stale()
    {
        var m = Run();
        Assert.Equal(CheckStatus.Modified, Only(RunVerification.Check(Seen(m, s => s with { RunJson = new RunJsonSeen(true, null, "not valid JSON") })), "manifest", "run.json").StatusKind);
        Assert.Equal(CheckStatus.Stale, Only(RunVerification.Check(Seen(m, s => s with { RunJson = new RunJsonSeen(false, null, null) })), "manifest", "run.json").StatusKind);
    }

    [Fact]
    public void Run_json_summarising_a_length_that_is_not_a_line_end_is_Modified()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with { Log = Intact(m) with { AtRunJson = null, HeadAtRunJson = null } }));
        Assert.Equal(CheckStatus.Modified, Only(checks, "manifest", "run.json").StatusKind);
    }

    [Theory]
    [InlineData(RunLayout.ResolvedConfig)]
    [InlineData(RunLayout.Overrides)]
    public void A_config_file_is_checked_by_the_hash_of_its_bytes(string file)
    {
        var m = Run();
        var changed = RunVerification.Check(Seen(m, s => s with { Files = s.Files.Map(f => f.Path == file ? f with { Sha256 = Sha('z') } : f) }));
        var gone = RunVerification.Check(Seen(m, s => s with { Files = s.Files.Filter(f => f.Path != file) }));
        Assert.Equal(CheckStatus.Modified, Only(changed, "config", file).StatusKind);
        Assert.Equal(CheckStatus.Missing, Only(gone, "config", file).StatusKind);
    }

    [Fact]
    public void Config_files_of_a_run_that_did_not_hash_them_are_compared_by_their_content()
    {
        var m = Run() with { ConfigFiles = Seq<FileHash>() };
        var same = RunVerification.Check(Seen(m, s => s with { ConfigOnDisk = m.Config }));
        var edited = RunVerification.Check(Seen(m, s => s with { ConfigOnDisk = V.M(("other", V.I(1))) }));
        Assert.Equal(CheckStatus.Ok, Only(same, "config", RunLayout.ResolvedConfig).StatusKind);
        Assert.Equal(CheckStatus.Unverified, Only(same, "config", RunLayout.Overrides).StatusKind);
        Assert.Equal(CheckStatus.Modified, Only(edited, "config", RunLayout.ResolvedConfig).StatusKind);
    }

    [Fact]
    public void The_temporary_file_of_a_sidecar_whose_writer_was_killed_is_a_Leftover()
    {
        var temp = $"sidecars/{RunLayout.TempName($"{new string('a', 64)}.jsonl", new WriterId("host-a", 4242), Guid.Empty)}";
        var checks = RunVerification.Check(Seen(Run(), s => s with { Files = s.Files.Add(new FileSeen(temp, Sha('t'), 10)) }));

        Assert.Equal((CheckStatus.Leftover, "a temporary file of an interrupted write; Repair-Run removes it"), (Only(checks, "file", temp).StatusKind, Only(checks, "file", temp).Detail));
        Assert.DoesNotContain(checks, c => c.Kind == "sidecar");
    }

    [Fact]
    public void Sidecars_are_checked_by_their_names_and_anything_else_there_is_Extra()
    {
        var m = Run();
        var good = new string('a', 64);
        var checks = RunVerification.Check(Seen(m, s => s with
        {
            Files = s.Files
                .Add(new FileSeen($"sidecars/{good}.json", good, 10))
                .Add(new FileSeen($"sidecars/{new string('b', 64)}.json", new string('c', 64), 10))
                .Add(new FileSeen("sidecars/notes.txt", Sha('n'), 3)),
        }));
        Assert.Equal(CheckStatus.Ok, Only(checks, "sidecar", $"sidecars/{good}.json").StatusKind);
        Assert.Equal(CheckStatus.Modified, Only(checks, "sidecar", $"sidecars/{new string('b', 64)}.json").StatusKind);
        Assert.Equal(CheckStatus.Extra, Only(checks, "sidecar", "sidecars/notes.txt").StatusKind);
    }

    [Fact]
    public void A_log_edited_within_what_was_hashed_is_Modified()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with { LogPrefixes = Seq1(TrainLog with { Sha256 = Sha('q') }) }));
        Assert.Equal(CheckStatus.Modified, Only(checks, "log", "logs/train.log").StatusKind);
    }

    [Fact]
    public void A_log_that_grew_after_its_stage_ended_is_Modified_unless_the_stage_is_running_again()
    {
        var m = Run();
        Seq<FileSeen> Longer(Seq<FileSeen> files) => files.Map(f => f.Path == "logs/train.log" ? f with { Bytes = 130 } : f);
        var ended = RunVerification.Check(Seen(m, s => s with { Files = Longer(s.Files) }));
        var running = Apply(m, Started(6, "train", 2));
        var again = RunVerification.Check(Seen(running, s => s with { Files = Longer(s.Files) }));
        Assert.Equal("30 bytes were added after the stage ended", Only(ended, "log", "logs/train.log").Detail);
        Assert.Equal(CheckStatus.Ok, Only(again, "log", "logs/train.log").StatusKind);
    }

    [Fact]
    public void A_deleted_or_truncated_log_is_Missing_or_Modified()
    {
        var m = Run();
        var gone = RunVerification.Check(Seen(m, s => s with { Files = s.Files.Filter(f => f.Path != "logs/train.log"), LogPrefixes = Seq<FileHash>() }));
        var shorter = RunVerification.Check(Seen(m, s => s with { LogPrefixes = Seq<FileHash>() }));
        Assert.Equal(CheckStatus.Missing, Only(gone, "log", "logs/train.log").StatusKind);
        Assert.Equal(CheckStatus.Modified, Only(shorter, "log", "logs/train.log").StatusKind);
    }

    [Fact]
    public void The_log_of_a_stage_that_never_ended_cannot_be_verified_yet()
    {
        var m = Apply(StartedRun(), Started(2, "eval"));
        var checks = RunVerification.Check(Seen(m, s => s with { Files = s.Files.Add(new FileSeen("logs/eval.log", Sha('v'), 10)) }));
        Assert.Equal(CheckStatus.Unverified, Only(checks, "log", "logs/eval.log").StatusKind);
    }

    [Fact]
    public void Files_recorded_nowhere_are_Extra_and_temporary_files_are_Leftovers()
    {
        var m = Run();
        var temp = RunLayout.TempName("model.zip", new WriterId("host-a", 4242), Guid.Empty);
        var checks = RunVerification.Check(Seen(m, s => s with
        {
            Files = s.Files
                .Add(new FileSeen("models/extra.bin", Sha('x'), 1))
                .Add(new FileSeen($"models/{temp}", Sha('t'), 1))
                .Add(new FileSeen("artifacts/link", null, 0, Link: true)),
        }));
        Assert.Equal(CheckStatus.Extra, Only(checks, "file", "models/extra.bin").StatusKind);
        Assert.Equal(CheckStatus.Leftover, Only(checks, "file", $"models/{temp}").StatusKind);
        Assert.Equal("a symbolic link recorded nowhere", Only(checks, "file", "artifacts/link").Detail);
    }

    [Fact]
    public void An_artifact_whose_registered_content_is_staged_beside_it_is_Stale_until_the_next_writer_puts_it_in_place()
    {
        var m = Run();
        var temp = $"models/{RunLayout.TempName("model.zip", new WriterId("host-a", 4242), Guid.Empty)}";
        // A copy registered under the lock, its writer killed before the rename: the old file is still in place.
        Seq<RunCheck> With(string? inPlace, string staged) => RunVerification.Check(Seen(m, s => s with
        {
            Files = s.Files.Filter(f => f.Path != Model.Path || inPlace is not null)
                .Map(f => f.Path == Model.Path ? f with { Sha256 = inPlace } : f)
                .Add(new FileSeen(temp, staged, 5)),
        }));

        var replaced = With(Sha('z'), Model.Sha256);
        var first = With(null, Model.Sha256);
        var other = With(Sha('z'), Sha('y'));

        Assert.Equal((CheckStatus.Stale, Sha('m'), Sha('z')), (Only(replaced, "artifact", Model.Path).StatusKind, Only(replaced, "artifact", Model.Path).Expected, Only(replaced, "artifact", Model.Path).Actual));
        Assert.Equal($"its registered content is staged in {temp} by a write that was cut off before putting it in place; the next writer or Repair-Run puts it there",
            Only(replaced, "artifact", Model.Path).Detail);
        Assert.Equal(CheckStatus.Leftover, Only(replaced, "file", temp).StatusKind);
        Assert.Equal(CheckStatus.Stale, Only(first, "artifact", Model.Path).StatusKind);
        Assert.Equal(CheckStatus.Modified, Only(other, "artifact", Model.Path).StatusKind);
    }

    [Fact]
    public void Stage_inputs_outputs_and_fold_plans_inside_the_run_are_recorded_files()
    {
        var m = Apply(Run(),
            Started(6, "eval", inputs: Seq1(File("prepared/x.csv", 'p'))),
            new FoldPlanRecorded(At(7), new FoldPlanRecord("folds", "kfold", 5, 1, false, false, 10, Sha('f'), "folds/folds.parquet", "folds/folds.json", "plan")));
        var checks = RunVerification.Check(Seen(m, s => s with
        {
            Files = s.Files.Add(new FileSeen("prepared/x.csv", Sha('p'), 1)).Add(new FileSeen("folds/folds.parquet", Sha('f'), 1)).Add(new FileSeen("folds/folds.json", Sha('g'), 1)),
        }));
        Assert.DoesNotContain(checks, c => c.StatusKind == CheckStatus.Extra);
    }

    [Fact]
    public void A_modified_artifact_a_symlinked_one_and_a_changed_input()
    {
        var m = Run();
        var modified = RunVerification.Check(Seen(m, s => s with { Files = s.Files.Map(f => f.Path == Model.Path ? f with { Sha256 = Sha('z') } : f) }));
        var linked = RunVerification.Check(Seen(m, s => s with { Files = s.Files.Map(f => f.Path == Model.Path ? new FileSeen(f.Path, null, 0, true) : f) }));
        var input = RunVerification.Check(Seen(m, s => s with { Inputs = s.Inputs.Map(i => (i.FullPath, (FileHash?)File(i.FullPath, 'q'))) }));
        Assert.Equal((CheckStatus.Modified, Sha('m'), Sha('z')), (Only(modified, "artifact", Model.Path).StatusKind, Only(modified, "artifact", Model.Path).Expected, Only(modified, "artifact", Model.Path).Actual));
        Assert.Equal("it is a symbolic link now", Only(linked, "artifact", Model.Path).Detail);
        Assert.Equal(CheckStatus.Modified, Only(input, "input", Train.FullPath).StatusKind);
    }

    [Fact]
    public void A_log_whose_chain_started_late_says_which_events_are_unverified()
    {
        var m = Run();
        var checks = RunVerification.Check(Seen(m, s => s with { Log = Intact(m) with { ChainedFrom = 4 } }));
        Assert.Equal(CheckStatus.Unverified, Only(checks, "events", "events.jsonl:1-3").StatusKind);
    }

    // ---- lineage --------------------------------------------------------------------------------------------

    static readonly Guid Parent = Guid.Parse("11111111-2222-3333-4444-555555555555");
    static readonly LineageRef Up = new(Parent, "20260101_000000_up", "upstream", null, null, null, Sha('c'), 17);
    static readonly LineageRef UpFile = new(Parent, "20260101_000000_up", "model", "train", "models/model.zip", Sha('m'), Sha('c'), 17);

    static Seq<RunCheck> WithRelatives(params RelativeSeen[] relatives) =>
        RunVerification.Check(Seen(Run(), s => s with { Relatives = toSeq(relatives) })).Filter(c => c.Kind is "upstream" or "child");

    [Fact]
    public void An_upstream_run_whose_history_is_as_recorded_is_Ok()
    {
        var checks = WithRelatives(new RelativeSeen("upstream", Up, Up.RunName, Sha('c'), null, null), new RelativeSeen("upstream", UpFile, Up.RunName, Sha('c'), null, Sha('m')));
        Assert.Equal(["upstream 20260101_000000_up Ok", "upstream 20260101_000000_up/models/model.zip Ok"], Lines(checks));
    }

    [Fact]
    public void An_upstream_run_rewritten_after_the_fact_is_ChainBroken()
    {
        var check = WithRelatives(new RelativeSeen("upstream", Up, Up.RunName, Sha('d'), null, null)).Single();
        Assert.Equal((CheckStatus.ChainBroken, Sha('c'), Sha('d')), (check.StatusKind, check.Expected, check.Actual));
    }

    [Fact]
    public void An_upstream_run_whose_log_is_damaged_before_the_referred_event_is_ChainBroken()
    {
        var check = WithRelatives(new RelativeSeen("upstream", Up, Up.RunName, Sha('c'), "line 3 is not an event", null)).Single();
        Assert.Equal(CheckStatus.ChainBroken, check.StatusKind);
        Assert.Contains("line 3 is not an event", check.Detail);
    }

    [Fact]
    public void A_referred_file_that_changed_is_Modified_and_a_gone_parent_Missing()
    {
        Assert.Equal(CheckStatus.Modified, WithRelatives(new RelativeSeen("upstream", UpFile, Up.RunName, Sha('c'), null, Sha('z'))).Single().StatusKind);
        Assert.Equal(CheckStatus.Missing, WithRelatives(new RelativeSeen("upstream", Up, null, null, null, null)).Single().StatusKind);
    }

    [Fact]
    public void A_reference_made_before_chain_heads_were_recorded_is_Unverified()
    {
        var legacy = Up with { ChainHead = null, EventCount = null };
        Assert.Equal(CheckStatus.Unverified, WithRelatives(new RelativeSeen("upstream", legacy, Up.RunName, null, null, null)).Single().StatusKind);
    }

    [Fact]
    public void A_child_that_recorded_another_history_of_this_run_is_ChainBroken()
    {
        var check = WithRelatives(new RelativeSeen("child", Up with { RunId = RunId }, "20260302_000000_child", Sha('d'), null, null)).Single();
        Assert.Equal(("child", "20260302_000000_child -> this run", CheckStatus.ChainBroken), (check.Kind, check.Item, check.StatusKind));
    }

    [Fact]
    public void An_unreadable_run_is_reported_by_its_log_and_run_json_only()
    {
        var checks = RunVerification.Check(new RunSeen(RunPath, LogSeen.Gone, new RunJsonSeen(true, null, "not valid JSON"), Seq<FileSeen>(), Seq<FileHash>(),
            Seq<(string, FileHash?)>(), null, Seq<RelativeSeen>()));
        Assert.Equal(["events events.jsonl Missing", "manifest run.json Modified"], Lines(checks));
        Assert.Equal("20260301_120000_baseline", checks[0].Run);
    }
}
