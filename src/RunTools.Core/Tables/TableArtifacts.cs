using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Serialization;

namespace RunTools.Tables;

/// <summary>Which of a run's registered artifacts are tables.</summary>
public static class TableArtifacts
{
    /// <summary>The artifact kinds that hold a table: table, predictions and fold_plan.</summary>
    public static bool HoldsTable(ArtifactKind kind) => kind is ArtifactKind.Table or ArtifactKind.Predictions or ArtifactKind.FoldPlan or ArtifactKind.Metrics;

    /// <summary>The registered artifact at <paramref name="path"/>, if it holds a table.</summary>
    public static Fin<Artifact> Find(RunManifest manifest, RunRelativePath path) =>
        manifest.Artifacts.Find(a => a.Path == path.Value).Match(
            Some: a => HoldsTable(a.Kind) ? FinSucc(a) : FinFail<Artifact>(new ArtifactNotTable(a.Path, ArtifactKinds.Text(a.Kind))),
            None: () => FinFail<Artifact>(new ArtifactNotRegistered(path.Value, manifest.Name)));
}
