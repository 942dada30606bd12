using RunTools.Config;
using RunTools.Manifests;

namespace RunTools.Views;

public enum CheckStatus { Ok, Missing, Changed, Stale }

/// <summary>One verified item of a run (Test-Run): a file against the hash the manifest recorded, or the manifest
/// against its events.</summary>
public sealed record RunCheck(string Run, string Kind, string Item, CheckStatus Status, string? Expected, string? Actual, string RunPath);

/// <summary>What the shell found on disk, for <see cref="RunVerification.Check"/>.</summary>
/// <param name="ManifestCurrent">run.json decodes and equals the replay of events.jsonl.</param>
/// <param name="Files">Every recorded file (artifacts by relative path, inputs by full path) with its hash now.</param>
/// <param name="ConfigOnDisk">config_resolved.yaml parsed, or null when missing or unreadable.</param>
/// <param name="ConfigFileExists">config_resolved.yaml exists (an unreadable one has changed; it is not missing).</param>
public sealed record RunObservation(bool ManifestCurrent, Seq<(string Path, FileHash? Now)> Files, ConfigValue? ConfigOnDisk, bool ConfigFileExists = false);

public static class RunVerification
{
    public static Seq<RunCheck> Check(RunManifest m, string runPath, RunObservation seen)
    {
        RunCheck Item(string kind, string item, CheckStatus status, string? expected, string? actual) =>
            new(m.Name, kind, item, status, expected, actual, runPath);

        FileHash? Now(string path) => seen.Files.Find(f => f.Path == path).MatchUnsafe(f => f.Now, () => null);

        RunCheck File(string kind, string path, string expected)
        {
            var now = Now(path);
            return Item(kind, path, now is null ? CheckStatus.Missing : now.Sha256 == expected ? CheckStatus.Ok : CheckStatus.Changed, expected, now?.Sha256);
        }

        // The config is compared by its canonical hash, the value the check reports: key order is not a change.
        var configNow = seen.ConfigOnDisk is null ? null : ConfigJson.Sha256(seen.ConfigOnDisk);
        return Seq1(Item("manifest", "run.json", seen.ManifestCurrent ? CheckStatus.Ok : CheckStatus.Stale, $"replay of {m.EventCount} events", null))
            .Add(Item("config", "config_resolved.yaml",
                configNow is null ? (seen.ConfigFileExists ? CheckStatus.Changed : CheckStatus.Missing)
                    : configNow == m.ConfigSha256 ? CheckStatus.Ok : CheckStatus.Changed,
                m.ConfigSha256, configNow))
            .Concat(m.Artifacts.Map(a => File("artifact", a.Path, a.Sha256)))
            .Concat(m.Inputs.Map(i => File("input", i.FullPath, i.Sha256)));
    }
}
