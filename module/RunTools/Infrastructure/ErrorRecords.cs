using System.Management.Automation;
using LanguageExt.Common;
using RunTools.Domain;

namespace RunTools.Module.Infrastructure;

/// <summary>The exception an ErrorRecord carries for a RunTools error; <see cref="Error"/> keeps the typed value.</summary>
public sealed class RunToolsException(RunError error) : Exception(error.Message)
{
    public RunError Error { get; } = error;
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

    /// <param name="fallbackTarget">Used when the error has no target of its own.</param>
    public static ErrorRecord From(Error error, object? fallbackTarget = null) => error switch
    {
        RunError e => new ErrorRecord(new RunToolsException(e), e.ErrorId, Category(e.Kind), e.Target ?? fallbackTarget),
        // Anything else is a bug or an unexpected fault of the platform: still an ErrorRecord, never a raw exception,
        // with the same ErrorId as every other unanticipated failure.
        _ => From(new UnexpectedFailure("RunTools", error.Exception.Map(e => e.GetType().Name).IfNone(error.GetType().Name), error.Message), fallbackTarget),
    };
}
