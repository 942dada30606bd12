using System.Collections;
using System.Management.Automation;
using LanguageExt.Common;
using RunTools.Domain;

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

    /// <summary>The root used when -Root is not given: $env:RUNTOOLS_ROOT, else ./runs.</summary>
    protected string DefaultRoot =>
        FullPath(Environment.GetEnvironmentVariable("RUNTOOLS_ROOT") is { Length: > 0 } root ? root : "runs");

    /// <summary>A file-system path relative to the current PowerShell location (not the process directory).</summary>
    protected string FullPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    protected string PowerShellVersion =>
        SessionState.PSVariable.GetValue("PSVersionTable") is IDictionary table && table["PSVersion"] is { } version
            ? version.ToString() ?? "unknown"
            : "unknown";

    /// <summary>One bad item: report it and let the pipeline continue. Several problems found together (a core check
    /// that reports every one, as <see cref="ManyErrors"/>) are one error record each.</summary>
    protected void WriteFailure(Error error, object? target = null)
    {
        if (error is ManyErrors many)
        {
            foreach (var one in many.Errors) WriteError(ErrorRecords.From(one, target));
            return;
        }
        WriteError(ErrorRecords.From(error, target));
    }

    /// <summary>Nothing can proceed.</summary>
    protected void Terminate(Error error, object? target = null) => ThrowTerminatingError(ErrorRecords.From(error, target));

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
