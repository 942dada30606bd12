using System.Collections;
using System.Globalization;
using System.Management.Automation;
using RunTools.Manifests;
using RunTools.Shell.Stages;
using RunTools.Views;

namespace RunTools.Module.Infrastructure;

/// <summary>
/// Lets every -Run parameter take what the pipeline carries: a RunInfo, a RunManifest, a StageContext, any RunTools
/// record with a RunPath, a DirectoryInfo or PathInfo (each becomes its run directory's full path), a Guid (a run id),
/// or text. Text is kept as given: the cmdlet resolves it (a path against the PowerShell location, else a name, key,
/// id or id prefix under its root) through <see cref="RunCmdlet.ResolveRuns(string, bool)"/>, where the root, the
/// warnings and the errors are known.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class RunPathTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        inputData is not string && inputData is IEnumerable items && inputData is not IDictionary
            ? items.Cast<object?>().Select(One).ToArray()
            : One(inputData);

    static object? One(object? input) => (input is PSObject ps ? ps.BaseObject : input) switch
    {
        null => null,
        string text => text,
        RunInfo run => run.Path,
        RunManifest manifest when manifest.Path is not null => manifest.Path,
        RunManifestInfo manifest when manifest.Path is not null => manifest.Path,
        StageContext context => context.Path,
        StageResult result => result.RunPath,
        ArtifactRecord artifact => artifact.RunPath,
        MetricRecord metric => metric.RunPath,
        DirectoryInfo directory => Path.TrimEndingDirectorySeparator(directory.FullName),
        PathInfo path => Path.TrimEndingDirectorySeparator(path.ProviderPath),
        Guid id => id.ToString("D"),
        int or long => Convert.ToString(input is PSObject p ? p.BaseObject : input, CultureInfo.InvariantCulture), // a key of digits
        // Anything else (say a deserialized RunInfo from another session): use its RunPath or Path property.
        var other when PSObject.AsPSObject(other).Properties["RunPath"]?.Value is string runPath => runPath,
        var other when PSObject.AsPSObject(other).Properties["Path"]?.Value is string path => path,
        var other => throw new ArgumentTransformationMetadataException(
            $"Cannot use a {other.GetType().Name} as a run: pass a run object (Get-Run, New-Run), the run directory's path, or a run's name, key or id."),
    };
}
