# Imported by RunTools.psd1 before RunTools' assemblies (the first of its NestedModules): one PowerShell session holds
# one RunTools build, because .NET loads one assembly of a name per process. Importing a second build (another module
# folder, another checkout) would otherwise silently run the first build's cmdlets under the second's name. This check
# fails that import with RunToolsAlreadyLoaded, naming both folders. It exports nothing.
$here = [IO.Path]::GetFullPath($PSScriptRoot).TrimEnd([IO.Path]::DirectorySeparatorChar)
foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
    if ($assembly.IsDynamic -or -not $assembly.Location) { continue }
    if ($assembly.GetName().Name -notin 'RunTools', 'RunTools.Loader') { continue }
    $loaded = [IO.Path]::GetDirectoryName($assembly.Location)
    if ($loaded -ne $here) {
        $message = "Another RunTools build is already loaded in this session, from '$loaded'; the build in '$here' " +
            "cannot be loaded beside it (.NET loads one assembly of a name per process, and Remove-Module cannot unload it). " +
            "Start a new session (pwsh) to use the build in '$here', or keep using the one from '$loaded'."
        throw [System.Management.Automation.ErrorRecord]::new(
            [InvalidOperationException]::new($message), 'RunToolsAlreadyLoaded',
            [System.Management.Automation.ErrorCategory]::ResourceExists, $here)
    }
}
Export-ModuleMember
