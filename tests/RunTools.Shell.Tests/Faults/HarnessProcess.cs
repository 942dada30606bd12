using System.Diagnostics;
using System.Reflection;
using System.Text;
using RunTools.Shell.Store;

namespace RunTools.Shell.Tests.Faults;

/// <summary>
/// One start of the fault harness (tests/RunTools.FaultHarness): <c>dotnet RunTools.FaultHarness.dll &lt;operation&gt;
/// &lt;target&gt; ...</c>, with its stdout read line by line as it comes. Only lines that end with a newline count, so a
/// kill that cuts an acknowledgement short never passes for one.
/// </summary>
public sealed class HarnessProcess : IDisposable
{
    public static readonly string Dll = typeof(HarnessProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultHarness").Value!;

    readonly Process process;
    readonly List<string> lines = [];
    readonly Thread reader;
    readonly Task<string> stderr;

    HarnessProcess(Process process)
    {
        this.process = process;
        stderr = process.StandardError.ReadToEndAsync();
        reader = new Thread(Read) { IsBackground = true };
        reader.Start();
    }

    /// <param name="sandbox">Its working directory, TMPDIR and HOME are the sandbox's, so a write outside the root shows.</param>
    public static HarnessProcess Start(Sandbox sandbox, params string[] args)
    {
        if (!File.Exists(Dll)) throw new FileNotFoundException("The fault harness is not built", Dll);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = sandbox.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["TMPDIR"] = sandbox.Temp;
        start.Environment["HOME"] = sandbox.Home;
        // No diagnostic pipes in TMPDIR: a killed runtime cannot remove them, and they are not RunTools' doing.
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        // Writers wait for the run's lock as long as they do by default (120 s): no test shortens it.
        start.Environment.Remove(RunLock.TimeoutVariable);
        return new HarnessProcess(Process.Start(start)!);
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The complete lines written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (lines) return [.. lines];
        }
    }

    /// <summary>The acknowledgements so far, without their "ack " prefix.</summary>
    public IReadOnlyList<string> Acks => Lines.Where(l => l.StartsWith("ack ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();

    /// <summary>Waits until a complete line satisfies <paramref name="line"/>; false when the process ended (or the
    /// timeout passed) first.</summary>
    public bool WaitForLine(Func<string, bool> line, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        lock (lines)
        {
            while (true)
            {
                if (lines.Any(line)) return true;
                var left = until - DateTime.UtcNow;
                if (!reader.IsAlive || left <= TimeSpan.Zero) return false;
                Monitor.Wait(lines, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>Opens the gate of a process started with --gate.</summary>
    public void Go()
    {
        process.StandardInput.WriteLine("go");
        process.StandardInput.Flush();
    }

    /// <summary>SIGKILL, then waits until it is gone and its output is read to the end.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had exited already: the caller finds out from its exit code.
        }
        process.WaitForExit();
        reader.Join();
    }

    /// <summary>Waits for the process to end by itself; kills it when it takes longer than <paramref name="timeout"/>
    /// (a hung writer) and returns null then.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            Kill();
            return null;
        }
        process.WaitForExit();
        reader.Join();
        return process.ExitCode;
    }

    /// <summary>What it wrote to stderr (an unhandled exception, a runtime failure); call once it has exited.</summary>
    public string ErrorOutput => stderr.Wait(TimeSpan.FromSeconds(30)) ? stderr.Result : "(stderr still open)";

    /// <summary>Everything it said, for a failure message.</summary>
    public string Transcript()
    {
        var err = stderr.Wait(TimeSpan.FromSeconds(10)) ? stderr.Result : "(stderr still open)";
        return $"pid {process.Id}, exit {(process.HasExited ? process.ExitCode.ToString() : "-")}\nstdout:\n{string.Join('\n', Lines.TakeLast(20))}\nstderr:\n{err}";
    }

    void Read()
    {
        var stream = process.StandardOutput.BaseStream;
        var pending = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        try
        {
            while ((read = stream.Read(buffer)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        pending.WriteByte(buffer[i]);
                        continue;
                    }
                    var line = Encoding.UTF8.GetString(pending.GetBuffer(), 0, (int)pending.Length);
                    pending.SetLength(0);
                    lock (lines)
                    {
                        lines.Add(line);
                        Monitor.PulseAll(lines);
                    }
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke with the process: what was read is what counts.
        }
        finally
        {
            lock (lines) Monitor.PulseAll(lines);
        }
    }

    public void Dispose()
    {
        if (!process.HasExited) Kill();
        process.Dispose();
    }
}

/// <summary>
/// A folder per test: <c>root/</c> (the runs), <c>sources/</c> (files the harness adds as artifacts; only read), and
/// the harness's working directory, TMPDIR and HOME. Everything but the root is snapshotted, so a write outside the
/// root is caught.
/// </summary>
public sealed class Sandbox : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "runtools-faults", Guid.NewGuid().ToString("N")[..12]);

    public string Root => Sub("root");

    public string Sources => Sub("sources");

    public string WorkingDirectory => Sub("cwd");

    public string Temp => Sub("tmp");

    public string Home => Sub("home");

    public Sandbox()
    {
        foreach (var dir in new[] { Root, Sources, WorkingDirectory, Temp, Home }) Directory.CreateDirectory(dir);
    }

    string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every file and folder outside the root, with a hash of each file that has content (an empty one may
    /// be a pipe or a socket, which must not be opened).</summary>
    public IReadOnlyList<string> OutsideRoot() =>
        Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories)
            .Where(p => p != Root && !p.StartsWith(Root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => System.IO.Path.GetRelativePath(Path, p) + (Directory.Exists(p) ? "/"
                : new FileInfo(p).Length == 0 ? " (empty)"
                : " " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)))))
            .ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
