using System.Diagnostics;
using System.Runtime.InteropServices;
using LibGit2Sharp;
using RunTools.Domain;
using RunTools.Manifests;

namespace RunTools.Shell.Hosting;

/// <summary>Facts about this process and machine, captured as values for the core.</summary>
public static class SystemInfo
{
    static readonly Lazy<ProcessInfo> Current = new(() =>
    {
        using var self = Process.GetCurrentProcess();
        return new ProcessInfo(Environment.ProcessId, HostName, self.StartTime.ToUniversalTime());
    });

    public static ProcessInfo CurrentProcess => Current.Value;

    public static string HostName => Environment.MachineName;

    /// <summary>This process as it names its temporary files and staging folders.</summary>
    public static WriterId Writer { get; } = WriterId.Of(Environment.MachineName, Environment.ProcessId);

    /// <summary>Whether the writer that made a temporary file or staging folder last touched at <paramref name="touched"/>
    /// may still be working on it: a process on another host always may (until <paramref name="remoteAfter"/> has passed);
    /// on this host, only if a process with its id runs and started before the file was last touched.</summary>
    public static bool MayBeWorking(WriterId writer, DateTime touched, TimeSpan remoteAfter)
    {
        if (!string.Equals(writer.Host, Writer.Host, StringComparison.OrdinalIgnoreCase)) return Clock.UtcDateTime - touched < remoteAfter;
        if (writer.Pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(writer.Pid);
            return !p.HasExited && p.StartTime.ToUniversalTime() <= touched.AddSeconds(1);
        }
        catch (ArgumentException)
        {
            return false; // no process with that id
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // it exists but we may not inspect it: do not call it dead
        }
    }

    public static string PackageVersion =>
        typeof(SystemInfo).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    /// <summary>Only the variables the user names are recorded (an unset one is recorded as null): the whole
    /// environment holds secrets and noise.</summary>
    public static EnvironmentInfo CaptureEnvironment(Seq<string> variableNames, string powerShellVersion) => new(
        DotNetVersion: System.Environment.Version.ToString(),
        PowerShellVersion: powerShellVersion,
        OperatingSystem: RuntimeInformation.OSDescription.Trim(),
        HostName: HostName,
        ProcessorCount: System.Environment.ProcessorCount,
        Variables: variableNames.Distinct().Map(n => new EnvironmentVariable(n, System.Environment.GetEnvironmentVariable(n))));

    /// <summary>This process's environment variables as a value for the core (by name; case-insensitive on Windows,
    /// as Windows treats them).</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentVariables()
    {
        var variables = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string name && e.Value is string value) variables[name] = value;
        return variables;
    }

    /// <summary>Whether the process a heartbeat names is still the one that wrote it.</summary>
    public static ProcessState Probe(ProcessInfo process)
    {
        if (!string.Equals(process.Host, HostName, StringComparison.OrdinalIgnoreCase)) return ProcessState.Remote;
        try
        {
            using var p = Process.GetProcessById(process.Pid);
            if (p.HasExited) return ProcessState.Gone;
            return (p.StartTime.ToUniversalTime() - process.StartedAt).Duration() < TimeSpan.FromSeconds(1) ? ProcessState.Alive : ProcessState.Gone;
        }
        catch (ArgumentException)
        {
            return ProcessState.Gone; // no process with that id
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return ProcessState.Alive; // it exists but we may not inspect it: do not call it dead
        }
    }
}

/// <summary>The git state of the repository containing a directory, through libgit2 (no git executable needed).</summary>
public static class GitInfo
{
    /// <returns>Null outside a repository, or in a repository without commits.</returns>
    public static GitState? Capture(string directory)
    {
        try
        {
            var found = Repository.Discover(directory);
            if (found is null) return null;
            using var repo = new Repository(found);
            var tip = repo.Head?.Tip;
            if (tip is null) return null;
            var status = repo.RetrieveStatus(new StatusOptions { IncludeUntracked = false, RecurseUntrackedDirs = false, IncludeIgnored = false });
            return new GitState(tip.Sha, repo.Info.IsHeadDetached ? null : repo.Head!.FriendlyName, status.IsDirty);
        }
        catch (LibGit2SharpException)
        {
            return null; // not a usable repository: record no git state rather than fail the run
        }
    }
}
