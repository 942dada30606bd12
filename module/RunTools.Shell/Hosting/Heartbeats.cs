using System.Collections.Concurrent;
using System.Text.Json;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Store;

namespace RunTools.Shell.Hosting;

/// <summary>
/// Per-process heartbeat files, <c>.heartbeats/&lt;host&gt;-&lt;pid&gt;.json</c>, refreshed every
/// <see cref="Interval"/> for every run this process has running, for as long as the process lives. Several processes
/// may work on one run (one per fold, say); the run is alive while any of them is.
/// </summary>
public static class Heartbeats
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    static readonly ConcurrentDictionary<string, string?> Active = new(StringComparer.Ordinal);
    static readonly Timer Refresher = new(_ => RefreshAll(), null, Interval, Interval);

    static string FileFor(string runDirectory, ProcessInfo p) => Path.Combine(runDirectory, RunLayout.HeartbeatFor(p.Host, p.Pid));

    /// <summary>Called after every write to a run: while the run is running and this process owns it (it started or
    /// took it over) or runs one of its stages, keep a heartbeat; otherwise (finished, or this process only wrote a
    /// metric to someone else's run) stop and remove it. A process that merely writes to a run must not keep an
    /// abandoned run looking alive.</summary>
    public static void Touch(string runDirectory, RunManifest manifest)
    {
        var me = SystemInfo.CurrentProcess;
        var myStage = manifest.Stages.Find(s => s.Status == StageStatus.Running && Liveness.SameProcess(s.Process, me)).Map(s => s.Name);
        var owner = manifest.Owner is { } o && Liveness.SameProcess(o, me);
        if (manifest.Status == RunStatus.Running && (owner || myStage.IsSome))
        {
            var stage = myStage.ToNullable();
            // Already beating for this stage: the timer keeps the beat fresh, no write (and fsync) per update.
            if (Active.TryGetValue(runDirectory, out var beating) && beating == stage) return;
            Active[runDirectory] = stage;
            TryWrite(runDirectory, stage);
        }
        else
        {
            Active.TryRemove(runDirectory, out _);
            TryDelete(FileFor(runDirectory, me));
        }
        _ = Refresher; // the timer starts with the first run this process touches
    }

    static void RefreshAll()
    {
        foreach (var (run, stage) in Active)
        {
            if (!Directory.Exists(run))
            {
                Active.TryRemove(run, out _);
                continue;
            }
            TryWrite(run, stage);
        }
    }

    /// <summary>Best effort: a missed beat only matters after Liveness' stale limit, and the change that led to it is
    /// already on disk (a failed beat must not turn a committed update into an error).</summary>
    static void TryWrite(string runDirectory, string? stage)
    {
        try
        {
            Write(runDirectory, stage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    static void Write(string runDirectory, string? stage)
    {
        var me = SystemInfo.CurrentProcess;
        AtomicFile.WriteText(FileFor(runDirectory, me), JsonSerializer.Serialize(new
        {
            pid = me.Pid,
            host = me.Host,
            process_started_at = me.StartedAt.UtcDateTime.ToString("O"),
            at = Clock.UtcDateTime.ToString("O"),
            stage,
        }));
    }

    /// <summary>Every heartbeat of a run with what is known of its process. Unreadable files are skipped.</summary>
    public static Seq<ObservedHeartbeat> Observe(string runDirectory)
    {
        var directory = Path.Combine(runDirectory, RunLayout.Heartbeats);
        if (!Directory.Exists(directory)) return Seq<ObservedHeartbeat>();
        var result = new List<ObservedHeartbeat>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            if (Path.GetFileName(file).StartsWith('.')) continue;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                var r = doc.RootElement;
                var process = new ProcessInfo(r.GetProperty("pid").GetInt32(), r.GetProperty("host").GetString()!,
                    DateTimeOffset.Parse(r.GetProperty("process_started_at").GetString()!).ToUniversalTime());
                var beat = new Heartbeat(process, DateTimeOffset.Parse(r.GetProperty("at").GetString()!).ToUniversalTime(),
                    r.TryGetProperty("stage", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null);
                result.Add(new ObservedHeartbeat(beat, SystemInfo.Probe(process)));
            }
            catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                // A heartbeat being replaced or damaged says nothing; skip it.
            }
        }
        return toSeq(result);
    }

    static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
