using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Stages;
using RunTools.Shell.Store;
using RunTools.Stages;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>
/// Runs one stage of a run: a script block (which receives the run as <c>$Run</c>) or an external command. Records
/// start, end, status and duration, captures output to logs/&lt;stage&gt;.log, hashes declared inputs and outputs,
/// and skips a stage that already completed with the same inputs unless -Force.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "RunStage", SupportsShouldProcess = true, DefaultParameterSetName = Script, HelpUri = HelpLinks.Docs + "Invoke-RunStage.md")]
[OutputType(typeof(StageResult))]
public sealed class InvokeRunStageCommand : RunCmdlet
{
    const string Script = "ScriptBlock", External = "Command";

    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [RunPathTransformation]
    [Alias("Path")]
    public string Run { get; set; } = "";

    /// <summary>Where run names given to -Run are looked up (default: $env:RUNTOOLS_ROOT, else ./runs).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>The stage name (also names its log).</summary>
    [ArgumentCompleter(typeof(Completion.StageNameCompleter))]
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Stage")]
    public string Name { get; set; } = "";

    /// <summary>The stage body. It receives the run context as its first argument and as $Run.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = Script)]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>An executable to run instead of a script block; it runs in the run directory.</summary>
    [Parameter(Mandatory = true, ParameterSetName = External)]
    public string? Command { get; set; }

    [Parameter(ParameterSetName = External, Position = 1, ValueFromRemainingArguments = true)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = [];

    /// <summary>Stages that must have completed first.</summary>
    [ArgumentCompleter(typeof(Completion.StageNameCompleter))]
    [Parameter]
    public string[] DependsOn { get; set; } = [];

    /// <summary>Files the stage reads: relative paths are inside the run; absolute paths may be outside it.</summary>
    [Parameter]
    [Alias("Inputs")]
    public string[] Input { get; set; } = [];

    /// <summary>Files the stage writes, inside the run. They are hashed and registered when it ends.</summary>
    [Parameter]
    [Alias("Outputs")]
    public string[] Output { get; set; } = [];

    /// <summary>Run even if the stage completed before with the same inputs.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    readonly CancellationTokenSource stopping = new();
    PowerShell? nested;
    StageConfig config = new(ConfigNull.Instance, SecretMask.None);
    Seq<SecretChanged> changed;

    protected override void Process()
    {
        // The config with its references expanded from this environment. A secret's value never reaches what is
        // recorded: the command line is masked before it is compared with the last attempt's (so it is stable).
        if (!ResolveRun(Run, out var run)) return;
        Run = run; // the run directory from here on (Execute and the stage body use it)
        var secrets = StageSecrets.Resolve(Run);
        var mask = secrets.Match(c => c.Mask, _ => SecretMask.None);
        var spec = new StageSpec(Name, DependsOn.ToSeq(), Input.ToSeq(), Output.ToSeq(), Force.IsPresent, mask.Apply(Describe()));
        if (!Succeeded(StageRunner.Preview(Run, spec), out var preview, Name)) return;
        if (preview is SkipStage skipped)
        {
            WriteSkipped(skipped);
            return;
        }
        // A stage that runs needs every variable its config refers to (SecretNotFound: nothing is recorded).
        if (!Succeeded(secrets, out config, Name)) return;
        changed = ConfigSecrets.Changed(config);
        foreach (var c in changed) WriteWarning(c.Message);
        if (!ShouldProcess(RunTarget(Run), $"Run stage '{Name}' ({((StartStage)preview).Reason})")) return;
        if (!Succeeded(StageRunner.Begin(Run, spec), out var begun, Name)) return;
        begun.Match(Left: WriteSkipped, Right: Execute);
    }

    void WriteSkipped(SkipStage skip)
    {
        WriteVerbose($"Stage '{Name}' skipped: {skip.Reason}. Use -Force to run it again.");
        if (Succeeded(RunStore.Read(Run), out var manifest, Run))
            WriteObject(StageResult.Of(manifest, skip.Previous, manifest.Path!, skipped: true, skip.Reason));
    }

    void Execute(StageAttempt attempt)
    {
        StageOutcome outcome;
        try
        {
            WriteVerbose($"Stage '{Name}' attempt {attempt.Attempt}: {attempt.Reason}.");
            foreach (var c in changed) foreach (var line in StageLogLine.Mark(StageLogLine.Warning, c.Message)) StageRunner.AppendLog(attempt.LogPath, line);
            outcome = ScriptBlock is not null ? RunScript(attempt, ScriptBlock) : RunCommand(attempt, Command!);
        }
        catch (PipelineStoppedException)
        {
            outcome = new StageWasCancelled();
        }
        catch (Exception e)
        {
            // Whatever happened, the stage must end as failed, not stay 'running' in the manifest.
            outcome = new StageErrored(new UnexpectedFailure($"Stage '{Name}'", e.GetType().Name, config.Mask.Apply(e.Message)), e.GetType().Name);
        }
        var recorded = StageRunner.Finish(attempt, outcome);
        // Ctrl+C: the stage (and run) are recorded as cancelled; now let the stop through.
        if (outcome is StageWasCancelled) throw new PipelineStoppedException();
        if (!Succeeded(recorded, out var finished, Name)) return;
        var manifest = finished.Manifest;
        var result = StageResult.Of(manifest, manifest.Stage(Name)!, manifest.Path!, skipped: false, attempt.Reason);
        if (finished.Error is { } error)
        {
            WriteFailure(error, result);
            return;
        }
        WriteObject(result);
    }

    /// <summary>Runs the script block in a nested pipeline of this runspace with $ErrorActionPreference = 'Stop', so
    /// any error fails the stage. Like a function, the stage runs at the caller's preferences, with -Verbose, -Debug,
    /// -WarningAction and -InformationAction of this cmdlet setting them for it. Every stream it writes (output, error,
    /// warning, verbose, debug, information, host) is merged into its output (<c>*&gt;&amp;1</c>) and, as it comes,
    /// written to the stage log (each line marked with its stream, see <see cref="StageLogLine"/>, with the run's secret
    /// values masked) and passed on through this cmdlet, so the console shows what those preferences show (Write-Host
    /// text always; an information message only at InformationPreference Continue, though the log has it).</summary>
    StageOutcome RunScript(StageAttempt attempt, ScriptBlock body)
    {
        var context = ContextFor(attempt);
        using var log = new MaskedWriter(StageRunner.OpenLog(attempt.LogPath), config.Mask);
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        nested = ps;
        // Plain assignments, no cmdlets: a host may have only Microsoft.PowerShell.Core.
        var preferences = StagePreferences();
        ps.AddScript(
                "param($__RunToolsStageBody, $Run, $__RunToolsPreferences) " +
                string.Concat(preferences.Keys.Cast<string>().Order().Select(name => $"${name} = $__RunToolsPreferences['{name}']; ")) +
                "$__RunToolsPreferences = $null; $ErrorActionPreference = 'Stop'; " +
                "& $__RunToolsStageBody $Run *>&1", useLocalScope: true)
            .AddArgument(body)
            .AddArgument(context)
            .AddArgument(preferences);
        var output = new PSDataCollection<PSObject>();
        ErrorRecord? firstError = null;
        output.DataAdded += (s, e) =>
        {
            var item = ((PSDataCollection<PSObject>)s!)[e.Index];
            if (item?.BaseObject is ErrorRecord error) firstError ??= error;
            Relay(log, item);
        };
        try
        {
            ps.Invoke(null, output);
        }
        catch (PipelineStoppedException)
        {
            return new StageWasCancelled();
        }
        catch (RuntimeException e)
        {
            // A .NET method failure arrives wrapped; report the exception the script actually hit.
            var inner = e.ErrorRecord?.Exception is { } x and not ParentContainsErrorRecordException ? x : e;
            log.Write(StageLogLine.Error, $"{inner.GetType().Name}: {inner.Message}");
            if (e.ErrorRecord?.InvocationInfo?.PositionMessage is { Length: > 0 } position) log.Write(StageLogLine.Error, position);
            return new StageErrored(new StageScriptFailed(Name, inner.GetType().Name, config.Mask.Apply(inner.Message)), inner.GetType().Name);
        }
        finally
        {
            log.EndHostLine();
            nested = null;
        }
        if (stopping.IsCancellationRequested || ps.InvocationStateInfo.State == PSInvocationState.Stopped) return new StageWasCancelled();
        // A non-terminating error the stage let through (-ErrorAction Continue) still fails it.
        if ((firstError ?? (ps.Streams.Error.Count > 0 ? ps.Streams.Error[0] : null)) is { } first)
            return new StageErrored(new StageScriptFailed(Name, first.Exception.GetType().Name, config.Mask.Apply(first.Exception.Message)), first.Exception.GetType().Name);
        return new StageSucceeded();
    }

    /// <summary>The preference variables the common parameters given to this cmdlet set for the stage, as they set
    /// them for an advanced function's scope.</summary>
    System.Collections.Hashtable StagePreferences()
    {
        var bound = MyInvocation.BoundParameters;
        var preferences = new System.Collections.Hashtable();
        if (bound.TryGetValue("Verbose", out var verbose))
            preferences["VerbosePreference"] = ((SwitchParameter)verbose).IsPresent ? ActionPreference.Continue : ActionPreference.SilentlyContinue;
        if (bound.TryGetValue("Debug", out var debug))
            preferences["DebugPreference"] = ((SwitchParameter)debug).IsPresent ? ActionPreference.Continue : ActionPreference.SilentlyContinue;
        if (bound.TryGetValue("WarningAction", out var warning)) preferences["WarningPreference"] = warning;
        if (bound.TryGetValue("InformationAction", out var information)) preferences["InformationPreference"] = information;
        return preferences;
    }

    /// <summary>One record of the stage's merged streams: to the log with its stream's marker, and on to the caller
    /// through this cmdlet (the preferences in the scope that wrote it decide what the console shows). Errors are not passed on: the first one
    /// fails the stage, and that failure is the error the caller sees.</summary>
    void Relay(MaskedWriter log, PSObject? item)
    {
        switch (item?.BaseObject)
        {
            case ErrorRecord error:
                log.Write(StageLogLine.Error, error.ToString());
                break;
            case WarningRecord warning:
                log.Write(StageLogLine.Warning, warning.Message);
                WriteWarning(warning.Message);
                break;
            case VerboseRecord verbose:
                log.Write(StageLogLine.Verbose, verbose.Message);
                WriteVerbose(verbose.Message);
                break;
            case DebugRecord debug:
                log.Write(StageLogLine.Debug, debug.Message);
                WriteDebug(debug.Message);
                break;
            case InformationRecord { MessageData: HostInformationMessage host } information when information.Tags.Contains("PSHOST"):
                log.WriteHost(host.Message, host.NoNewLine == true);
                WriteInformation(information);
                break;
            case InformationRecord information:
                log.Write(StageLogLine.Information, information.MessageData?.ToString());
                WriteInformation(information);
                break;
            default:
                log.Write(StageLogLine.Output, item?.ToString());
                break;
        }
    }

    /// <summary>Runs the command on a worker thread and relays its output lines as verbose messages from this
    /// (the pipeline) thread; Ctrl+C kills the command and the stage is recorded as cancelled.</summary>
    StageOutcome RunCommand(StageAttempt attempt, string command)
    {
        var (outcome, stopped, writeFailure) = WorkerRelay.Run(post => CommandStage.Run(attempt, command, ArgumentList, line => post(line), config.Mask, stopping.Token),
            message => WriteVerbose((string)message), stopping);
        // The command has been stopped and awaited; the caller records the stage as failed.
        if (writeFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(writeFailure);
        return stopped ? new StageWasCancelled() : outcome;
    }

    StageContext ContextFor(StageAttempt attempt)
    {
        var m = attempt.Manifest;
        string Full(string p) => Path.IsPathRooted(p) ? p : Path.Combine(attempt.RunDirectory, p);
        return new StageContext(
            attempt.RunDirectory, m.Name, m.RunId, Name, attempt.Attempt,
            ConfigPlain.ToPlain(config.Config),
            Path.Combine(attempt.RunDirectory, RunLayout.ResolvedConfig),
            m.Inputs.Map(i => i.FullPath).ToArray(),
            Input.Select(i => Path.IsPathRooted(i) ? i : FullPath(Path.Combine(attempt.RunDirectory, i))).ToArray(),
            attempt.Outputs.Map(Full).ToArray(),
            attempt.LogPath);
    }

    /// <summary>What runs, for the stage record: a script block by the hash of its text, a command by its line.
    /// A changed body makes a completed stage run again.</summary>
    string Describe() => ScriptBlock is not null
        ? "scriptblock sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ScriptBlock.ToString())))
        : string.Join(' ', new[] { Command! }.Concat(ArgumentList));

    /// <summary>The stage log as the script's streams write it: every line marked with its stream and with the secret
    /// values masked. Write-Host -NoNewline pieces are kept until the line ends (the next host message without
    /// -NoNewline, a message to another stream, or the end of the stage), so the log has the line the console shows.</summary>
    sealed class MaskedWriter(StreamWriter log, SecretMask mask) : IDisposable
    {
        readonly StringBuilder hostLine = new();
        bool hostPending;

        public void Write(string stream, string? text)
        {
            EndHostLine();
            foreach (var line in StageLogLine.Mark(stream, text)) log.WriteLine(mask.Apply(line));
        }

        public void WriteHost(string? text, bool noNewLine)
        {
            hostLine.Append(text);
            hostPending = true;
            if (!noNewLine) EndHostLine();
        }

        public void EndHostLine()
        {
            if (!hostPending) return;
            var text = hostLine.ToString();
            hostLine.Clear();
            hostPending = false;
            foreach (var line in StageLogLine.Mark(StageLogLine.Host, text)) log.WriteLine(mask.Apply(line));
        }

        public void Dispose()
        {
            EndHostLine();
            log.Dispose();
        }
    }

    protected override void StopProcessing()
    {
        stopping.Cancel();
        nested?.BeginStop(null, null);
    }
}
