#!/usr/bin/env bash
# Installs the Debian/Ubuntu/UOS packages the project needs, only those that are missing.
# Run as root (or with sudo available). Safe to run again: it does nothing when all are present.
#   python3 python3-venv python3-dev gcc libc6-dev - the interpreter, venv and a compiler
#                         for the one dependency built from source (pyscard)
#   libpcsclite-dev swig  - build pyscard (PC/SC) on Linux
#   pcscd vsmartcard-vpcd - the PC/SC daemon and the virtual reader the chip tests use
#   xvfb xauth + xcb libs - a real X server for GUI tests and screenshots
#   libgl1 libegl1 libgles2 libglib2.0-0 libfontconfig1 libdbus-1-3 - what Qt, OpenCV and
#                         mediapipe (libGLESv2) load at run time
#   poppler-utils         - pdftotext/pdftoppm to read back the PDFs we write
#   iproute2 nftables     - shaped, lossy links for the sync benchmark
#   binutils              - objdump/objcopy, which PyInstaller uses to build the bundle
#   debootstrap           - the clean Debian 12 root the bundle and the .deb are tested in
#   nsis                  - makensis, compiles the Windows installer script (installer/windows)
#   desktop-file-utils    - desktop-file-validate checks the .deb's desktop entry
set -euo pipefail
PACKAGES=(
  python3 python3-venv python3-dev gcc libc6-dev
  libpcsclite-dev swig pcscd vsmartcard-vpcd
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0
  libgl1 libegl1 libgles2 libglib2.0-0 libfontconfig1 libdbus-1-3
  poppler-utils iproute2 nftables
  binutils debootstrap nsis desktop-file-utils
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "system-deps: apt-get not found; please install: ${missing[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# pcscd is started by our test scripts, not as a service: keep a distro-started one out of the way.
if command -v systemctl >/dev/null && systemctl is-active --quiet pcscd.socket 2>/dev/null; then
  $SUDO systemctl stop pcscd.socket pcscd.service || true
fi
