# Imported by RunTools.psd1 before RunTools' assemblies (the first of its NestedModules): one PowerShell session holds
# one RunTools build, because .NET loads one assembly of a name per process. Importing a second build (another module
# folder, another checkout) would otherwise silently run the first build's cmdlets under the second's name. This check
# fails that import with RunToolsAlreadyLoaded, naming both folders. It exports nothing, and it is kept to a type lookup
# and one comparison: it runs in every import (see ImportBenchmarks).
$loader = 'RunTools.Loader.ModuleInitializer, RunTools.Loader' -as [type]
if ($loader -and $loader.Assembly.Location -ne (Join-Path $PSScriptRoot 'RunTools.Loader.dll')) {
    $loaded = Split-Path -Parent $loader.Assembly.Location
    $message = "Another RunTools build is already loaded in this session, from '$loaded'; the build in '$PSScriptRoot' " +
        "cannot be loaded beside it (.NET loads one assembly of a name per process, and Remove-Module cannot unload it). " +
        "Start a new session (pwsh) to use the build in '$PSScriptRoot', or keep using the one from '$loaded'."
    throw [System.Management.Automation.ErrorRecord]::new(
        [InvalidOperationException]::new($message), 'RunToolsAlreadyLoaded',
        [System.Management.Automation.ErrorCategory]::ResourceExists, $PSScriptRoot)
}
Export-ModuleMember
