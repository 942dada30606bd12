@echo off
rem runtests: every test (xunit suites, then the Pester specs in real pwsh). See ./runtests.
setlocal
cd /d "%~dp0"
dotnet tool restore || exit /b 1
dotnet build RunTools.sln -c Release || exit /b 1
dotnet test RunTools.sln -c Release --no-build %*
set "RT_XUNIT=%ERRORLEVEL%"
dotnet pwsh -NoProfile -NonInteractive -File tests\pester\Invoke-Pester.ps1
set "RT_PESTER=%ERRORLEVEL%"
echo runtests: xunit exit %RT_XUNIT%, Pester exit %RT_PESTER%
if not "%RT_XUNIT%"=="0" exit /b 1
if not "%RT_PESTER%"=="0" exit /b 1
exit /b 0
