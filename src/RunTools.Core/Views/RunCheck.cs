namespace RunTools.Views;

/// <summary>What Test-Run found for one item. A stable kind, so scripts can act on it.</summary>
public enum CheckStatus
{
    /// <summary>As recorded.</summary>
    Ok,
    /// <summary>Recorded but gone.</summary>
    Missing,
    /// <summary>Its bytes differ from what was recorded, or it does not read.</summary>
    Modified,
    /// <summary>In the run but recorded nowhere.</summary>
    Extra,
    /// <summary>Behind what it summarises (run.json behind the log after a writer died, a cut-off last line): a
    /// crash's trace, mended by the next writer or Repair-Run, not tampering.</summary>
    Stale,
    /// <summary>The event log's hash chain does not hold there, or a run that referred to this one (or that this one
    /// refers to) holds a different history than was recorded.</summary>
    ChainBroken,
    /// <summary>Left behind by an interrupted write (a temporary file); Repair-Run removes it.</summary>
    Leftover,
    /// <summary>Cannot be verified: written before RunTools recorded what would verify it (events before the hash
    /// chain, a log before log hashes). Not a failure.</summary>
    Unverified,
}

/// <summary>One verified item of a run (Test-Run): what it is, what was expected, what was found.</summary>
/// <param name="kind">What the item is: manifest, events, config, artifact, log, sidecar, input, file, upstream, child.</param>
/// <param name="detail">What was found, in words, when it is not plain.</param>
public sealed class RunCheck(
    string run,
    string kind,
    string item,
    CheckStatus status,
    string? expected,
    string? actual,
    string runPath,
    string? detail = null) : IEquatable<RunCheck>
{
    public string Run { get; } = run;
    public string Kind { get; } = kind;
    public string Item { get; } = item;
    /// <summary>Ok, Missing, Modified, Extra, Stale, ChainBroken, Leftover or Unverified: the name of a
    /// <see cref="CheckStatus"/>, so ConvertTo-Json and Export-Csv write "Modified", not 2.</summary>
    public string Status { get; } = status.ToString();
    /// <summary>The status, typed, for C# code. Internal, so PowerShell sees only the string.</summary>
    internal CheckStatus StatusKind { get; } = status;
    public string? Expected { get; } = expected;
    public string? Actual { get; } = actual;
    public string RunPath { get; } = runPath;
    public string? Detail { get; } = detail;
    /// <summary>Ok and Unverified pass (-Quiet); every other status is a finding.</summary>
    public bool Passed => StatusKind is CheckStatus.Ok or CheckStatus.Unverified;

    public override string ToString() => $"{Kind} {Item}: {Status}";

    object Fields => (Run, Kind, Item, Status, Expected, Actual, RunPath, Detail);
    public bool Equals(RunCheck? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as RunCheck);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>One thing Repair-Run did to a run (with -WhatIf, nothing is done and nothing is written).</summary>
/// <param name="action">RebuildLog, QuarantineLines, CutTornLine, RewriteManifest or RemoveLeftover.</param>
/// <param name="item">What it acted on: a file of the run, or the full path of a leftover under the run's root.</param>
public sealed class RepairRecord(
    string run,
    string action,
    string item,
    string detail,
    string runPath) : IEquatable<RepairRecord>
{
    public string Run { get; } = run;
    public string Action { get; } = action;
    public string Item { get; } = item;
    public string Detail { get; } = detail;
    public string RunPath { get; } = runPath;

    public override string ToString() => $"{Action} {Item}";

    object Fields => (Run, Action, Item, Detail, RunPath);
    public bool Equals(RepairRecord? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as RepairRecord);
    public override int GetHashCode() => Fields.GetHashCode();
}
