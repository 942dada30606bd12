using RunTools.Domain;

namespace RunTools.Shell.Hosting;

/// <summary>The <see cref="InputLimits"/> in force: the defaults, raised or lowered by the <c>RUNTOOLS_LIMIT_*</c>
/// environment variables (read on every call, so a change in the session applies to the next command).</summary>
public static class ShellLimits
{
    public static Fin<InputLimits> FromEnvironment() => InputLimits.FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>The limits given, or those of the environment when none are.</summary>
    public static Fin<InputLimits> Or(InputLimits? given) => given is { } limits ? FinSucc(limits) : FromEnvironment();
}
