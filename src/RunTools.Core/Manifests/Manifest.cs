using RunTools.Config;
using RunTools.Domain;
using RunTools.Stages;

namespace RunTools.Manifests;

/// <summary>Builds a manifest from events. This is the only code that turns events into state, so run.json and
/// events.jsonl cannot disagree: run.json is always <c>Replay(events)</c>.</summary>
public static class Manifest
{
    /// <summary>The manifest a RunCreated event starts.</summary>
    public static RunManifest Start(RunCreated e) => new(
        SchemaVersion: RunManifest.CurrentSchemaVersion,
        RunId: e.RunId,
        Name: e.Name,
        Key: e.Key,
        CreatedAt: e.At,
        PackageVersion: e.PackageVersion,
        Status: RunStatus.Pending,
        StartedAt: null,
        EndedAt: null,
        StatusMessage: null,
        LastError: null,
        Owner: null,
        Inputs: e.Inputs,
        Config: e.Config,
        ConfigSha256: ConfigJson.Sha256(e.Config),
        FeatureList: e.FeatureList,
        Label: e.Label,
        Environment: e.Environment,
        Git: e.Git,
        Lineage: e.Lineage,
        Stages: Seq<StageRecord>(),
        Artifacts: Seq<Artifact>(),
        Metrics: Seq<MetricSummary>(),
        EventCount: 1,
        UpdatedAt: e.At)
    {
        ConfigFiles = e.ConfigFiles,
        Secrets = e.Secrets,
    };

    /// <summary>The manifest a rebuilt log starts with: run.json's manifest as it was, with the rebuild noted.</summary>
    public static RunManifest Start(RunRebuilt e) => e.Snapshot with
    {
        EventCount = 1,
        UpdatedAt = e.At,
        Path = null,
        ChainHead = null,
        Repairs = e.Snapshot.Repairs.Add(new RepairNote(e.At, "rebuilt",
            $"events.jsonl was rebuilt from run.json; the {e.LostEvents} event(s) before it are lost" +
            (e.LostChainHead is null ? "" : $" (their chain head was {e.LostChainHead})"))),
    };

    /// <summary>Applies one event, re-checking the transition rules.</summary>
    public static Fin<RunManifest> Apply(RunManifest m, RunEvent e) =>
        (e switch
        {
            RunCreated => FinFail<RunManifest>(new RunCorrupted(m.Name, "a second 'created' event")),
            RunRebuilt => FinFail<RunManifest>(new RunCorrupted(m.Name, "a 'rebuilt' event that is not the first")),
            RunStatusChanged s => ApplyStatus(m, s),
            StageStarted s => ApplyStageStarted(m, s),
            StageEnded s => ApplyStageEnded(m, s),
            ArtifactAdded a => FinSucc(m with { Artifacts = Upsert(m.Artifacts, a.Artifact, x => x.Path == a.Artifact.Path) }),
            MetricWritten w => FinSucc(m with { Metrics = ApplyMetric(m.Metrics, w) }),
            ProgressReported => FinSucc(m),
            FoldPlanRecorded f => FinSucc(m with { FoldPlans = Upsert(m.FoldPlans, f.Plan, x => x.Name == f.Plan.Name) }),
            EventsRepaired r => FinSucc(m with
            {
                Repairs = m.Repairs.Add(new RepairNote(r.At, "quarantined", r.Quarantine is { } q
                    ? $"{r.Lines} event line(s) moved to {q.Path} (sha256 {q.Sha256}); {r.Detail}"
                    : r.Detail)),
            }),
            RetentionLockChanged l => FinSucc(m with { Locked = l.Locked, LockReason = l.Locked ? l.Reason : null }),
            _ => FinFail<RunManifest>(new RunCorrupted(m.Name, $"unknown event {e.GetType().Name}")),
        }).Map(next => next with { EventCount = m.EventCount + 1, UpdatedAt = e.At });

    /// <summary>Applies events in order; the first one that breaks a rule stops it.</summary>
    public static Fin<RunManifest> ApplyAll(RunManifest m, Seq<RunEvent> events)
    {
        foreach (var e in events)
        {
            var next = Apply(m, e);
            if (next.IsFail) return next;
            m = (RunManifest)next;
        }
        return m;
    }

    /// <summary>The manifest a log's first event starts: RunCreated, or RunRebuilt for a log rebuilt by Repair-Run.</summary>
    public static Fin<RunManifest> First(RunEvent e, string source) => e switch
    {
        RunCreated created => Start(created),
        RunRebuilt rebuilt => Start(rebuilt),
        _ => FinFail<RunManifest>(new RunCorrupted(source, "the first event is not 'created'")),
    };

    /// <summary>Replays a run's events into its manifest, one event at a time (the events may be streamed from disk;
    /// nothing here grows with the number of events but the manifest itself). The first event must be RunCreated
    /// (or RunRebuilt).</summary>
    /// <param name="source">Where the events came from, for errors.</param>
    public static Fin<RunManifest> Replay(IEnumerable<RunEvent> events, string source)
    {
        RunManifest? manifest = null;
        var index = 0L;
        foreach (var e in events)
        {
            index++;
            if (manifest is null)
            {
                var first = First(e, source);
                if (first.IsFail) return first;
                manifest = (RunManifest)first;
                continue;
            }
            var next = Apply(manifest, e);
            if (next.IsFail) return FinFail<RunManifest>(new RunCorrupted(source, $"event {index}: {next.Match(_ => "", err => err.Message)}"));
            manifest = (RunManifest)next;
        }
        return manifest is null ? FinFail<RunManifest>(new RunCorrupted(source, "there are no events")) : manifest;
    }

    static Fin<RunManifest> ApplyStatus(RunManifest m, RunStatusChanged s)
    {
        // Abandoned is observed, never stored: a takeover or close of an abandoned run is recorded from the stored
        // status (running) with the observed one allowing it.
        var from = s.From == RunStatus.Abandoned ? RunStatus.Running : s.From;
        if (from != m.Status)
            return FinFail<RunManifest>(new RunCorrupted(m.Name, $"status change from '{Lifecycle.Text(s.From)}' but the run is '{Lifecycle.Text(m.Status)}'"));
        // Versions before 0.2 let an abandoned run be completed; such a recorded fact still replays.
        var legal = s.From == RunStatus.Abandoned && s.To == RunStatus.Completed
            ? FinSucc(s.To)
            : Lifecycle.Transition($"Run '{m.Name}'", s.From, s.To);
        return legal.Map(to => m with
        {
            Status = to,
            StartedAt = to == RunStatus.Running ? m.StartedAt ?? s.At : m.StartedAt,
            EndedAt = Lifecycle.IsFinished(to) ? s.At : null,
            StatusMessage = s.Message,
            LastError = s.Error ?? m.LastError,
            Owner = to == RunStatus.Running ? s.Process : m.Owner,
        });
    }

    static Fin<RunManifest> ApplyStageStarted(RunManifest m, StageStarted s)
    {
        if (m.Status != RunStatus.Running)
            return FinFail<RunManifest>(new IllegalTransition($"Stage '{s.Stage}'", "not started", $"running in a {Lifecycle.Text(m.Status)} run"));
        var previous = m.Stage(s.Stage);
        var from = previous?.Status ?? StageStatus.Pending;
        // A stage still stored as running can only be restarted once its process is gone (observed abandoned).
        if (from == StageStatus.Running) from = StageStatus.Abandoned;
        var expectedAttempt = (previous?.Attempt ?? 0) + 1;
        if (s.Attempt != expectedAttempt)
            return FinFail<RunManifest>(new RunCorrupted(m.Name, $"stage '{s.Stage}' attempt {s.Attempt}, expected {expectedAttempt}"));
        return Lifecycle.Transition($"Stage '{s.Stage}'", from, StageStatus.Running).Map(_ => m with
        {
            Stages = Upsert(m.Stages,
                new StageRecord(s.Stage, s.Attempt, StageStatus.Running, s.At, null, s.DependsOn, s.Inputs, Seq<FileHash>(), null, s.Process, s.Command, s.Log,
                    previous?.LogHash) { Fingerprint = s.Fingerprint, Reason = s.Reason },
                x => x.Name == s.Stage),
        });
    }

    static Fin<RunManifest> ApplyStageEnded(RunManifest m, StageEnded s)
    {
        var current = m.Stage(s.Stage);
        if (current is null)
            return FinFail<RunManifest>(new RunCorrupted(m.Name, $"stage '{s.Stage}' ended but never started"));
        if (current.Attempt != s.Attempt)
            return FinFail<RunManifest>(new RunCorrupted(m.Name, $"stage '{s.Stage}' attempt {s.Attempt} ended but attempt {current.Attempt} is the latest"));
        return Lifecycle.Transition($"Stage '{s.Stage}'", current.Status, s.Status).Map(status => m with
        {
            Stages = Upsert(m.Stages, current with
                {
                    Status = status, EndedAt = s.At, Outputs = s.Outputs, Error = s.Error, LogHash = s.Log ?? current.LogHash,
                    Fingerprint = s.ConfigKeys.IsEmpty ? current.Fingerprint : (current.Fingerprint ?? StageFingerprint.Empty).WithConfigKeys(s.ConfigKeys),
                    ReusedFrom = s.ReusedFrom,
                },
                x => x.Name == s.Stage),
            LastError = s.Error ?? m.LastError,
        });
    }

    static Seq<MetricSummary> ApplyMetric(Seq<MetricSummary> metrics, MetricWritten w) =>
        Upsert(metrics,
            metrics.Find(x => x.Name == w.Name).Match(
                Some: x => x with
                {
                    Last = w.Value,
                    Step = w.Step,
                    Min = Math.Min(x.Min, w.Value),
                    Max = Math.Max(x.Max, w.Value),
                    Count = x.Count + 1,
                    Stage = w.Stage ?? x.Stage,
                    UpdatedAt = w.At,
                },
                None: () => new MetricSummary(w.Name, w.Value, w.Step, w.Value, w.Value, 1, w.Stage, w.At)),
            x => x.Name == w.Name);

    /// <summary>Replaces the first item matching <paramref name="same"/>, or appends. Strict: the result is a new
    /// array-backed sequence, never a lazy view over the old one (a chain of lazy maps deepens with every event and
    /// overflows the stack when enumerated).</summary>
    internal static Seq<T> Upsert<T>(Seq<T> items, T item, Func<T, bool> same)
    {
        var index = 0;
        foreach (var x in items)
        {
            if (same(x))
            {
                var copy = items.ToArray();
                copy[index] = item;
                return toSeq(copy).Strict();
            }
            index++;
        }
        return items.Add(item).Strict();
    }
}
