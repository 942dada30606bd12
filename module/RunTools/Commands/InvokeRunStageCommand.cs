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
/// start, end, status and duration, captures output to logs/&lt;stage&gt;.log, hashes declared inputs and outputs, and
/// fingerprints everything the stage uses: the script's text, its declared inputs, the run's data, the outputs of the
/// stages it depends on, the variables it reads from outside itself, its -Parameter values and the config keys it
/// reads through $Run.Config. A stage that completed with the same fingerprint is skipped; one that another run
/// (its parent, or any run under the root) completed with the same fingerprint is reused (its outputs brought over);
/// -Force runs it regardless.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "RunStage", SupportsShouldProcess = true, DefaultParameterSetName = Script, HelpUri = HelpLinks.Docs + "Invoke-RunStage.md")]
[OutputType(typeof(StageResult))]
public sealed class InvokeRunStageCommand : StageCmdlet
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

    /// <summary>Stages that must have completed first: a stage of this run, or '&lt;run&gt;:&lt;stage&gt;' for a stage of another
    /// run (its outputs are then readable through $Run.Upstream['&lt;run&gt;'].Resolve(...)).</summary>
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

    /// <summary>Values for the stage: given to the script block as $Params (and $Run.Params), and bound by name to its
    /// param() block. They are part of the stage's fingerprint: a changed value runs the stage again.</summary>
    [Parameter(ParameterSetName = Script)]
    [Alias("Parameters")]
    public System.Collections.IDictionary? Parameter { get; set; }

    /// <summary>Run even if the stage completed before with the same fingerprint (and do not reuse another run's).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    PowerShell? nested;
    StageConfig config = new(ConfigNull.Instance, SecretMask.None);
    Seq<SecretChanged> changed;
    ConfigReads reads = new();
    Seq<UpstreamStage> upstream;

    protected override void Process()
    {
        // The config with its references expanded from this environment. A secret's value never reaches what is
        // recorded: the command line is masked before it is compared with the last attempt's (so it is stable).
        if (!ResolveRun(Run, out var run)) return;
        Run = run; // the run directory from here on (Execute and the stage body use it)
        reads = new ConfigReads(); // per run piped in
        if (!Dependencies(out var local, out upstream)) return;
        var secrets = StageSecrets.Resolve(Run);
        var mask = secrets.Match(c => c.Mask, _ => SecretMask.None);
        var uses = ScriptBlock is not null ? ScriptUses.Fingerprint(ScriptBlock, Parameter, SessionState) : Seq<FingerprintPart>();
        foreach (var part in uses.Filter(p => p.Sha256 is null))
            WriteWarning($"Stage '{Name}': {part.Label} cannot be fingerprinted ({part.Unhashable}); the stage runs every time.");
        var spec = new StageSpec(Name, local, Input.ToSeq(), Output.ToSeq(), Force.IsPresent, mask.Apply(Describe()))
        {
            Uses = uses,
            Upstream = upstream,
            // An external command can read the whole config (config_resolved.yaml): it depends on all of it.
            ConfigKeys = ScriptBlock is null ? Seq1("") : Seq<string>(),
        };
        // A stage that runs needs every variable its config refers to (SecretNotFound: nothing is recorded).
        if (secrets.IsFail)
        {
            // Only a stage that runs needs the variables its config refers to; one that would be skipped is skipped.
            if (!Succeeded(StageRunner.Preview(Run, spec), out var preview, Name)) return;
            if (preview.Decision is not SkipStage && !Succeeded(secrets, out config, Name)) return;
        }
        else config = (StageConfig)secrets;
        changed = ConfigSecrets.Changed(config);
        foreach (var c in changed) WriteWarning(c.Message);
        StageBody body = ScriptBlock is not null
            ? new CallerBody(attempt => Execute(attempt, () => RunScript(attempt, ScriptBlock)))
            : new WorkerBody((attempt, report, cancel) => Execute(attempt, () => StageBodyResult.Of(
                CommandStage.Run(attempt, Command!, ArgumentList, report.Verbose, config.Mask, cancel))));
        switch (Drive(new StageJob(Run, spec, $"Run stage '{Name}'", body)))
        {
            case StageRun.Skipped skipped:
                WriteVerbose($"Stage '{Name}' skipped: {skipped.Reason}. Use -Force to run it again.");
                WriteObject(StageResult.Of(skipped.Manifest, skipped.Stage, skipped.Manifest.Path!, skipped: true, skipped.Reason));
                break;
            case StageRun.Finished finished:
                if (finished.Stage.ReusedFrom is { } from) WriteVerbose($"Stage '{Name}' reused from {from}: its outputs were brought over, nothing ran.");
                WriteObject(StageResult.Of(finished.Manifest, finished.Stage, finished.Manifest.Path!, skipped: false, finished.Reason));
                break;
            case StageRun.Failed { Manifest: { } manifest } failed when manifest.Stage(Name) is { } stage:
                WriteFailure(failed.Error, StageResult.Of(manifest, stage, manifest.Path!, skipped: false, stage.Reason ?? ""));
                break;
            case StageRun.Failed failed:
                WriteFailure(failed.Error, Name);
                break;
        }
    }

    /// <summary>Splits -DependsOn into this run's stages and other runs' ('&lt;run&gt;:&lt;stage&gt;': a run's name, key, id or
    /// path, looked up beside this run unless -Root is given).</summary>
    bool Dependencies(out Seq<string> local, out Seq<UpstreamStage> other)
    {
        var mine = new List<string>();
        var theirs = new List<UpstreamStage>();
        local = default;
        other = default;
        foreach (var dependency in DependsOn)
        {
            var split = dependency.LastIndexOf(':');
            // 'C:\runs\x' is a path, not run 'C' (a run reference is a name, key, id or path, then ':stage').
            if (split <= 0 || split == dependency.Length - 1 || (split == 1 && dependency.Length > 2 && dependency[2] is '\\' or '/'))
            {
                mine.Add(dependency);
                continue;
            }
            var reference = dependency[..split];
            // Names are looked up beside the run (or under -Root when it is given).
            if (!ResolveRun(reference, out var path, Root is null ? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Run)) : null)) return false;
            theirs.Add(new UpstreamStage(reference, path, dependency[(split + 1)..]));
        }
        local = toSeq(mine);
        other = toSeq(theirs);
        return true;
    }

    /// <summary>The body as the driver runs it: the secrets' warnings go to the log first; the config keys read are
    /// returned with the outcome.</summary>
    StageBodyResult Execute(StageAttempt attempt, Func<StageBodyResult> body)
    {
        foreach (var c in changed)
            foreach (var line in StageLogLine.Mark(StageLogLine.Warning, c.Message)) StageRunner.AppendLog(attempt.LogPath, line);
        var result = body();
        return result with { ConfigKeys = reads.Keys };
    }

    /// <summary>Runs the script block in a nested pipeline of this runspace with $ErrorActionPreference = 'Stop', so
    /// any error fails the stage. Like a function, the stage runs at the caller's preferences, with -Verbose, -Debug,
    /// -WarningAction and -InformationAction of this cmdlet setting them for it. Every stream it writes (output, error,
    /// warning, verbose, debug, information, host) is merged into its output (<c>*&gt;&amp;1</c>) and, as it comes,
    /// written to the stage log (each line marked with its stream, see <see cref="StageLogLine"/>, with the run's secret
    /// values masked) and passed on through this cmdlet, so the console shows what those preferences show (Write-Host
    /// text always; an information message only at InformationPreference Continue, though the log has it).</summary>
    StageBodyResult RunScript(StageAttempt attempt, ScriptBlock body) => StageBodyResult.Of(ScriptOutcome(attempt, body));

    StageOutcome ScriptOutcome(StageAttempt attempt, ScriptBlock body)
    {
        var context = ContextFor(attempt);
        using var log = new MaskedWriter(StageRunner.OpenLog(attempt.LogPath), config.Mask);
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        nested = ps;
        // Plain assignments, no cmdlets: a host may have only Microsoft.PowerShell.Core.
        var preferences = StagePreferences();
        // $Run is passed by name when the param() block declares it, else first by position (as it always was); the
        // -Parameter values the param() block declares are passed by name; all of them are $Params.
        var declared = ScriptUses.Parameters(body);
        var named = new System.Collections.Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry p in context.Params)
            if (p.Key?.ToString() is { } key && declared.Contains(key, StringComparer.OrdinalIgnoreCase)) named[key] = p.Value;
        var runByName = declared.Contains("Run", StringComparer.OrdinalIgnoreCase);
        if (runByName) named["Run"] = context;
        ps.AddScript(
                "param($__RunToolsStageBody, $Run, $Params, $__RunToolsNamed, $__RunToolsPositional, $__RunToolsPreferences) " +
                string.Concat(preferences.Keys.Cast<string>().Order().Select(name => $"${name} = $__RunToolsPreferences['{name}']; ")) +
                "$__RunToolsPreferences = $null; $ErrorActionPreference = 'Stop'; " +
                "& $__RunToolsStageBody @__RunToolsNamed @__RunToolsPositional *>&1", useLocalScope: true)
            .AddArgument(body)
            .AddArgument(context)
            .AddArgument(context.Params)
            .AddArgument(named)
            .AddArgument(runByName ? System.Array.Empty<object>() : new object[] { context })
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
        if (StopToken.IsCancellationRequested || ps.InvocationStateInfo.State == PSInvocationState.Stopped) return new StageWasCancelled();
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

    StageContext ContextFor(StageAttempt attempt)
    {
        var m = attempt.Manifest;
        string Full(string p) => Path.IsPathRooted(p) ? p : Path.Combine(attempt.RunDirectory, p);
        return new StageContext(
            attempt.RunDirectory, m.Name, m.RunId, Name, attempt.Attempt,
            reads.View(config.Config), reads,
            Path.Combine(attempt.RunDirectory, RunLayout.ResolvedConfig),
            m.Inputs.Map(i => i.FullPath).ToArray(),
            Input.Select(i => Path.IsPathRooted(i) ? i : FullPath(Path.Combine(attempt.RunDirectory, i))).ToArray(),
            attempt.Outputs.Map(Full).ToArray(),
            attempt.LogPath,
            Parameter ?? new System.Collections.Hashtable(),
            UpstreamRuns());
    }

    /// <summary>$Run.Upstream: each run named by -DependsOn '&lt;run&gt;:&lt;stage&gt;', by the reference given and by its name.</summary>
    IReadOnlyDictionary<string, UpstreamRun> UpstreamRuns()
    {
        var runs = new Dictionary<string, UpstreamRun>(StringComparer.OrdinalIgnoreCase);
        foreach (var u in upstream)
        {
            if (RunStore.Read(u.RunPath).Case is not RunTools.Manifests.RunManifest m) continue;
            var run = new UpstreamRun(m.Path!, m.Name, m.RunId, u.Stage,
                (m.Stage(u.Stage)?.Outputs ?? Seq<RunTools.Manifests.FileHash>()).Map(o => Path.Combine(m.Path!, o.Path)).ToArray());
            runs.TryAdd(u.Reference, run);
            runs.TryAdd(m.Name, run);
        }
        return runs;
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
        base.StopProcessing();
        nested?.BeginStop(null, null);
    }
}
