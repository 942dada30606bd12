using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace RunTools.Module.Tests;

/// <summary>The repository's layout, found from the test assembly's location.</summary>
public static class Repo
{
    public static readonly string Root = Find();

    public static string ModuleManifest => Path.Combine(Root, "RunTools.psd1");

    /// <summary>The ./runtools launcher: real pwsh (the pinned tool) with this build on PSModulePath.</summary>
    public static string Launcher => Path.Combine(Root, "runtools");

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RunTools.psd1")) && File.Exists(Path.Combine(dir.FullName, "RunTools.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
    }
}

/// <summary>What a script did: its output, the error records it wrote, the other streams, and the terminating
/// error that ended it (if any).</summary>
public sealed record ScriptResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Verbose,
    ErrorRecord? Terminating)
{
    /// <summary>Every error: written ones, then the terminating one.</summary>
    public IEnumerable<ErrorRecord> AllErrors => Terminating is null ? Errors : Errors.Append(Terminating);

    public ErrorRecord SingleError()
    {
        var all = AllErrors.ToList();
        Assert.True(all.Count == 1, $"expected one error, got {all.Count}: {string.Join(" | ", all.Select(e => e.FullyQualifiedErrorId + ": " + e))}");
        return all[0];
    }

    public void AssertNoErrors() =>
        Assert.True(!AllErrors.Any(), "unexpected errors: " + string.Join(" | ", AllErrors.Select(e => e.FullyQualifiedErrorId + ": " + e + " " + e.ScriptStackTrace)));

    public T Base<T>(int index = 0) => Assert.IsType<T>(Output[index].BaseObject, exactMatch: false);

    public object? Property(int index, string name) => Output[index].Properties[name]?.Value;
}

/// <summary>
/// A temporary directory with a runspace that has RunTools imported and its location set there. The runspace has
/// only Microsoft.PowerShell.Core commands, as on these machines: scripts in tests use no Utility cmdlets.
/// </summary>
public sealed class PowerShellHost : IDisposable
{
    readonly Runspace runspace;

    public string Directory { get; }

    public PowerShellHost()
    {
        Directory = Path.Combine(Path.GetTempPath(), "runtools-tests", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        var iss = InitialSessionState.CreateDefault2();
        runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        runspace.SessionStateProxy.Path.SetLocation(Directory);
        var import = Run($"Import-Module '{Repo.ModuleManifest}' -ErrorAction Stop");
        import.AssertNoErrors();
    }

    public string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs script text; variables set at the top level stay for the next call.</summary>
    public ScriptResult Run(string script)
    {
        using var ps = PowerShell.Create(runspace);
        ps.AddScript(script);
        Collection<PSObject> output = [];
        ErrorRecord? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            terminating = e.ErrorRecord;
        }
        return new ScriptResult(
            output.Where(o => o is not null).ToList(),
            ps.Streams.Error.ToList(),
            ps.Streams.Warning.Select(w => w.Message).ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            terminating);
    }

    /// <summary>Starts script text and stops it (as Ctrl+C does) once <paramref name="when"/> is true; returns
    /// whether the pipeline ended stopped (not completed on its own first).</summary>
    public bool RunAndStop(string script, Func<bool> when, TimeSpan timeout)
    {
        using var ps = PowerShell.Create(runspace);
        ps.AddScript(script);
        var running = ps.BeginInvoke();
        var deadline = DateTime.UtcNow + timeout;
        while (!when() && !running.IsCompleted)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition to stop the script never came true");
            Thread.Sleep(20);
        }
        var stoppedEarly = !running.IsCompleted;
        ps.Stop();
        return stoppedEarly && ps.InvocationStateInfo.State == PSInvocationState.Stopped;
    }

    /// <summary>A snapshot of every file under the directory (path → content hash), to prove a command changed nothing.</summary>
    public IReadOnlyDictionary<string, string> Snapshot(string? under = null)
    {
        var root = under ?? Directory;
        if (!System.IO.Directory.Exists(root)) return new Dictionary<string, string>();
        // A symbolic link is recorded by where it points (a dangling one cannot be read).
        return System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.heartbeats{Path.DirectorySeparatorChar}"))
            .ToDictionary(f => Path.GetRelativePath(root, f),
                f => new FileInfo(f).LinkTarget is { } target
                    ? "link:" + target
                    : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
    }

    public void Dispose()
    {
        runspace.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Runs ./runtools (real pwsh with this build) as a separate process, non-interactive.</summary>
public static class RuntoolsProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Process Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(Repo.Launcher);
        start.ArgumentList.Add("-NonInteractive");
        start.Environment["NO_COLOR"] = "1";
        foreach (var a in args) start.ArgumentList.Add(a);
        var p = Process.Start(start)!;
        p.StandardInput.Close();
        return p;
    }

    public static Result Run(string workingDirectory, params string[] args)
    {
        using var p = Start(workingDirectory, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("runtools did not finish within 5 minutes: " + string.Join(' ', args));
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
