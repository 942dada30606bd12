namespace RunTools.Shell.Hosting;

/// <summary>The shell's one clock. The core never reads the time: every decision and event gets "now" from here,
/// through the shell.</summary>
public static class Clock
{
    public static DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary><see cref="Now"/> as a UTC DateTime (file times, lock tickets).</summary>
    public static DateTime UtcDateTime => Now.UtcDateTime;
}
