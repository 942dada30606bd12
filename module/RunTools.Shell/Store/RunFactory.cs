using System.Security.Cryptography;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Manifests;
using RunTools.Shell.Files;
using RunTools.Shell.Hosting;

namespace RunTools.Shell.Store;

/// <summary>What New-Run was asked for, with every path already resolved to a full path by the cmdlet.</summary>
/// <param name="AllowSecretLiteral">Record literal values under keys that look like secrets instead of refusing them.</param>
/// <param name="SecretKeys">Which keys look like secrets (null: <see cref="SecretKeyPattern.Default"/>).</param>
/// <param name="Limits">The bounds on config and data files (null: those the environment sets, see <see cref="ShellLimits"/>).</param>
public sealed record NewRunRequest(
    string Root,
    string Key,
    Seq<(string Given, string Full)> ConfigFiles,
    Seq<ConfigOverride> Overrides,
    Seq<(string Given, string Full)> DataFiles,
    Seq<string> EnvironmentVariables,
    Seq<string> Upstream,
    string WorkingDirectory,
    string PowerShellVersion,
    bool AllowSecretLiteral = false,
    SecretKeyPattern? SecretKeys = null,
    InputLimits? Limits = null)
{
    /// <summary>New-Run -From: the run to derive from (its directory). The new run starts from its config (the config
    /// files and overrides of this request merge over it) and its data (unless <see cref="DataFiles"/> names other
    /// files), and records it in its lineage as the parent, whose completed stages may then serve the new run's.</summary>
    public string? From { get; init; }
}

/// <summary>A run ready to be written: every file's content is decided; only the directory name's collision
/// suffix is left to the moment of creation. -WhatIf stops here.</summary>
public sealed record NewRunPlan(string Root, RunKey Key, RunCreated Created, ConfigValue Resolved, string OverridesYaml)
{
    /// <summary>The directory the run will get unless another run takes the name in the same second.</summary>
    public string IntendedDirectory => Path.Combine(Root, RunCommands.DirectoryName(Created.At, Key, 1));
}

/// <summary>Creates runs: read (config files, data files, environment, git) → decide (the core builds the created
/// event) → write (a staged directory renamed into place). Config values that refer to the environment
/// (<c>${env:NAME}</c>) are resolved here and recorded as references with salted hashes: no file of the run ever holds
/// their values.</summary>
public static class RunFactory
{
    public static Fin<NewRunPlan> Plan(NewRunRequest request)
    {
        var now = Clock.Now;
        return from limits in ShellLimits.Or(request.Limits)
               from key in Names.RunKey(request.Key)
               from root in CheckRoot(request.Root)
               from parent in request.From is { } derivedFrom ? RunStore.Read(derivedFrom).Map(Some) : FinSucc(Option<RunManifest>.None)
               from configs in request.ConfigFiles.Map(f => ReadConfig(f, limits)).Sequence()
               from resolved in ConfigMerge.Resolve(parent.Map(p => p.Config).ToSeq().Concat(configs.Map(c => c.Value)), request.Overrides)
               let secretKeys = request.SecretKeys ?? SecretKeyPattern.Default
               from uses in ConfigSecrets.Scan(resolved, secretKeys, request.AllowSecretLiteral)
               from secrets in ConfigSecrets.Record(uses, SystemInfo.EnvironmentVariables(),
                   uses.Map(_ => RandomNumberGenerator.GetBytes(ConfigSecrets.SaltBytes)).Strict())
               // Data is read through symbolic links and recorded by its real path (where the bytes are).
               from inputs in DataFiles(request, parent).Map(d => FileInspector.Inspect(d.Given, RealPathOf(d.Full), limits)).Sequence()
               from upstream in request.Upstream.Map(Upstream).Sequence()
               let lineage = parent.Map(p => new LineageRef(p.RunId, p.Name, Lineage.Parent, null, null, null, p.ChainHead, p.EventCount) { Directory = p.Path }).ToSeq().Concat(upstream)
               let spec = new NewRunSpec(Guid.NewGuid(), key, SystemInfo.PackageVersion, inputs, resolved,
                   ConfigSecrets.Redact(SystemInfo.CaptureEnvironment(request.EnvironmentVariables, request.PowerShellVersion), uses, secretKeys),
                   GitInfo.Capture(request.WorkingDirectory), lineage, secrets)
               from created in RunCommands.Create(spec, RunCommands.DirectoryName(now, key, 1), now)
               select new NewRunPlan(root, key, created, resolved, OverridesYaml(request, configs.Map(c => c.Sha256)));
    }

    /// <summary>Writes the run into a staging directory under the root, then renames it to its final name. The rename
    /// fails when the name exists, so concurrent creators (other processes included) each get their own directory;
    /// a run directory appears complete or not at all.</summary>
    public static Fin<RunManifest> Execute(NewRunPlan plan)
    {
        var staging = Path.Combine(plan.Root, RunLayout.RootWorkArea, RunLayout.Staging, RunLayout.StagingName(SystemInfo.Writer, Guid.NewGuid()));
        try
        {
            // Leftovers of creations that were killed half way (their process is gone) go first.
            Leftovers.Remove(Leftovers.InRoot(plan.Root).Filter(l => l.Kind == Leftovers.StagingFolder));
            Directory.CreateDirectory(Path.Combine(staging, RunLayout.Logs));
            var configFiles = RunStore.WriteConfigFiles(staging, plan.Resolved, plan.OverridesYaml);
            for (var attempt = 1; attempt <= 1000; attempt++)
            {
                var name = RunCommands.DirectoryName(plan.Created.At, plan.Key, attempt);
                var target = Path.Combine(plan.Root, name);
                if (Directory.Exists(target)) continue;
                var created = plan.Created with { Name = name, ConfigFiles = configFiles };
                var log = EventLog.WriteNew(staging, Seq1<RunEvent>(created));
                var manifest = Manifest.Start(created);
                RunStore.WriteManifest(staging, manifest, log);
                // Stamped in staging: a rename keeps the files' sizes and times, and no other writer has the run yet.
                var stamp = RunIndexStore.StampOf(staging);
                try
                {
                    Directory.Move(staging, target);
                    if (stamp is not null) RunIndexStore.Note(plan.Root, Indexing.RunIndex.Entry(name, stamp, manifest));
                    return manifest with { Path = target, ChainHead = log.Head };
                }
                catch (IOException) when (Directory.Exists(target))
                {
                    // Another creator took this name between our check and our rename: try the next suffix.
                }
            }
            return FinFail<RunManifest>(new StorageFailed(plan.IntendedDirectory, "create", "no free name after 1000 attempts"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<RunManifest>(new StorageFailed(plan.IntendedDirectory, "create", e.Message));
        }
        finally
        {
            TryDeleteDirectory(staging);
        }
    }

    static string RealPathOf(string full)
    {
        try
        {
            return RealPaths.Resolve(full);
        }
        catch (IOException)
        {
            return full; // a link loop: reading it fails as a missing file, naming the path as given
        }
    }

    static Fin<string> CheckRoot(string root)
    {
        if (File.Exists(root)) return FinFail<string>(new RunRootInvalid(root, "it is a file"));
        if (RunStore.IsRun(root)) return FinFail<string>(new RunRootInvalid(root, "it is a run directory, not a folder of runs"));
        return root;
    }

    /// <summary>A config file parsed, and the SHA-256 of the very bytes that were parsed (one read). Its size is checked
    /// before it is read, and again on the bytes read (it may have grown in between).</summary>
    static Fin<(ConfigValue Value, string Sha256)> ReadConfig((string Given, string Full) file, InputLimits limits)
    {
        if (!File.Exists(file.Full)) return FinFail<(ConfigValue, string)>(new ConfigFileNotFound(file.Given));
        try
        {
            return from before in ConfigParser.CheckFileSize(file.Given, new FileInfo(file.Full).Length, limits)
                   let bytes = File.ReadAllBytes(file.Full)
                   from after in ConfigParser.CheckFileSize(file.Given, bytes.Length, limits)
                   from value in ConfigParser.Parse(Decode(bytes), file.Given, ConfigParser.FormatOf(file.Full), limits)
                   select (value, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FinFail<(ConfigValue, string)>(new StorageFailed(file.Given, "read", e.Message));
        }
    }

    /// <summary>UTF-8 unless a byte order mark says otherwise.</summary>
    static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>The data files: those asked for, else the parent's (by the path each was read from).</summary>
    static Seq<(string Given, string Full)> DataFiles(NewRunRequest request, Option<RunManifest> parent) =>
        !request.DataFiles.IsEmpty ? request.DataFiles : parent.Map(p => p.Inputs.Map(i => (i.Path, i.FullPath))).IfNone(Seq<(string, string)>());

    /// <summary>An upstream run with the head of its hash chain: its history up to now is vouched for by the new run.</summary>
    static Fin<LineageRef> Upstream(string runPath) =>
        RunStore.Read(runPath).Map(m => new LineageRef(m.RunId, m.Name, Lineage.Upstream, null, null, null, m.ChainHead, m.EventCount) { Directory = m.Path });

    /// <summary>The raw inputs of the resolution, kept beside config_resolved.yaml: which files, in which order,
    /// with their hashes, and the overrides exactly as given.</summary>
    static string OverridesYaml(NewRunRequest request, Seq<string> configSha256) =>
        ConfigYaml.Write(new ConfigMap(Seq(
            new ConfigEntry("config_files", new ConfigList(request.ConfigFiles.Zip(configSha256).Map(f => (ConfigValue)new ConfigMap(Seq(
                new ConfigEntry("path", new ConfigString(f.Item1.Given)),
                new ConfigEntry("sha256", new ConfigString(f.Item2))))))),
            new ConfigEntry("overrides", new ConfigList(request.Overrides.Map(o => (ConfigValue)new ConfigString(o.Text)))))));

    static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Staging leftovers live under the hidden .runtools folder and never look like runs.
        }
    }
}
