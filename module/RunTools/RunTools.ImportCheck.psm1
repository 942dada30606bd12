# Imported by RunTools.psd1 before RunTools' assemblies (the first of its NestedModules): one PowerShell session holds
# one RunTools build, because .NET loads one assembly of a name per process. Importing a second build (another module
# folder, another checkout) would otherwise silently run the first build's cmdlets under the second's name. This check
# fails that import with RunToolsAlreadyLoaded, naming both folders. It exports nothing, and it is kept to a type lookup
# and a string comparison: it runs in every import (see ImportBenchmarks).
# PowerShell resolves the bare type name among the assemblies loaded in this process.
$loader = 'RunTools.Loader.ModuleInitializer' -as [type]
# Plain string operations only: a host may have only Microsoft.PowerShell.Core (no Join-Path, no Split-Path).
$loaded = if ($loader) { $loader.Assembly.Location.Substring(0, $loader.Assembly.Location.Length - 'RunTools.Loader.dll'.Length - 1) }
if ($loaded -and $loaded -ne $PSScriptRoot) {
    $message = "Another RunTools build is already loaded in this session, from '$loaded'; the build in '$PSScriptRoot' " +
        "cannot be loaded beside it (.NET loads one assembly of a name per process, and Remove-Module cannot unload it). " +
        "Start a new session (pwsh) to use the build in '$PSScriptRoot', or keep using the one from '$loaded'."
    throw [System.Management.Automation.ErrorRecord]::new(
        [InvalidOperationException]::new($message), 'RunToolsAlreadyLoaded',
        [System.Management.Automation.ErrorCategory]::ResourceExists, $PSScriptRoot)
}
Export-ModuleMember
