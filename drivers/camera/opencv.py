"""The real camera backend on OpenCV: a device index (USB/UVC) or a URL (RTSP/HTTP camera).

Resolution, frame rate and the MJPG pixel format are requested when the device opens; a
UVC camera at 1280x720 usually delivers its full rate only with MJPG (uncompressed YUYV is
limited by USB 2.0 bandwidth). What the device actually granted is in ``granted``.
"""

from __future__ import annotations

import logging
import sys

import numpy as np

from drivers.camera.base import Camera

log = logging.getLogger(__name__)

try:  # the module must import even where OpenCV is missing
    import cv2
except ImportError as exc:  # pragma: no cover - OpenCV is a locked dependency
    # None then stands for "no OpenCV", which unusable_reason() reports before any use.
    cv2 = None  # type: ignore[assignment]
    _IMPORT_ERROR = str(exc)
else:
    _IMPORT_ERROR = ""


class OpenCVCamera(Camera):
    """A camera read through ``cv2.VideoCapture``.

    ``source`` is an int (device index) or a string (a digit string is an index; anything
    else a URL or file name). ``width``/``height``/``fps`` of 0 leave the device default.
    """

    BACKEND = "opencv"

    def __init__(self, source: int | str = 0, *, width: int = 1280, height: int = 720,
                 fps: int = 0, fourcc: str | None = "MJPG", name: str = "portrait") -> None:
        super().__init__(name)
        if isinstance(source, str) and source.strip().isdigit():
            source = int(source)
        self.source = source
        self.width, self.height, self.fps, self.fourcc = width, height, fps, fourcc
        self.granted: dict[str, float] = {}
        self._cap: cv2.VideoCapture | None = None

    def unusable_reason(self) -> str:
        """Why the backend cannot work here (Chinese, then the import error)."""
        return "" if cv2 is not None else f"未安装 OpenCV，无法使用摄像头 ({_IMPORT_ERROR})"

    def address(self) -> str:
        """The device index or URL."""
        return str(self.source)

    def _api(self) -> int:
        if isinstance(self.source, int) and sys.platform == "win32":
            return cv2.CAP_DSHOW   # MSMF opens slowly and often ignores MJPG requests
        return cv2.CAP_ANY

    def _open(self) -> bool:
        if cv2 is None:
            return False
        cap = cv2.VideoCapture(self.source, self._api())
        if not cap.isOpened():
            cap.release()
            return False
        if isinstance(self.source, int):
            self._configure(cap)
        self._cap = cap
        self.granted = {"width": cap.get(cv2.CAP_PROP_FRAME_WIDTH),
                        "height": cap.get(cv2.CAP_PROP_FRAME_HEIGHT),
                        "fps": cap.get(cv2.CAP_PROP_FPS)}
        log.info("camera %s opened %s: %s", self.name, self.source, self.granted)
        return True

    def _configure(self, cap: cv2.VideoCapture) -> None:
        # FOURCC first: some drivers only accept a size that the chosen format offers.
        if self.fourcc:
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*self.fourcc))
        if self.width and self.height:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        if self.fps:
            cap.set(cv2.CAP_PROP_FPS, self.fps)
        # Keep the driver's own queue short so a frame is fresh when read.
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)

    def _read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        ok, image = self._cap.read()
        return image if ok and image is not None and image.size else None

    def _close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
