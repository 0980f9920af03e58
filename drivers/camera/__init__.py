"""Cameras: the portrait camera and the document camera (高拍仪, a UVC camera).

One interface (:class:`~drivers.camera.base.Camera`), a real backend on OpenCV
(:mod:`drivers.camera.opencv`) and a simulator playing image sequences or video files
(:mod:`drivers.camera.simulator`). Frames arrive on the camera's own capture thread at the
camera's rate; consumers take the newest frame from a one-slot mailbox, so a slow consumer
makes old frames drop instead of queueing (back-pressure by dropping, never by buffering).
"""

from drivers.camera.base import Camera, CameraStatus, Frame, FrameSlot

__all__ = ["Camera", "CameraStatus", "Frame", "FrameSlot"]
