using RunTools.Domain;

namespace RunTools.Manifests;

/// <summary>A process's note that it is working on a run, refreshed while it does.</summary>
public sealed record Heartbeat(ProcessInfo Process, DateTimeOffset At, string? Stage);

/// <summary>What the shell found out about a heartbeat's process.</summary>
public enum ProcessState
{
    /// <summary>On this host, and the process with that id and start time is running.</summary>
    Alive,
    /// <summary>On this host, and no such process exists any more.</summary>
    Gone,
    /// <summary>On another host: only the heartbeat's age tells.</summary>
    Remote,
}

public sealed record ObservedHeartbeat(Heartbeat Heartbeat, ProcessState State);

/// <summary>
/// Derives the status to report at read time. A stored <c>running</c> is only true while some process is working on
/// the run: a local process that is still alive, or a remote one whose heartbeat is fresher than the stale limit.
/// Otherwise the run (and any stage stored as running) is reported as <c>abandoned</c>, never as a running that
/// lies forever after a crash.
/// </summary>
public static class Liveness
{
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(90);

    public static Seq<ProcessInfo> LiveProcesses(Seq<ObservedHeartbeat> heartbeats, DateTimeOffset now, TimeSpan staleAfter) =>
        heartbeats
            .Filter(h => h.State == ProcessState.Alive || (h.State == ProcessState.Remote && now - h.Heartbeat.At <= staleAfter))
            .Map(h => h.Heartbeat.Process);

    public static RunStatus Observe(RunManifest m, Seq<ObservedHeartbeat> heartbeats, DateTimeOffset now, TimeSpan staleAfter) =>
        m.Status == RunStatus.Running && LiveProcesses(heartbeats, now, staleAfter).IsEmpty ? RunStatus.Abandoned : m.Status;

    /// <summary>A stage stored as running is abandoned when its own process is not among the live ones.</summary>
    public static StageStatus Observe(StageRecord stage, Seq<ProcessInfo> live) =>
        stage.Status == StageStatus.Running && !live.Exists(p => SameProcess(p, stage.Process)) ? StageStatus.Abandoned : stage.Status;

    /// <summary>Same host, same id, same start (to the second: clocks round differently across APIs).</summary>
    public static bool SameProcess(ProcessInfo a, ProcessInfo b) =>
        a.Pid == b.Pid
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && (a.StartedAt - b.StartedAt).Duration() < TimeSpan.FromSeconds(1);
}
