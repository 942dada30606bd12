using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Views;

/// <summary>
/// A run's manifest as Get-RunManifest writes it: run.json's shape for PowerShell. Every field of run.json is here
/// under its name in PascalCase (<c>run_id</c> → <c>RunId</c>, <c>stages[].started_at</c> → <c>Stages[].StartedAt</c>),
/// nested the same way, so <c>ConvertTo-Json -Depth 10</c> gives run.json's structure. The differences are the ones
/// a PowerShell user wants: statuses and kinds are the enum names (<c>Completed</c>, <c>Model</c>); times are
/// DateTimeOffsets; the config is the nested map itself (<c>$m.Config.training.metric</c>), even where run.json moved
/// a large one to a sidecar, and so are the feature and column lists; <see cref="Path"/> (the run directory, which
/// run.json does not hold) is added for the pipeline. run.json's own bookkeeping (events_bytes, chained_from) is left
/// out. Nested objects are the Manifest* classes (ManifestStage, ManifestMetric, ...) and lists are arrays.
/// </summary>
public sealed class RunManifestInfo
{
    RunManifestInfo(RunManifest m)
    {
        SchemaVersion = m.SchemaVersion;
        RunId = m.RunId;
        Name = m.Name;
        Key = m.Key;
        CreatedAt = m.CreatedAt;
        PackageVersion = m.PackageVersion;
        Status = m.Status.ToString();
        StartedAt = m.StartedAt;
        EndedAt = m.EndedAt;
        DurationSeconds = m.Duration?.TotalSeconds;
        StatusMessage = m.StatusMessage;
        LastError = m.LastError is { } e ? ManifestError.Of(e) : null;
        Owner = m.Owner is { } o ? ManifestProcess.Of(o) : null;
        Inputs = m.Inputs.Map(ManifestInput.Of).ToArray();
        Config = ConfigPlain.ToPlain(m.Config) as ValueMap<object?> ?? ValueMap<object?>.Empty;
        ConfigSha256 = m.ConfigSha256;
        ConfigFiles = m.ConfigFiles.Map(ManifestFile.Of).ToArray();
        Secrets = m.Secrets.Map(ManifestSecret.Of).ToArray();
        FeatureList = ManifestNameList.Of(m.FeatureList);
        Label = m.Label;
        Environment = ManifestEnvironment.Of(m.Environment);
        Git = m.Git is { } g ? ManifestGit.Of(g) : null;
        Lineage = m.Lineage.Map(ManifestLineage.Of).ToArray();
        Stages = m.Stages.Map(ManifestStage.Of).ToArray();
        Artifacts = m.Artifacts.Map(ManifestArtifact.Of).ToArray();
        Metrics = m.Metrics.Map(ManifestMetric.Of).ToArray();
        FoldPlans = m.FoldPlans.Map(ManifestFoldPlan.Of).ToArray();
        Locked = m.Locked;
        LockReason = m.LockReason;
        Repairs = m.Repairs.Map(ManifestRepair.Of).ToArray();
        EventCount = m.EventCount;
        UpdatedAt = m.UpdatedAt;
        ChainHead = m.ChainHead;
        Path = m.Path;
    }

    public static RunManifestInfo Of(RunManifest m) => new(m);

    public int SchemaVersion { get; }
    public Guid RunId { get; }
    public string Name { get; }
    public string Key { get; }
    public DateTimeOffset CreatedAt { get; }
    public string PackageVersion { get; }
    /// <summary>The stored status: Pending, Running, Completed, Failed or Cancelled (Get-Run shows a dead writer's
    /// Running run as Abandoned).</summary>
    public string Status { get; }
    public DateTimeOffset? StartedAt { get; }
    public DateTimeOffset? EndedAt { get; }
    public double? DurationSeconds { get; }
    public string? StatusMessage { get; }
    public ManifestError? LastError { get; }
    public ManifestProcess? Owner { get; }
    /// <summary>Path, FullPath, Sha256, Bytes, Format, Rows, Columns (Count, Sha256, Items).</summary>
    public ManifestInput[] Inputs { get; }
    /// <summary>The resolved config as nested maps and lists: <c>$m.Config.model.trees</c>.</summary>
    public ValueMap<object?> Config { get; }
    public string ConfigSha256 { get; }
    public ManifestFile[] ConfigFiles { get; }
    public ManifestSecret[] Secrets { get; }
    /// <summary>Count, Sha256, Items.</summary>
    public ManifestNameList FeatureList { get; }
    public string? Label { get; }
    public ManifestEnvironment Environment { get; }
    public ManifestGit? Git { get; }
    public ManifestLineage[] Lineage { get; }
    public ManifestStage[] Stages { get; }
    public ManifestArtifact[] Artifacts { get; }
    public ManifestMetric[] Metrics { get; }
    public ManifestFoldPlan[] FoldPlans { get; }
    public bool Locked { get; }
    public string? LockReason { get; }
    public ManifestRepair[] Repairs { get; }
    public long EventCount { get; }
    public DateTimeOffset UpdatedAt { get; }
    /// <summary>The hash of the run's last event when the manifest was read.</summary>
    public string? ChainHead { get; }
    /// <summary>The run directory the manifest was read from (not in run.json).</summary>
    public string? Path { get; }

    public ManifestStage? Stage(string name) => Stages.FirstOrDefault(s => s.Name == name);

    /// <summary>A metric's summary by name, or null.</summary>
    public ManifestMetric? Metric(string name) => Metrics.FirstOrDefault(x => x.Name == name);

    public ManifestFoldPlan? FoldPlan(string name) => FoldPlans.FirstOrDefault(p => p.Name == name);

    public override string ToString() => Name;
}
