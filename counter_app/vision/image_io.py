"""Reading images from files robustly (any path, EXIF orientation, any mode) as BGR arrays."""

from __future__ import annotations

import os

import numpy as np

from counter_app.vision.errors import ImageUnreadable


def load_bgr(path: str | os.PathLike) -> np.ndarray:
    """The image at ``path`` as an 8-bit BGR array, turned upright per its EXIF orientation.

    Pillow reads it (cv2.imread cannot open non-ASCII paths on Windows). Raises
    :class:`ImageUnreadable` with a Chinese message when the file is absent or not an image.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = ImageOps.exif_transpose(img)
            rgb = np.asarray(img.convert("RGB"))
    except FileNotFoundError:
        raise ImageUnreadable(f"找不到图片文件：{os.fspath(path)}",
                              detail="file not found") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageUnreadable(f"无法读取图片（文件损坏或不是图片）：{os.fspath(path)}",
                              detail=f"{type(exc).__name__}: {exc}") from None
    return np.ascontiguousarray(rgb[:, :, ::-1])
