; Inno Setup 6 script: a per-user installer of the frozen one-folder build (no administrator rights needed).
;   make freeze && make installer-windows      (iscc //DAppVersion=0.1.0 packaging/windows/c2t-wizard.iss)
; Paths are relative to this file. Signing: `make sign-windows` signs the setup (and the app beforehand in the
; release workflow) when a certificate is provided; Inno's own SignTool directive is not used, so the same
; step signs everything.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\c2t-wizard"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\c2t-wizard.ico"
#endif
#define AppName "C2T Wizard"
#define AppExe "c2t-wizard.exe"

[Setup]
; A fixed AppId: upgrades replace the installed copy instead of installing beside it.
AppId={{6F3C7A2E-1B4D-4E8A-9C21-5D0B7E9A4C13}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Call2Teams
AppPublisherURL=https://www.call2teams.com/
AppSupportURL=https://support.call2teams.com/
; Per user: installs under %LOCALAPPDATA%\Programs, no UAC prompt.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=c2t-wizard-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
#if FileExists(IconFile)
SetupIconFile={#IconFile}
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A previous version's files that this one no longer has.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{#AppName} (demo)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
