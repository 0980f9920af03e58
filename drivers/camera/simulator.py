"""A simulated camera: plays image files, a directory of images or a video file, paced at a
frame rate, with an unplug switch. Demo mode, training and tests use it in place of a real
camera; it goes through the same capture thread, mailbox and reconnection as OpenCVCamera.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from drivers.camera.base import Camera

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"}


def _playlist(path: Path) -> list[Path]:
    """A ``.playlist`` file: lines ``IMAGE [REPEAT]`` (paths relative to the playlist), so a
    still picture can be held for a number of frames, as a person holds still between blinks."""
    items: list[Path] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, repeat = line.strip().partition(" ")
        items.extend([path.parent / name] * int(repeat or 1))
    return items


def _expand(sources: Sequence[str | Path | np.ndarray]) -> list:
    items: list = []
    for src in sources:
        if isinstance(src, np.ndarray):
            items.append(src)
        elif Path(src).suffix == ".playlist":
            items.extend(_playlist(Path(src)))
        elif Path(src).is_dir():
            items.extend(sorted(p for p in Path(src).iterdir()
                                if p.suffix.lower() in IMAGE_SUFFIXES))
        else:
            items.append(Path(src))
    return items


class SimulatedCamera(Camera):
    """Plays ``sources`` (arrays, image paths, directories of images, or one video file) at
    ``fps``, looping when ``loop``. ``unplug()`` makes reads and opens fail, as pulling the
    USB cable does; ``replug()`` brings the device back."""

    BACKEND = "simulator"
    RECONNECT_DELAYS = (0.05, 0.1, 0.2)

    def __init__(self, sources: Sequence[str | Path | np.ndarray], *, fps: float = 25.0,
                 loop: bool = True, name: str = "simulated") -> None:
        super().__init__(name)
        self.items = _expand(sources)
        if not self.items:
            raise ValueError("SimulatedCamera needs at least one image or video")
        self.fps, self.loop = fps, loop
        self._plugged = threading.Event()
        self._plugged.set()
        self._index = 0
        self._video: Any = None  # a cv2.VideoCapture while a video file plays
        self._next_due = 0.0
        self._cache: dict[Path, np.ndarray] = {}   # a playlist repeats files

    def address(self) -> str:
        """``simulator:`` and the first file played."""
        first = self.items[0]
        return "simulator:" + (str(first) if isinstance(first, Path) else "array")

    def unplug(self) -> None:
        """Simulate pulling the cable: the stream stops and opening fails until replug()."""
        self._plugged.clear()

    def replug(self) -> None:
        """Simulate plugging the cable back in; the capture thread reconnects."""
        self._plugged.set()

    def _is_video(self) -> bool:
        first = self.items[0]
        return isinstance(first, Path) and first.suffix.lower() not in IMAGE_SUFFIXES

    def _open(self) -> bool:
        if not self._plugged.is_set():
            return False
        if self._is_video():
            import cv2

            self._video = cv2.VideoCapture(str(self.items[0]))
            if not self._video.isOpened():
                return False
        self._next_due = time.monotonic()
        return True

    def _pace(self) -> None:
        self._next_due += 1.0 / self.fps
        delay = self._next_due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            self._next_due = time.monotonic()

    def _read(self) -> np.ndarray | None:
        if not self._plugged.is_set():
            return None
        self._pace()
        if self._video is not None:
            return self._read_video()
        if self._index >= len(self.items):
            if not self.loop:
                return None
            self._index = 0
        image = self._load(self._index)
        self._index += 1
        return image

    def _read_video(self) -> np.ndarray | None:
        ok, image = self._video.read()
        if not ok and self.loop:
            self._video.set(1, 0)   # cv2.CAP_PROP_POS_FRAMES: rewind
            ok, image = self._video.read()
        return image if ok else None

    def _load(self, index: int) -> np.ndarray | None:
        item = self.items[index]
        if isinstance(item, np.ndarray):
            return item.copy()
        if item not in self._cache:
            import cv2

            # np.fromfile + imdecode: cv2.imread cannot open non-ASCII paths on Windows.
            image = cv2.imdecode(np.fromfile(str(item), dtype=np.uint8), cv2.IMREAD_COLOR)
            if image is None:
                return None
            self._cache[item] = image
        return self._cache[item].copy()

    def _close(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None


def test_pattern(width: int = 640, height: int = 480, frames: int = 50) -> list[np.ndarray]:
    """Frames of a moving test pattern (grey ramp, a bar sweeping across, the frame number),
    for demo mode when no sample images are configured."""
    import cv2

    ramp = np.tile(np.linspace(40, 200, width, dtype=np.uint8), (height, 1))
    out = []
    for i in range(frames):
        img = cv2.cvtColor(ramp, cv2.COLOR_GRAY2BGR)
        x = int(i * width / frames)
        cv2.rectangle(img, (x, 0), (x + width // 20, height), (0, 160, 255), -1)
        cv2.putText(img, f"SIMULATOR {i:02d}", (20, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.2,
                    (255, 255, 255), 2)
        out.append(img)
    return out


test_pattern.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, despite the name
