"""Cameras: the portrait camera and the document camera (高拍仪, a UVC camera).

One interface (:class:`~drivers.camera.base.Camera`), a real backend on OpenCV
(:mod:`drivers.camera.opencv`) and a simulator playing image sequences or video files
(:mod:`drivers.camera.simulator`). Frames arrive on the camera's own capture thread at the
camera's rate; consumers take the newest frame from a one-slot mailbox, so a slow consumer
makes old frames drop instead of queueing (back-pressure by dropping, never by buffering).
"""

from drivers.camera.base import Camera, CameraStatus, Frame, FrameSlot

__all__ = ["Camera", "CameraStatus", "Frame", "FrameSlot"]


def parse_resolution(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> (1280, 720); ValueError for anything else."""
    width, _, height = text.lower().partition("x")
    size = (int(width), int(height))
    if min(size) <= 0:
        raise ValueError(f"bad resolution {text!r}")
    return size


def open_camera(source: str, resolution: str = "1280x720", name: str = "portrait") -> Camera:
    """The camera a setting names (``camera.portrait_source`` / ``camera.document_source``):
    a device index ("0"), a URL, ``simulator:PATH`` (images, a directory or a video file) or
    ``simulator`` (a moving test pattern, for demo mode without sample files). Not started."""
    from drivers.camera.opencv import OpenCVCamera
    from drivers.camera.simulator import SimulatedCamera, test_pattern

    width, height = parse_resolution(resolution)
    if source == "simulator":
        return SimulatedCamera(test_pattern(width, height), name=name)
    if source.startswith("simulator:"):
        return SimulatedCamera([source.removeprefix("simulator:")], name=name)
    return OpenCVCamera(source, width=width, height=height, name=name)
