using RunTools.Domain;
using RunTools.Views;

namespace RunTools.Verification;

/// <summary>One thing Repair-Run does to a run.</summary>
/// <param name="Action">RebuildLog, QuarantineLines, CutTornLine, RewriteManifest or RemoveLeftover.</param>
/// <param name="Item">What it acts on, relative to the run (or a full path for a leftover under the root).</param>
public sealed record RepairAction(string Action, string Item, string Detail)
{
    public const string RebuildLog = nameof(RebuildLog);
    public const string QuarantineLines = nameof(QuarantineLines);
    public const string CutTornLine = nameof(CutTornLine);
    public const string RewriteManifest = nameof(RewriteManifest);
    public const string RemoveLeftover = nameof(RemoveLeftover);

    /// <summary>Whether the action rewrites the event log (and so run.json after it).</summary>
    public bool TouchesLog => Action is RebuildLog or QuarantineLines or CutTornLine;
}

/// <summary>A leftover as the shell found it (a temporary file in the run, a staging folder under its root, ...).</summary>
public sealed record LeftoverSeen(string Path, string Kind, string Reason);

/// <summary>
/// What Repair-Run will do, decided from what Test-Run's inspection found (pure, so -WhatIf prints exactly the plan):
/// a log that is gone is rebuilt from an intact run.json (its first event says so); lines that are not events that can
/// follow are moved to a quarantine sidecar, byte for byte, and the rest re-chained; a cut-off last line is moved
/// there too; run.json is rewritten from the log when it is behind, damaged or missing, or when the log changed;
/// leftovers of interrupted writes whose writer is gone are removed. A run that neither its log nor its run.json can
/// describe cannot be repaired.
/// </summary>
public static class RepairPlanner
{
    public static Fin<Seq<RepairAction>> Plan(string run, LogSeen log, RunJsonSeen runJson, Seq<LeftoverSeen> leftovers)
    {
        var actions = new List<RepairAction>();
        var manifest = RunVerification.ReferenceManifest(log, runJson);
        if (!log.Exists || log.Replayed is null)
        {
            if (runJson.Decoded is not { } d)
                return FinFail<Seq<RepairAction>>(new RunCorrupted(run,
                    $"it cannot be repaired: {(log.Exists ? "its event log does not start with the run's creation" : "its event log is gone")} and {RunLayout.Manifest} does not read"));
            actions.Add(new RepairAction(RepairAction.RebuildLog, RunLayout.Events, log.Exists
                ? $"the log does not start with the run's creation: its {log.Lines} line(s) are quarantined and the log rebuilt from {RunLayout.Manifest} ({d.Manifest.EventCount} events summarised)"
                : $"the log is gone: rebuilt from {RunLayout.Manifest} ({d.Manifest.EventCount} events summarised; their history is lost)"));
        }
        else
        {
            if (log.Dropped > 0 || !log.Problems.IsEmpty)
                actions.Add(new RepairAction(RepairAction.QuarantineLines, RunLayout.Events,
                    (log.Dropped > 0 ? $"{log.Dropped} line(s) that are not events that can follow are moved to a quarantine sidecar" : "no line is dropped")
                    + $"; the {log.Events} event(s) kept are re-chained" + (log.Problems.IsEmpty ? "" : $" (first problem: {log.Problems.Head.Detail})")));
            if (log.TornBytes > 0)
                actions.Add(new RepairAction(RepairAction.CutTornLine, RunLayout.Events,
                    $"{log.TornBytes} bytes of a line cut off by a killed writer are moved to a quarantine sidecar"));
        }
        var logChanges = actions.Count > 0;
        var (status, _, _, detail) = RunVerification.RunJsonStatus(log, runJson);
        var manifestReason = logChanges ? "the log changed"
            : status is CheckStatus.Ok or CheckStatus.Unverified ? null
            : $"{status}: {detail}";
        if (manifestReason is not null && manifest is not null)
            actions.Add(new RepairAction(RepairAction.RewriteManifest, RunLayout.Manifest, $"rewritten from the log: {manifestReason}"));
        actions.AddRange(leftovers.Map(l => new RepairAction(RepairAction.RemoveLeftover, l.Path, $"{l.Kind}: {l.Reason}")));
        return toSeq(actions);
    }
}
