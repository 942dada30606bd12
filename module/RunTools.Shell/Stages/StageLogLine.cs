namespace RunTools.Shell.Stages;

/// <summary>
/// How a script stage's streams are written to <c>logs/&lt;stage&gt;.log</c>: every line starts with its stream in
/// brackets and a space (<c>[output] kept 4 rows</c>, <c>[warning] ...</c>), so the log can be filtered by stream
/// (<c>Select-String '^\[warning\] '</c>). A message of several lines gives one marked line per line. Lines that start
/// with <c>===</c> are RunTools' own (an attempt's start, its command and its end).
/// </summary>
public static class StageLogLine
{
    public const string Output = "output", Error = "error", Warning = "warning", Verbose = "verbose", Debug = "debug",
        Information = "information", Host = "host";

    /// <summary>Every stream marker, in the order of PowerShell's stream numbers (host last: Write-Host goes through
    /// the information stream tagged PSHOST).</summary>
    public static readonly IReadOnlyList<string> Streams = [Output, Error, Warning, Verbose, Debug, Information, Host];

    /// <summary>The log lines of one message written to a stream: one per line of the text (an empty message is one
    /// empty marked line).</summary>
    public static IEnumerable<string> Mark(string stream, string? text) =>
        (text ?? "").Replace("\r\n", "\n").TrimEnd('\n').Split('\n').Select(line => line.Length == 0 ? $"[{stream}]" : $"[{stream}] {line}");
}
