using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;

namespace RunTools.Host;

/// <summary>
/// <c>runtools</c>: runs a PowerShell script file (or a command string) with the RunTools module imported, on a
/// machine that has the .NET SDK but no pwsh.
///
/// Exit codes (the exact rule, also in the README):
///   0   the script finished and wrote no error record;
///   N   the script ran <c>exit N</c>;
///   1   the script ended with a terminating error (throw, -ErrorAction Stop, ThrowTerminatingError, ...),
///       or the module could not be imported;
///   2   the script finished but wrote one or more non-terminating error records;
///   64  usage error: bad arguments or a script file that does not exist;
///   130 stopped with Ctrl+C (the running cmdlet was stopped cleanly; a second Ctrl+C kills the process).
/// Pipeline output is formatted through Out-Default to stdout; errors, warnings, verbose and debug messages go to
/// stderr.
/// </summary>
public static class Program
{
    public const int Success = 0, TerminatingError = 1, NonTerminatingErrors = 2, UsageError = 64, Interrupted = 130;

    const string Usage = """
        usage: runtools [-Module <RunTools.psd1>] <script.ps1> [script arguments...]
               runtools [-Module <RunTools.psd1>] -Command <script text>
        Runs the script with the RunTools module imported. Exit code: 0 success, 1 terminating error,
        2 non-terminating errors were written, N for 'exit N', 64 usage error.
        """;

    public static int Main(string[] args)
    {
        var parsed = HostArguments.Parse(args);
        if (parsed.Error is { } usageError)
        {
            Console.Error.WriteLine($"runtools: {usageError}");
            Console.Error.WriteLine(Usage);
            return UsageError;
        }
        if (parsed.ShowHelp)
        {
            Console.WriteLine(Usage);
            return Success;
        }

        var modulePath = parsed.ModulePath ?? ModuleLocator.Find();
        if (modulePath is null || !File.Exists(modulePath))
        {
            Console.Error.WriteLine($"runtools: cannot find RunTools.psd1{(modulePath is null ? "" : $" at '{modulePath}'")}. Pass -Module <path>.");
            return UsageError;
        }

        string scriptText;
        if (parsed.ScriptPath is { } scriptPath)
        {
            var full = Path.GetFullPath(scriptPath);
            if (!File.Exists(full))
            {
                Console.Error.WriteLine($"runtools: the script file '{scriptPath}' does not exist.");
                return UsageError;
            }
            scriptText = ScriptInvocation.For(full, parsed.ScriptArguments);
        }
        else
        {
            scriptText = parsed.Command!;
        }

        using var console = new ConsoleHost();
        return ScriptRunner.Run(console, modulePath, scriptText);
    }
}

/// <summary>The command line of <c>runtools</c> itself; everything after the script path belongs to the script.</summary>
public sealed record HostArguments(string? ModulePath, string? ScriptPath, IReadOnlyList<string> ScriptArguments,
    string? Command, bool ShowHelp, string? Error)
{
    public static HostArguments Parse(IReadOnlyList<string> args)
    {
        string? module = null;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (Is(a, "-Module"))
            {
                if (i + 1 >= args.Count) return Fail("-Module needs a path.");
                module = args[++i];
            }
            else if (Is(a, "-Command") || Is(a, "-c"))
            {
                if (i + 1 >= args.Count) return Fail("-Command needs script text.");
                return new(module, null, [], string.Join(' ', args.Skip(i + 1)), false, null);
            }
            else if (Is(a, "-Help") || Is(a, "--help") || Is(a, "-h") || a == "-?")
            {
                return new(module, null, [], null, true, null);
            }
            else if (a.StartsWith('-'))
            {
                return Fail($"unknown option '{a}'.");
            }
            else
            {
                return new(module, a, args.Skip(i + 1).ToArray(), null, false, null);
            }
        }
        return Fail("a script file or -Command is required.");

        static bool Is(string a, string option) => string.Equals(a, option, StringComparison.OrdinalIgnoreCase);
        HostArguments Fail(string message) => new(module, null, [], null, false, message);
    }
}

/// <summary>Turns a script path and its arguments into script text the way pwsh -File binds them: <c>-Name</c>
/// tokens stay parameter names, every other argument is passed as a literal string.</summary>
public static partial class ScriptInvocation
{
    [GeneratedRegex(@"^-[A-Za-z_][A-Za-z0-9_]*:?$")]
    private static partial Regex ParameterToken();

    public static string For(string scriptPath, IReadOnlyList<string> arguments) =>
        string.Join(' ', new[] { "&", Quote(scriptPath) }.Concat(arguments.Select(a => ParameterToken().IsMatch(a) ? a : Quote(a))));

    static string Quote(string s) => "'" + s.Replace("'", "''") + "'";
}

/// <summary>Finds RunTools.psd1: $RUNTOOLS_MODULE, else the nearest one above this executable, else above the
/// current directory.</summary>
public static class ModuleLocator
{
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("RUNTOOLS_MODULE") is { Length: > 0 } fromEnv) return Path.GetFullPath(fromEnv);
        return Above(AppContext.BaseDirectory) ?? Above(Directory.GetCurrentDirectory());

        static string? Above(string start)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "RunTools.psd1");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }
    }
}

/// <summary>Runs script text in a fresh runspace with RunTools imported and applies the exit-code rule.</summary>
public static class ScriptRunner
{
    public static int Run(ConsoleHost host, string modulePath, string scriptText)
    {
        var iss = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(host, iss);
        runspace.Open();
        host.Runspace = runspace;

        var errorCount = 0;
        using (var import = PowerShell.Create(runspace))
        {
            import.AddCommand("Import-Module").AddParameter("Name", modulePath).AddParameter("ErrorAction", "Stop");
            try
            {
                import.Invoke();
            }
            catch (RuntimeException e)
            {
                host.WriteErrorRecord(e.ErrorRecord);
                return Program.TerminatingError;
            }
        }

        using var ps = PowerShell.Create(runspace);
        ps.Streams.Error.DataAdded += (sender, e) =>
        {
            var record = ((PSDataCollection<ErrorRecord>)sender!)[e.Index];
            errorCount++;
            host.WriteErrorRecord(record);
        };
        // Out-Default formats objects exactly as an interactive pwsh would, through the format data RunTools loads.
        ps.AddScript(scriptText).AddCommand("Out-Default");
        // Ctrl+C stops the pipeline the way pwsh does (cmdlets get StopProcessing, stages record 'cancelled');
        // a second Ctrl+C ends the process at once.
        var interrupts = 0;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = Interlocked.Increment(ref interrupts) == 1;
            if (e.Cancel) ps.BeginStop(null, null);
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            ps.Invoke();
        }
        catch (ExitException exit)
        {
            return ExitCode(exit.Argument);
        }
        catch (PipelineStoppedException)
        {
            Console.Error.WriteLine("runtools: stopped.");
            return Program.Interrupted;
        }
        catch (RuntimeException e)
        {
            host.WriteErrorRecord(e.ErrorRecord);
            return Program.TerminatingError;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        if (interrupts > 0 || ps.InvocationStateInfo.State == PSInvocationState.Stopped)
        {
            Console.Error.WriteLine("runtools: stopped.");
            return Program.Interrupted;
        }

        if (host.ExitCode is { } requested) return requested;
        if (ExitCodeOfScript(runspace) is { } scriptExit and not 0) return scriptExit;
        return errorCount > 0 ? Program.NonTerminatingErrors : Program.Success;
    }

    /// <summary>A .ps1 invoked with <c>&amp;</c> that runs <c>exit N</c> returns to its caller with
    /// <c>$LASTEXITCODE = N</c>; pick that up (only when the invocation was a script file).</summary>
    static int? ExitCodeOfScript(Runspace runspace)
    {
        var value = runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
        return value is null ? null : ExitCode(value);
    }

    /// <summary>An exit code from whatever the script set; a value that is not a number is a failure (1).</summary>
    static int ExitCode(object? value) => LanguagePrimitives.TryConvertTo<int>(value, out var code) ? code : Program.TerminatingError;
}
