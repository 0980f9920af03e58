"""Optional decoding of the card's 1024-byte WLT photo through a licensed vendor library.

No open WLT decoder exists (identity.md §1.9): the photo stays an opaque blob unless the
office installs its reader vendor's decoder and points ``drivers.idcard.wlt_decoder`` at it.
Vendors ship different entry points; we support the two shapes seen in public code:
``unpack(wlt, bmp_out, 1) -> 1`` (libwlt2bmp / iDR2x0 style) and ``GetBmp(path, 1)``
(WltRS.dll writes a .bmp next to the .wlt). [M] Both signatures come from open wrapper code,
not from vendor documentation; an office's DLL may differ, which ``is_usable`` then reports.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
from pathlib import Path

from drivers.base import DeviceError, DriverUnavailable

#: 102 x 126 px, 24-bit BMP (identity.md §1.9).
BMP_SIZE = 38862


class WltDecoder:
    """A vendor WLT decoder loaded with ctypes, or an absent one that says why."""

    def __init__(self, library: str | os.PathLike | None) -> None:
        self._lib = None
        self._entry = None
        self._reason = ""
        if not library:
            self._reason = "未配置相片解码库（drivers.idcard.wlt_decoder）：身份证相片按原样保存，无法显示。"
            return
        try:
            self._lib = ctypes.CDLL(str(library))
        except OSError as exc:
            self._reason = f"无法加载相片解码库 {library}：{exc}"
            return
        for name in ("unpack", "Unpack", "GetBmp"):
            if hasattr(self._lib, name):
                self._entry = name
                break
        else:
            self._reason = f"相片解码库 {library} 中没有已知的解码函数（unpack/GetBmp）"

    def is_usable(self) -> bool:
        """True when a vendor decoder is loaded and has a known entry point."""
        return self._entry is not None

    def unusable_reason(self) -> str:
        """Why decoding is not possible (Chinese), empty when it is."""
        return self._reason

    def decode(self, wlt: bytes) -> bytes:
        """The photo as BMP bytes; raises ``DriverUnavailable`` without a decoder."""
        if not self.is_usable():
            raise DriverUnavailable(self._reason, detail="no WLT decoder")
        assert self._lib is not None  # usable means loaded, with a known entry point
        if self._entry in ("unpack", "Unpack"):
            out = ctypes.create_string_buffer(BMP_SIZE + 1024)
            ok = getattr(self._lib, self._entry)(wlt, out, 1)
            if ok != 1:
                raise DeviceError("身份证相片解码失败。", detail=f"{self._entry} returned {ok}")
            return out.raw[:BMP_SIZE]
        with tempfile.TemporaryDirectory() as tmp:
            wlt_path = Path(tmp) / "zp.wlt"
            wlt_path.write_bytes(wlt)
            ok = self._lib.GetBmp(str(wlt_path).encode("mbcs" if os.name == "nt" else "utf-8"), 1)
            bmp = wlt_path.with_suffix(".bmp")
            if ok != 1 or not bmp.exists():
                raise DeviceError("身份证相片解码失败。", detail=f"GetBmp returned {ok}")
            return bmp.read_bytes()
