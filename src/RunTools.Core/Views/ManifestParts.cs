using RunTools.Manifests;

namespace RunTools.Views;

// The parts of a RunManifestInfo, one class per object of run.json (stages[], metrics[], git, ...), each with
// run.json's fields in PascalCase. Get-only properties, no compiler members, ToString() the part's name or path.

/// <summary>A run's or stage's last error (run.json <c>last_error</c>, <c>stages[].error</c>).</summary>
public sealed class ManifestError(string type, string message, string? stage, DateTimeOffset at) : IEquatable<ManifestError>
{
    public string Type { get; } = type;
    public string Message { get; } = message;
    public string? Stage { get; } = stage;
    public DateTimeOffset At { get; } = at;

    public static ManifestError Of(ErrorInfo e) => new(e.Type, e.Message, e.Stage, e.At);

    public override string ToString() => Message;

    object Fields => (Type, Message, Stage, At);
    public bool Equals(ManifestError? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestError);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A process that worked on the run (<c>owner</c>, <c>stages[].process</c>).</summary>
public sealed class ManifestProcess(int pid, string host, DateTimeOffset startedAt) : IEquatable<ManifestProcess>
{
    public int Pid { get; } = pid;
    public string Host { get; } = host;
    public DateTimeOffset StartedAt { get; } = startedAt;

    public static ManifestProcess Of(ProcessInfo p) => new(p.Pid, p.Host, p.StartedAt);

    public override string ToString() => $"{Host}:{Pid}";

    object Fields => (Pid, Host, StartedAt);
    public bool Equals(ManifestProcess? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestProcess);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A file with its hash (<c>config_files[]</c>, <c>stages[].inputs[]</c>, <c>stages[].outputs[]</c>, <c>stages[].log_hash</c>).</summary>
public sealed class ManifestFile(string path, string sha256, long bytes) : IEquatable<ManifestFile>
{
    public string Path { get; } = path;
    public string Sha256 { get; } = sha256;
    public long Bytes { get; } = bytes;

    public static ManifestFile Of(FileHash h) => new(h.Path, h.Sha256, h.Bytes);

    public override string ToString() => Path;

    object Fields => (Path, Sha256, Bytes);
    public bool Equals(ManifestFile? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestFile);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A list of names with its size and hash (<c>feature_list</c>, <c>inputs[].columns</c>); the items are always here, even where run.json moved them to a sidecar.</summary>
public sealed class ManifestNameList(int count, string sha256, string[] items) : IEquatable<ManifestNameList>
{
    public int Count { get; } = count;
    public string Sha256 { get; } = sha256;
    public string[] Items { get; } = items;

    public static ManifestNameList Of(NameList l) => new(l.Count, l.Sha256, l.Items.ToArray());

    public override string ToString() => string.Join(", ", Items);

    object Fields => (Count, Sha256, Items);
    public bool Equals(ManifestNameList? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestNameList);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A data file the run was created with (<c>inputs[]</c>).</summary>
public sealed class ManifestInput(string path, string fullPath, string sha256, long bytes, string format, long? rows, ManifestNameList columns) : IEquatable<ManifestInput>
{
    public string Path { get; } = path;
    public string FullPath { get; } = fullPath;
    public string Sha256 { get; } = sha256;
    public long Bytes { get; } = bytes;
    /// <summary>Csv, Parquet or Other.</summary>
    public string Format { get; } = format;
    public long? Rows { get; } = rows;
    public ManifestNameList Columns { get; } = columns;

    /// <summary>The Parquet DECIMAL columns with their precision and scale (held as doubles); empty when there are none.</summary>
    public RunTools.Manifests.DecimalInfo[] Decimals { get; private init; } = [];

    public static ManifestInput Of(InputFile i) => new(i.Path, i.FullPath, i.Sha256, i.Bytes, i.Format.ToString(), i.Rows, ManifestNameList.Of(i.Columns))
    {
        Decimals = i.Decimals.ToArray(),
    };

    public override string ToString() => Path;

    object Fields => (Path, FullPath, Sha256, Bytes, Format, Rows, Columns);
    public bool Equals(ManifestInput? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestInput);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A config value that refers to a secret (<c>secrets[]</c>): the reference and a salted hash, never the value.</summary>
public sealed class ManifestSecret(string key, string reference, string salt, string sha256) : IEquatable<ManifestSecret>
{
    public string Key { get; } = key;
    public string Reference { get; } = reference;
    public string Salt { get; } = salt;
    public string Sha256 { get; } = sha256;

    public static ManifestSecret Of(SecretRef s) => new(s.Key, s.Reference, s.Salt, s.Sha256);

    public override string ToString() => Key;

    object Fields => (Key, Reference, Salt, Sha256);
    public bool Equals(ManifestSecret? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestSecret);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>Where the run ran (<c>environment</c>); Variables are only the ones the user listed.</summary>
public sealed class ManifestEnvironment(string dotnet, string powershell, string os, string hostname, int processorCount, ValueMap<string?> variables) : IEquatable<ManifestEnvironment>
{
    public string Dotnet { get; } = dotnet;
    public string Powershell { get; } = powershell;
    public string Os { get; } = os;
    public string Hostname { get; } = hostname;
    public int ProcessorCount { get; } = processorCount;
    public ValueMap<string?> Variables { get; } = variables;

    public static ManifestEnvironment Of(EnvironmentInfo e) => new(e.DotNetVersion, e.PowerShellVersion, e.OperatingSystem, e.HostName, e.ProcessorCount, new ValueMap<string?>(e.Variables.Map(v => (v.Name, v.Value))));

    public override string ToString() => Hostname;

    object Fields => (Dotnet, Powershell, Os, Hostname, ProcessorCount, Variables);
    public bool Equals(ManifestEnvironment? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestEnvironment);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>The git state the run started from (<c>git</c>).</summary>
public sealed class ManifestGit(string commit, string? branch, bool dirty) : IEquatable<ManifestGit>
{
    public string Commit { get; } = commit;
    public string? Branch { get; } = branch;
    public bool Dirty { get; } = dirty;

    public static ManifestGit Of(GitState g) => new(g.Commit, g.Branch, g.Dirty);

    public override string ToString() => Commit;

    object Fields => (Commit, Branch, Dirty);
    public bool Equals(ManifestGit? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestGit);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A run this run was derived from (<c>lineage[]</c>).</summary>
public sealed class ManifestLineage(Guid runId, string runName, string relation, string? stage, string? path, string? sha256, string? chainHead, long? eventCount, string? directory = null) : IEquatable<ManifestLineage>
{
    /// <summary>Where the run was when it was referred to.</summary>
    public string? Directory { get; } = directory;
    public Guid RunId { get; } = runId;
    public string RunName { get; } = runName;
    /// <summary>upstream, model or input.</summary>
    public string Relation { get; } = relation;
    public string? Stage { get; } = stage;
    public string? Path { get; } = path;
    public string? Sha256 { get; } = sha256;
    public string? ChainHead { get; } = chainHead;
    public long? EventCount { get; } = eventCount;

    public static ManifestLineage Of(LineageRef l) => new(l.RunId, l.RunName, l.Relation, l.Stage, l.Path, l.Sha256, l.ChainHead, l.EventCount, l.Directory);

    public override string ToString() => RunName;

    object Fields => (RunId, RunName, Relation, Stage, Path, Sha256, ChainHead, EventCount, Directory);
    public bool Equals(ManifestLineage? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestLineage);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A stage's fingerprint (<c>stages[].fingerprint</c>): its cache key and what it is made of.</summary>
public sealed class ManifestFingerprint(string key, ManifestFingerprintPart[] parts) : IEquatable<ManifestFingerprint>
{
    public string Key { get; } = key;
    public ManifestFingerprintPart[] Parts { get; } = parts;

    public static ManifestFingerprint Of(RunTools.Stages.StageFingerprint f) => new(f.Key, f.Parts.Map(ManifestFingerprintPart.Of).ToArray());

    public override string ToString() => Key;

    public bool Equals(ManifestFingerprint? other) => other is not null && Key == other.Key && Parts.SequenceEqual(other.Parts);
    public override bool Equals(object? obj) => Equals(obj as ManifestFingerprint);
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}

/// <summary>One thing a stage used: its kind (command, input, data, upstream, variable, parameter, config), its name and
/// the hash of its value (null, with the reason, when the value cannot be fingerprinted).</summary>
public sealed class ManifestFingerprintPart(string kind, string name, string? sha256, string? unhashable) : IEquatable<ManifestFingerprintPart>
{
    public string Kind { get; } = kind;
    public string Name { get; } = name;
    public string? Sha256 { get; } = sha256;
    public string? Unhashable { get; } = unhashable;

    public static ManifestFingerprintPart Of(RunTools.Stages.FingerprintPart p) => new(p.Kind, p.Name, p.Sha256, p.Unhashable);

    public override string ToString() => $"{Kind} {Name}";

    object Fields => (Kind, Name, Sha256, Unhashable);
    public bool Equals(ManifestFingerprintPart? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestFingerprintPart);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>The latest attempt of a stage (<c>stages[]</c>).</summary>
public sealed class ManifestStage(string name, int attempt, string status, DateTimeOffset startedAt, DateTimeOffset? endedAt, double? durationSeconds, string[] dependsOn, ManifestFile[] inputs, ManifestFile[] outputs, ManifestError? error, ManifestProcess process, string command, string log, ManifestFile? logHash, ManifestFingerprint? fingerprint = null, string? reason = null, string? reusedFrom = null) : IEquatable<ManifestStage>
{
    public string Name { get; } = name;
    public int Attempt { get; } = attempt;
    /// <summary>The stored status: Running, Completed, Failed or Cancelled.</summary>
    public string Status { get; } = status;
    public DateTimeOffset StartedAt { get; } = startedAt;
    public DateTimeOffset? EndedAt { get; } = endedAt;
    public double? DurationSeconds { get; } = durationSeconds;
    public string[] DependsOn { get; } = dependsOn;
    public ManifestFile[] Inputs { get; } = inputs;
    public ManifestFile[] Outputs { get; } = outputs;
    public ManifestError? Error { get; } = error;
    public ManifestProcess Process { get; } = process;
    public string Command { get; } = command;
    public string Log { get; } = log;
    public ManifestFile? LogHash { get; } = logHash;
    /// <summary>What the attempt used, each part hashed (null in runs written before fingerprints).</summary>
    public ManifestFingerprint? Fingerprint { get; } = fingerprint;
    /// <summary>Why the attempt ran: "never ran", "forced", what changed, or "reused from ...".</summary>
    public string? Reason { get; } = reason;
    /// <summary>&lt;run&gt;/&lt;stage&gt;/&lt;attempt&gt; whose outputs this attempt brought over instead of running (the stage cache).</summary>
    public string? ReusedFrom { get; } = reusedFrom;

    public static ManifestStage Of(StageRecord s) => new(s.Name, s.Attempt, s.Status.ToString(), s.StartedAt, s.EndedAt, s.Duration?.TotalSeconds, s.DependsOn.ToArray(), s.Inputs.Map(ManifestFile.Of).ToArray(), s.Outputs.Map(ManifestFile.Of).ToArray(), s.Error is { } e ? ManifestError.Of(e) : null, ManifestProcess.Of(s.Process), s.Command, s.Log, s.LogHash is { } h ? ManifestFile.Of(h) : null,
        s.Fingerprint is { } f ? ManifestFingerprint.Of(f) : null, s.Reason, s.ReusedFrom);

    public override string ToString() => Name;

    object Fields => (Name, Attempt, Status, StartedAt, EndedAt, DurationSeconds, DependsOn, Inputs, Outputs, Error, Process, Command, Log, LogHash, Fingerprint, Reason, ReusedFrom);
    public bool Equals(ManifestStage? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestStage);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A file the run vouches for (<c>artifacts[]</c>).</summary>
public sealed class ManifestArtifact(string path, string sha256, long bytes, string kind, string? stage, DateTimeOffset addedAt) : IEquatable<ManifestArtifact>
{
    public string Path { get; } = path;
    public string Sha256 { get; } = sha256;
    public long Bytes { get; } = bytes;
    /// <summary>File, Model, Table, Predictions, Metrics, FoldPlan, Plot, Log or Config.</summary>
    public string Kind { get; } = kind;
    public string? Stage { get; } = stage;
    public DateTimeOffset AddedAt { get; } = addedAt;

    public static ManifestArtifact Of(Artifact a) => new(a.Path, a.Sha256, a.Bytes, a.Kind.ToString(), a.Stage, a.AddedAt);

    public override string ToString() => Path;

    object Fields => (Path, Sha256, Bytes, Kind, Stage, AddedAt);
    public bool Equals(ManifestArtifact? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestArtifact);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>One metric's summary across its history (<c>metrics[]</c>).</summary>
public sealed class ManifestMetric(string name, double last, long? step, double min, double max, long count, string? stage, DateTimeOffset updatedAt) : IEquatable<ManifestMetric>
{
    public string Name { get; } = name;
    public double Last { get; } = last;
    public long? Step { get; } = step;
    public double Min { get; } = min;
    public double Max { get; } = max;
    public long Count { get; } = count;
    public string? Stage { get; } = stage;
    public DateTimeOffset UpdatedAt { get; } = updatedAt;

    public static ManifestMetric Of(MetricSummary m) => new(m.Name, m.Last, m.Step, m.Min, m.Max, m.Count, m.Stage, m.UpdatedAt);

    public override string ToString() => Name;

    object Fields => (Name, Last, Step, Min, Max, Count, Stage, UpdatedAt);
    public bool Equals(ManifestMetric? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestMetric);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A fold plan stored in the run (<c>fold_plans[]</c>).</summary>
public sealed class ManifestFoldPlan(string name, string kind, int folds, int repeats, bool nested, bool production, int rows, string contentSha256, string path, string summary, string? stage) : IEquatable<ManifestFoldPlan>
{
    public string Name { get; } = name;
    public string Kind { get; } = kind;
    public int Folds { get; } = folds;
    public int Repeats { get; } = repeats;
    public bool Nested { get; } = nested;
    public bool Production { get; } = production;
    public int Rows { get; } = rows;
    public string ContentSha256 { get; } = contentSha256;
    public string Path { get; } = path;
    public string Summary { get; } = summary;
    public string? Stage { get; } = stage;

    public static ManifestFoldPlan Of(FoldPlanRecord p) => new(p.Name, p.Kind, p.Folds, p.Repeats, p.Nested, p.Production, p.Rows, p.ContentHash, p.Path, p.Summary, p.Stage);

    public override string ToString() => Name;

    object Fields => (Name, Kind, Folds, Repeats, Nested, Production, Rows, ContentSha256, Path, Summary, Stage);
    public bool Equals(ManifestFoldPlan? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestFoldPlan);
    public override int GetHashCode() => Fields.GetHashCode();
}

/// <summary>A repair made to the run (<c>repairs[]</c>).</summary>
public sealed class ManifestRepair(DateTimeOffset at, string kind, string detail) : IEquatable<ManifestRepair>
{
    public DateTimeOffset At { get; } = at;
    public string Kind { get; } = kind;
    public string Detail { get; } = detail;

    public static ManifestRepair Of(RepairNote r) => new(r.At, r.Kind, r.Detail);

    public override string ToString() => Detail;

    object Fields => (At, Kind, Detail);
    public bool Equals(ManifestRepair? other) => other is not null && Fields.Equals(other.Fields);
    public override bool Equals(object? obj) => Equals(obj as ManifestRepair);
    public override int GetHashCode() => Fields.GetHashCode();
}
