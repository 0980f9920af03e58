"""Build the bundle and the installers (called by ``./dev bundle`` and ``./dev deb``).

    python installer/build.py bundle [--dist DIR]   PyInstaller one-folder bundle: DIR/counter-app/
    python installer/build.py deb [--dist DIR] [--compression xz|gzip]
                                                    DIR/counter-app_<version>_amd64.deb from it
    python installer/build.py nsis [--dist DIR] [--payload BUNDLE]
                                                    DIR/counter-app-<version>-setup.exe (makensis)

DIR defaults to dist/. Each step prints what it made, its size and how long it took (the
figures docs/benchmarks.md records). The Windows installer is built on Windows over a Windows
bundle (installer/README.md); on Linux the tests compile it over a placeholder payload.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "counter-app.spec"
sys.path.insert(0, str(ROOT))


def tree_size(path: Path) -> int:
    """Bytes in the files under ``path`` (symlinks not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def largest_parts(bundle: Path, count: int = 8) -> list[tuple[str, int]]:
    """The biggest entries of the bundle's library folder, by size (PyInstaller links a
    library needed in two places, so links are not counted)."""
    parts = [(p.name, tree_size(p) if p.is_dir() else p.lstat().st_size)
             for p in (bundle / "_internal").iterdir() if not p.is_symlink()]
    return sorted(parts, key=lambda part: -part[1])[:count]


def glibc_needed(bundle: Path) -> str:
    """The newest GLIBC symbol version any binary in the bundle asks for: the oldest Linux
    (UOS, Kylin) the bundle can start on has at least this glibc."""
    newest = (0, 0)
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink() and (".so" in path.name or
                                                          path.name == "counter-app"):
            out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True,
                                 check=False)
            for version in re.findall(r"GLIBC_(\d+)\.(\d+)", out.stdout):
                newest = max(newest, tuple(map(int, version)))
    return f"{newest[0]}.{newest[1]}"


def report(bundle: Path, seconds: float) -> None:
    print(f"bundle: {bundle}  {tree_size(bundle) / 1e6:.0f} MB  built in {seconds:.0f} s")
    print("largest parts: " + ", ".join(f"{name} {size / 1e6:.0f} MB"
                                        for name, size in largest_parts(bundle)))
    print(f"needs glibc >= {glibc_needed(bundle)}")


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def build_bundle(dist: Path) -> Path:
    """Run PyInstaller on the spec; returns the bundle's folder."""
    work = ROOT / "build" / "pyinstaller"
    env = dict(os.environ, COUNTER_APP_COMMIT=git_commit())
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
                    "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work),
                    str(SPEC)], cwd=ROOT, env=env, check=True)
    bundle = dist / "counter-app"
    report(bundle, time.perf_counter() - start)
    return bundle


def build_nsis(payload: Path, dist: Path) -> Path:
    """Compile installer/windows/counter-app.nsi over ``payload`` (a bundle folder) with
    makensis; warnings are errors."""
    from counter_app import __version__

    out = dist / f"counter-app-{__version__}-setup.exe"
    start = time.perf_counter()
    defines = {"PAYLOAD": payload.resolve(), "VERSION": __version__, "OUTFILE": out,
               "ICON": ROOT / "installer" / "icons" / "counter-app.ico"}
    flag = "/" if sys.platform == "win32" else "-"
    subprocess.run(["makensis", f"{flag}V2", f"{flag}WX",
                    *(f"{flag}D{key}={value}" for key, value in defines.items()),
                    str(ROOT / "installer" / "windows" / "counter-app.nsi")],
                   check=True)
    print(f"installer: {out}  {out.stat().st_size / 1e6:.0f} MB  "
          f"built in {time.perf_counter() - start:.0f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("bundle", "deb", "nsis"))
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    # xz for what goes to the counters (UOS's and Kylin's dpkg read no zstd); gzip builds in a
    # fraction of the time, for tests.
    parser.add_argument("--payload", type=Path, help="nsis: the bundle folder to install "
                        "(default DIR/counter-app)")
    parser.add_argument("--compression", choices=("xz", "gzip"), default="xz")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    if args.what == "bundle":
        build_bundle(dist)
        return 0
    if args.what == "nsis":
        dist.mkdir(parents=True, exist_ok=True)
        build_nsis(args.payload or dist / "counter-app", dist)
        return 0
    sys.path.insert(0, str(ROOT / "installer" / "linux"))
    from make_deb import build_deb

    build_deb(dist / "counter-app", dist, args.compression)
    return 0


if __name__ == "__main__":
    sys.exit(main())
