; The Windows installer of the counter client (NSIS 3, Unicode). installer/build.py nsis runs
; makensis with these defines (installer/README.md):
;   PAYLOAD  the one-folder bundle (dist\counter-app: counter-app.exe, counter-app-gui.exe,
;            _internal\)
;   VERSION  e.g. 0.1.0
;   OUTFILE  the setup program to write
;   ICON     installer\icons\counter-app.ico
;
; Per-machine: installs into Program Files for every account (admin rights), with a Start-menu
; entry for all users and an entry in Apps & features. The uninstaller removes exactly what was
; installed. The data (journal, attachments, logs: %LOCALAPPDATA%\counter-app of the account
; that runs the counter, or the configured data_dir) and the machine key (Windows Credential
; Manager, or its key file) are never the installer's: they stay, and a reinstall finds them.

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel admin
ManifestDPIAware true

!ifndef PAYLOAD
  !error "define PAYLOAD, VERSION, OUTFILE and ICON (installer/build.py nsis does)"
!endif
!ifndef VERSION
  !error "define VERSION"
!endif
!ifndef OUTFILE
  !error "define OUTFILE"
!endif
!ifndef ICON
  !error "define ICON"
!endif

; The bundle's layout (installer/counter-app.spec), checked when the script is compiled.
!if ! /FileExists "${PAYLOAD}\counter-app.exe"
  !error "${PAYLOAD} has no counter-app.exe: not a Windows bundle"
!endif
!if ! /FileExists "${PAYLOAD}\counter-app-gui.exe"
  !error "${PAYLOAD} has no counter-app-gui.exe: not a Windows bundle"
!endif
!if ! /FileExists "${PAYLOAD}\_internal\resources\*"
  !error "${PAYLOAD} has no _internal\resources: not a bundle"
!endif

!define PRODUCT_ZH "婚姻登记窗口客户端"
!define PUBLISHER "counter-app"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\counter-app"
!define START_MENU "$SMPROGRAMS\${PRODUCT_ZH}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

Name "${PRODUCT_ZH}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\counter-app"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT_ZH} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT_ZH}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT_ZH} 安装程序"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "Apache-2.0"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\counter-app-gui.exe"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "本软件需要64位的Windows 10或11。"
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "counter-app" SecMain
  SectionIn RO
  ; A new version replaces the program's files; anything else in the folder is left alone.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "${START_MENU}"
  CreateShortcut "${START_MENU}\${PRODUCT_ZH}.lnk" "$INSTDIR\counter-app-gui.exe" "" \
    "$INSTDIR\counter-app-gui.exe" 0
  CreateShortcut "${START_MENU}\卸载 ${PRODUCT_ZH}.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT_ZH}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\counter-app-gui.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  ; The program only: its library folder, its two programs, the uninstaller, the shortcuts
  ; and the Apps & features entry. The install folder goes only if nothing else is left in
  ; it. The data and the machine key are not here and are not touched.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\counter-app.exe"
  Delete "$INSTDIR\counter-app-gui.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "${START_MENU}\${PRODUCT_ZH}.lnk"
  Delete "${START_MENU}\卸载 ${PRODUCT_ZH}.lnk"
  RMDir "${START_MENU}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
