using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace RunTools.Loader;

/// <summary>
/// The private load context for everything RunTools ships in <c>deps/</c>: RunTools.Shell, the core, ML.NET,
/// Parquet.Net, YamlDotNet, LanguageExt, LibGit2Sharp and their own dependencies and native libraries.
/// PowerShell 7.6 already has its own copies of some of them (Newtonsoft.Json, System.CodeDom, ...); loading ours
/// here means neither side sees the other's version. Only RunTools.Loader.dll and RunTools.dll live in the default
/// context. This assembly has no dependency of its own: RunTools.psd1 imports it (as a nested module) before
/// RunTools.dll, so the resolver is in place before PowerShell reflects over the cmdlet types.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    static readonly string DepsDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleLoadContext).Assembly.Location)!, "deps");

    static readonly Lazy<ModuleLoadContext> Instance = new(() => new ModuleLoadContext());
    static int installed;

    readonly AssemblyDependencyResolver resolver;

    ModuleLoadContext() : base("RunTools", isCollectible: false) =>
        resolver = new AssemblyDependencyResolver(Path.Combine(DepsDirectory, "RunTools.Shell.dll"));

    protected override Assembly? Load(AssemblyName assemblyName) =>
        resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;

    /// <summary>RunTools.dll's own references (RunTools.Shell, RunTools.Core, LanguageExt) are not next to it, so the
    /// default context asks here; hand it the private context's copy so both sides share one type identity.</summary>
    static Assembly? ResolveForDefault(AssemblyLoadContext context, AssemblyName name) =>
        Instance.Value.resolver.ResolveAssemblyToPath(name) is null ? null : Instance.Value.LoadFromAssemblyName(name);

    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 0) Default.Resolving += ResolveForDefault;
    }

    public static void Uninstall()
    {
        if (Interlocked.Exchange(ref installed, 0) == 1) Default.Resolving -= ResolveForDefault;
    }
}

/// <summary>Installs the private load context when RunTools.psd1 imports this assembly, before RunTools.dll.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => ModuleLoadContext.Install();

    public void OnRemove(PSModuleInfo psModuleInfo) => ModuleLoadContext.Uninstall();
}
