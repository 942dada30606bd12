using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;
using RunTools.Stages;

namespace RunTools.Shell.Stages;

/// <summary>What Invoke-RunStage (or a built-in stage) asks for, paths as the user gave them.</summary>
/// <param name="Hashed">Hashes of some inputs already computed by the caller (by full path), so a large data file
/// is not hashed again.</param>
public sealed record StageSpec(string Stage, Seq<string> DependsOn, Seq<string> Inputs, Seq<string> Outputs, bool Force, string Command,
    Seq<(string FullPath, FileHash Hash)> Hashed = default)
{
    /// <summary>Values the stage uses that the caller fingerprinted: variables its script block reads from outside
    /// itself, explicit parameters.</summary>
    public Seq<FingerprintPart> Uses { get; init; }

    /// <summary>Config keys the stage is known to read before it runs (a built-in stage's sections; "" for the whole
    /// config); a script block's are recorded while it runs.</summary>
    public Seq<string> ConfigKeys { get; init; }

    /// <summary>Stages of other runs this one depends on (<c>-DependsOn run:stage</c>), resolved by the caller.</summary>
    public Seq<UpstreamStage> Upstream { get; init; }

    /// <summary>Do not look for the same work in other runs (the stage cache): run it.</summary>
    public bool NoReuse { get; init; }
}

/// <summary>A stage of another run that a stage depends on: as the user named it, and where the run is.</summary>
public sealed record UpstreamStage(string Reference, string RunPath, string Stage);

/// <summary>A stage's preview: what would happen, and the other runs' attempts looked at for it.</summary>
public sealed record StagePreview(StageDecision Decision, Seq<CacheCandidate> Candidates);

/// <summary>How <see cref="StageRunner.Begin"/> went: the stage is skipped, served from another run, or started.</summary>
public abstract record StageBegun
{
    StageBegun() { }

    public sealed record Skip(SkipStage Decision) : StageBegun;
    public sealed record Reuse(ReuseStage Decision) : StageBegun;
    public sealed record Attempt(StageAttempt Value) : StageBegun;
}

/// <summary>A stage attempt that has been recorded as started: the body may now run.</summary>
public sealed record StageAttempt(string RunDirectory, string Stage, int Attempt, string Reason, RunManifest Manifest, Seq<string> Outputs)
{
    public string LogPath => Path.Combine(RunDirectory, RunLayout.LogFor(Stage));
}

/// <summary>The shell around <see cref="StagePlanner"/>: hashes declared files, records the start and the end of an
/// attempt under the run lock, and keeps the log.</summary>
public static class StageRunner
{
    /// <summary>Logs are plain UTF-8 without a byte-order mark (Encoding.UTF8 would start a new log with one), like
    /// the writers that append the stage's own output.</summary>
    static readonly UTF8Encoding LogEncoding = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The spec with every declared input hashed (those not hashed already), so that deciding, recording and
    /// checking the stage read each input once per invocation. Inputs that do not exist are left for the decision to
    /// report (StageInputNotFound).</summary>
    public static StageSpec WithHashes(string runDirectory, StageSpec spec)
    {
        var run = Path.GetFullPath(runDirectory);
        var hashed = spec.Hashed;
        foreach (var input in spec.Inputs)
        {
            string real;
            try
            {
                real = RealPaths.Resolve(Path.IsPathRooted(input) ? Path.GetFullPath(input) : Path.GetFullPath(Path.Combine(run, input)));
            }
            catch (IOException)
            {
                continue;
            }
            if (hashed.Exists(h => h.FullPath == real) || !File.Exists(real)) continue;
            if (FileInspector.Hash(real, input).Case is FileHash hash) hashed = hashed.Add((real, hash));
        }
        return spec with { Hashed = hashed };
    }

    /// <summary>What would happen, without writing anything (for -WhatIf and to ask ShouldProcess), and the other runs'
    /// attempts that were looked at (handed to <see cref="Begin"/>, so the stage cache is read once per invocation).</summary>
    public static Fin<StagePreview> Preview(string runDirectory, StageSpec spec) =>
        from manifest in RunStore.Read(runDirectory)
        from inputs in HashInputs(manifest.Path!, spec)
        from upstream in Upstream(spec)
        from request in Request(manifest, spec, inputs, RecordedOutputs(manifest, spec.Stage), upstream)
        let candidates = WithCandidates(manifest, request, spec)
        from decision in Decide(manifest, candidates)
        select new StagePreview(decision, candidates.Candidates);

    static Fin<StageDecision> Decide(RunManifest manifest, StageRequest request)
    {
        var observed = RunStore.Observe(manifest, Liveness.DefaultStaleAfter);
        return StagePlanner.Decide(manifest, observed.Status, observed.Live, request, SystemInfo.CurrentProcess, Clock.Now);
    }

    /// <summary>The request with the runs that may hold the same work (only looked for when the stage would run).</summary>
    static StageRequest WithCandidates(RunManifest manifest, StageRequest request, StageSpec spec) =>
        spec.NoReuse || request.Force || request.Fingerprint is not { IsComplete: true } fingerprint
            ? request
            : request with { Candidates = StageCache.Candidates(manifest, spec.Stage, fingerprint) };

    /// <summary>Decides under the lock and records the start. Returns the attempt to run, the skip, or the reuse (whose
    /// files <see cref="Reuse"/> brings over before it records anything).</summary>
    /// <param name="candidates">The other runs' attempts the preview looked at (null: look them up now).</param>
    public static Fin<StageBegun> Begin(string runDirectory, StageSpec spec, Seq<CacheCandidate>? candidates = null)
    {
        // Inputs, and the outputs the last attempt recorded, are hashed before taking the run's lock: a large file must
        // not keep other writers waiting. Under the lock the outputs are hashed again only if another writer has
        // recorded a different attempt meanwhile. Other runs (the stage cache) are read before the lock too.
        var hashed = HashInputs(Path.GetFullPath(runDirectory), spec);
        if (hashed.IsFail) return hashed.Map(_ => default(StageBegun)!);
        var inputs = (Seq<FileHash>)hashed;
        var upstreamParts = Upstream(spec);
        if (upstreamParts.IsFail) return upstreamParts.Map(_ => default(StageBegun)!);
        var upstream = (Seq<FingerprintPart>)upstreamParts;
        var early = RunStore.Read(runDirectory).ToOption().Map(m => (Stage: m.Stage(spec.Stage), Outputs: RecordedOutputs(m, spec.Stage),
            Candidates: candidates ?? Request(m, spec, inputs, Seq<(string, FileHash?)>(), upstream).Map(r => WithCandidates(m, r, spec).Candidates)
                .IfFail(Seq<CacheCandidate>())));
        StageDecision? decision = null;
        var updated = RunStore.Update(runDirectory, manifest =>
            from request in Request(manifest, spec, inputs, early.Filter(e => e.Stage == manifest.Stage(spec.Stage)).Map(e => e.Outputs)
                .IfNone(() => RecordedOutputs(manifest, spec.Stage)), upstream)
            from d in Decide(manifest, request with { Candidates = early.Map(e => e.Candidates).IfNone(Seq<CacheCandidate>()) })
            select (decision = d) switch
            {
                StartStage start => start.Events,
                _ => Seq<RunEvent>(),
            });
        return updated.Bind(manifest => decision switch
        {
            SkipStage skip => FinSucc<StageBegun>(new StageBegun.Skip(skip)),
            ReuseStage reuse => FinSucc<StageBegun>(new StageBegun.Reuse(reuse)),
            StartStage start => StartLog(manifest, spec, start, early.Bind(e => Optional(e.Stage)).Filter(s => s.ReusedFrom is not null)
                .Map(s => s.Outputs).IfNone(Seq<FileHash>())).Map(a => (StageBegun)new StageBegun.Attempt(a)),
            _ => FinFail<StageBegun>(new StorageFailed(runDirectory, "start stage", "no decision was made")),
        });
    }

    /// <summary>Serves the stage from another run's identical attempt: its files are linked (or copied) into this run
    /// and checked against the hashes recorded for them, a line goes to the stage's log, and then, under the lock and
    /// only if the decision still stands, the reuse is recorded (<see cref="StagePlanner.Reused"/>).</summary>
    public static Fin<RunManifest> Reuse(string runDirectory, StageSpec spec, ReuseStage reuse)
    {
        var run = Path.GetFullPath(runDirectory);
        foreach (var file in reuse.From.Files)
        {
            var target = WritableInRun(run, file.Path);
            if (target.IsFail) return target.Map(_ => default(RunManifest)!);
            var destination = Path.Combine(run, file.Path);
            var source = Path.Combine(reuse.From.RunPath, file.Path);
            var placed = FileWrites.Try(destination, "bring over", () =>
            {
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                return FinSucc(AtomicFile.LinkOrCopy(source, destination));
            });
            if (placed.IsFail) return placed.Map(_ => default(RunManifest)!);
            if (((string Sha256, long, bool))placed is var (sha, _, _) && sha != file.Sha256)
                return FinFail<RunManifest>(new RunCorrupted(source, $"it no longer has the content {reuse.From.Source} recorded for it"));
        }
        var logPath = Path.Combine(run, RunLayout.LogFor(spec.Stage));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<RunManifest>(new StorageFailed(logPath, "write", e.Message));
        }
        AppendLog(logPath, $"=== {spec.Stage} attempt {reuse.Attempt} {Clock.Now:O}: {reuse.Reason} ({reuse.From.Files.Count} files, no work done)");
        var log = CurrentHash(logPath, RunLayout.LogFor(spec.Stage));
        var inputs = HashInputs(run, spec);
        var upstream = Upstream(spec);
        var recorded = from i in inputs
                       from u in upstream
                       from manifest in RunStore.Update(run, manifest =>
                           from request in Request(manifest, spec, i, RecordedOutputs(manifest, spec.Stage), u)
                           let observed = RunStore.Observe(manifest, Liveness.DefaultStaleAfter)
                           from d in StagePlanner.Decide(manifest, observed.Status, observed.Live, request with { Candidates = Seq1(reuse.From) },
                               SystemInfo.CurrentProcess, Clock.Now)
                           from events in d is ReuseStage again && again.From.Source == reuse.From.Source
                               ? StagePlanner.Reused(manifest, observed.Status, request, again, SystemInfo.CurrentProcess, Clock.Now, log)
                               : FinFail<Seq<RunEvent>>(new StorageFailed(run, "reuse stage", $"another writer changed stage '{spec.Stage}' meanwhile"))
                           select events)
                       select manifest;
        return recorded.Map(m =>
        {
            StageCache.Record(m, spec.Stage);
            return m;
        });
    }

    /// <param name="linked">Outputs of a reused attempt: they may be hard links to another run's files, so each is
    /// replaced by a copy of itself before the stage writes, or an in-place write would change the other run too.</param>
    static Fin<StageAttempt> StartLog(RunManifest manifest, StageSpec spec, StartStage start, Seq<FileHash> linked)
    {
        var attempt = new StageAttempt(manifest.Path!, spec.Stage, start.Attempt, start.Reason, manifest,
            spec.Outputs.Map(o => ToRunRelative(manifest.Path!, o).Match(r => r, _ => o)));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(attempt.LogPath)!);
            // Declared outputs may live in sub-folders ($Run.Resolve('models/m.zip')): make them exist.
            foreach (var output in attempt.Outputs) Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(attempt.RunDirectory, output))!);
            foreach (var file in linked.Map(l => Path.Combine(attempt.RunDirectory, l.Path)).Filter(File.Exists))
                AtomicFile.CopyWithHash(file, file, overwrite: true);
            using var log = OpenLog(attempt.LogPath);
            log.Write(
                $"=== {spec.Stage} attempt {start.Attempt} started {Clock.Now:O} ({start.Reason}) pid {SystemInfo.CurrentProcess.Pid} on {SystemInfo.HostName}{Environment.NewLine}" +
                $"=== {spec.Command}{Environment.NewLine}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The stage is recorded as started; a log that cannot be opened must not leave it running forever.
            var ended = Finish(attempt, new StageErrored(new StorageFailed(attempt.LogPath, "write", e.Message), nameof(IOException)));
            return ended.Bind(_ => FinFail<StageAttempt>(new StorageFailed(attempt.LogPath, "write", e.Message)));
        }
        return FinSucc(attempt);
    }

    /// <summary>Records how the attempt ended: hashes the declared outputs that exist (partial outputs of a failed
    /// attempt are kept and registered), then the stage's and, on failure or cancellation, the run's status.
    /// Returns the new manifest and the error the attempt ended with, if any.</summary>
    /// <param name="onSuccess">Events a built-in stage adds when it completes (its fold plan record, summary metrics).</param>
    /// <param name="configKeys">The config keys the attempt read while it ran.</param>
    public static Fin<(RunManifest Manifest, RunError? Error)> Finish(StageAttempt attempt, StageOutcome outcome, Seq<RunEvent> onSuccess = default,
        Seq<string> configKeys = default)
    {
        // An output that exists but cannot be read fails the stage (rather than leaving it running), recorded as missing.
        RunError? unreadable = null;
        var outputs = attempt.Outputs.Map(o =>
        {
            var full = Path.Combine(attempt.RunDirectory, o);
            if (!File.Exists(full)) return (o, (FileHash?)null);
            return FileInspector.Hash(full, o).Match(h => (o, (FileHash?)h), e =>
            {
                unreadable ??= e as RunError;
                return (o, null);
            });
        }).Strict();
        if (outcome is StageSucceeded && unreadable is not null) outcome = new StageErrored(unreadable, nameof(IOException));
        var error = StagePlanner.ErrorOf(outcome, attempt.Stage, outputs);
        AppendLog(attempt.LogPath, $"=== {attempt.Stage} attempt {attempt.Attempt} ended {Clock.Now:O}: {error?.Message ?? "completed"}");
        // The log is complete for this attempt: its hash goes into the stage's end, so a later edit is detected.
        var log = CurrentHash(attempt.LogPath, RunLayout.LogFor(attempt.Stage));
        return RunStore.Update(attempt.RunDirectory, manifest =>
                FinSucc(StagePlanner.End(manifest, attempt.Stage, attempt.Attempt, outcome, outputs, SystemInfo.CurrentProcess, Clock.Now, log, configKeys)
                    .Concat(error is null ? onSuccess : Seq<RunEvent>())))
            .Map(m =>
            {
                if (error is null) StageCache.Record(m, attempt.Stage);
                return (m, error);
            });
    }

    /// <summary>A stage's log, opened for appending without following a symbolic link (a log that is a link, or whose
    /// folder is one, is refused: it would send the stage's output elsewhere).</summary>
    /// <exception cref="IOException">The log or its folder is a symbolic link, or the log cannot be opened.</exception>
    public static StreamWriter OpenLog(string logPath)
    {
        var logs = Path.GetDirectoryName(logPath)!;
        if (RealPaths.IsLink(logs)) throw new IOException($"'{logs}' is a symbolic link; the run's logs are never written through one.");
        var stream = OwnFiles.OpenWrite(logPath);
        stream.Seek(0, SeekOrigin.End);
        return new StreamWriter(stream, LogEncoding) { AutoFlush = true };
    }

    /// <summary>A file's hash now; null when it is gone or cannot be read (either way, not what was recorded).</summary>
    static FileHash? CurrentHash(string fullPath, string recordedPath) =>
        File.Exists(fullPath) ? FileInspector.Hash(fullPath, recordedPath).Match(h => h, _ => (FileHash?)null) : null;

    public static void AppendLog(string logPath, string line)
    {
        try
        {
            using var log = OpenLog(logPath);
            log.WriteLine(line);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The log is best effort once the stage is running; the manifest records the outcome.
        }
    }

    static Fin<Seq<FileHash>> HashInputs(string run, StageSpec spec) =>
        spec.Inputs.Map(i => HashInput(run, spec, i)).Sequence();

    /// <param name="recorded">The outputs the stage's last attempt recorded, with their hashes now.</param>
    /// <param name="upstream">The fingerprint parts of the other runs' stages it depends on.</param>
    static Fin<StageRequest> Request(RunManifest manifest, StageSpec spec, Seq<FileHash> inputs, Seq<(string, FileHash?)> recorded, Seq<FingerprintPart> upstream)
    {
        var run = manifest.Path!;
        return from stage in Names.StageName(spec.Stage)
               from deps in spec.DependsOn.Map(Names.StageName).Sequence()
               from outputs in spec.Outputs.Map(o => WritableInRun(run, o)).Sequence()
               let fingerprint = Fingerprint(manifest, spec, inputs, deps.Map(d => d.Value), upstream)
               select new StageRequest(stage, deps.Map(d => d.Value), inputs, outputs, recorded, spec.Force, spec.Command, fingerprint);
    }

    /// <summary>Everything the stage uses, known before it runs: its command, declared inputs, the run's data, the
    /// outputs of the stages it depends on (in this run and in others), the values the caller fingerprinted
    /// (variables, parameters) and the config keys it declares.</summary>
    static StageFingerprint Fingerprint(RunManifest manifest, StageSpec spec, Seq<FileHash> inputs, Seq<string> deps, Seq<FingerprintPart> upstream) =>
        new(Seq1(new FingerprintPart(FingerprintKinds.Command, "", RunJson.Sha256(Encoding.UTF8.GetBytes(spec.Command))))
            .Concat(inputs.Map(i => new FingerprintPart(FingerprintKinds.Input, i.Path, i.Sha256)))
            .Concat(manifest.Inputs.Map(d => new FingerprintPart(FingerprintKinds.Data, Path.GetFileName(d.Path), d.Sha256)))
            .Concat(deps.Map(d => new FingerprintPart(FingerprintKinds.Upstream, d,
                manifest.Stage(d) is { } s ? FingerprintPart.FilesHash(s.Outputs) : FingerprintPart.Absent)))
            .Concat(upstream)
            .Concat(spec.Uses)
            .Concat(spec.ConfigKeys.Map(k => FingerprintPart.ConfigKey(manifest.Config, k)))
            .Strict());

    /// <summary>The stages of other runs this one depends on: each must have completed; its outputs are part of the
    /// fingerprint, named <c>&lt;run&gt;:&lt;stage&gt;</c>.</summary>
    static Fin<Seq<FingerprintPart>> Upstream(StageSpec spec) =>
        spec.Upstream.Map(u =>
            from other in RunStore.Read(u.RunPath)
            from stage in other.Stage(u.Stage) is { Status: StageStatus.Completed } s
                ? FinSucc(s)
                : FinFail<StageRecord>(new StageDependencyNotCompleted(spec.Stage, u.Reference,
                    Lifecycle.Text(other.Stage(u.Stage) is { } x ? Liveness.Observe(x, RunStore.Observe(other, Liveness.DefaultStaleAfter).Live) : StageStatus.Pending)))
            select new FingerprintPart(FingerprintKinds.Upstream, $"{other.Name}:{u.Stage}", FingerprintPart.FilesHash(stage.Outputs)))
        .Sequence();

    /// <summary>The outputs the stage's last attempt recorded, with their hashes now (null: gone or unreadable).</summary>
    static Seq<(string, FileHash?)> RecordedOutputs(RunManifest manifest, string stage) =>
        manifest.Stage(stage) is { } previous
            ? previous.Outputs.Map(o => (o.Path, CurrentHash(Path.Combine(manifest.Path!, o.Path), o.Path))).Strict()
            : Seq<(string, FileHash?)>();

    /// <summary>A declared input: relative paths are inside the run (and may not escape it); absolute paths outside
    /// the run are recorded as they are.</summary>
    /// <summary>A declared input: relative paths are inside the run (and may not escape it by their text); a file
    /// reached through a symbolic link is recorded by its real path (relative when that is inside the run, absolute
    /// when it is outside: reading through links is allowed, and the record says what was read).</summary>
    static Fin<FileHash> HashInput(string run, StageSpec spec, string input)
    {
        var isInside = !Path.IsPathRooted(input) || IsInside(run, Path.GetFullPath(input));
        var lexical = isInside ? ToRunRelative(run, input).Map(r => Path.Combine(run, r)) : FinSucc(Path.GetFullPath(input));
        return lexical.Bind(full =>
        {
            var (path, real) = Recorded(run, full);
            if (spec.Hashed.Find(h => h.FullPath == full || h.FullPath == real).Case is (string, FileHash known)) return FinSucc(known with { Path = path });
            return File.Exists(real) ? FileInspector.Hash(real, path) : FinFail<FileHash>(new StageInputNotFound(spec.Stage, input));
        });

        static (string Path, string Real) Recorded(string run, string full)
        {
            string real, runReal;
            try
            {
                real = RealPaths.Resolve(full);
                runReal = RealPaths.Resolve(run);
            }
            catch (IOException)
            {
                return (full, full); // a link loop: hashing it fails as a missing input
            }
            return IsInside(runReal, real) ? (Path.GetRelativePath(runReal, real).Replace('\\', '/'), real) : (real, real);
        }
    }

    /// <summary>A path the stage writes or reads inside the run, as a '/'-separated relative path.</summary>
    public static Fin<string> ToRunRelative(string run, string path)
    {
        var relative = Path.IsPathRooted(path) ? Path.GetRelativePath(run, Path.GetFullPath(path)) : path;
        // An error names the path as it was given, not the relative form it was turned into.
        return RunRelativePath.Create(relative, run).Match(
            Succ: r => FinSucc(r.Value),
            Fail: e => FinFail<string>(e is PathOutsideRun ? new PathOutsideRun(path, run) : e));
    }

    /// <summary>A path something will write inside the run: inside it by its text and by its real path (no symbolic
    /// link on the way leads outside the run: PathOutsideRun), and not one of the run's own files, by either path
    /// (PathReserved). Returns the path relative to the run, as given.</summary>
    public static Fin<string> WritableInRun(string run, string path) =>
        from relative in ToRunRelative(run, path)
        from _ in RunLayout.IsReserved(relative) ? FinFail<Unit>(new PathReserved(relative)) : FinSucc(unit)
        from real in RealPaths.InsideRun(run, relative, path)
        from __ in RunLayout.IsReserved(real) ? FinFail<Unit>(new PathReserved(path)) : FinSucc(unit)
        select relative;

    /// <summary>Whether a full path is inside the run directory (case-insensitive on Windows).</summary>
    public static bool IsInside(string run, string full) => RealPaths.IsInside(run, full);
}
