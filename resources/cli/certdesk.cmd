@echo off
rem CertDesk's command line in an installed app (Windows). CertDesk.exe has the RunAsNode fuse off, so it
rem never runs as plain Node; with --cli it runs the CLI itself, without a window. It is a GUI-subsystem
rem program, whose output a console does not show, so its output goes through a file that is printed
rem when it ends (stdout and stderr together); the exit code is passed on. Add this folder
rem (resources\cli in the install folder) to PATH to run "certdesk certs expiring".
setlocal
set "CERTDESK_OUT=%TEMP%\certdesk-%RANDOM%%RANDOM%.log"
"%~dp0..\..\CertDesk.exe" --cli %* > "%CERTDESK_OUT%" 2>&1
set "CERTDESK_CODE=%ERRORLEVEL%"
type "%CERTDESK_OUT%"
del "%CERTDESK_OUT%" >nul 2>&1
exit /b %CERTDESK_CODE%
