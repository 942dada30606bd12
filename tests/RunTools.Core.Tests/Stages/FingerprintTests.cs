using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Stages;
using RunTools.Tests.Config;
using static RunTools.Tests.Config.V;
using static RunTools.Tests.Manifests.Fx;

namespace RunTools.Tests.Stages;

/// <summary>Fingerprints: what makes a completed stage count, what makes it run again (and the reason the record
/// gives), and when another run's attempt may serve it.</summary>
public sealed class FingerprintTests
{
    static readonly DateTimeOffset Now = At(100);
    static readonly FileHash Model = File("model.txt", 'm', 17);
    const string Command = "scriptblock sha256:ee";

    static readonly ConfigMap Config = M(("evaluate", M(("threshold", F(0.5)), ("other", I(1)))), ("data", M(("label", S("y")))));

    static FingerprintPart Part(string kind, string name, char hash) => new(kind, name, Sha(hash));

    static StageFingerprint Print(params FingerprintPart[] parts) =>
        new(Seq1(new FingerprintPart(FingerprintKinds.Command, "", Sha('c'))).Concat(toSeq(parts)).Strict());

    static StageRequest Request(StageFingerprint fingerprint, bool force = false, Seq<CacheCandidate> candidates = default, Seq<string> outputs = default) =>
        new(Expect.Succ(Names.StageName("evaluate")), Seq<string>(), Seq<FileHash>(), outputs, Seq1<(string, FileHash?)>(("eval.txt", File("eval.txt", 'v'))),
            force, Command, fingerprint, candidates);

    /// <summary>A running run (config <see cref="Config"/>) whose 'evaluate' completed with the fingerprint given and
    /// the config keys it read.</summary>
    static RunManifest Evaluated(StageFingerprint fingerprint, params string[] read)
    {
        var created = Created(Config);
        var m = Apply(Manifest.Start(created), Status(1, RunStatus.Pending, RunStatus.Running));
        return Apply(m,
            Started(2, "evaluate", command: Command) with { Fingerprint = fingerprint },
            Ended(3, "evaluate", 1, StageStatus.Completed, Seq1(File("eval.txt", 'v'))) with
            {
                ConfigKeys = toSeq(read).Map(k => FingerprintPart.ConfigKey(Config, k)).Strict(),
            });
    }

    static StageDecision Decide(RunManifest m, StageRequest r) => Expect.Succ(StagePlanner.Decide(m, m.Status, Seq1(Me), r, Me, Now));

    [Fact]
    public void A_stage_with_the_same_fingerprint_and_config_values_is_skipped()
    {
        var print = Print(Part(FingerprintKinds.Variable, "threshold", 't'));
        Assert.IsType<SkipStage>(Decide(Evaluated(print, "evaluate.threshold"), Request(print)));
    }

    public static TheoryData<string, StageFingerprint> Changes() => new()
    {
        { "variables changed: $threshold", Print(Part(FingerprintKinds.Variable, "threshold", 'u')) },
        { "variables changed: $threshold, $extra", Print(Part(FingerprintKinds.Variable, "threshold", 'u'), Part(FingerprintKinds.Variable, "extra", 'x')) },
        { "parameters changed: threshold", Print(Part(FingerprintKinds.Variable, "threshold", 't'), Part(FingerprintKinds.Parameter, "threshold", 'p')) },
        { "inputs changed: model.txt", Print(Part(FingerprintKinds.Variable, "threshold", 't'), Part(FingerprintKinds.Input, "model.txt", 'm')) },
        { "data changed: train.csv", Print(Part(FingerprintKinds.Variable, "threshold", 't'), Part(FingerprintKinds.Data, "train.csv", 'd')) },
        { "upstream stages changed: train", Print(Part(FingerprintKinds.Variable, "threshold", 't'), Part(FingerprintKinds.Upstream, "train", 'o')) },
        { "the stage's command changed", new StageFingerprint(Seq(new FingerprintPart(FingerprintKinds.Command, "", Sha('d')), Part(FingerprintKinds.Variable, "threshold", 't'))) },
        // A variable it no longer reads is a change too (its code changed, or the variable is gone).
        { "variables changed: $threshold", Print() },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_changed_part_runs_the_stage_again_and_the_record_names_it(string reason, StageFingerprint now)
    {
        var m = Evaluated(Print(Part(FingerprintKinds.Variable, "threshold", 't')), "evaluate.threshold");
        var start = Assert.IsType<StartStage>(Decide(m, Request(now)));
        Assert.Equal(reason, start.Reason);
        var started = Assert.IsType<StageStarted>(start.Events.Last);
        Assert.Equal((reason, now), (started.Reason, started.Fingerprint));
    }

    [Fact]
    public void A_config_key_the_stage_read_that_differs_in_this_config_runs_it_again()
    {
        // Recorded reading 0.4 (another run's config); this run's config has 0.5.
        var print = Print();
        var m = Evaluated(print, "evaluate.threshold");
        var recorded = m.Stage("evaluate")!;
        var other = m with
        {
            Stages = Seq1(recorded with { Fingerprint = print.WithConfigKeys(Seq1(FingerprintPart.ConfigKey(M(("evaluate", M(("threshold", F(0.4))))), "evaluate.threshold"))) }),
        };
        Assert.Equal("config changed: evaluate.threshold", Assert.IsType<StartStage>(Decide(other, Request(print))).Reason);
    }

    [Fact]
    public void A_config_key_that_was_absent_and_now_exists_is_a_change()
    {
        var recorded = FingerprintPart.ConfigKey(Config, "evaluate.new");
        Assert.Equal(FingerprintPart.Absent, recorded.Sha256);
        var withKey = M(("evaluate", M(("threshold", F(0.5)), ("new", I(3)))));
        Assert.Equal("config changed: evaluate.new",
            StageFingerprint.Changes(Print().WithConfigKeys(Seq1(recorded)), Print(), withKey));
        Assert.Null(StageFingerprint.Changes(Print().WithConfigKeys(Seq1(recorded)), Print(), Config));
    }

    [Fact]
    public void Config_keys_not_read_do_not_matter()
    {
        var print = Print();
        var m = Evaluated(print, "evaluate.threshold");
        var changedOther = m with { Config = M(("evaluate", M(("threshold", F(0.5)), ("other", I(2))))) };
        Assert.IsType<SkipStage>(Decide(changedOther, Request(print)));
    }

    [Fact]
    public void A_value_that_cannot_be_fingerprinted_always_runs_the_stage_and_says_which()
    {
        var live = Print(new FingerprintPart(FingerprintKinds.Variable, "session", null, "ScriptBlock"));
        var m = Evaluated(live);
        var start = Assert.IsType<StartStage>(Decide(m, Request(live)));
        Assert.Equal("cannot be fingerprinted: $session (ScriptBlock)", start.Reason);
        Assert.False(live.IsComplete);
    }

    [Fact]
    public void The_key_leaves_out_config_keys_and_does_not_depend_on_part_order()
    {
        var a = Print(Part(FingerprintKinds.Variable, "a", 'a'), Part(FingerprintKinds.Input, "x", 'x'));
        var b = new StageFingerprint(a.Parts.Rev().Strict());
        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.Key, a.WithConfigKeys(Seq1(Part(FingerprintKinds.Config, "k", 'k'))).Key);
        Assert.NotEqual(a.Key, Print(Part(FingerprintKinds.Variable, "a", 'b'), Part(FingerprintKinds.Input, "x", 'x')).Key);
    }

    // ---- the stage cache --------------------------------------------------------------------------------------

    static CacheCandidate Candidate(StageFingerprint print, ConfigValue config, params string[] read)
    {
        var stage = new StageRecord("evaluate", 2, StageStatus.Completed, At(5), At(6), Seq<string>(), Seq<FileHash>(), Seq1(File("eval.txt", 'v')),
            null, Other, Command, "logs/evaluate.log") { Fingerprint = print.WithConfigKeys(toSeq(read).Map(k => FingerprintPart.ConfigKey(config, k)).Strict()) };
        return new CacheCandidate("20260301_110000_parent", Guid.NewGuid(), "/runs/20260301_110000_parent", stage,
            Seq1(new Artifact("eval.txt", Sha('v'), 10, ArtifactKind.File, "evaluate", At(6))),
            Seq1(new MetricSummary("acc", 0.9, null, 0.8, 0.9, 2, "evaluate", At(6))),
            Seq<FoldPlanRecord>(),
            Seq1<(string, FileHash?)>(("eval.txt", File("eval.txt", 'v'))));
    }

    static RunManifest Fresh() => Apply(Manifest.Start(Created(Config)), Status(1, RunStatus.Pending, RunStatus.Running));

    [Fact]
    public void Another_runs_attempt_with_the_same_fingerprint_and_config_values_is_reused()
    {
        var print = Print(Part(FingerprintKinds.Variable, "threshold", 't'));
        var candidate = Candidate(print, Config, "evaluate.threshold");
        var reuse = Assert.IsType<ReuseStage>(Decide(Fresh(), Request(print, candidates: Seq1(candidate))));
        Assert.Equal((1, "reused from 20260301_110000_parent/evaluate/2"), (reuse.Attempt, reuse.Reason));
    }

    [Fact]
    public void The_reuse_is_recorded_as_a_completed_attempt_that_names_its_source_and_brings_its_metrics()
    {
        var print = Print(Part(FingerprintKinds.Variable, "threshold", 't'));
        var m = Fresh();
        var request = Request(print, candidates: Seq1(Candidate(print, Config, "evaluate.threshold")));
        var reuse = Assert.IsType<ReuseStage>(Decide(m, request));
        var events = Expect.Succ(StagePlanner.Reused(m, m.Status, request, reuse, Me, Now, File("logs/evaluate.log", 'l')));
        var after = Apply(m, events.ToArray());
        var stage = after.Stage("evaluate")!;
        Assert.Equal((StageStatus.Completed, "20260301_110000_parent/evaluate/2", "reused from 20260301_110000_parent/evaluate/2"),
            (stage.Status, stage.ReusedFrom, stage.Reason));
        Assert.Equal(Seq1(File("eval.txt", 'v')), stage.Outputs);
        Assert.Equal(print.Key, stage.Fingerprint!.Key);
        Assert.Equal(Seq1("evaluate.threshold"), stage.Fingerprint.ConfigKeys.Map(k => k.Name));
        Assert.Equal(("evaluate", 0.9), (after.Metric("acc")!.Stage!, after.Metric("acc")!.Last));
        Assert.Equal("evaluate", after.Artifacts.Find(a => a.Path == "eval.txt").Map(a => a.Stage).IfNone(""));
        // Now the stage is simply completed: the same request skips it.
        Assert.IsType<SkipStage>(Decide(after, request with { Candidates = Seq<CacheCandidate>() }));
    }

    public static TheoryData<string, Func<StageFingerprint, CacheCandidate>, bool> NotReused() => new()
    {
        { "a config key it read differs here", p => Candidate(p, M(("evaluate", M(("threshold", F(0.3)))))), false },
        { "another fingerprint", p => Candidate(Print(Part(FingerprintKinds.Variable, "threshold", 'u')), Config), false },
        { "forced", p => Candidate(p, Config), true },
        { "its output changed since", p => Candidate(p, Config) with { Outputs = Seq1<(string, FileHash?)>(("eval.txt", null)) }, false },
        { "it did not complete", p => Candidate(p, Config) is var c ? c with { Stage = c.Stage with { Status = StageStatus.Failed } } : c, false },
    };

    [Theory]
    [MemberData(nameof(NotReused))]
    public void A_candidate_is_not_reused_when(string why, Func<StageFingerprint, CacheCandidate> candidate, bool force)
    {
        var print = Print(Part(FingerprintKinds.Variable, "threshold", 't'));
        var c = candidate(print);
        if (why.StartsWith("a config key")) c = c with { Stage = c.Stage with { Fingerprint = print.WithConfigKeys(Seq1(FingerprintPart.ConfigKey(M(("evaluate", M(("threshold", F(0.3))))), "evaluate.threshold"))) } };
        Assert.IsType<StartStage>(Decide(Fresh(), Request(print, force, Seq1(c))));
    }

    [Fact]
    public void An_incomplete_fingerprint_is_never_served_from_the_cache()
    {
        var live = Print(new FingerprintPart(FingerprintKinds.Variable, "session", null, "PSObject"));
        Assert.IsType<StartStage>(Decide(Fresh(), Request(live, candidates: Seq1(Candidate(live, Config)))));
    }
}

/// <summary>Staleness at read time.</summary>
public sealed class FreshnessTests
{
    static readonly FileHash Prep = File("prep.txt", 'p', 9);
    static readonly FileHash ModelFile = File("model.txt", 'm', 17);

    static StageFingerprint Print(params FingerprintPart[] parts) =>
        new(Seq1(new FingerprintPart(FingerprintKinds.Command, "", Sha('c'))).Concat(toSeq(parts)).Strict());

    /// <summary>prepare → train (reads prep.txt, depends on prepare) → evaluate (depends on train).</summary>
    static RunManifest Pipeline() => Apply(StartedRun(),
        Started(2, "prepare") with { Fingerprint = Print() },
        Ended(3, "prepare", 1, StageStatus.Completed, Seq1(Prep)),
        Started(4, "train", inputs: Seq1(Prep), dependsOn: Seq1("prepare")) with
        {
            Fingerprint = Print(new FingerprintPart(FingerprintKinds.Upstream, "prepare", FingerprintPart.FilesHash(Seq1(Prep)))),
        },
        Ended(5, "train", 1, StageStatus.Completed, Seq1(ModelFile)),
        Started(6, "evaluate", dependsOn: Seq1("train")) with
        {
            Fingerprint = Print(new FingerprintPart(FingerprintKinds.Upstream, "train", FingerprintPart.FilesHash(Seq1(ModelFile)))),
        },
        Ended(7, "evaluate", 1, StageStatus.Completed));

    static FreshnessSeen Seen(Map<string, Option<FileHash>> inputs = default, Map<Guid, RunManifest> runs = default) => new(inputs, runs);

    [Fact]
    public void A_pipeline_whose_inputs_are_as_recorded_is_fresh() =>
        Assert.Empty(Freshness.Stages(Pipeline(), Seen(Map(("prep.txt", Some(Prep))))));

    [Fact]
    public void A_changed_input_makes_its_stage_and_everything_after_it_stale()
    {
        var stale = Freshness.Stages(Pipeline(), Seen(Map(("prep.txt", Some(Prep with { Sha256 = Sha('q') })))));
        Assert.Equal(Seq(new StaleStage("train", "inputs changed: prep.txt"), new StaleStage("evaluate", "upstream changed: train (stale)")), stale);
    }

    [Fact]
    public void A_gone_input_makes_its_stage_and_everything_after_it_stale()
    {
        var stale = Freshness.Stages(Pipeline(), Seen(Map(("prep.txt", Option<FileHash>.None))));
        Assert.Equal(Seq(new StaleStage("train", "inputs changed: prep.txt"), new StaleStage("evaluate", "upstream changed: train (stale)")), stale);
    }

    [Fact]
    public void An_upstream_stage_that_ran_again_with_other_outputs_makes_its_dependants_stale()
    {
        var m = Apply(Pipeline(),
            Started(8, "prepare", 2) with { Fingerprint = Print() },
            Ended(9, "prepare", 2, StageStatus.Completed, Seq1(Prep with { Sha256 = Sha('z') })));
        var stale = Freshness.Stages(m, Seen());
        Assert.Equal("upstream changed: prepare (attempt 2 wrote other outputs)", stale.Find(s => s.Stage == "train").Map(s => s.Reason).IfNone(""));
        Assert.Contains(stale, s => s.Stage == "evaluate");
    }

    [Fact]
    public void A_derived_run_whose_parent_was_removed_or_ran_again_is_stale()
    {
        var parent = Pipeline() with { RunId = Guid.NewGuid(), Name = "parent" };
        var child = StartedRun() with
        {
            CreatedAt = At(50),
            Lineage = Seq1(new LineageRef(parent.RunId, "parent", Lineage.Parent, null, null, null)),
        };
        Assert.Equal(Seq1(new StaleSource("parent", Lineage.Parent, "the run was removed")), Freshness.Sources(child, Seen()));
        Assert.Empty(Freshness.Sources(child, Seen(runs: Map((parent.RunId, parent)))));
        var retrained = Apply(parent, Started(60, "train", 2) with { Fingerprint = Print() }, Ended(61, "train", 2, StageStatus.Completed, Seq1(ModelFile)));
        Assert.Equal("ran stages again after this run was made from it: train (attempt 2)",
            Freshness.Sources(child, Seen(runs: Map((parent.RunId, retrained)))).Head.Reason);
    }

    [Fact]
    public void An_inference_whose_model_files_changed_is_stale()
    {
        var training = Apply(Pipeline(), new ArtifactAdded(At(8), new Artifact("models/production/model.json", Sha('j'), 5, ArtifactKind.Model, "train", At(8))))
            with { RunId = Guid.NewGuid(), Name = "training" };
        var inference = StartedRun() with
        {
            Lineage = Seq1(new LineageRef(training.RunId, "training", Lineage.Model, "train", "models/production/model.json", Sha('j'))),
        };
        Assert.Empty(Freshness.Sources(inference, Seen(runs: Map((training.RunId, training)))));
        var retrained = Apply(training, new ArtifactAdded(At(9), new Artifact("models/production/model.json", Sha('k'), 5, ArtifactKind.Model, "train", At(9))));
        Assert.StartsWith("the model files changed", Freshness.Sources(inference, Seen(runs: Map((training.RunId, retrained)))).Head.Reason);
    }
}
