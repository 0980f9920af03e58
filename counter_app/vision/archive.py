"""Archive output of scanned pages: JPEG at a stated resolution (colour, grey or bitonal) and
multi-page PDF.

The resolution is stated, not invented: a straightened page is scaled to the paper size at
the requested dpi (A4 at 200 dpi = 1654 x 2339 px) and the dpi is written into the file, and
``effective_dpi`` reports how many camera pixels per inch there really were, so an archive
check can tell an upscaled capture from a real one.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import numpy as np

#: Paper sizes in millimetres (portrait).
PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "B5": (176.0, 250.0)}
MODES = ("colour", "grey", "bitonal")


@dataclass(frozen=True)
class ArchiveOptions:
    """How pages are stored. ``paper`` None keeps the straightened size as captured."""

    dpi: int = 200
    paper: str | None = "A4"
    mode: str = "colour"
    jpeg_quality: int = 85

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if self.paper is not None and self.paper not in PAPER_MM:
            raise ValueError(f"paper must be one of {sorted(PAPER_MM)}")


@dataclass
class ArchivePage:
    """A page ready to store, with the resolution it was stored at and really had."""

    image: object           # PIL.Image.Image
    dpi: int
    effective_dpi: float


def prepare_page(bgr: np.ndarray, options: ArchiveOptions | None = None) -> ArchivePage:
    """Scale a straightened page to the paper at ``dpi`` (turning it to the paper's
    orientation), and convert it to the chosen mode."""
    import cv2
    from PIL import Image

    options = options or ArchiveOptions()
    h, w = bgr.shape[:2]
    if options.paper is None:
        effective = float(options.dpi)
        out = bgr
    else:
        pw_mm, ph_mm = PAPER_MM[options.paper]
        if w > h:
            pw_mm, ph_mm = ph_mm, pw_mm
        target = (round(pw_mm / 25.4 * options.dpi), round(ph_mm / 25.4 * options.dpi))
        effective = w / (pw_mm / 25.4)
        out = cv2.resize(bgr, target, interpolation=cv2.INTER_AREA if target[0] < w
                         else cv2.INTER_CUBIC)
    grey = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    if options.mode == "colour" and out.ndim == 3:
        image = Image.fromarray(np.ascontiguousarray(out[:, :, ::-1]))
    elif options.mode == "bitonal":
        image = Image.fromarray(bitonal(grey)).convert("1")
    else:
        image = Image.fromarray(grey)
    return ArchivePage(image, options.dpi, round(effective, 1))


def bitonal(grey: np.ndarray) -> np.ndarray:
    """Black text on white (0/255) with an adaptive threshold, robust to uneven light."""
    import cv2

    block = max(15, (min(grey.shape) // 40) | 1)
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                 cv2.THRESH_BINARY, block, 15)


def page_bytes(page: ArchivePage, fmt: str = "JPEG", quality: int = 85) -> bytes:
    """The page as a JPEG or PNG file with its dpi recorded (a bitonal page goes into a JPEG
    as 0/255 grey, since JPEG has no 1-bit mode; PNG keeps it 1-bit)."""
    buf = io.BytesIO()
    image = page.image
    if fmt == "JPEG":
        if image.mode == "1":
            image = image.convert("L")
        image.save(buf, "JPEG", quality=quality, dpi=(page.dpi, page.dpi), optimize=True)
    else:
        image.save(buf, "PNG", dpi=(page.dpi, page.dpi), optimize=True)
    return buf.getvalue()


def write_pdf(pages: list[ArchivePage], path: str | os.PathLike) -> None:
    """One PDF with every page at its stated resolution (page size = pixels / dpi)."""
    if not pages:
        raise ValueError("no pages")
    first, rest = pages[0].image, [p.image for p in pages[1:]]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(pages[0].dpi))
