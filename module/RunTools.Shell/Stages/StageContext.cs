namespace RunTools.Shell.Stages;

/// <summary>What a stage's script block receives as <c>$Run</c> (and its first argument): where the run is, its
/// config as nested dictionaries (<c>$Run.Config.model.trees</c>; the keys read are recorded in the stage's
/// fingerprint), its explicit parameters, the stage's declared files as full paths, and the runs it depends on.</summary>
public sealed class StageContext(
    string path,
    string name,
    Guid runId,
    string stage,
    int attempt,
    object? config,
    ConfigReads reads,
    string configPath,
    IReadOnlyList<string> data,
    IReadOnlyList<string> inputs,
    IReadOnlyList<string> outputs,
    string logPath,
    System.Collections.IDictionary parameters,
    IReadOnlyDictionary<string, UpstreamRun> upstream)
{
    public string Path => path;
    public string Name => name;
    public Guid RunId => runId;
    public string Stage => stage;
    public int Attempt => attempt;

    /// <summary>The config; each value read is recorded (see <see cref="ConfigReads"/>).</summary>
    public object? Config => config;

    /// <summary>config_resolved.yaml. A stage that reads the file depends on the whole config, so asking for it records that.</summary>
    public string ConfigPath
    {
        get
        {
            reads.Add("");
            return configPath;
        }
    }

    public IReadOnlyList<string> Data => data;
    public IReadOnlyList<string> Inputs => inputs;
    public IReadOnlyList<string> Outputs => outputs;
    public string LogPath => logPath;

    /// <summary>Invoke-RunStage -Parameter (also <c>$Params</c>, and bound to the script block's param() block).</summary>
    public System.Collections.IDictionary Params => parameters;

    /// <summary>The runs named by <c>-DependsOn &lt;run&gt;:&lt;stage&gt;</c>, by the run as it was named (and by its directory name).</summary>
    public IReadOnlyDictionary<string, UpstreamRun> Upstream => upstream;

    /// <summary>The full path of a file inside the run. A path that would leave the run directory, by its text or through
    /// a symbolic link, is refused.</summary>
    public string Resolve(string relativePath) => UpstreamRun.ResolveIn(path, relativePath);

    public override string ToString() => $"{name} / {stage} (attempt {attempt})";
}

/// <summary>A run a stage depends on (<c>-DependsOn &lt;run&gt;:&lt;stage&gt;</c>), as <c>$Run.Upstream['&lt;run&gt;']</c>.</summary>
public sealed record UpstreamRun(string Path, string Name, Guid RunId, string Stage, IReadOnlyList<string> Outputs)
{
    /// <summary>The full path of a file inside that run (refused when it would leave it).</summary>
    public string Resolve(string relativePath) => ResolveIn(Path, relativePath);

    internal static string ResolveIn(string run, string relativePath) =>
        RunTools.Domain.RunRelativePath.Create(relativePath, run)
            .Bind(r => Files.RealPaths.InsideRun(run, r.Value, relativePath).Map(_ => r.Value))
            .Match(
            Succ: r => System.IO.Path.Combine(run, r.Replace('/', System.IO.Path.DirectorySeparatorChar)),
            Fail: e => throw new ArgumentException(e.Message, nameof(relativePath)));
}
