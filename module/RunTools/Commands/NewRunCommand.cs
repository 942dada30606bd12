using System.Management.Automation;
using RunTools.Domain;
using RunTools.Module.Infrastructure;
using RunTools.Shell.Hosting;
using RunTools.Shell.Store;
using RunTools.Views;

namespace RunTools.Module.Commands;

/// <summary>Creates a run directory: manifest, resolved config, data file hashes, environment and git state.</summary>
[Cmdlet(VerbsCommon.New, "Run", SupportsShouldProcess = true, HelpUri = HelpLinks.Docs + "New-Run.md")]
[OutputType(typeof(RunInfo))]
public sealed class NewRunCommand : RunCmdlet
{
    /// <summary>The run key: the user's name for this run, used in its directory name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Key")]
    public string Name { get; set; } = "";

    [Parameter]
    public string? Root { get; set; }

    /// <summary>Config files (YAML or JSON), merged in order: the first is the base.</summary>
    [Parameter]
    [Alias("Config")]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>Overrides: hashtables of dotted keys (@{ 'model.trees' = 200 }) or 'key=value' strings.</summary>
    [Parameter]
    [Alias("Override")]
    public object[] Set { get; set; } = [];

    /// <summary>Data files the run uses (CSV, TSV, Parquet or any file): hashed and described in the manifest.</summary>
    [Parameter]
    [Alias("Data")]
    public string[] DataPath { get; set; } = [];

    /// <summary>Environment variables to record (only these; never the whole environment).</summary>
    [Parameter]
    public string[] EnvironmentVariable { get; set; } = [];

    /// <summary>Runs this run derives from, recorded in its lineage: run objects, paths, or names, keys or ids under
    /// -Root.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter]
    [RunPathTransformation]
    public string[] Upstream { get; set; } = [];

    /// <summary>Derive the run from another run (a run object, path, name, key or id): its config (with -ConfigPath
    /// files and -Set overrides merged over it) and its data (unless -DataPath is given), with the parent in its
    /// lineage. A stage invoked in the derived run with the same fingerprint as the parent's completed stage is
    /// reused: its outputs are brought over instead of running it again.</summary>
    [ArgumentCompleter(typeof(Completion.RunCompleter))]
    [Parameter]
    [RunPathTransformation]
    public string? From { get; set; }

    /// <summary>Record literal values under keys that look like secrets instead of refusing them.</summary>
    [Parameter]
    public SwitchParameter AllowSecretLiteral { get; set; }

    /// <summary>Which config keys look like secrets: words, with * and ? wildcards (default: $env:RUNTOOLS_SECRET_KEYS,
    /// else password, passwd, passphrase, pwd, secret, secrets, token, key, apikey, credential, credentials).</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? SecretKeyPattern { get; set; }

    /// <summary>The environment variable that sets the secret key patterns when -SecretKeyPattern is not given.</summary>
    public const string SecretKeysVariable = "RUNTOOLS_SECRET_KEYS";

    protected override void Process()
    {
        var root = Root is null ? DefaultRoot : FullPath(Root);
        var upstream = new List<string>();
        foreach (var reference in Upstream)
            if (ResolveRun(reference, out var run)) upstream.Add(run);
            else return;
        string? parent = null;
        if (From is not null && !ResolveRun(From, out parent)) return;
        if (!Succeeded(ShellLimits.FromEnvironment(), out var limits)) return;
        if (!Succeeded(PowerShellValues.Overrides(Set, limits), out var overrides)) return;
        if (!Succeeded(SecretKeys(), out var secretKeys)) return;
        var request = new NewRunRequest(
            root,
            Name,
            ConfigPath.Select(p => (p, FullPath(p))).ToSeq(),
            overrides,
            DataPath.Select(p => (p, FullPath(p))).ToSeq(),
            EnvironmentVariable.ToSeq(),
            upstream.ToSeq(),
            CurrentDirectory,
            PowerShellVersion,
            AllowSecretLiteral.IsPresent,
            secretKeys,
            limits) { From = parent };
        if (!Succeeded(RunFactory.Plan(request), out var plan, Name)) return;
        if (!ShouldProcess(RunTarget(plan.IntendedDirectory), "Create run")) return;
        Emit(RunFactory.Execute(plan).Map(m => RunInfo.Of(m, m.Path!, m.Status, Seq<RunTools.Manifests.ProcessInfo>())), Name);
    }

    Fin<RunTools.Config.SecretKeyPattern> SecretKeys() =>
        SecretKeyPattern is not null ? RunTools.Config.SecretKeyPattern.Of(SecretKeyPattern.ToSeq())
        : Environment.GetEnvironmentVariable(SecretKeysVariable) is { Length: > 0 } list
            ? RunTools.Config.SecretKeyPattern.Parse(list).BiMap(
                Succ: pattern => pattern,
                Fail: e => e is SecretKeyPatternInvalid p ? new SecretKeyPatternInvalid(p.Pattern, $"{p.Detail} (in $env:{SecretKeysVariable})") : e)
        : RunTools.Config.SecretKeyPattern.Default;
}
