@echo off
rem runtools: runs a PowerShell script file (or -Command text) in real pwsh, the version pinned in
rem .config\dotnet-tools.json, with this repository's RunTools build on PSModulePath. Restores and builds on first use.
setlocal
for /f "usebackq delims=" %%v in (`powershell -NoProfile -Command "(Get-Content '%~dp0.config\dotnet-tools.json' -Raw | ConvertFrom-Json).tools.powershell.version"`) do set "RT_PWSH_VERSION=%%v"
if defined NUGET_PACKAGES (set "RT_PACKAGES=%NUGET_PACKAGES%") else (set "RT_PACKAGES=%USERPROFILE%\.nuget\packages")
set "RT_PWSH=%RT_PACKAGES%\powershell\%RT_PWSH_VERSION%\tools\net10.0\any\win\pwsh.dll"
if not exist "%RT_PWSH%" pushd "%~dp0" & dotnet tool restore 1>&2 & popd
if not exist "%~dp0artifacts\module\RunTools\RunTools.psd1" dotnet build "%~dp0module\RunTools\RunTools.csproj" -c Release -nologo -v quiet 1>&2
set "PSModulePath=%~dp0artifacts\module;%PSModulePath%"
dotnet "%RT_PWSH%" -NoProfile -NoLogo %*
exit /b %ERRORLEVEL%
