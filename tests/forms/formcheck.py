"""Helpers for the forms tests: the sample cases, PDF read-back and page-image comparison."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
GOLDEN = HERE / "golden"

#: Which sample case renders which form (tests and tests/forms/make_golden.py).
CASE_FOR = {"divorce": "divorce.json", "refusal": "divorce.json", "reissue": "reissue.json"}


def case_for(form_id: str) -> Path:
    return DATA / CASE_FOR.get(form_id.split("_")[0], "marriage.json")


def write_case(tmp_path: Path, raw: dict) -> Path:
    """Write a changed sample case next to copies of the sample images; return its path."""
    import json

    for image in DATA.glob("*.png"):
        shutil.copy(image, tmp_path / image.name)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def need_poppler() -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext/pdftoppm) not installed; scripts/system-deps.sh "
                    "installs it")


def pdf_text(path: Path) -> str:
    need_poppler()
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, timeout=60).stdout.decode("utf-8")


def pdf_pages_png(path: Path, dpi: int, out_prefix: Path) -> list[Path]:
    need_poppler()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(out_prefix)],
                   check=True, timeout=120)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))


def load_gray(path_or_qimage) -> np.ndarray:
    """A page image as a 2-D uint8 grey array (from a PNG path or a QImage)."""
    from PIL import Image

    if isinstance(path_or_qimage, Path):
        return np.asarray(Image.open(path_or_qimage).convert("L"), dtype=np.uint8)
    from PySide6.QtGui import QImage

    image = path_or_qimage.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    buffer = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, :width].copy()


def _near(ink: np.ndarray, radius: int) -> np.ndarray:
    """Pixels within ``radius`` of an ink pixel (a square dilation)."""
    out = ink.copy()
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            out |= np.roll(np.roll(ink, dy, axis=0), dx, axis=1)
    return out


def image_difference(a: np.ndarray, b: np.ndarray, radius: int = 1) -> float:
    """Share of pixels inked (grey < 128) in one image with no ink within ``radius`` pixels
    in the other: different rasterisers may place an edge one pixel apart, nothing more.
    Pages may differ by one pixel in size (PDF page sizes are whole points); the common
    area is compared."""
    assert abs(a.shape[0] - b.shape[0]) <= 1 and abs(a.shape[1] - b.shape[1]) <= 1, (
        f"page sizes differ: {a.shape} vs {b.shape}")
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w], b[:h, :w]
    # Firm ink in one image must meet at least faint ink nearby in the other: anti-aliased
    # edges then count as matching, a missing or moved stroke does not.
    missing = ((a < 100) & ~_near(b < 200, radius)) | ((b < 100) & ~_near(a < 200, radius))
    return float(np.mean(missing))
