using System.Globalization;
using System.Text;

namespace RunTools.Domain;

/// <summary>
/// The names of a run directory's files and folders: the on-disk contract documented in the README, in one place that
/// the shell, the cmdlets and the checks (Test-Run, Repair-Run, bundles) all ask.
/// </summary>
public static class RunLayout
{
    public const string Manifest = "run.json";
    public const string Events = "events.jsonl";
    public const string ResolvedConfig = "config_resolved.yaml";
    public const string Overrides = "config_overrides.yaml";
    public const string Logs = "logs";
    public const string Sidecars = "sidecars";
    public const string Artifacts = "artifacts";
    public const string Heartbeats = ".heartbeats";
    public const string Lock = ".lock";

    /// <summary>Writers waiting for <see cref="Lock"/> take a ticket here, and get the lock in ticket order.</summary>
    public const string LockQueue = ".lock.queue";

    /// <summary>Inside a runs root: staging area for runs being created, imported and removed, so they appear and
    /// disappear with one rename.</summary>
    public const string RootWorkArea = ".runtools";

    public const string Staging = "staging";
    public const string Trash = "trash";

    /// <summary>The run's own files and folders, written only by RunTools.</summary>
    public static readonly IReadOnlyList<string> OwnNames = [Manifest, Events, ResolvedConfig, Overrides, Sidecars, Heartbeats, Lock, LockQueue, Logs];

    /// <summary>Files and folders that belong to the moment, not to the run's content: locks, lock tickets and
    /// heartbeats. They are never verified, exported or compared.</summary>
    public static readonly IReadOnlyList<string> Volatile = [Lock, LockQueue, Heartbeats];

    /// <summary>The run's bookkeeping: no artifact or stage output may be written there. Compared as Windows and
    /// macOS name files (case-insensitively, and on Windows without trailing dots and spaces), so that "RUN.JSON" or
    /// "events.jsonl." cannot replace the run's own files there.</summary>
    public static bool IsReserved(string relativePath)
    {
        var first = relativePath.Split('/')[0].TrimEnd('.', ' ');
        return OwnNames.Contains(first, StringComparer.OrdinalIgnoreCase) || relativePath.StartsWith('.');
    }

    /// <summary>Whether a path relative to the run is under the lock, the lock queue or the heartbeats.</summary>
    public static bool IsVolatile(string relativePath) =>
        Volatile.Contains(relativePath.Split('/')[0], StringComparer.Ordinal);

    /// <summary>Whether a file of the run is of the moment, not of the run's content: the lock, a lock ticket, a
    /// heartbeat or a heartbeat's temporary file. Anything else in their places is content (Test-Run reports it, a
    /// bundle carries it).</summary>
    public static bool IsVolatileFile(string relativePath)
    {
        var parts = relativePath.Split('/');
        return parts switch
        {
            [Lock] => true,
            [LockQueue, var ticket] => ticket.EndsWith(".ticket", StringComparison.Ordinal),
            [Heartbeats, var beat] => beat.EndsWith(".json", StringComparison.Ordinal) || IsTemp(beat),
            _ => false,
        };
    }

    /// <summary>The log of a stage, relative to the run.</summary>
    public static string LogFor(string stage) => $"{Logs}/{stage}.log";

    /// <summary>A sidecar, named by the SHA-256 of its bytes: <c>sidecars/&lt;sha256&gt;.json</c> (long lists, large
    /// configs), or with <paramref name="extension"/> <c>.jsonl</c>, event lines Repair-Run moved aside.</summary>
    public static string Sidecar(string sha256, string extension = ".json") => $"{Sidecars}/{sha256}{extension}";

    /// <summary>The heartbeat of a process working on a running run: <c>.heartbeats/&lt;host&gt;-&lt;pid&gt;.json</c>,
    /// the host reduced to letters, digits, '-' and '.'.</summary>
    public static string HeartbeatFor(string host, int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"{Heartbeats}/{string.Concat(host.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_'))}-{pid}.json");

    // ---- what RunTools' own stages write ------------------------------------------------------------------------

    /// <summary>The folder of the stored fold plans (see <see cref="FoldPlan"/>).</summary>
    public const string FoldPlans = "folds";

    /// <summary>The fold plan New-RunFoldPlan makes and Invoke-RunTraining uses unless told otherwise.</summary>
    public const string DefaultFoldPlan = "folds";

    /// <summary>The training stage most runs have, whose files are at the run's top level (see <see cref="Training"/>).</summary>
    public const string DefaultTrainingStage = "train";

    /// <summary>The stage of an inference run (Invoke-RunInference), which writes <see cref="InferencePredictions"/>.</summary>
    public const string InferenceStage = "predict";

    /// <summary>An inference run's predictions, at its top level.</summary>
    public const string InferencePredictions = "predictions.parquet";

    /// <summary>An inference run's held-out metrics, when its data had the training's label column.</summary>
    public static readonly string InferenceHoldout = "metrics/holdout.parquet";

    /// <summary>Inside <see cref="RootWorkArea"/>: the stage cache's index, one folder per fingerprint key, one small file
    /// per run and stage that completed with it.</summary>
    public const string StageCache = "stage-cache";

    /// <summary>An entry of the stage cache's index, relative to the root.</summary>
    public static string StageCacheEntry(string key, string entry) => $"{RootWorkArea}/{StageCache}/{key}/{entry}";

    /// <summary>Inside <see cref="RootWorkArea"/>: the run index (what Get-Run filters on, one entry per run, checked
    /// against each run's files on every read).</summary>
    public const string RunIndex = "run-index";

    /// <summary>The run index's snapshot: every entry, one line each, rewritten (atomically) when the journal grows.</summary>
    public const string RunIndexSnapshot = "index.jsonl";

    /// <summary>The run index's journal: entry updates appended by every writer of run.json since the snapshot.</summary>
    public const string RunIndexJournal = "journal.jsonl";

    /// <summary>A file of the run index, relative to the root.</summary>
    public static string RunIndexFile(string file) => $"{RootWorkArea}/{RunIndex}/{file}";

    /// <summary>The files of a stored fold plan.</summary>
    public static FoldPlanLayout FoldPlan(string name) => new(name);

    /// <summary>The files, folders and metric names of a training stage.</summary>
    public static TrainingLayout Training(string stage) => new(stage);

    // ---- temporary files and staging folders --------------------------------------------------------------------

    /// <summary>The hidden temporary file a write stages its content in, beside the destination:
    /// <c>.&lt;name&gt;.&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;.tmp</c>. The host and process id tell a leftover of a killed
    /// writer (Repair-Run and the next writer remove it) from the work of a live one.</summary>
    public static string TempName(string fileName, WriterId writer, Guid id) =>
        string.Create(CultureInfo.InvariantCulture, $".{fileName}.{writer.Tag}.{id:N}.tmp");

    /// <summary>A staging folder under <c>.runtools/staging</c> (New-Run, Import-RunBundle): <c>&lt;host&gt;.&lt;pid&gt;.&lt;random&gt;</c>.</summary>
    public static string StagingName(WriterId writer, Guid id) =>
        string.Create(CultureInfo.InvariantCulture, $"{writer.Tag}.{id:N}");

    /// <summary>The writer a temporary file or staging folder belongs to; null for a name that is neither.</summary>
    public static WriterId? WriterOf(string name)
    {
        var body = name.EndsWith(".tmp", StringComparison.Ordinal) && name.StartsWith('.') ? name[1..^4] : name;
        var parts = body.Split('.');
        // ... <host>.<pid>.<32 hex>
        if (parts.Length < 3) return null;
        var random = parts[^1];
        if (random.Length != 32 || !random.All(Uri.IsHexDigit)) return null;
        if (!int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        var host = parts[^3];
        return host.Length == 0 ? null : new WriterId(host, pid);
    }

    /// <summary>The name of the file a hidden temporary file stands in for (<c>.model.zip.host.12.&lt;random&gt;.tmp</c>:
    /// <c>model.zip</c>); null for a name that is not a temporary file.</summary>
    public static string? TargetOf(string tempName)
    {
        if (!IsTemp(tempName)) return null;
        var parts = tempName[1..^4].Split('.');
        return parts.Length > 3 ? string.Join('.', parts[..^3]) : null;
    }

    /// <summary>Whether a file name is one of RunTools' hidden temporary files (of any writer).</summary>
    public static bool IsTemp(string fileName) => fileName.StartsWith('.') && fileName.EndsWith(".tmp", StringComparison.Ordinal) && WriterOf(fileName) is not null;
}

/// <summary>A writing process as it names its temporary files: its host (letters, digits and '-') and process id.</summary>
public sealed record WriterId(string Host, int Pid)
{
    public string Tag => string.Create(CultureInfo.InvariantCulture, $"{Host}.{Pid}");

    /// <summary>A host name reduced to letters, digits and '-' (dots separate the name's parts).</summary>
    public static WriterId Of(string host, int pid)
    {
        var clean = new StringBuilder();
        foreach (var c in host) clean.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-');
        return new WriterId(clean.Length == 0 ? "host" : clean.ToString(), pid);
    }
}
