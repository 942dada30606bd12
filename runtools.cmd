@echo off
rem runtools: run a PowerShell script (or -Command text) with RunTools imported, without pwsh.
if not exist "%~dp0artifacts\host\RunTools.Host.dll" dotnet build "%~dp0module\RunTools.Host\RunTools.Host.csproj" -c Release -nologo -v quiet 1>&2
dotnet "%~dp0artifacts\host\RunTools.Host.dll" %*
