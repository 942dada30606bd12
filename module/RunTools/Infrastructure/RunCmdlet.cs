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
    protected string DefaultRoot =>
        FullPath(Environment.GetEnvironmentVariable("RUNTOOLS_ROOT") is { Length: > 0 } root ? root : "runs");

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
