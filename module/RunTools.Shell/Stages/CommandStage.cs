using System.Diagnostics;
using System.Text;
using RunTools.Config;
using RunTools.Domain;
using RunTools.Stages;

namespace RunTools.Shell.Stages;

/// <summary>Runs an external program as a stage body: working directory is the run, stdout/stderr go to the stage
/// log line by line, and the run's identity is passed in environment variables.</summary>
public static class CommandStage
{
    /// <summary>Environment variables every stage process gets.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentFor(StageAttempt attempt) => new Dictionary<string, string>
    {
        ["RUNTOOLS_RUN_DIR"] = attempt.RunDirectory,
        ["RUNTOOLS_RUN_ID"] = attempt.Manifest.RunId.ToString(),
        ["RUNTOOLS_RUN_NAME"] = attempt.Manifest.Name,
        ["RUNTOOLS_STAGE"] = attempt.Stage,
        ["RUNTOOLS_CONFIG"] = Path.Combine(attempt.RunDirectory, RunLayout.ResolvedConfig),
    };

    /// <param name="onLine">Called for every output line (stderr lines prefixed), e.g. to show verbose output.</param>
    /// <param name="mask">The run's secret values, replaced in every line written to the log or passed on, and in the
    /// errors recorded.</param>
    public static StageOutcome Run(StageAttempt attempt, string command, IReadOnlyList<string> arguments, Action<string>? onLine,
        SecretMask mask, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = attempt.RunDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in EnvironmentFor(attempt)) start.Environment[k] = v;

        using var log = StageRunner.OpenLog(attempt.LogPath);
        var gate = new object();
        void Write(string prefix, string? line)
        {
            if (line is null) return;
            var masked = mask.Apply(prefix + line);
            lock (gate) log.WriteLine(masked);
            onLine?.Invoke(masked);
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write("", e.Data);
        process.ErrorDataReceived += (_, e) => Write("stderr: ", e.Data);
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            return new StageErrored(new StageCommandNotStarted(attempt.Stage, mask.Apply(command), mask.Apply(e.Message)), e.GetType().Name);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            process.WaitForExitAsync(cancel).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited on its own meanwhile.
            }
            process.WaitForExit();
            return new StageWasCancelled();
        }
        process.WaitForExit(); // drains the redirected streams
        var commandLine = mask.Apply(string.Join(' ', new[] { command }.Concat(arguments)));
        return process.ExitCode == 0
            ? new StageSucceeded()
            : new StageErrored(new StageCommandFailed(attempt.Stage, commandLine, process.ExitCode), "NonZeroExitCode");
    }
}
