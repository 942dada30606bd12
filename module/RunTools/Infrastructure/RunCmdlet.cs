using System.Collections;
using System.Management.Automation;
using LanguageExt.Common;
using RunTools.Domain;
using RunTools.Shell.Store;

namespace RunTools.Module.Infrastructure;

/// <summary>What every RunTools cmdlet shares: path resolution against the PowerShell location, and writing core
/// errors through the one mapping in <see cref="ErrorRecords"/>.</summary>
public abstract class RunCmdlet : PSCmdlet
{
    /// <summary>The cmdlet's per-input work (ProcessRecord).</summary>
    protected virtual void Process() { }

    /// <summary>The cmdlet's work after the last input (EndProcessing).</summary>
    protected virtual void End() { }

    protected sealed override void ProcessRecord() => Guard(Process);

    protected sealed override void EndProcessing() => Guard(End);

    /// <summary>Core failures arrive as error values and are mapped where they occur. This is the net under them: an
    /// exception nobody anticipated (a bug, a platform fault) still reaches the user as an ErrorRecord
    /// (UnexpectedFailure), never as a raw .NET exception. PowerShell's own control flow passes through.</summary>
    void Guard(Action work)
    {
        try
        {
            work();
        }
        catch (OperationCanceledException) when (Stopping)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not (RuntimeException or ThreadAbortException))
        {
            WriteFailure(new UnexpectedFailure(MyInvocation.MyCommand.Name, e.GetType().Name, e.Message), CurrentInput);
        }
    }

    /// <summary>What the cmdlet was working on, as the target of an unexpected failure: its -Run, -Path or -Name
    /// argument, else the cmdlet's name.</summary>
    object CurrentInput =>
        new[] { "Run", "Path", "Name" }.Select(p => MyInvocation.BoundParameters.TryGetValue(p, out var v) ? v : null).FirstOrDefault(v => v is not null)
        ?? MyInvocation.MyCommand.Name;

    /// <summary>Runs one item's work so that an exception nobody anticipated becomes that item's UnexpectedFailure
    /// (with the item as its target) instead of ending the cmdlet: one bad run never hides the others.</summary>
    protected static Fin<T> Guarded<T>(object item, Func<Fin<T>> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is not (RuntimeException or ThreadAbortException or OperationCanceledException))
        {
            return FinFail<T>(new UnexpectedFailure($"Reading '{item}'", e.GetType().Name, e.Message));
        }
    }

    /// <summary>ShouldProcess for every RunTools cmdlet: where it must ask and the session cannot (pwsh
    /// -NonInteractive, a job, a host without a user interface), nothing is done and the cmdlet stops with
    /// ConfirmationRequired naming the item, instead of PowerShell's prompt failure.</summary>
    protected new bool ShouldProcess(string target, string action)
    {
        try
        {
            return base.ShouldProcess(target, action);
        }
        catch (Exception e) when (ErrorRecords.CannotPrompt(e))
        {
            Terminate(new ConfirmationRequired(MyInvocation.MyCommand.Name, action, target));
            return false;
        }
    }

    /// <summary>Whether the cmdlet runs under -WhatIf (or $WhatIfPreference): then only the plan is computed and
    /// announced, without taking locks or writing.</summary>
    protected bool WhatIfMode =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? whatIf is SwitchParameter { IsPresent: true } || whatIf is true
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    /// <summary>The root used when -Root is not given: $env:RUNTOOLS_ROOT, else ./runs.</summary>
    protected string DefaultRoot => FullPath(RunResolver.RootIn(null));

    /// <summary>The root run names are looked up under: the cmdlet's -Root when it has one and it is given, else
    /// $env:RUNTOOLS_ROOT, else ./runs (relative to the PowerShell location).</summary>
    protected string NameRoot =>
        FullPath(RunResolver.RootIn(MyInvocation.BoundParameters.TryGetValue("Root", out var root) ? root as string : null));

    readonly Dictionary<string, RunResolver> resolvers = new(StringComparer.Ordinal);
    readonly Dictionary<(string Root, string Reference, bool All), Fin<Seq<ResolvedRun>>> resolved = [];

    /// <summary>The run directory a -Run argument names (see <see cref="ResolveRuns"/>); false when it names none (the
    /// error is written).</summary>
    /// <param name="root">Where names are looked up (default: <see cref="NameRoot"/>).</param>
    protected bool ResolveRun(string reference, out string path, string? root = null)
    {
        var runs = ResolveRuns(reference, all: false, root);
        path = runs.IsEmpty ? "" : runs.Head;
        return !runs.IsEmpty;
    }

    /// <summary>The run directories a -Run argument names: a run object's or a path's directory, or the run a name,
    /// key, id or id prefix names under <see cref="NameRoot"/> (with <paramref name="all"/>, every run of a key).
    /// Through the one resolver: a key that several runs share is the latest of them, with a warning; a reference
    /// that names no run is RunNotFound with the nearest names. Each reference is resolved (and reported) once per
    /// command, so a -Run given once for a thousand piped values is looked up once.</summary>
    protected Seq<string> ResolveRuns(string reference, bool all, string? inRoot = null)
    {
        var root = inRoot ?? NameRoot;
        if (resolved.TryGetValue((root, reference, all), out var known)) return known.Match(Succ: r => r.Map(x => x.Path), Fail: _ => Seq<string>());
        if (!resolvers.TryGetValue(root, out var resolver)) resolvers[root] = resolver = new RunResolver(root);
        var result = Guarded(reference, () => resolver.Resolve(reference, AsPath(reference), all));
        resolved[(root, reference, all)] = result;
        if (!Succeeded(result, out var runs, reference)) return Seq<string>();
        if (!all && runs.Head is { Matching: > 1 } latest)
            WriteWarning($"'{reference}' matches {latest.Matching} runs under '{root}'; using the latest, {latest.Name}. Give its name or id to choose another.");
        return runs.Map(r => r.Path);
    }

    /// <summary><see cref="ResolveRuns(string, bool)"/> of each reference, in order.</summary>
    protected IEnumerable<string> ResolveRuns(IEnumerable<string> references, bool all = false) =>
        references.SelectMany(r => ResolveRuns(r, all));

    /// <summary>A reference read as a file-system path against the PowerShell location (no trailing separator); null
    /// when it cannot be one (a drive that does not exist, another provider's path).</summary>
    string? AsPath(string reference)
    {
        try
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(reference, out var provider, out _);
            return provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider) ? Path.TrimEndingDirectorySeparator(path) : null;
        }
        catch (Exception e) when (e is not (PipelineStoppedException or OperationCanceledException))
        {
            return null;
        }
    }

    /// <summary>A -Path argument: every file-system item its wildcards match (none when nothing matches), or, without
    /// wildcards, the path itself (whether it exists is for the caller to say). A -LiteralPath argument
    /// (<paramref name="literal"/>) is never expanded.</summary>
    protected Seq<string> ExpandPath(string path, bool literal)
    {
        if (literal || !WildcardPattern.ContainsWildcardCharacters(path)) return Seq1(Path.TrimEndingDirectorySeparator(FullPath(path)));
        try
        {
            var found = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
            return provider.ImplementingType == typeof(Microsoft.PowerShell.Commands.FileSystemProvider)
                ? toSeq(found.Select(p => Path.TrimEndingDirectorySeparator(p)).ToArray())
                : Seq<string>();
        }
        catch (ItemNotFoundException)
        {
            return Seq<string>();
        }
    }

    /// <summary>How every cmdlet names a run in ShouldProcess (-WhatIf, -Confirm): its name, then its directory.</summary>
    protected static string RunTarget(string runPath) => RunResolver.Target(runPath);

    /// <summary>A file-system path relative to the current PowerShell location (not the process directory).</summary>
    protected string FullPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    protected string PowerShellVersion =>
        SessionState.PSVariable.GetValue("PSVersionTable") is IDictionary table && table["PSVersion"] is { } version
            ? version.ToString() ?? "unknown"
            : "unknown";

    /// <summary>One bad item: report it (each of its errors, when a check reported several at once) and let the
    /// pipeline continue.</summary>
    protected void WriteFailure(Error error, object? target = null)
    {
        foreach (var record in ErrorRecords.All(error, target)) WriteError(record);
    }

    /// <summary>Nothing can proceed: every error but the last is written, the last one terminates.</summary>
    protected void Terminate(Error error, object? target = null)
    {
        var records = ErrorRecords.All(error, target);
        foreach (var record in records.Init) WriteError(record);
        ThrowTerminatingError(records.Last);
    }

    /// <summary>Writes the value (or the error) of a core result.</summary>
    protected void Emit<T>(Fin<T> result, object? target = null) =>
        result.Match(Succ: value => WriteObject(value), Fail: error => WriteFailure(error, target));

    /// <summary>Unwraps a core result; on failure writes the error and returns false.</summary>
    protected bool Succeeded<T>(Fin<T> result, out T value, object? target = null)
    {
        T? found = default;
        Error? failure = null;
        result.Match(Succ: v => found = v, Fail: e => failure = e);
        if (failure is not null)
        {
            WriteFailure(failure, target);
            value = default!;
            return false;
        }
        value = found!;
        return true;
    }
}
