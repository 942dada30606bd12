
using LanguageExt.Common;

namespace RunTools.Domain;

/// <summary>What kind of failure an error is. The module maps each kind to one PowerShell ErrorCategory.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    InvalidData,
    ParseError,
    InvalidOperation,
    ResourceExists,
    ResourceBusy,
    Security,
    OperationFailed,
    Cancelled,
    WriteError,
    ReadError,
    LimitsExceeded,
}

/// <summary>
/// Every error the core (and the shell's adapters) can return: a closed set of coded records. The record's type
/// name is its stable ErrorId in PowerShell; <see cref="Target"/> is the offending input (a path, a key, a stage),
/// which becomes the ErrorRecord's TargetObject.
/// </summary>
public abstract record RunError(string Text, int ErrorCode) : Expected(Text, ErrorCode, default(Option<Error>))
{
    public abstract ErrorKind Kind { get; }
    public abstract object? Target { get; }

    /// <summary>The stable identifier (the record's type name, PascalCase).</summary>
    public string ErrorId => GetType().Name;
}

// ---- identifiers and paths ----------------------------------------------------------------------------------

public sealed record InvalidName(string What, string Value, string Reason)
    : RunError($"'{Excerpt.Of(Value)}' is not a valid {What}: {Reason}", 1001)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Value;
}

public sealed record PathReserved(string Path)
    : RunError($"'{Excerpt.Path(Path)}' is one of the run's own files (run.json, events.jsonl, config files, sidecars, logs, hidden files); write artifacts and outputs elsewhere.", 1003)
{
    public override ErrorKind Kind => ErrorKind.Security;
    public override object? Target => Path;
}

public sealed record PathOutsideRun(string Path, string RunPath)
    : RunError($"The path '{Excerpt.Path(Path)}' resolves outside the run directory '{Excerpt.Path(RunPath)}'.", 1002)
{
    public override ErrorKind Kind => ErrorKind.Security;
    public override object? Target => Path;
}

// ---- configuration -------------------------------------------------------------------------------------------

public sealed record ConfigFileNotFound(string Path)
    : RunError($"The config file '{Excerpt.Path(Path)}' does not exist.", 1101)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Path;
}

public sealed record ConfigParseError(string Source, int Line, int Column, string Detail)
    : RunError($"{Excerpt.Path(Source)}({Line},{Column}): {Excerpt.Detail(Detail)}", 1102)
{
    public override ErrorKind Kind => ErrorKind.ParseError;
    public override object? Target => Source;
}

public sealed record ConfigOverrideInvalid(string Override, string Detail)
    : RunError($"The config override '{Excerpt.Of(Override)}' is not valid: {Excerpt.Detail(Detail)}", 1103)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Override;
}

public sealed record ConfigPathConflict(string Key, string Detail)
    : RunError($"The config key '{Excerpt.Of(Key)}' cannot be set: {Excerpt.Detail(Detail)}", 1104)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Key;
}

public sealed record ConfigValueInvalid(string Key, string Detail)
    : RunError($"The config value at '{Excerpt.Of(Key)}' is not valid: {Excerpt.Detail(Detail)}", 1105)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Key;
}

// ---- config keys ---------------------------------------------------------------------------------------------

/// <summary>A key in a config section RunTools reads itself (<c>data</c>, <c>folds</c>, <c>training</c>, a training
/// candidate, a candidate's grid) that RunTools does not read. Without this error a misspelt key would silently leave
/// its setting at the default. Every unknown key of a config is reported, each as its own error.</summary>
/// <param name="Key">The full dotted key, with list indexes: <c>training.candidates[1].grdi</c>.</param>
/// <param name="Suggestion">The full key of the closest known key, when one is close enough to be a likely typo.</param>
/// <param name="Known">The keys the map at that place takes.</param>
/// <param name="Note">Why the key is not taken here when it means something elsewhere (a parameter of another
/// trainer, a setting of the outer folds).</param>
public sealed record ConfigKeyUnknown(string Key, string? Suggestion, Seq<string> Known, string? Note = null)
    : RunError($"The config key '{Key}' is not known{(Note is null ? "" : $": {Note}")}"
               + $"{(Suggestion is null ? "" : $"; did you mean '{Suggestion}'?")} (known: {string.Join(", ", Known)})", 1106)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Key;
}

// ---- secrets in config ---------------------------------------------------------------------------------------
// A config value refers to an environment variable as ${env:NAME}; the run keeps the reference and a salted hash of
// the value, never the value. None of these messages ever contains a value: they name the key and the variable.

public sealed record SecretLiteral(string Key, string SuggestedVariable)
    : RunError($"The config key '{Key}' looks like a secret and holds a literal value, which the run would record. Refer to an environment variable instead: {Key}: \"${{env:{SuggestedVariable}}}\" in the config file, or -Set '{Key}=${{env:{SuggestedVariable}}}' (in single quotes); or record the literal with -AllowSecretLiteral.", 1111)
{
    public override ErrorKind Kind => ErrorKind.Security;
    public override object? Target => Key;
}

public sealed record SecretNotFound(string Key, string Variable)
    : RunError($"The config key '{Key}' refers to the environment variable '{Variable}' (${{env:{Variable}}}), which is not set.", 1112)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Key;
}

/// <summary>A <c>${</c> in a config string that is not a well-formed <c>${env:NAME}</c>. The message gives the position,
/// not the text: the string may be a literal secret.</summary>
public sealed record SecretReferenceInvalid(string Key, int Position, string Detail)
    : RunError($"The config value at '{Key}' has a malformed reference at character {Position}: {Detail}. A reference is ${{env:NAME}} (NAME: letters, digits and '_'); write $${{ for a literal ${{.", 1113)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Key;
}

/// <summary>Reported as a warning when a stage starts: the referenced variable's value is not the one the run was
/// created with (its salted hash differs). The stage sees the current value.</summary>
public sealed record SecretChanged(string Key, string Reference)
    : RunError($"The config key '{Key}' refers to {Reference}, whose value is not the one the run was created with (the salted hash recorded in the run does not match); the stage sees the current value.", 1114)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Key;
}

public sealed record SecretKeyPatternInvalid(string Pattern, string Detail)
    : RunError($"The secret key pattern '{Pattern}' is not valid: {Detail}", 1115)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Pattern;
}

// ---- data files -----------------------------------------------------------------------------------------------

public sealed record DataFileNotFound(string Path)
    : RunError($"The data file '{Excerpt.Path(Path)}' does not exist.", 1201)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Path;
}

public sealed record DataFileInvalid(string Path, string Detail)
    : RunError($"The data file '{Excerpt.Path(Path)}' cannot be read: {Excerpt.Detail(Detail)}", 1202)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

public sealed record DataFileChanged(string Path, string Recorded, string Now)
    : RunError($"The data file '{Excerpt.Path(Path)}' changed since the run was created (sha256 {Recorded[..12]}… recorded, {Now[..12]}… now). Create a new run for new data.", 1210)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

// ---- runs -----------------------------------------------------------------------------------------------------

/// <param name="Reference">What was given: the text of a name, key or id, or the full path of a path.</param>
/// <param name="Root">The runs root a name was looked up under, when there was one.</param>
/// <param name="NearMatches">Names or keys of runs close to the reference (at most three), to suggest.</param>
public sealed record RunNotFound(string Reference, string? Root = null, Seq<string> NearMatches = default)
    : RunError($"No run was found at or named '{Excerpt.Path(Reference)}'"
        + (Root is null ? "" : $" under '{Excerpt.Path(Root)}'")
        + (NearMatches.IsEmpty ? "." : $". Did you mean {Excerpt.Names(NearMatches)}?"), 1301)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Reference;
}

/// <param name="Reference">The leading characters of a run id.</param>
/// <param name="Runs">The names of the runs whose ids begin with them.</param>
public sealed record RunIdAmbiguous(string Reference, Seq<string> Runs)
    : RunError($"'{Excerpt.Of(Reference)}' begins the ids of {Excerpt.Count(Runs.Count)} runs ({Excerpt.Names(Runs)}); give more of the id, or the run's name.", 1309)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Reference;
}

/// <param name="Metric">What -By named.</param>
/// <param name="NearMatches">Metrics the runs have that look like it (at most three).</param>
public sealed record SortMetricNotFound(string Metric, Seq<string> NearMatches = default)
    : RunError($"No run to order has the metric '{Excerpt.Of(Metric)}'"
        + (NearMatches.IsEmpty ? "." : $". Did you mean {Excerpt.Names(NearMatches)}?"), 1310)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Metric;
}

/// <param name="Run">The run's directory name.</param>
/// <param name="Detail">What the filter script said.</param>
public sealed record RunFilterFailed(string Run, string Detail)
    : RunError($"The -Filter script failed on the run '{Excerpt.Of(Run)}': {Excerpt.Detail(Detail)}", 1311)
{
    public override ErrorKind Kind => ErrorKind.InvalidOperation;
    public override object? Target => Run;
}

public sealed record RunCorrupted(string Path, string Detail)
    : RunError($"The run directory '{Excerpt.Path(Path)}' is damaged: {Excerpt.Detail(Detail)}", 1302)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

public sealed record RunLocked(string Path, TimeSpan Waited)
    : RunError($"The run '{Excerpt.Path(Path)}' stayed locked by another writer for {Waited.TotalSeconds:0.#} s.", 1303)
{
    public override ErrorKind Kind => ErrorKind.ResourceBusy;
    public override object? Target => Path;
}

public sealed record RunRootInvalid(string Path, string Detail)
    : RunError($"'{Excerpt.Path(Path)}' cannot hold runs: {Excerpt.Detail(Detail)}", 1304)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Path;
}

public sealed record IllegalTransition(string Subject, string From, string To)
    : RunError($"{Subject} cannot change from '{From}' to '{To}'.", 1305)
{
    public override ErrorKind Kind => ErrorKind.InvalidOperation;

    /// <summary>None of its own: <see cref="Subject"/> is wording for the message ("Run 'x'"), not an input. The
    /// cmdlet's own input (the run, the stage) becomes the target.</summary>
    public override object? Target => null;
}

public sealed record SchemaVersionUnsupported(string Path, int Found, int Supported)
    : RunError($"'{Excerpt.Path(Path)}' has schema version {Found}; this RunTools reads up to {Supported}.", 1306)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

public sealed record StorageFailed(string Path, string Operation, string Detail)
    : RunError($"Could not {Operation} '{Excerpt.Path(Path)}': {Excerpt.Detail(Detail)}", 1307)
{
    public override ErrorKind Kind => ErrorKind.WriteError;
    public override object? Target => Path;
}

public sealed record NothingToCompare(int Runs)
    : RunError($"Compare-Run needs a reference run and at least one other run; it was given {Runs}.", 1308)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => null; // the cmdlet names the runs it was given
}

// ---- stages ---------------------------------------------------------------------------------------------------

public sealed record StageDependencyNotCompleted(string Stage, string Dependency, string Status)
    : RunError($"Stage '{Excerpt.Of(Stage)}' depends on '{Excerpt.Of(Dependency)}', which is {Status}, not completed.", 1401)
{
    public override ErrorKind Kind => ErrorKind.InvalidOperation;
    public override object? Target => Dependency;
}

public sealed record StageInputNotFound(string Stage, string Path)
    : RunError($"Stage '{Excerpt.Of(Stage)}' declares the input '{Excerpt.Path(Path)}', which does not exist.", 1402)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Path;
}

public sealed record StageOutputMissing(string Stage, string Path)
    : RunError($"Stage '{Excerpt.Of(Stage)}' declared the output '{Excerpt.Path(Path)}' but did not write it.", 1403)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Path;
}

public sealed record StageScriptFailed(string Stage, string ExceptionType, string Detail)
    : RunError($"Stage '{Excerpt.Of(Stage)}' failed: {Excerpt.Detail(Detail)}", 1404)
{
    public override ErrorKind Kind => ErrorKind.OperationFailed;
    public override object? Target => Stage;
}

public sealed record StageCommandFailed(string Stage, string Command, int ExitCode)
    : RunError($"Stage '{Excerpt.Of(Stage)}': '{Excerpt.Path(Command)}' exited with code {ExitCode}.", 1405)
{
    public override ErrorKind Kind => ErrorKind.OperationFailed;
    public override object? Target => Stage;
}

public sealed record StageCommandNotStarted(string Stage, string Command, string Detail)
    : RunError($"Stage '{Excerpt.Of(Stage)}': '{Excerpt.Path(Command)}' could not be started: {Excerpt.Detail(Detail)}", 1406)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Command;
}

public sealed record StageCancelled(string Stage)
    : RunError($"Stage '{Excerpt.Of(Stage)}' was cancelled.", 1407)
{
    public override ErrorKind Kind => ErrorKind.Cancelled;
    public override object? Target => Stage;
}

// ---- artifacts and metrics ------------------------------------------------------------------------------------

public sealed record ArtifactSourceNotFound(string Path)
    : RunError($"The file '{Excerpt.Path(Path)}' does not exist.", 1501)
{
    public override ErrorKind Kind => ErrorKind.NotFound;
    public override object? Target => Path;
}

public sealed record ArtifactExists(string Path)
    : RunError($"The run already has an artifact at '{Excerpt.Path(Path)}'; use -Force to replace it.", 1502)
{
    public override ErrorKind Kind => ErrorKind.ResourceExists;
    public override object? Target => Path;
}

public sealed record OutputExists(string Path)
    : RunError($"The file '{Excerpt.Path(Path)}' already exists; use -Force to replace it.", 1504)
{
    public override ErrorKind Kind => ErrorKind.ResourceExists;
    public override object? Target => Path;
}

public sealed record MetricInvalid(string Name, string Detail)
    : RunError($"The metric '{Excerpt.Of(Name)}' is not valid: {Excerpt.Detail(Detail)}", 1503)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Name;
}

public sealed record ColumnsMissing(string Path, Seq<string> Columns)
    : RunError($"'{Excerpt.Path(Path)}' has no column{(Columns.Count == 1 ? "" : "s")} {Excerpt.Names(Columns)}.", 1203)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

// ---- retention (Remove-Run, Lock-Run) ----------------------------------------------------------------------------

/// <summary>The run is locked against removal (Lock-Run). Not to be confused with <see cref="RunLocked"/>, a writer's
/// lock that did not come free in time.</summary>
public sealed record RunRetentionLocked(string Path, string Name, string? Reason)
    : RunError($"The run '{Name}' is locked against removal{(Reason is null ? "" : $" ({Reason})")}; Unlock-Run it first (-Force does not remove a locked run).", 2101)
{
    public override ErrorKind Kind => ErrorKind.InvalidOperation;
    public override object? Target => Path;
}

/// <summary>Other runs name the run in their lineage (they were derived from it: a model, an input, an upstream).</summary>
public sealed record RunReferenced(string Path, string Name, Seq<string> By)
    : RunError($"The run '{Name}' is referenced by {string.Join(", ", By.Map(b => $"'{b}'"))} (their lineage names it); remove {(By.Count == 1 ? "that run" : "those runs")} first, or use -Force.", 2102)
{
    public override ErrorKind Kind => ErrorKind.InvalidOperation;
    public override object? Target => Path;
}

/// <summary>A retention rule that cannot be applied as given; <see cref="Parameter"/> names the parameter to change.</summary>
public sealed record RetentionPolicyInvalid(string Parameter, string Detail)
    : RunError($"-{Parameter}: {Detail}", 2103)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Parameter;
}

// ---- run bundles (Export-RunBundle, Import-RunBundle) ----------------------------------------------------------

/// <summary>The file is not a bundle RunTools can read: not a zip, no or a malformed bundle.json, a newer format.</summary>
public sealed record BundleInvalid(string Path, string Detail)
    : RunError($"'{Path}' is not a run bundle RunTools can import: {Detail}", 1601)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

/// <summary>An entry that could write outside its run or be something other than a plain file: an absolute or
/// traversing path, a backslash, a symbolic link or device, a duplicate. Also a run to export that holds a link.</summary>
public sealed record BundleEntryUnsafe(string Entry, string Detail)
    : RunError($"The bundle entry '{Entry}' is refused: {Detail}", 1602)
{
    public override ErrorKind Kind => ErrorKind.Security;
    public override object? Target => Entry;
}

/// <summary>An entry, or the bundle, beyond the import limits (size, count, compression ratio).</summary>
public sealed record BundleTooLarge(string Entry, string Detail)
    : RunError($"The bundle entry '{Entry}' is beyond the import limits: {Detail}", 1603)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Entry;
}

/// <summary>The bundle's content does not match its bundle.json: a file's bytes, a missing or unlisted file, a tree
/// hash, a run's chain head or event count.</summary>
public sealed record BundleHashMismatch(string Entry, string Detail)
    : RunError($"The bundle entry '{Entry}' does not match bundle.json: {Detail}", 1604)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Entry;
}

/// <summary>A run to import whose name or id is already taken under the root.</summary>
public sealed record RunExists(string Path, string Detail)
    : RunError($"The run '{Path}' already exists: {Detail}", 1605)
{
    public override ErrorKind Kind => ErrorKind.ResourceExists;
    public override object? Target => Path;
}

/// <summary>A run that a live process is working on (or that changed while it was read), for an operation that needs
/// it at rest.</summary>
public sealed record RunInUse(string Path, string Detail)
    : RunError($"The run '{Path}' is in use: {Detail}", 1606)
{
    public override ErrorKind Kind => ErrorKind.ResourceBusy;
    public override object? Target => Path;
}

// ---- input limits -------------------------------------------------------------------------------------------
// Hostile or huge input is refused before it can overflow the stack or exhaust memory (see InputLimits). Each bound
// has its own error; the message names the bound, what was found and the environment variable that raises it.

/// <summary>An environment variable that sets a limit holds something that is not a usable limit.</summary>
public sealed record InputLimitInvalid(string Variable, string Value, string Reason)
    : RunError($"The environment variable {Variable} is '{Excerpt.Of(Value)}', which is not a valid limit: {Reason}.", 1110)
{
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override object? Target => Variable;
}

public sealed record ConfigFileTooLarge(string Path, long Bytes, long Limit)
    : RunError($"The config file '{Excerpt.Path(Path)}' has {Excerpt.Count(Bytes)} bytes, more than the limit of {Excerpt.Count(Limit)}; "
               + InputLimits.ConfigFileBytesLimit.HowToRaise(Limit) + ".", 1121)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Path;
}

/// <summary>Maps and lists nested deeper than the limit (aliases expanded, an override's dotted key counted).</summary>
/// <param name="Source">The config file, the <c>-Set</c> override text, or an override's dotted key.</param>
/// <param name="Line">1-based; 0 when the value came from no text (a hashtable).</param>
/// <param name="Found">The depth reached where the check stopped.</param>
public sealed record ConfigTooDeep(string Source, int Line, int Column, int Found, int Limit)
    : RunError($"{LimitText.Where(Source, Line, Column)}: the config is nested {Found} levels deep here, more than the limit of {Limit} levels; "
               + InputLimits.ConfigDepthLimit.HowToRaise(Limit) + ".", 1122)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Source;
}

public sealed record ConfigScalarTooLong(string Source, int Line, int Column, long Length, long Limit)
    : RunError($"{LimitText.Where(Source, Line, Column)}: a scalar of {Excerpt.Count(Length)} characters is longer than the limit of {Excerpt.Count(Limit)}; "
               + InputLimits.ConfigScalarCharsLimit.HowToRaise(Limit) + ".", 1123)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Source;
}

public sealed record ConfigAliasesExceeded(string Source, int Line, int Column, long Limit)
    : RunError($"{LimitText.Where(Source, Line, Column)}: this alias is one more than the limit of {Excerpt.Count(Limit)} alias uses; "
               + InputLimits.ConfigAliasesLimit.HowToRaise(Limit) + ".", 1124)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Source;
}

/// <summary>The config with its aliases expanded (as every writer and hash sees it) is larger than a limit.</summary>
/// <param name="Measure">"nodes" or "characters".</param>
/// <param name="Found">The size counted where the check stopped (at least one more than the limit).</param>
public sealed record ConfigExpansionTooLarge(string Source, int Line, int Column, string Measure, long Found, long Limit)
    : RunError($"{LimitText.Where(Source, Line, Column)}: with its aliases expanded the config has reached {Excerpt.Count(Found)} {Measure} here, more than the limit of {Excerpt.Count(Limit)}; "
               + (Measure == "nodes" ? InputLimits.ConfigNodesLimit : InputLimits.ConfigCharsLimit).HowToRaise(Limit) + ".", 1125)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Source;
}

public sealed record DataColumnsExceeded(string Path, long Columns, long Limit)
    : RunError($"The data file '{Excerpt.Path(Path)}' has {Excerpt.Count(Columns)} columns, more than the limit of {Excerpt.Count(Limit)}; "
               + InputLimits.DataColumnsLimit.HowToRaise(Limit) + ".", 1211)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Path;
}

/// <param name="Line">The physical line (from 1) where the field's record starts.</param>
/// <param name="Column">The column's name when the header is known, otherwise its position ("column 3").</param>
public sealed record DataFieldTooLong(string Path, long Line, string Column, long Bytes, long Limit)
    : RunError($"{Excerpt.Path(Path)}({Line}): the field of {Excerpt.Of(Column)} has {Excerpt.Count(Bytes)} bytes, more than the limit of {Excerpt.Count(Limit)}; "
               + InputLimits.DataFieldBytesLimit.HowToRaise(Limit) + ".", 1212)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Path;
}

/// <summary>A record longer than the limit: refused as soon as that many bytes are read, before the record is whole.</summary>
public sealed record DataRecordTooLong(string Path, long Line, long Limit)
    : RunError($"{Excerpt.Path(Path)}({Line}): the record that starts here is longer than the limit of {Excerpt.Count(Limit)} bytes "
               + "(a quote that is never closed makes the rest of the file one record); "
               + InputLimits.DataRecordBytesLimit.HowToRaise(Limit) + ".", 1213)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Path;
}

public sealed record DataFooterTooLarge(string Path, long Bytes, long Limit)
    : RunError($"The Parquet file '{Excerpt.Path(Path)}' declares a footer of {Excerpt.Count(Bytes)} bytes, more than the limit of {Excerpt.Count(Limit)}; "
               + InputLimits.DataFooterBytesLimit.HowToRaise(Limit) + ".", 1214)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Path;
}

/// <summary>A Parquet footer that declares sizes the file cannot hold (a footer or column chunk past its end, a list
/// longer than the bytes left): the file is damaged or hostile, and is refused before anything is allocated for it.</summary>
public sealed record DataFooterInvalid(string Path, string Detail)
    : RunError($"The Parquet file '{Excerpt.Path(Path)}' has a footer that cannot be right: {Detail}", 1215)
{
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override object? Target => Path;
}

/// <summary>A table whose declared size would not fit in the memory this process may use.</summary>
public sealed record DataTableTooLarge(string Path, long Rows, long Columns, long Bytes, long Available)
    : RunError($"The data file '{Excerpt.Path(Path)}' declares {Excerpt.Count(Rows)} rows of {Excerpt.Count(Columns)} columns, about "
               + $"{Excerpt.Count(Bytes >> 20)} MiB in memory, more than the {Excerpt.Count(Available >> 20)} MiB this process can use; read fewer rows or columns.", 1216)
{
    public override ErrorKind Kind => ErrorKind.LimitsExceeded;
    public override object? Target => Path;
}

/// <summary>Wording shared by the limit errors.</summary>
internal static class LimitText
{
    /// <summary><c>source(line,column)</c>, or the source alone when there is no position.</summary>
    public static string Where(string source, int line, int column) =>
        line > 0 ? $"{Excerpt.Path(source)}({line},{column})" : Excerpt.Path(source);
}

/// <summary>A fault RunTools did not anticipate (a bug, or the platform failing in an unexpected way). It is still
/// reported as an ErrorRecord, and a stage it interrupts is recorded as failed rather than left running. It has no
/// target of its own: whoever reports it names the input it was working on.</summary>
public sealed record UnexpectedFailure(string Where, string ExceptionType, string Detail)
    : RunError($"{Where} failed unexpectedly ({ExceptionType}): {Excerpt.Detail(Detail)}", 1999)
{
    public override ErrorKind Kind => ErrorKind.OperationFailed;
    public override object? Target => null;
}
