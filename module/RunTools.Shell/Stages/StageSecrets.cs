using RunTools.Config;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;

namespace RunTools.Shell.Stages;

/// <summary>The config a stage of a run sees: its references to the environment expanded from this process's
/// environment, in memory only (config_resolved.yaml and run.json keep the references).</summary>
public static class StageSecrets
{
    public static Fin<StageConfig> Resolve(string runDirectory) =>
        RunStore.Read(runDirectory).Bind(m => ConfigSecrets.ForStage(m.Config, m.Secrets, SystemInfo.EnvironmentVariables()));
}
