"""One fingerprint pad and the one thread all its calls run on (pad SDKs are not thread-safe)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from drivers.base import DeviceThread
from drivers.fingerprint.base import FingerprintPad, FingerprintSample


class PadSession:
    """The fingerprint pad and the one thread all its calls run on (pads are not thread-safe).
    The pad is opened at the first capture and again after it was unplugged."""

    def __init__(self, open_pad: Callable[[], FingerprintPad]) -> None:
        self.open_pad = open_pad
        self.device = DeviceThread("fingerprint")
        self.pad: FingerprintPad | None = None
        self.released = False

    def capture(self, timeout_s: float) -> FingerprintSample:
        """Called from a worker thread: waits for the pad's own thread to capture."""
        return self.device.call(self._capture, timeout_s)

    def _capture(self, timeout_s: float) -> FingerprintSample:
        if self.pad is None:
            pad = self.open_pad()
            pad.open()
            self.pad = pad
        return self.pad.capture(timeout_s)

    def reset(self) -> None:
        """Close the pad (it is opened again at the next capture)."""
        if not self.released:
            self.device.submit(self._close)

    def _close(self) -> None:
        pad, self.pad = self.pad, None
        if pad is not None:
            pad.close()

    def release(self) -> None:
        """Close the pad and end its thread; a capture still waiting for a finger ends on its
        own, off the GUI thread."""
        if self.released:
            return
        self.released = True
        threading.Thread(target=self._close_and_stop, name="fingerprint-close",
                         daemon=True).start()

    def _close_and_stop(self) -> None:
        self.device.call(self._close)  # after any capture still running, then nothing more
        self.device.shutdown()
