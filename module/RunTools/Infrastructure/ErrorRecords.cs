using System.Management.Automation;
using LanguageExt.Common;
using RunTools.Domain;

namespace RunTools.Module.Infrastructure;

/// <summary>The exception an ErrorRecord carries for a RunTools error; <see cref="Error"/> keeps the typed value.</summary>
public sealed class RunToolsException(RunError error) : Exception(error.Message)
{
    public RunError Error { get; } = error;
}

/// <summary>A confirmation the cmdlet had to ask for (its ConfirmImpact reaches $ConfirmPreference, or -Confirm was
/// given) in a session that cannot ask: <c>pwsh -NonInteractive</c>, a job, a host without a user interface. Nothing
/// was changed for the item. This error belongs to the PowerShell surface, not to the core: only a cmdlet prompts.</summary>
public sealed record ConfirmationRequired(string Command, string Action, string Item)
    : RunError($"{Command} must ask before it goes ahead ({Action}: '{Item}'), but this session cannot ask (it is non-interactive). " +
               "Nothing was changed for it. Add -Confirm:$false to go ahead without asking, or -WhatIf to see what it would do.", 1998)
{
    public override ErrorKind Kind => ErrorKind.InvalidOperation;
    public override object? Target => Item;
}

/// <summary>
/// The one mapping from core errors to PowerShell ErrorRecords: the ErrorId is the error record's type name
/// (stable, PascalCase), the category follows its kind, the target is the offending input.
/// </summary>
public static class ErrorRecords
{
    public static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.ParseError => ErrorCategory.ParserError,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        ErrorKind.Security => ErrorCategory.SecurityError,
        ErrorKind.OperationFailed => ErrorCategory.InvalidResult,
        ErrorKind.Cancelled => ErrorCategory.OperationStopped,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.ReadError => ErrorCategory.ReadError,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The ErrorRecords of a failure: one for a single error, one per error of a <see cref="ManyErrors"/>
    /// (checks that report every problem at once, such as unknown config keys), in order.</summary>
    /// <param name="fallbackTarget">Used when an error has no target of its own.</param>
    public static Seq<ErrorRecord> All(Error error, object? fallbackTarget = null) =>
        Failures.Flatten(error).Map(e => From(e, fallbackTarget));

    /// <summary>Whether an exception thrown while asking ShouldProcess/ShouldContinue means the session cannot prompt:
    /// the console host in -NonInteractive mode throws PSInvalidOperationException ("Read and Prompt functionality is
    /// not available"); a host without a user interface throws HostException.</summary>
    public static bool CannotPrompt(Exception e) => e is PSInvalidOperationException or System.Management.Automation.Host.HostException;

    /// <param name="fallbackTarget">Used when the error has no target of its own.</param>
    static ErrorRecord From(Error error, object? fallbackTarget) => error switch
    {
        RunError e => new ErrorRecord(new RunToolsException(e), e.ErrorId, Category(e.Kind), e.Target ?? fallbackTarget),
        // Anything else is a bug or an unexpected fault of the platform: still an ErrorRecord, never a raw exception,
        // with the same ErrorId as every other unanticipated failure.
        _ => From(new UnexpectedFailure("RunTools", error.Exception.Map(e => e.GetType().Name).IfNone(error.GetType().Name), error.Message), fallbackTarget),
    };
}
