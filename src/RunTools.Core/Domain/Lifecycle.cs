namespace RunTools.Domain;

/// <summary>The status of a run. <see cref="Abandoned"/> is never stored: it is how a stored
/// <see cref="Running"/> is reported when no live process is working on the run any more.</summary>
public enum RunStatus { Pending, Running, Completed, Failed, Cancelled, Abandoned }

/// <summary>The status of a stage attempt; <see cref="Abandoned"/> is derived the same way as for runs.</summary>
public enum StageStatus { Pending, Running, Completed, Failed, Cancelled, Abandoned }

/// <summary>
/// The legal status changes, as data. Runs: pending → running → completed | failed | cancelled; a pending run can
/// also be cancelled before it starts; a failed or cancelled run can be resumed (→ running); an abandoned run can be
/// taken over (→ running) or closed (→ failed | cancelled), never completed (nobody knows whether its work finished);
/// a completed run is sealed. Stages: every attempt goes
/// running → completed | failed | cancelled, and a finished or abandoned stage can start a new attempt (→ running).
/// </summary>
public static class Lifecycle
{
    public static readonly Seq<(RunStatus From, RunStatus To)> RunTransitions = Seq(
        (RunStatus.Pending, RunStatus.Running),
        (RunStatus.Pending, RunStatus.Cancelled),
        (RunStatus.Running, RunStatus.Completed),
        (RunStatus.Running, RunStatus.Failed),
        (RunStatus.Running, RunStatus.Cancelled),
        (RunStatus.Failed, RunStatus.Running),
        (RunStatus.Cancelled, RunStatus.Running),
        (RunStatus.Abandoned, RunStatus.Running),
        (RunStatus.Abandoned, RunStatus.Failed),
        (RunStatus.Abandoned, RunStatus.Cancelled));

    public static readonly Seq<(StageStatus From, StageStatus To)> StageTransitions = Seq(
        (StageStatus.Pending, StageStatus.Running),
        (StageStatus.Running, StageStatus.Completed),
        (StageStatus.Running, StageStatus.Failed),
        (StageStatus.Running, StageStatus.Cancelled),
        (StageStatus.Completed, StageStatus.Running),
        (StageStatus.Failed, StageStatus.Running),
        (StageStatus.Cancelled, StageStatus.Running),
        (StageStatus.Abandoned, StageStatus.Running));

    public static bool IsLegal(RunStatus from, RunStatus to) => RunTransitions.Exists(t => t.From == from && t.To == to);

    public static bool IsLegal(StageStatus from, StageStatus to) => StageTransitions.Exists(t => t.From == from && t.To == to);

    /// <param name="subject">What is changing, for the error ("Run 'x'", "Stage 'train'").</param>
    public static Fin<RunStatus> Transition(string subject, RunStatus from, RunStatus to) =>
        IsLegal(from, to) ? FinSucc(to) : FinFail<RunStatus>(new IllegalTransition(subject, Text(from), Text(to)));

    public static Fin<StageStatus> Transition(string subject, StageStatus from, StageStatus to) =>
        IsLegal(from, to) ? FinSucc(to) : FinFail<StageStatus>(new IllegalTransition(subject, Text(from), Text(to)));

    public static bool IsFinished(RunStatus status) => status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    public static bool IsFinished(StageStatus status) => status is StageStatus.Completed or StageStatus.Failed or StageStatus.Cancelled;

    /// <summary>The lower-case word used on disk and in messages.</summary>
    public static string Text(RunStatus status) => status.ToString().ToLowerInvariant();

    public static string Text(StageStatus status) => status.ToString().ToLowerInvariant();
}
