"""PC/SC and ICAO 9303 tests. ``face_image`` and the MRZ below feed the emulated chip."""

from __future__ import annotations

import io

#: The ICAO Doc 9303 Part 4 specimen passport (a fictitious person of the fictitious state UTO).
SPECIMEN_MRZ = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
SPECIMEN_KEY = ("L898902C3", "740812", "120415")


def face_image(fmt: str = "JPEG", size=(96, 120)) -> bytes:
    """A synthetic portrait-shaped picture (an oval on a plain background)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (225, 230, 235))
    ImageDraw.Draw(img).ellipse((18, 14, size[0] - 18, size[1] - 10), fill=(205, 160, 130))
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


def connect_when_present(reader: str, timeout: float = 10.0):
    """A PcscConnection to ``reader`` as soon as pcscd reports the (virtual) card in it."""
    import time

    from drivers.base import DeviceError
    from drivers.pcsc import monitor

    deadline = time.monotonic() + timeout
    while True:
        try:
            return monitor.PcscConnection(reader)
        except DeviceError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
