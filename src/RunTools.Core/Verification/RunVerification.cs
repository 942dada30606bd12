using System.Text.RegularExpressions;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Views;

namespace RunTools.Verification;

/// <summary>A file found in the run directory: its path relative to the run ('/'), its hash and size (hash null: it
/// could not be read), and whether it is a symbolic link (then it is not followed, and not hashed).</summary>
public sealed record FileSeen(string Path, string? Sha256, long Bytes, bool Link = false);

/// <summary>A problem met reading the event log: its line, the finding, and what is wrong.</summary>
public sealed record LogProblem(long Line, CheckStatus Kind, string Detail);

/// <summary>What reading events.jsonl through <see cref="LogTriage"/> found.</summary>
/// <param name="Bytes">The length of the complete lines.</param>
/// <param name="Events">The events kept (every line that is an event that can follow the ones before it).</param>
/// <param name="Dropped">The lines that are not events that can follow (see <see cref="DropLine"/>).</param>
/// <param name="TornBytes">Bytes after the last complete line.</param>
/// <param name="Problems">The first problems, in order; <paramref name="MoreProblems"/> counts the ones not listed.</param>
/// <param name="Replayed">The replay of the kept events (null when the first line is not a run's start).</param>
/// <param name="AtRunJson">The replay of the events up to the length run.json says it summarises, when that length
/// ends a line, and <paramref name="HeadAtRunJson"/> the hash of that line.</param>
public sealed record LogSeen(
    bool Exists,
    long Lines,
    long Bytes,
    long Events,
    long Dropped,
    long TornBytes,
    Seq<LogProblem> Problems,
    int MoreProblems,
    RunManifest? Replayed,
    string? Head,
    long? ChainedFrom,
    RunManifest? AtRunJson,
    string? HeadAtRunJson,
    long? ChainedFromAtRunJson = null)
{
    public static readonly LogSeen Gone = new(false, 0, 0, 0, 0, 0, Seq<LogProblem>(), 0, null, null, null, null, null);
}

/// <summary>run.json as read: its text, decoded (or why not).</summary>
public sealed record RunJsonSeen(bool Exists, RunJson.DecodedManifest? Decoded, string? Problem, string? Text = null);

/// <summary>A run this run refers to (direction "upstream": one of this run's lineage references) or one that refers to
/// it ("child": a reference of another run's lineage to this run), with what is found now.</summary>
/// <param name="Reference">The lineage record (this run's for upstream, the child's for child).</param>
/// <param name="Name">The other run's directory name, null when it was not found under the root.</param>
/// <param name="HeadNow">The hash of the referred run's event line <see cref="LineageRef.EventCount"/> now (null when
/// it has no such line).</param>
/// <param name="ChainProblem">The referred run's log is damaged at or before that line.</param>
/// <param name="FileSha256Now">For a reference to a file of the referred run, the file's hash now.</param>
public sealed record RelativeSeen(string Direction, LineageRef Reference, string? Name, string? HeadNow, string? ChainProblem, string? FileSha256Now);

/// <summary>Everything the shell found in a run directory for <see cref="RunVerification.Check"/>.</summary>
/// <param name="Files">Every file under the run except the volatile ones (lock, lock tickets, heartbeats).</param>
/// <param name="LogPrefixes">For each stage whose log was hashed when it ended, the hash of the log's first
/// <see cref="FileHash.Bytes"/> bytes now (absent when the log is gone or shorter).</param>
/// <param name="Inputs">Each recorded data file (full path) with its hash now (null: gone or unreadable).</param>
/// <param name="ConfigOnDisk">config_resolved.yaml parsed; only needed for runs whose config files were not hashed.</param>
/// <param name="Relatives">Upstream and child runs, when lineage was checked.</param>
public sealed record RunSeen(
    string RunPath,
    LogSeen Log,
    RunJsonSeen RunJson,
    Seq<FileSeen> Files,
    Seq<FileHash> LogPrefixes,
    Seq<(string FullPath, FileHash? Now)> Inputs,
    ConfigValue? ConfigOnDisk,
    Seq<RelativeSeen> Relatives);

/// <summary>
/// Test-Run's judgement, pure: given what is on disk, one <see cref="RunCheck"/> per item. Every byte of a run is
/// accounted for: the event log line by line (hash chain, sequence), run.json against the replay of the events it
/// summarises, the config files, sidecars (named by their hash), each stage's log (hashed when the stage ended),
/// artifacts, files recorded nowhere (Extra) and leftovers of interrupted writes; data inputs; and, when asked, the
/// runs it refers to and that refer to it, whose recorded chain heads expose a history rewritten after the fact.
/// </summary>
public static partial class RunVerification
{
    const string Events = RunLayout.Events, RunJsonFile = RunLayout.Manifest;

    [GeneratedRegex("^[0-9a-f]{64}\\.(json|jsonl)$")]
    private static partial Regex SidecarName();

    /// <summary>The manifest the files are checked against: the replay of an intact log, else what run.json says, else
    /// as much of the log as replays.</summary>
    public static RunManifest? ReferenceManifest(LogSeen log, RunJsonSeen runJson) =>
        log.Problems.IsEmpty && log.Replayed is not null ? log.Replayed : runJson.Decoded?.Manifest ?? log.Replayed;

    /// <summary>What is stale in a run, as findings: kind "stage" (the stage's name) or the source's relation ("parent",
    /// "upstream", "model"; the source run's name), status Stale, the reason as the detail.</summary>
    public static Seq<RunCheck> Staleness(RunManifest m, RunTools.Stages.RunStaleness staleness) =>
        staleness.Stages.Map(s => new RunCheck(m.Name, "stage", s.Stage, CheckStatus.Stale, "fresh", "stale", m.Path!, s.Reason))
            .Concat(staleness.Sources.Map(s => new RunCheck(m.Name, s.Relation, s.RunName, CheckStatus.Stale, "unchanged", "changed", m.Path!, s.Reason)))
            .Strict();

    public static Seq<RunCheck> Check(RunSeen seen)
    {
        var log = seen.Log;
        var m = ReferenceManifest(log, seen.RunJson);
        var name = m?.Name ?? Path.GetFileName(seen.RunPath);
        var checks = new List<RunCheck>();
        void Add(string kind, string item, CheckStatus status, string? expected = null, string? actual = null, string? detail = null) =>
            checks.Add(new RunCheck(name, kind, item, status, expected, actual, seen.RunPath, detail));

        CheckEvents(log, Add);
        CheckRunJson(seen, log, Add);
        if (m is null) return toSeq(checks);

        var files = seen.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        FileSeen? Found(string path) => files.TryGetValue(path, out var f) ? f : null;
        void CheckFile(string kind, string path, string expected, long? bytes = null)
        {
            var f = Found(path);
            if (f is null) Add(kind, path, CheckStatus.Missing, expected);
            else if (f.Link) Add(kind, path, CheckStatus.Modified, expected, null, "it is a symbolic link now");
            else Add(kind, path, f.Sha256 == expected ? CheckStatus.Ok : CheckStatus.Modified, expected, f.Sha256);
        }

        // Config files: by the hash of their bytes; runs created before that was recorded, by the config they parse to.
        if (!m.ConfigFiles.IsEmpty)
            foreach (var file in m.ConfigFiles) CheckFile("config", file.Path, file.Sha256);
        else
        {
            var configNow = seen.ConfigOnDisk is null ? null : ConfigJson.Sha256(seen.ConfigOnDisk);
            Add("config", RunLayout.ResolvedConfig,
                configNow is null ? (Found(RunLayout.ResolvedConfig) is null ? CheckStatus.Missing : CheckStatus.Modified)
                    : configNow == m.ConfigSha256 ? CheckStatus.Ok : CheckStatus.Modified,
                m.ConfigSha256, configNow);
            if (Found(RunLayout.Overrides) is not null)
                Add("config", RunLayout.Overrides, CheckStatus.Unverified, detail: "its hash was not recorded by the RunTools that created the run");
        }

        // Sidecars are named by the hash of their bytes.
        foreach (var f in seen.Files.Filter(f => f.Path.StartsWith(RunLayout.Sidecars + "/", StringComparison.Ordinal)))
        {
            var file = f.Path[(RunLayout.Sidecars.Length + 1)..];
            // A sidecar is written like any other file: a killed writer leaves its temporary file here too.
            if (!f.Link && RunLayout.IsTemp(Path.GetFileName(file)))
                Add("file", f.Path, CheckStatus.Leftover, actual: f.Sha256, detail: "a temporary file of an interrupted write; Repair-Run removes it");
            else if (!SidecarName().IsMatch(file) || f.Link)
                Add("sidecar", f.Path, f.Link ? CheckStatus.Modified : CheckStatus.Extra, detail: f.Link ? "a symbolic link" : "not a sidecar name (<sha256>.json)");
            else
                Add("sidecar", f.Path, f.Sha256 == file[..64] ? CheckStatus.Ok : CheckStatus.Modified, file[..64], f.Sha256);
        }

        // Logs: the bytes up to where the stage's last end hashed them; nothing after that unless the stage is running.
        foreach (var stage in m.Stages)
        {
            var path = RunLayout.LogFor(stage.Name);
            var f = Found(path);
            if (stage.LogHash is not { } recorded)
            {
                if (f is not null)
                    Add("log", path, CheckStatus.Unverified, detail: stage.Status == StageStatus.Running
                        ? "the stage has not ended yet" : "written before RunTools hashed logs");
                continue;
            }
            var prefix = seen.LogPrefixes.Find(p => p.Path == path && p.Bytes == recorded.Bytes).IfNoneUnsafe((FileHash?)null);
            if (f is null) Add("log", path, CheckStatus.Missing, recorded.Sha256);
            else if (f.Link) Add("log", path, CheckStatus.Modified, recorded.Sha256, null, "it is a symbolic link now");
            else if (prefix is null || prefix.Sha256 != recorded.Sha256)
                Add("log", path, CheckStatus.Modified, recorded.Sha256, prefix?.Sha256,
                    prefix is null ? $"shorter than the {recorded.Bytes} bytes recorded" : $"its first {recorded.Bytes} bytes differ from what was recorded");
            else if (stage.Status != StageStatus.Running && f.Bytes != recorded.Bytes)
                Add("log", path, CheckStatus.Modified, recorded.Sha256, f.Sha256, $"{f.Bytes - recorded.Bytes} bytes were added after the stage ended");
            else Add("log", path, CheckStatus.Ok, recorded.Sha256, prefix.Sha256);
        }

        // An artifact is registered before it is renamed into place: a writer killed in between leaves the registered
        // content staged beside it, which the next writer (or Repair-Run) puts in place. That is a crash's trace.
        foreach (var a in m.Artifacts)
        {
            var now = Found(a.Path);
            if ((now is null || now.Link || now.Sha256 != a.Sha256) && StagedContent(seen.Files, a) is { } staged)
                Add("artifact", a.Path, CheckStatus.Stale, a.Sha256, now?.Sha256,
                    $"its registered content is staged in {staged.Path} by a write that was cut off before putting it in place; the next writer or Repair-Run puts it there");
            else CheckFile("artifact", a.Path, a.Sha256);
        }

        // Every other file must be recorded somewhere.
        var known = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal) { RunJsonFile, Events, RunLayout.ResolvedConfig, RunLayout.Overrides };
        foreach (var s in m.Stages)
        {
            known.Add(RunLayout.LogFor(s.Name));
            foreach (var i in s.Inputs.Concat(s.Outputs)) known.Add(i.Path);
        }
        foreach (var a in m.Artifacts) known.Add(a.Path);
        foreach (var p in m.FoldPlans)
        {
            known.Add(p.Path);
            known.Add(p.Summary);
        }
        foreach (var f in seen.Files.Filter(f => !known.Contains(f.Path) && !f.Path.StartsWith(RunLayout.Sidecars + "/", StringComparison.Ordinal)))
        {
            if (RunLayout.IsTemp(Path.GetFileName(f.Path)))
                Add("file", f.Path, CheckStatus.Leftover, actual: f.Sha256, detail: "a temporary file of an interrupted write; Repair-Run removes it");
            else
                Add("file", f.Path, CheckStatus.Extra, actual: f.Sha256, detail: f.Link ? "a symbolic link recorded nowhere" : "recorded nowhere in the run");
        }

        foreach (var i in m.Inputs)
        {
            var now = seen.Inputs.Find(x => x.FullPath == i.FullPath).Map(x => x.Now).IfNoneUnsafe((FileHash?)null);
            Add("input", i.FullPath, now is null ? CheckStatus.Missing : now.Sha256 == i.Sha256 ? CheckStatus.Ok : CheckStatus.Modified, i.Sha256, now?.Sha256);
        }

        foreach (var r in seen.Relatives) CheckRelative(r, Add);
        return toSeq(checks);
    }

    /// <summary>A hidden temporary file beside an artifact, standing in for it, that holds the artifact's registered
    /// content.</summary>
    static FileSeen? StagedContent(Seq<FileSeen> files, Artifact a)
    {
        var folder = Path.GetDirectoryName(a.Path) ?? "";
        var name = Path.GetFileName(a.Path);
        return files.Find(f => !f.Link && f.Sha256 == a.Sha256 && (Path.GetDirectoryName(f.Path) ?? "") == folder
                && RunLayout.TargetOf(Path.GetFileName(f.Path)) == name)
            .IfNoneUnsafe((FileSeen?)null);
    }

    delegate void Adder(string kind, string item, CheckStatus status, string? expected = null, string? actual = null, string? detail = null);

    static void CheckEvents(LogSeen log, Adder add)
    {
        if (!log.Exists)
        {
            add("events", Events, CheckStatus.Missing, detail: $"the event log is gone; Repair-Run rebuilds it from {RunJsonFile}");
            return;
        }
        foreach (var p in log.Problems) add("events", $"{Events}:{p.Line}", p.Kind, detail: p.Detail);
        if (log.MoreProblems > 0)
            add("events", Events, CheckStatus.ChainBroken, detail: $"{log.MoreProblems} more problem(s) after line {log.Problems.Last.Line}");
        if (log.TornBytes > 0)
            add("events", Events, CheckStatus.Stale,
                detail: $"{log.TornBytes} bytes of a cut-off event after line {log.Lines} (a writer died mid-append; the next writer or Repair-Run removes them)");
        if (!log.Problems.IsEmpty) return;
        add("events", Events, CheckStatus.Ok, $"{log.Events} events", log.Head);
        var unchainedTo = log.ChainedFrom is { } from ? from - 1 : log.Lines;
        if (unchainedTo >= 2)
            add("events", $"{Events}:1-{unchainedTo}", CheckStatus.Unverified, detail: "events written before RunTools chained them by hash");
    }

    static void CheckRunJson(RunSeen seen, LogSeen log, Adder add)
    {
        var (status, expected, actual, detail) = RunJsonStatus(log, seen.RunJson);
        add("manifest", RunJsonFile, status, expected, actual, detail);
    }

    /// <summary>What run.json is worth against the log: equal (byte for byte, when this RunTools wrote it) to the replay
    /// of the events it says it summarises, whose last line has its chain head; current or behind.</summary>
    public static (CheckStatus Status, string? Expected, string? Actual, string? Detail) RunJsonStatus(LogSeen log, RunJsonSeen r)
    {
        if (!r.Exists) return (CheckStatus.Stale, null, null, "missing; the next writer or Repair-Run rewrites it from the log");
        if (r.Decoded is not { } d) return (CheckStatus.Modified, null, null, r.Problem);
        var expected = $"replay of {d.Manifest.EventCount} events";
        if (!log.Exists) return (CheckStatus.Unverified, expected, null, "the event log it summarises is gone");
        if (log.AtRunJson is null)
            return (CheckStatus.Modified, expected, null, $"it summarises the first {d.EventsBytes} bytes of the log, which do not end with a whole event");
        if (d.ChainHead is not null && d.ChainHead != log.HeadAtRunJson)
            return (CheckStatus.ChainBroken, d.ChainHead, log.HeadAtRunJson,
                "its chain head is not the hash of the log's event it says is last (that event or run.json was altered)");
        if (d.Manifest with { ChainHead = null } != log.AtRunJson)
            return (CheckStatus.Modified, expected, null, "it differs from the replay of the events it summarises");
        // Written by this RunTools (it has a chain head): it must be byte for byte what RunTools writes for that replay,
        // so that an edit that reads back the same (a word's case, a number's spelling) still shows.
        if (d.ChainHead is not null && r.Text is not null
            && r.Text != RunJson.EncodeManifest(log.AtRunJson, d.EventsBytes, log.HeadAtRunJson, log.ChainedFromAtRunJson).Json)
            return (CheckStatus.Modified, expected, null, "its bytes are not what RunTools writes for the events it summarises");
        if (d.EventsBytes < log.Bytes)
            return (CheckStatus.Stale, expected, null, "events were added after it was written (a writer died between its two writes); the next writer catches up");
        return (CheckStatus.Ok, expected, d.ChainHead, null);
    }

    static void CheckRelative(RelativeSeen r, Adder add)
    {
        var reference = r.Reference;
        var kind = r.Direction;
        var item = r.Direction == "upstream"
            ? (reference.Path is null ? reference.RunName : $"{reference.RunName}/{reference.Path}")
            : $"{r.Name} -> {(reference.Path is null ? "this run" : reference.Path)}";
        if (r.Name is null)
        {
            add(kind, item, CheckStatus.Missing, reference.ChainHead, detail: $"the run {reference.RunName} ({reference.RunId}) is not under this root");
            return;
        }
        if (reference.ChainHead is null || reference.EventCount is null)
            add(kind, item, CheckStatus.Unverified, detail: "referred to before RunTools recorded chain heads");
        else if (r.ChainProblem is not null)
            add(kind, item, CheckStatus.ChainBroken, reference.ChainHead, r.HeadNow,
                $"the log of {(r.Direction == "upstream" ? reference.RunName : "this run")} is damaged up to event {reference.EventCount}: {r.ChainProblem}");
        else if (r.HeadNow != reference.ChainHead)
            add(kind, item, CheckStatus.ChainBroken, reference.ChainHead, r.HeadNow,
                $"event {reference.EventCount} of {(r.Direction == "upstream" ? reference.RunName : "this run")} is not what {(r.Direction == "upstream" ? "this run" : r.Name)} recorded: its history was rewritten after it was referred to");
        else if (reference.Sha256 is not null && reference.Path is not null && r.FileSha256Now != reference.Sha256)
            add(kind, item, r.FileSha256Now is null ? CheckStatus.Missing : CheckStatus.Modified, reference.Sha256, r.FileSha256Now,
                "the file is not what was recorded when it was referred to");
        else
            add(kind, item, CheckStatus.Ok, reference.ChainHead, r.HeadNow);
    }
}
