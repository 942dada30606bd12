namespace RunTools.Shell.Store;

/// <summary>The names of a run directory's files (the on-disk contract, documented in the README).</summary>
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

    /// <summary>Inside a runs root: staging area for runs being created (and removed) so they appear and disappear
    /// with one rename.</summary>
    public const string RootWorkArea = ".runtools";

    static readonly string[] Reserved = [Manifest, Events, ResolvedConfig, Overrides, Sidecars, Heartbeats, Lock, Logs];

    /// <summary>The run's own bookkeeping: no artifact or stage output may be written there. Compared as Windows and
    /// macOS name files (case-insensitively, and on Windows without trailing dots and spaces), so that "RUN.JSON" or
    /// "events.jsonl." cannot replace the run's own files there.</summary>
    public static bool IsReserved(string relativePath)
    {
        var first = relativePath.Split('/')[0].TrimEnd('.', ' ');
        return Reserved.Contains(first, StringComparer.OrdinalIgnoreCase) || relativePath.StartsWith('.');
    }

    /// <summary>A directory is a run when it holds run.json or events.jsonl (a run whose run.json was lost can
    /// still be read by replaying its events).</summary>
    public static bool IsRun(string directory) =>
        File.Exists(Path.Combine(directory, Manifest)) || File.Exists(Path.Combine(directory, Events));
}
