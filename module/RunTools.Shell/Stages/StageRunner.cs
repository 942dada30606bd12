using System.Text;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;
using RunTools.Stages;

namespace RunTools.Shell.Stages;

/// <summary>What Invoke-RunStage (or a built-in stage) asks for, paths as the user gave them.</summary>
/// <param name="Hashed">Hashes of some inputs already computed by the caller (by full path), so a large data file
/// is not hashed again.</param>
public sealed record StageSpec(string Stage, Seq<string> DependsOn, Seq<string> Inputs, Seq<string> Outputs, bool Force, string Command,
    Seq<(string FullPath, FileHash Hash)> Hashed = default);

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

    /// <summary>What would happen, without writing anything (for -WhatIf and to ask ShouldProcess).</summary>
    public static Fin<StageDecision> Preview(string runDirectory, StageSpec spec) =>
        from manifest in RunStore.Read(runDirectory)
        from inputs in HashInputs(manifest.Path!, spec)
        from request in Request(manifest, spec, inputs, RecordedOutputs(manifest, spec.Stage))
        let observed = RunStore.Observe(manifest, Liveness.DefaultStaleAfter)
        from decision in StagePlanner.Decide(manifest, observed.Status, observed.Live, request, SystemInfo.CurrentProcess, DateTimeOffset.UtcNow)
        select decision;

    /// <summary>Decides under the lock and records the start. Returns the attempt to run, or the skip.</summary>
    public static Fin<Either<SkipStage, StageAttempt>> Begin(string runDirectory, StageSpec spec)
    {
        // Inputs, and the outputs the last attempt recorded, are hashed before taking the run's lock: a large file must
        // not keep other writers waiting. Under the lock the outputs are hashed again only if another writer has
        // recorded a different attempt meanwhile.
        var hashed = HashInputs(Path.GetFullPath(runDirectory), spec);
        if (hashed.IsFail) return hashed.Map(_ => default(Either<SkipStage, StageAttempt>));
        var inputs = (Seq<FileHash>)hashed;
        var early = RunStore.Read(runDirectory).ToOption().Map(m => (Stage: m.Stage(spec.Stage), Outputs: RecordedOutputs(m, spec.Stage)));
        StageDecision? decision = null;
        var updated = RunStore.Update(runDirectory, manifest =>
            from request in Request(manifest, spec, inputs, early.Filter(e => e.Stage == manifest.Stage(spec.Stage)).Map(e => e.Outputs)
                .IfNone(() => RecordedOutputs(manifest, spec.Stage)))
            let observed = RunStore.Observe(manifest, Liveness.DefaultStaleAfter)
            from d in StagePlanner.Decide(manifest, observed.Status, observed.Live, request, SystemInfo.CurrentProcess, DateTimeOffset.UtcNow)
            select (decision = d) switch
            {
                StartStage start => start.Events,
                _ => Seq<RunEvent>(),
            });
        return updated.Bind(manifest => decision switch
        {
            SkipStage skip => FinSucc(Left<SkipStage, StageAttempt>(skip)),
            StartStage start => StartLog(manifest, spec, start),
            _ => FinFail<Either<SkipStage, StageAttempt>>(new StorageFailed(runDirectory, "start stage", "no decision was made")),
        });
    }

    static Fin<Either<SkipStage, StageAttempt>> StartLog(RunManifest manifest, StageSpec spec, StartStage start)
    {
        var attempt = new StageAttempt(manifest.Path!, spec.Stage, start.Attempt, start.Reason, manifest,
            spec.Outputs.Map(o => ToRunRelative(manifest.Path!, o).Match(r => r, _ => o)));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(attempt.LogPath)!);
            // Declared outputs may live in sub-folders ($Run.Resolve('models/m.zip')): make them exist.
            foreach (var output in attempt.Outputs) Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(attempt.RunDirectory, output))!);
            using var log = OpenLog(attempt.LogPath);
            log.Write(
                $"=== {spec.Stage} attempt {start.Attempt} started {DateTimeOffset.UtcNow:O} ({start.Reason}) pid {SystemInfo.CurrentProcess.Pid} on {SystemInfo.HostName}{Environment.NewLine}" +
                $"=== {spec.Command}{Environment.NewLine}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The stage is recorded as started; a log that cannot be opened must not leave it running forever.
            var ended = Finish(attempt, new StageErrored(new StorageFailed(attempt.LogPath, "write", e.Message), nameof(IOException)));
            return ended.Bind(_ => FinFail<Either<SkipStage, StageAttempt>>(new StorageFailed(attempt.LogPath, "write", e.Message)));
        }
        return FinSucc(Right<SkipStage, StageAttempt>(attempt));
    }

    /// <summary>Records how the attempt ended: hashes the declared outputs that exist (partial outputs of a failed
    /// attempt are kept and registered), then the stage's and, on failure or cancellation, the run's status.
    /// Returns the new manifest and the error the attempt ended with, if any.</summary>
    public static Fin<(RunManifest Manifest, RunError? Error)> Finish(StageAttempt attempt, StageOutcome outcome) =>
        Finish(attempt, outcome, Seq<RunEvent>());

    /// <param name="onSuccess">Events a built-in stage adds when it completes (its fold plan record, summary metrics).</param>
    public static Fin<(RunManifest Manifest, RunError? Error)> Finish(StageAttempt attempt, StageOutcome outcome, Seq<RunEvent> onSuccess)
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
        AppendLog(attempt.LogPath, $"=== {attempt.Stage} attempt {attempt.Attempt} ended {DateTimeOffset.UtcNow:O}: {error?.Message ?? "completed"}");
        // The log is complete for this attempt: its hash goes into the stage's end, so a later edit is detected.
        var log = CurrentHash(attempt.LogPath, RunLayout.LogFor(attempt.Stage));
        return RunStore.Update(attempt.RunDirectory, manifest =>
                FinSucc(StagePlanner.End(manifest, attempt.Stage, attempt.Attempt, outcome, outputs, SystemInfo.CurrentProcess, DateTimeOffset.UtcNow, log)
                    .Concat(error is null ? onSuccess : Seq<RunEvent>())))
            .Map(m => (m, error));
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
    static Fin<StageRequest> Request(RunManifest manifest, StageSpec spec, Seq<FileHash> inputs, Seq<(string, FileHash?)> recorded)
    {
        var run = manifest.Path!;
        return from stage in Names.StageName(spec.Stage)
               from deps in spec.DependsOn.Map(Names.StageName).Sequence()
               from outputs in spec.Outputs.Map(o => WritableInRun(run, o)).Sequence()
               select new StageRequest(stage, deps.Map(d => d.Value), inputs, outputs, recorded, spec.Force, spec.Command);
    }

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
