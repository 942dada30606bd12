using System.Diagnostics;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;

namespace RunTools.Benchmarks;

/// <summary>
/// What a user waits for before the first answer: a fresh <c>pwsh</c> process (the version pinned in
/// .config/dotnet-tools.json) that runs <c>Import-Module RunTools; Get-Run -Root &lt;empty folder&gt;</c>, against the
/// baseline, a fresh pwsh that imports a module with no dependencies (a generated psd1 + psm1 with one function) by name
/// and calls it. Both find their module on PSModulePath, which holds the build's module folder (artifacts/module) in
/// both, so they differ only in what the import loads and the first call does. Goal: RunTools within 1.2× of the
/// baseline. A third figure, pwsh starting and running nothing, shows how much of either is pwsh itself.
/// Needs the build (dotnet build RunTools.sln -c Release) and the restored tool (dotnet tool restore). What is timed
/// is a child process, so the benchmark runs in BenchmarkDotNet's own process (no generated project to build).
/// </summary>
[Config(typeof(ProcessTimingConfig))]
public class ImportBenchmarks
{
    sealed class ProcessTimingConfig : ManualConfig
    {
        public ProcessTimingConfig() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(15)
            .WithToolchain(InProcessNoEmitToolchain.Instance));
    }

    string repo = "", pwshDll = "", scratch = "", emptyRoot = "", modulePath = "";

    [GlobalSetup]
    public void Setup()
    {
        repo = RepositoryRoot();
        pwshDll = PinnedPwsh(repo);
        scratch = Path.Combine(Path.GetTempPath(), "runtools-bench-import", Guid.NewGuid().ToString("N"));
        emptyRoot = Path.Combine(scratch, "runs");
        Directory.CreateDirectory(emptyRoot);
        // The baseline module: a manifest and a script module with one function, nothing to load beside them.
        var tiny = Path.Combine(scratch, "modules", "TinyBaseline");
        Directory.CreateDirectory(tiny);
        File.WriteAllText(Path.Combine(tiny, "TinyBaseline.psm1"), "function Get-TinyBaseline { param([string] $Root) @() }\n");
        File.WriteAllText(Path.Combine(tiny, "TinyBaseline.psd1"),
            "@{ RootModule = 'TinyBaseline.psm1'; ModuleVersion = '1.0.0'; GUID = '0b7a1c52-6d1e-4d0c-9a4e-3f2b1c0d9e8f'; " +
            "PowerShellVersion = '7.6'; FunctionsToExport = @('Get-TinyBaseline'); CmdletsToExport = @(); AliasesToExport = @(); VariablesToExport = @() }\n");
        var module = Path.Combine(repo, "artifacts", "module");
        if (!File.Exists(Path.Combine(module, "RunTools", "RunTools.psd1")))
            throw new InvalidOperationException($"No build at '{module}': run dotnet build RunTools.sln -c Release first.");
        modulePath = string.Join(Path.PathSeparator, module, Path.Combine(scratch, "modules"));
        // Both must work before they are timed.
        Pwsh($"Import-Module TinyBaseline -ErrorAction Stop; $null = Get-TinyBaseline -Root '{emptyRoot}'");
        Pwsh($"Import-Module RunTools -ErrorAction Stop; $null = Get-Run -Root '{emptyRoot}' -ErrorAction Stop");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(scratch, recursive: true);

    [Benchmark(Baseline = true, Description = "fresh pwsh: Import-Module <no dependencies>; first call")]
    public void TinyModule() => Pwsh($"Import-Module TinyBaseline -ErrorAction Stop; $null = Get-TinyBaseline -Root '{emptyRoot}'");

    [Benchmark(Description = "fresh pwsh: Import-Module RunTools; Get-Run -Root <empty>")]
    public void RunTools() => Pwsh($"Import-Module RunTools -ErrorAction Stop; $null = Get-Run -Root '{emptyRoot}' -ErrorAction Stop");

    [Benchmark(Description = "fresh pwsh running nothing")]
    public void PwshAlone() => Pwsh("$null = 0");

    void Pwsh(string command)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { pwshDll, "-NoProfile", "-NoLogo", "-NonInteractive", "-Command", command }) start.ArgumentList.Add(a);
        start.Environment["PSModulePath"] = modulePath;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"pwsh -Command '{command}' exited with {process.ExitCode}: {errors.Result}{output.Result}");
    }

    /// <summary>The repository: the first folder above this benchmark's binaries (BenchmarkDotNet runs them from a
    /// generated folder under the project) that holds RunTools.psd1 and RunTools.sln.</summary>
    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RunTools.psd1")) && File.Exists(Path.Combine(dir.FullName, "RunTools.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No RunTools repository above '{AppContext.BaseDirectory}'.");
    }

    /// <summary>pwsh.dll of the PowerShell version .config/dotnet-tools.json pins, from the NuGet package cache
    /// (dotnet tool restore puts it there).</summary>
    static string PinnedPwsh(string repo)
    {
        var manifest = File.ReadAllText(Path.Combine(repo, ".config", "dotnet-tools.json"));
        var version = Regex.Match(manifest, "\"powershell\"\\s*:\\s*\\{\\s*\"version\"\\s*:\\s*\"([^\"]+)\"").Groups[1].Value;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var platform = OperatingSystem.IsWindows() ? "win" : "unix";
        var dll = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", platform, "pwsh.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"pwsh {version} is not at '{dll}': run dotnet tool restore.");
    }
}
