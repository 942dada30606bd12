using System.Collections;
using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Shell.Stages;
using RunTools.Views;

namespace RunTools.Module.Infrastructure;

/// <summary>
/// Lets every -Run parameter take what the pipeline carries: a RunInfo, a RunManifest, a StageContext, any RunTools
/// record with a RunPath, a DirectoryInfo, or a path string (resolved against the PowerShell location). The result is
/// the run directory's full path, without a trailing separator.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class RunPathTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        inputData is not string && inputData is IEnumerable items && inputData is not IDictionary
            ? items.Cast<object?>().Select(i => One(engineIntrinsics, i)).ToArray()
            : One(engineIntrinsics, inputData);

    static object? One(EngineIntrinsics engine, object? input) => (input is PSObject ps ? ps.BaseObject : input) switch
    {
        null => null,
        RunInfo run => run.Path,
        RunManifest manifest when manifest.Path is not null => manifest.Path,
        RunManifestInfo manifest when manifest.Path is not null => manifest.Path,
        StageContext context => context.Path,
        StageResult result => result.RunPath,
        ArtifactRecord artifact => artifact.RunPath,
        MetricRecord metric => metric.RunPath,
        DirectoryInfo directory => Path.TrimEndingDirectorySeparator(directory.FullName),
        PathInfo path => Path.TrimEndingDirectorySeparator(path.ProviderPath),
        string path => Resolve(engine, path),
        // Anything else (say a deserialized RunInfo from another session): use its Path or RunPath property.
        var other when PSObject.AsPSObject(other).Properties["RunPath"]?.Value is string runPath => Resolve(engine, runPath),
        var other when PSObject.AsPSObject(other).Properties["Path"]?.Value is string path => Resolve(engine, path),
        var other => throw new ArgumentTransformationMetadataException(
            $"Cannot use a {other.GetType().Name} as a run: pass a run object (Get-Run, New-Run) or the run directory's path."),
    };

    /// <summary>The full path, without the trailing separator that tab completion adds to a directory ("runs/r1/"): the
    /// run's path is a key (heartbeats, the parent directory of Remove-Run's rename), so one run has one spelling.</summary>
    static string Resolve(EngineIntrinsics engine, string path) =>
        Path.TrimEndingDirectorySeparator(engine.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
}
