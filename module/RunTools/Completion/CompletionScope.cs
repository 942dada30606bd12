using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Store;

namespace RunTools.Module.Completion;

/// <summary>A run under the root in scope, as completion shows it.</summary>
public sealed record RunChoice(string Name, string Key, Guid Id, RunStatus Status, DateTimeOffset CreatedAt, string Path);

/// <summary>
/// What a completer reads from the command line being completed (the parameters PowerShell has bound so far, with
/// variables the session defines already evaluated) and from disk: the runs root in scope, the runs under it, and
/// the run that -Run names. Paths are read against the PowerShell location, as the cmdlets read them.
/// </summary>
public sealed class CompletionScope(string parameter, IDictionary? fakeBoundParameters, CommandAst? command = null)
{
    /// <summary>The parameter being completed.</summary>
    public string Parameter => parameter;

    /// <summary>A bound parameter's value, unwrapped from its PSObject; null when unbound.</summary>
    public object? Bound(string name)
    {
        if (fakeBoundParameters is null || !fakeBoundParameters.Contains(name)) return null;
        return Unwrap(fakeBoundParameters[name]);
    }

    /// <summary>A bound parameter's text (the first, when several were given); null when unbound or not text.</summary>
    public string? BoundText(string name) => First(Bound(name)) is string s && s.Length > 0 ? s : null;

    /// <summary>The runs root in scope: -Root when bound, else $env:RUNTOOLS_ROOT, else ./runs, relative to the
    /// current location. The same rule as the cmdlets' (<see cref="Infrastructure.RunCmdlet"/>); kept in this one
    /// method so completion follows the shared run resolver.</summary>
    public string Root =>
        root ??= FullPath(RunResolver.RootIn(BoundText("Root")));

    string? root;

    /// <summary>The runs under <see cref="Root"/>, newest first; runs that cannot be read are left out.</summary>
    public IReadOnlyList<RunChoice> Runs => runs ??= ReadRuns(Root);

    IReadOnlyList<RunChoice>? runs;

    static IReadOnlyList<RunChoice> ReadRuns(string root) =>
        RunStore.List(root)
            .Select(directory => RunStore.Read(directory).Match(
                Succ: m => new RunChoice(m.Name, m.Key, m.RunId, m.Status, m.CreatedAt, directory),
                Fail: _ => (RunChoice?)null))
            .OfType<RunChoice>()
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The manifest of the run bound to -Run (a run object, a path, a run name, a key or an id prefix), or
    /// piped in from a variable (<c>$r | Invoke-RunStage -Name ...</c>); null when there is none or it names no
    /// readable run.</summary>
    public RunManifest? BoundRun() =>
        RunDirectory(Bound("Run") ?? PipedVariable()) is { } directory ? RunStore.Read(directory).Match(Succ: m => m, Fail: _ => (RunManifest?)null) : null;

    /// <summary>The value of the variable piped into the command (<c>$r | Cmd</c>), read from the session (nothing is
    /// run); null when the command is first in its pipeline or its input is anything but a plain variable.</summary>
    object? PipedVariable()
    {
        if (command?.Parent is not PipelineAst pipeline) return null;
        var index = pipeline.PipelineElements.IndexOf(command);
        if (index < 1 || pipeline.PipelineElements[index - 1] is not CommandExpressionAst { Redirections.Count: 0, Expression: VariableExpressionAst variable }
            || variable.Splatted || !variable.VariablePath.IsVariable) return null;
        return Session()?.PSVariable.GetValue(variable.VariablePath.UserPath);
    }

    /// <summary>The directory of the run a value names, as the cmdlets accept it: an object with a Path or RunPath
    /// (Get-Run, New-Run, Invoke-RunStage output), a directory, a path, then a run name, a key (its latest run) or a
    /// unique id prefix under the root in scope (the cmdlets' <see cref="RunResolver"/>), without errors.</summary>
    public string? RunDirectory(object? value)
    {
        switch (Unwrap(First(value)))
        {
            case null:
                return null;
            case string text:
                return RunNamed(text);
            case DirectoryInfo directory:
                return IsRun(directory.FullName);
            case PathInfo path:
                return IsRun(path.ProviderPath);
            case var other:
                var properties = PSObject.AsPSObject(other).Properties;
                return (properties["RunPath"]?.Value ?? properties["Path"]?.Value) is string runPath ? IsRun(FullPath(runPath)) : null;
        }
    }

    string? RunNamed(string text)
    {
        if (text.Length == 0) return null;
        // The cmdlets' own resolver, under the root in scope; a reference that names no run (or several) completes nothing.
        return new RunResolver(Root).Resolve(text, FullPath(text), all: false)
            .Match(Succ: found => found.IsEmpty ? null : found[0].Path, Fail: _ => (string?)null);
    }

    static string? IsRun(string directory)
    {
        var full = System.IO.Path.TrimEndingDirectorySeparator(directory);
        return full.Length > 0 && Directory.Exists(full) && RunStore.IsRun(full) ? full : null;
    }

    /// <summary>A path against the PowerShell location (not the process's), as the cmdlets resolve paths.</summary>
    public string FullPath(string path)
    {
        if (Session()?.Path is { } paths)
        {
            try
            {
                return paths.GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A path PowerShell cannot read (say on a drive that is not a file system): read it as .NET does.
            }
        }
        return System.IO.Path.GetFullPath(path);
    }

    SessionState? session;
    bool askedSession;

    /// <summary>The session's state (its location, its variables). A completer runs on the pipeline thread while
    /// TabExpansion2 runs, where the runspace's SessionStateProxy refuses to answer; a nested pipeline in the current
    /// runspace can ask.</summary>
    SessionState? Session()
    {
        if (askedSession) return session;
        askedSession = true;
        try
        {
            if (Runspace.DefaultRunspace is null) return null;
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            session = ps.AddScript("$ExecutionContext.SessionState", useLocalScope: true).Invoke()
                .Select(o => o?.BaseObject).OfType<SessionState>().FirstOrDefault();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            session = null;
        }
        return session;
    }

    static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    static object? First(object? value) =>
        Unwrap(value) is IEnumerable items and not string and not IDictionary ? items.Cast<object?>().FirstOrDefault() : Unwrap(value);
}
