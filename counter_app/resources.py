"""Where the bundled resources (rule packs, models, fonts, translations, icons) are.

In a source checkout or an editable install they are in ``resources/`` at the top of the
repository; in a PyInstaller bundle they are in ``resources/`` under ``sys._MEIPASS``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("fonts", "NotoSansSC-Regular.otf")``."""
    return resources_dir().joinpath(*parts)
