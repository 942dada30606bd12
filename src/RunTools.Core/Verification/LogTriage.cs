using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;
using RunTools.Views;

namespace RunTools.Verification;

/// <summary>What one line of events.jsonl is worth, read in order.</summary>
public abstract record LineVerdict;

/// <summary>The line holds the next event. <see cref="Note"/> says what is wrong around it while the event itself is
/// fine: a gap in the sequence numbers before it, or a hash chain that does not lead to it (it, or the line before it,
/// was altered).</summary>
public sealed record KeepLine(RunEvent Event, long Seq, string? Note) : LineVerdict;

/// <summary>The line cannot be part of the log: it does not decode, repeats a sequence number, or cannot follow what
/// came before (an event the lifecycle rules refuse). <see cref="Kind"/> is the Test-Run finding; <see cref="Cause"/>
/// the decoder's error when the line does not decode (a newer schema is not damage, and is reported as such).</summary>
public sealed record DropLine(CheckStatus Kind, string Reason, RunError? Cause = null) : LineVerdict;

/// <summary>
/// Reading an event log line by line, deciding for each whether it continues the log. One set of rules for every
/// reader: a writer continuing the log stops at the first line that is not a clean <see cref="KeepLine"/>; Test-Run
/// reports each problem; Repair-Run keeps what it can and quarantines the rest. Pure: the shell reads the lines, hashes
/// and decodes them.
/// </summary>
/// <param name="Expected">The sequence number the next event should have.</param>
/// <param name="LastLineHash">The hash of the line read last (kept or not): the next line's <c>prev</c>.</param>
/// <param name="ChainedFrom">The first sequence number whose line must carry <c>prev</c> (2 for a log written with
/// the hash chain; later for a log begun before it; null while a log begun before it has no chained line yet).</param>
/// <param name="Manifest">The replay of the events kept so far.</param>
/// <param name="BatchLeft">How many events of the append being read are still to come (0: none; the log is whole up to
/// here). A log that ends with some left was cut in the middle of an append: its reader treats that append's lines as
/// a cut-off tail.</param>
public sealed record LogTriage(long Expected, string? LastLineHash, long? ChainedFrom, RunManifest? Manifest, int BatchLeft = 0)
{
    public static readonly LogTriage Start = new(1, null, null, null);

    /// <summary>Whether the events read so far end with a whole append.</summary>
    public bool Whole => BatchLeft == 0;

    /// <summary>The triage of a log after <paramref name="events"/> events whose last line has the hash
    /// <paramref name="head"/>, replayed into <paramref name="manifest"/> (a writer continuing from run.json).</summary>
    public static LogTriage After(long events, string? head, long? chainedFrom, RunManifest manifest) => new(events + 1, head, chainedFrom, manifest);

    /// <param name="line">The 1-based line number.</param>
    /// <param name="hash">The line's hash (<see cref="RunJson.LineHash"/>).</param>
    /// <param name="decoded">The line decoded (or why it does not).</param>
    public (LogTriage Next, LineVerdict Verdict) Step(long line, string hash, Fin<RunJson.DecodedEvent> decoded)
    {
        var moved = this with { LastLineHash = hash };
        if (decoded.IsFail)
        {
            var error = decoded.Match(_ => null!, e => e);
            return (moved, new DropLine(CheckStatus.Modified, $"line {line} is not an event: {error.Message}", error as RunError));
        }
        var d = (RunJson.DecodedEvent)decoded;
        if (d.Seq < Expected)
            return (moved, new DropLine(CheckStatus.ChainBroken, $"line {line} repeats sequence number {d.Seq} (expected {Expected})"));

        var notes = new List<string>();
        if (d.Seq > Expected)
            notes.Add(d.Seq == Expected + 1 ? $"event {Expected} is missing before line {line}" : $"events {Expected}-{d.Seq - 1} are missing before line {line}");
        if (line > 1 && d.Prev is not null && d.Prev != LastLineHash)
            notes.Add($"line {line} does not carry the hash of line {line - 1}: one of them was altered, or lines between them removed");
        else if (line > 1 && d.Prev is null && ChainedFrom is not null)
            notes.Add($"line {line} carries no hash of line {line - 1} (the chain is broken there)");
        if (line == 1 && d.Prev is not null)
            notes.Add("the first line carries a hash of a line before it: lines before it were removed");
        if (d.Batch is not null && BatchLeft > 0)
            notes.Add($"an append of several events is cut short before line {line} ({BatchLeft} of its events are missing)");

        var applied = Manifest is null ? Manifests.Manifest.First(d.Event, RunLayout.Events) : Manifests.Manifest.Apply(Manifest, d.Event);
        if (applied.IsFail)
            return (moved, new DropLine(CheckStatus.Modified, $"line {line} cannot follow the events before it: {applied.Match(_ => "", e => e.Message)}"));

        var next = moved with
        {
            BatchLeft = d.Batch is { } batch ? Math.Max(0, batch - 1) : Math.Max(0, BatchLeft - 1),
            Expected = d.Seq + 1,
            ChainedFrom = ChainedFrom ?? (d.SchemaVersion >= 2 ? 2 : d.Prev is not null ? line : null),
            Manifest = (RunManifest)applied,
        };
        return (next, new KeepLine(d.Event, d.Seq, notes.Count == 0 ? null : string.Join("; ", notes)));
    }
}
