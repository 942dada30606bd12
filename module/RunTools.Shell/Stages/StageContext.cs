namespace RunTools.Shell.Stages;

/// <summary>What a stage's script block receives as <c>$Run</c> (and its first argument): where the run is, its
/// config as nested dictionaries (<c>$Run.Config.model.trees</c>), and the stage's declared files as full paths.</summary>
public sealed record StageContext(
    string Path,
    string Name,
    Guid RunId,
    string Stage,
    int Attempt,
    object? Config,
    string ConfigPath,
    IReadOnlyList<string> Data,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    string LogPath)
{
    /// <summary>The full path of a file inside the run. A path that would leave the run directory, by its text or through
    /// a symbolic link, is refused.</summary>
    public string Resolve(string relativePath) =>
        RunTools.Domain.RunRelativePath.Create(relativePath, Path)
            .Bind(r => Files.RealPaths.InsideRun(Path, r.Value, relativePath).Map(_ => r.Value))
            .Match(
            Succ: r => System.IO.Path.Combine(Path, r.Replace('/', System.IO.Path.DirectorySeparatorChar)),
            Fail: e => throw new ArgumentException(e.Message, nameof(relativePath)));
}
