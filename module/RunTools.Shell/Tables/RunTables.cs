using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Tables;

namespace RunTools.Shell.Tables;

/// <summary>Tables stored inside a run directory (predictions, fold plans, metric tables), read by a path relative
/// to the run or by a registered artifact's path. A path that would leave the run is refused (PathOutsideRun), and so
/// is a table with a column of a type RunTools tables do not hold (TableColumnUnsupported): its rows would be shown
/// without it.</summary>
public static class RunTables
{
    /// <param name="path">Relative to the run (either separator), or an absolute path inside it.</param>
    /// <param name="firstRows">Only the first rows (null: all); see <see cref="TableFiles.Read(string, int?)"/>.</param>
    public static Fin<Table> Read(string run, string path, int? firstRows) =>
        from manifest in RunStore.Read(run)
        from relative in StageRunner.ToRunRelative(manifest.Path!, path)
        let full = FullPath(manifest.Path!, relative)
        from table in TableFiles.Read(full, firstRows)
        from whole in table.CheckValues(full)
        select whole;

    /// <summary>Reads the registered artifact at <paramref name="name"/> (its path in the run), which must be of
    /// kind table, predictions or fold_plan.</summary>
    public static Fin<Table> ReadArtifact(string run, string name, int? firstRows) =>
        from manifest in RunStore.Read(run)
        from relative in StageRunner.ToRunRelative(manifest.Path!, name)
        from path in Domain.RunRelativePath.Create(relative, manifest.Path!)
        from artifact in TableArtifacts.Find(manifest, path)
        let full = FullPath(manifest.Path!, artifact.Path)
        from table in TableFiles.Read(full, firstRows)
        from whole in table.CheckValues(full)
        select whole;

    static string FullPath(string run, string relative) => Path.Combine(run, relative.Replace('/', Path.DirectorySeparatorChar));
}
