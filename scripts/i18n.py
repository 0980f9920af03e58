"""The English catalogue of the screens (Qt Linguist).

  .venv/bin/python scripts/i18n.py update    collect every self.tr()/QT_TRANSLATE_NOOP text of
                                              counter_app/ui into resources/translations/*.ts
                                              (new ones arrive untranslated: open the .ts in
                                              `.venv/bin/pyside6-linguist` and translate them)
  .venv/bin/python scripts/i18n.py release   compile the .ts into the .qm the app loads

tests/ui/test_i18n.py fails when the catalogue misses a text, has one untranslated, or the
.qm is stale, so neither step can be forgotten.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "counter_app_en.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def ui_sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "counter_app" / "ui").rglob("*.py"))


def update(ts: Path = TS) -> str:
    """Run lupdate over the UI sources into ``ts``; returns lupdate's summary."""
    done = subprocess.run([str(BIN / "pyside6-lupdate"), *ui_sources(), "-source-language",
                           "zh_CN", "-target-language", "en", "-locations", "none",
                           "-no-obsolete", "-ts", str(ts)], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return done.stdout + done.stderr


def release(ts: Path = TS, qm: Path = QM) -> None:
    """Compile ``ts`` into ``qm``."""
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
                   cwd=ROOT, check=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        print(update())
    elif command == "release":
        release()
        print(QM)
    else:
        sys.exit(__doc__)
