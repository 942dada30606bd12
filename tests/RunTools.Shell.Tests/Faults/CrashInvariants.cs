using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;
using RunTools.Verification;
using RunTools.Views;

namespace RunTools.Shell.Tests.Faults;

/// <summary>What must hold of a run after any writer was killed at any moment, and what Test-Run found.</summary>
public sealed record CrashCheck(IReadOnlyList<string> Problems, Seq<RunCheck> Findings);

public static class CrashInvariants
{
    /// <summary>The traces a killed writer may leave, as Test-Run names them: a cut-off line or a run.json behind the
    /// log (Stale), a hidden temporary file (Leftover). Anything else is damage.</summary>
    public static bool IsCrashTrace(RunCheck c) => c.Passed || c.StatusKind is CheckStatus.Stale or CheckStatus.Leftover;

    /// <summary>
    /// A run after a kill: it reads; run.json decodes (no file is torn: it is only ever replaced by rename); the log's
    /// chain holds up to its last complete line; Test-Run finds nothing but the traces of a crash, and every leftover
    /// belongs to a writer that is gone; every acknowledged metric value is in the log exactly once (and nothing else
    /// but at most one write in flight per writer); every acknowledged artifact and stage end is in the log with its
    /// hash; every registered artifact and every output of a stage that is not running matches its recorded hash.
    /// </summary>
    /// <param name="alsoExpected">Findings that are, for the operation under test, the trace of a kill too (see
    /// <see cref="KillTests"/>: the outputs of a stage killed in its body).</param>
    public static CrashCheck AfterKill(string run, Acknowledged acks, Func<RunCheck, RunManifest, bool>? alsoExpected = null)
    {
        var problems = new List<string>();
        var read = RunStore.Read(run);
        if (read.IsFail)
        {
            problems.Add($"it does not read: {(LanguageExt.Common.Error)read}");
            return new CrashCheck(problems, Seq<RunCheck>());
        }
        var manifest = (RunManifest)read;

        var json = Path.Combine(run, RunLayout.Manifest);
        if (RunJson.DecodeManifest(File.ReadAllText(json), Sidecars.ReadValid(run), json).IsFail) problems.Add("run.json does not decode");

        var seen = RunInspection.Inspect(run, lineage: false);
        if (seen.IsFail)
        {
            problems.Add($"Test-Run cannot inspect it: {(LanguageExt.Common.Error)seen}");
            return new CrashCheck(problems, Seq<RunCheck>());
        }
        var log = ((RunSeen)seen).Log;
        problems.AddRange(log.Problems.Map(p => $"events.jsonl:{p.Line} {p.Kind}: {p.Detail}"));
        var findings = RunVerification.Check((RunSeen)seen);
        problems.AddRange(findings.Filter(c => !IsCrashTrace(c) && alsoExpected?.Invoke(c, manifest) != true).Map(Describe));
        problems.AddRange(findings.Filter(c => c.StatusKind == CheckStatus.Leftover && WriterMayBeWorking(Path.Combine(run, c.Item)))
            .Map(c => $"{c.Item} is reported as a leftover but its writer is alive"));

        var events = new List<RunEvent>();
        var replay = EventLog.Continue(run, Sidecars.ReadValid(run), null, LogState.Empty, events.Add);
        if (replay.IsFail) problems.Add($"the log does not replay: {(LanguageExt.Common.Error)replay}");
        problems.AddRange(MetricsLostOrRepeated(events.OfType<MetricWritten>(), acks));
        var artifacts = events.OfType<ArtifactAdded>().Select(a => (a.Artifact.Path, a.Artifact.Sha256)).ToHashSet();
        problems.AddRange(acks.Artifacts.Where(a => !artifacts.Contains(a)).Select(a => $"the acknowledged artifact {a.Path} {a.Sha256} is not in the log"));
        var stages = events.OfType<StageEnded>().Where(e => e.Status == StageStatus.Completed)
            .SelectMany(e => e.Outputs.Select(o => (e.Stage, e.Attempt, o.Path, o.Sha256))).ToHashSet();
        problems.AddRange(acks.Stages.Where(s => !stages.Contains(s)).Select(s => $"the acknowledged end of stage {s.Stage} attempt {s.Attempt} ({s.Output} {s.Sha256}) is not in the log"));

        // A registered artifact matches its hash, unless its writer was killed before renaming the registered content
        // into place (then the content is staged beside it, and the next writer or Repair-Run puts it there).
        var staged = Leftovers.InRun(run, manifest).Filter(l => l.Kind == Leftovers.StagedArtifact)
            .Map(l => Path.GetRelativePath(run, Path.Combine(Path.GetDirectoryName(l.Path)!, RunLayout.TargetOf(Path.GetFileName(l.Path))!)).Replace('\\', '/'))
            .ToHashSet();
        var expected = findings.Filter(c => c.Kind == "artifact" && alsoExpected?.Invoke(c, manifest) == true).Map(c => c.Item).ToHashSet();
        foreach (var a in manifest.Artifacts)
            if (HashNow(run, a.Path) != a.Sha256 && !staged.Contains(a.Path) && !expected.Contains(a.Path))
                problems.Add($"the registered artifact {a.Path} does not match its hash {a.Sha256}");
        foreach (var s in manifest.Stages.Filter(s => s.Status != StageStatus.Running))
            foreach (var o in s.Outputs)
                if (HashNow(run, o.Path) != o.Sha256) problems.Add($"the output {o.Path} of stage {s.Name} ({s.Status}) does not match its recorded hash");
        return new CrashCheck(problems, findings);
    }

    /// <summary>Every acknowledged value once; per metric, values that were not acknowledged are at most one (the
    /// write in flight when its writer was killed) and come after every acknowledged one.</summary>
    public static IEnumerable<string> MetricsLostOrRepeated(IEnumerable<MetricWritten> written, Acknowledged acks)
    {
        var inLog = written.GroupBy(w => w.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(w => w.Value).ToList(), StringComparer.Ordinal);
        foreach (var (name, values) in inLog)
        {
            foreach (var repeated in values.GroupBy(v => v).Where(g => g.Count() > 1))
                yield return $"{name} = {repeated.Key} is in the log {repeated.Count()} times";
            var acked = acks.Metrics.TryGetValue(name, out var a) ? a : [];
            var extra = values.Distinct().Where(v => !acked.Contains(v)).ToList();
            if (extra.Count > 1 || extra.Any(v => acked.Count > 0 && v < acked.Max))
                yield return $"{name} has values that were never acknowledged: {string.Join(", ", extra)}";
        }
        foreach (var (name, acked) in acks.Metrics)
        {
            var values = inLog.TryGetValue(name, out var v) ? v.ToHashSet() : [];
            var lost = acked.Where(x => !values.Contains(x)).ToList();
            if (lost.Count > 0) yield return $"{name} lost the acknowledged values {string.Join(", ", lost.Take(10))}";
        }
    }

    /// <summary>Test-Run after the mending (the next writer, or Repair-Run): every check passes.</summary>
    public static IEnumerable<string> NotMended(string run, Func<RunCheck, RunManifest, bool>? alsoExpected = null)
    {
        var manifest = RunStore.Read(run).IfFail(_ => null!);
        return RunInspection.Verify(run, lineage: false).Match(
            checks => checks.Filter(c => !c.Passed && (manifest is null || alsoExpected?.Invoke(c, manifest) != true)).Map(Describe),
            e => [$"Test-Run failed: {e}"]);
    }

    /// <summary>Staging folders of New-Run under a root whose writer is alive (none may be, once every writer is dead).</summary>
    public static IEnumerable<string> LiveStaging(string root)
    {
        var staging = Path.Combine(root, RunLayout.RootWorkArea, RunLayout.Staging);
        if (!Directory.Exists(staging)) return [];
        var dead = Leftovers.InRoot(root).Map(l => l.Path).ToHashSet();
        return Directory.GetDirectories(staging).Where(d => !dead.Contains(d)).Select(d => $"the staging folder {d} is not a dead writer's");
    }

    public static string Describe(RunCheck c) => $"{c.Kind} {c.Item}: {c.Status} {c.Detail}";

    static bool WriterMayBeWorking(string path) =>
        RunLayout.WriterOf(Path.GetFileName(path)) is not { } writer
        || (File.Exists(path) && SystemInfo.MayBeWorking(writer, File.GetLastWriteTimeUtc(path), Leftovers.RemoteAfter));

    static string? HashNow(string run, string relative)
    {
        var path = Path.Combine(run, relative);
        return File.Exists(path) ? RunJson.Sha256(File.ReadAllBytes(path)) : null;
    }
}
