"""The Debian package (Debian 12, UOS, Kylin) around the one-folder bundle, with dpkg-deb.

    /opt/counter-app/                        the bundle as PyInstaller made it
    /usr/bin/counter-app                     launcher (counter-app.launcher: MALLOC_ARENA_MAX=2)
    /usr/share/applications/counter-app.desktop   the desktop entry (Chinese name)
    /usr/share/icons/hicolor/*/apps/counter-app.png
    /lib/udev/rules.d/60-counter-app-readers.rules   USB ID-card readers for the seat's user
    /usr/share/doc/counter-app/copyright

Depends: runtime-deps.txt (what the bundle needs of the system) and pcscd (chip documents
through PC/SC). No conffiles and no data: removing the package leaves nothing of it,
and the journal, its attachments and the machine key are never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
ICON = HERE.parent / "icons" / "counter-app.png"
PACKAGE = "counter-app"
PREFIX = Path("opt") / PACKAGE
ICON_SIZES = (48, 128, 256)
EXTRA_DEPENDS = ("pcscd",)
MAINTAINER = "counter-app maintainers <maintainers@users.noreply.h-seed-05c13a26.example>"
COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: counter-app
Comment: The program is a PyInstaller bundle: it carries Python and the libraries it was built
 with (Qt through PySide6-Essentials under LGPL-3.0, OpenCV, mediapipe, dlib, NumPy and others,
 each under its own licence, named in the .dist-info folders inside /opt/counter-app/_internal),
 the Noto Sans SC fonts (OFL-1.1, resources/fonts/OFL.txt) and the face models (licences in
 resources/models/PROVENANCE.toml).

Files: *
License: Apache-2.0
"""


def runtime_depends() -> list[str]:
    lines = (HERE / "runtime-deps.txt").read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("#")] + list(EXTRA_DEPENDS)


def control(version: str, installed_kb: int) -> str:
    return (f"Package: {PACKAGE}\nVersion: {version}\nArchitecture: amd64\n"
            f"Maintainer: {MAINTAINER}\nInstalled-Size: {installed_kb}\n"
            f"Depends: {', '.join(runtime_depends())}\nSection: misc\nPriority: optional\n"
            "Description: 婚姻登记窗口客户端 marriage-registration counter client\n"
            " Offline-first counter client for Chinese marriage registration offices: an\n"
            " encrypted journal, ID-card readers, cameras, printers and sync to the\n"
            " provincial system. Run `counter-app doctor` after installing.\n")


def _place(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def _icons(tree: Path) -> None:
    image = Image.open(ICON)
    for size in ICON_SIZES:
        target = tree / f"usr/share/icons/hicolor/{size}x{size}/apps/{PACKAGE}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        image.resize((size, size), Image.LANCZOS).save(target)


def _lay_out(bundle: Path, tree: Path) -> None:
    """Every file the package installs, under ``tree``."""
    shutil.copytree(bundle, tree / PREFIX, symlinks=True)
    _place(HERE / "counter-app.launcher", tree / "usr/bin" / PACKAGE, 0o755)
    _place(HERE / "counter-app.desktop", tree / "usr/share/applications/counter-app.desktop")
    _place(HERE / "60-counter-app-readers.rules",
           tree / "lib/udev/rules.d/60-counter-app-readers.rules")
    doc = tree / "usr/share/doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT, encoding="utf-8")
    _icons(tree)


def _control_dir(tree: Path, version: str) -> None:
    debian = tree / "DEBIAN"
    debian.mkdir()
    size_kb = sum(p.lstat().st_size for p in tree.rglob("*") if p.is_file()) // 1024 + 1
    (debian / "control").write_text(control(version, size_kb), encoding="utf-8")
    for script in ("postinst", "postrm"):
        _place(HERE / script, debian / script, 0o755)


def _normalise_modes(tree: Path) -> None:
    """Directories 0755, programs 0755, other files 0644, whatever the umask of the process
    that built the bundle or this tree (the app's own commands run with umask 077)."""
    for path in (tree, *tree.rglob("*")):
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & 0o111
        path.chmod(0o755 if executable else 0o644)


def build_deb(bundle: Path, dist: Path, compression: str = "xz") -> Path:
    """``dist/counter-app_<version>_amd64.deb`` from the bundle folder."""
    from counter_app import __version__

    out = dist / f"{PACKAGE}_{__version__}_amd64.deb"
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="counter-app-deb-") as tmp:
        tree = Path(tmp) / "tree"
        _lay_out(bundle, tree)
        _control_dir(tree, __version__)
        _normalise_modes(tree)
        level = ["-z1"] if compression == "gzip" else []  # gzip: fast, for tests
        subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", *level, "--build",
                        str(tree), str(out)], check=True, stdout=subprocess.DEVNULL)
    print(f"deb: {out}  {out.stat().st_size / 1e6:.0f} MB ({compression})  "
          f"built in {time.perf_counter() - start:.0f} s")
    return out
