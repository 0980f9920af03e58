"""Vendor-DLL backends through ctypes: the common ``sdtapi`` (SDT_*) and 华视 ``termb`` (CVR_*).

Where a reader is only usable through its vendor's library (some USB readers, HID models),
these wrap the exported C functions (identity.md §1.10). The modules import on every
platform; without the library, ``is_usable()`` is False and ``unusable_reason()`` says what
is missing. Status codes from ``SDT_*`` are the SAM's SW3 values, so they map through the same
``status`` table as the frame protocol; the 256-byte text goes through the same parser.

Ports: 1-16 serial, 1001-1016 USB (the vendors' numbering). On Windows the DLLs use the
stdcall convention (``WinDLL``); on Linux the vendors' .so files use cdecl (``CDLL``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re

from drivers.base import DeviceError, DeviceInfo, DriverUnavailable, load_vendor_library
from drivers.idcard import status
from drivers.idcard.interface import CardRead, IdCardReader
from drivers.idcard.samples import encode_text_block
from drivers.idcard.textblock import parse_text_block

_u32p = ctypes.POINTER(ctypes.c_uint)


class SdtApiReader(IdCardReader):
    """A reader driven through ``sdtapi`` (SDT_OpenPort, SDT_StartFindIDCard, ...)."""

    BACKEND = "vendor-sdtapi"
    LIB_NAMES = ("sdtapi", "libsdtapi", "sdtapi.so")

    def __init__(self, port: int = 1001, library: str | None = None) -> None:
        self.port = port
        self._lib, self._reason = load_vendor_library(
            self.LIB_NAMES, library, ("SDT_OpenPort", "SDT_ClosePort", "SDT_StartFindIDCard",
                                      "SDT_SelectIDCard", "SDT_ReadBaseMsg"))
        self._open = False
        if self._lib is not None:
            self._declare()

    def _declare(self) -> None:
        lib = self._lib
        for name in ("SDT_OpenPort", "SDT_ClosePort"):
            getattr(lib, name).argtypes, getattr(lib, name).restype = [ctypes.c_int], ctypes.c_int
        for name in ("SDT_StartFindIDCard", "SDT_SelectIDCard"):
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int], ctypes.c_int
        lib.SDT_ReadBaseMsg.argtypes = [ctypes.c_int, ctypes.c_char_p, _u32p, ctypes.c_char_p,
                                        _u32p, ctypes.c_int]
        lib.SDT_ReadBaseMsg.restype = ctypes.c_int

    def unusable_reason(self) -> str:
        """Why not (Chinese), empty when usable."""
        return "" if self._lib else f"没有找到厂商读卡库 sdtapi（{self._reason}）"

    def _require(self) -> None:
        if self._lib is None:
            raise DriverUnavailable(self.unusable_reason() + "。", detail=self._reason)
        if not self._open:
            status.check(self._lib.SDT_OpenPort(self.port))
            self._open = True

    def read_card(self, *, with_fingerprint: bool = False) -> CardRead | None:
        """Find, select, read base message (fingerprints are not read through this backend)."""
        self._require()
        scratch = ctypes.create_string_buffer(64)
        try:
            status.check(self._lib.SDT_StartFindIDCard(self.port, scratch, 0),
                         success=status.FIND_OK)
        except status.NoCard:
            return None
        status.check(self._lib.SDT_SelectIDCard(self.port, scratch, 0))
        text, photo = ctypes.create_string_buffer(256), ctypes.create_string_buffer(1024)
        tlen, plen = ctypes.c_uint(0), ctypes.c_uint(0)
        status.check(self._lib.SDT_ReadBaseMsg(self.port, text, ctypes.byref(tlen), photo,
                                               ctypes.byref(plen), 0))
        raw = text.raw[: tlen.value]
        return CardRead(parse_text_block(raw), raw, photo.raw[: plen.value])

    def sam_id(self) -> str:
        """``SDT_GetSAMIDToStr`` if the library has it."""
        self._require()
        if not hasattr(self._lib, "SDT_GetSAMIDToStr"):
            raise DriverUnavailable("该厂商库不提供读取安全模块号的函数。")
        buf = ctypes.create_string_buffer(128)
        status.check(self._lib.SDT_GetSAMIDToStr(self.port, buf, 0))
        return buf.value.decode("ascii", "replace")

    def info(self) -> DeviceInfo:
        """Usable library -> try to open the port; otherwise say what is missing."""
        name = "身份证阅读器 (厂商库 sdtapi)"
        if not self.is_usable():
            return DeviceInfo("card_reader", self.BACKEND, name, str(self.port), "unusable",
                              self.unusable_reason())
        try:
            self._require()
        except DeviceError as exc:
            return DeviceInfo("card_reader", self.BACKEND, name, str(self.port), "error",
                              exc.message_zh)
        return DeviceInfo("card_reader", self.BACKEND, name, str(self.port), "ok")

    def close(self) -> None:
        if self._lib is not None and self._open:
            self._lib.SDT_ClosePort(self.port)
            self._open = False


# 华视 termb getters -> text-block fields. [M] Output encoding (GBK/GB18030) and date formats
# come from wrapper code in public projects, not from the vendor manual.
_TERMB_FIELDS = (("GetPeopleName", "name"), ("GetPeopleSex", "sex"),
                 ("GetPeopleNation", "ethnicity"), ("GetPeopleBirthday", "birth"),
                 ("GetPeopleAddress", "address"), ("GetPeopleIDCode", "id_number"),
                 ("GetDepartment", "issuer"), ("GetStartDate", "valid_from"),
                 ("GetEndDate", "valid_until"))


class TermbReader(IdCardReader):
    """A 华视 (CVR) reader through ``termb`` (CVR_InitComm, CVR_Authenticate, getters).

    The getters return display strings, not the raw block; they are laid back into a
    resident text block so the same parser and checks apply. Foreigner/permit cards need
    the vendor's newer getters and are reported as unsupported by this backend.
    """

    BACKEND = "vendor-termb"
    LIB_NAMES = ("termb", "libtermb", "termb.so")

    def __init__(self, port: int = 1001, library: str | None = None) -> None:
        self.port = port
        self._lib, self._reason = load_vendor_library(self.LIB_NAMES, library, ("CVR_InitComm",))
        self._open = False

    def unusable_reason(self) -> str:
        """Why not (Chinese), empty when usable."""
        return "" if self._lib else f"没有找到厂商读卡库 termb（{self._reason}）"

    def read_card(self, *, with_fingerprint: bool = False) -> CardRead | None:
        """Authenticate (= find + select) and read the content, then collect the getters."""
        if self._lib is None:
            raise DriverUnavailable(self.unusable_reason() + "。", detail=self._reason)
        if not self._open:
            if self._lib.CVR_InitComm(self.port) != 1:
                raise DeviceError(f"无法打开读卡器端口 {self.port}。", detail="CVR_InitComm != 1")
            self._open = True
        if self._lib.CVR_Authenticate() != 1:
            return None
        if self._lib.CVR_Read_Content(4) != 1:
            raise status.CardReadFailed("读取证件失败，请将证件平放在读卡区重新读取。", sw3=0x41)
        fields = {key: self._get(fn) for fn, key in _TERMB_FIELDS}
        fields = _normalise_termb(fields)
        block = encode_text_block("resident", **{k: v for k, v in fields.items() if v})
        return CardRead(parse_text_block(block), block, b"")

    def _get(self, fn: str) -> str:
        buf, size = ctypes.create_string_buffer(256), ctypes.c_int(256)
        if getattr(self._lib, fn)(buf, ctypes.byref(size)) != 1:
            return ""
        raw = buf.raw[: max(0, min(size.value, 256))].split(b"\0")[0]
        # GB18030 is a superset of GBK: rare characters (䶮) survive if the vendor sends them.
        return raw.decode("gb18030", "replace")

    def sam_id(self) -> str:
        """termb has no portable SAM-ID getter."""
        raise DriverUnavailable("该厂商库不提供读取安全模块号的函数。")

    def info(self) -> DeviceInfo:
        """Library present or not (opening the port would grab it from another program)."""
        name = "身份证阅读器 (厂商库 termb)"
        if not self.is_usable():
            return DeviceInfo("card_reader", self.BACKEND, name, str(self.port), "unusable",
                              self.unusable_reason())
        return DeviceInfo("card_reader", self.BACKEND, name, str(self.port), "ok")

    def close(self) -> None:
        if self._lib is not None and self._open:
            self._lib.CVR_CloseComm()
            self._open = False


def _normalise_termb(fields: dict[str, str]) -> dict[str, str]:
    out = dict(fields)
    out["sex"] = {"男": "1", "女": "2"}.get(fields["sex"].strip(), fields["sex"].strip()[:1])
    nation = fields["ethnicity"].strip().removesuffix("族")
    from counter_app.domain.ethnicity import ETHNICITIES

    codes = {v: k for k, v in ETHNICITIES.items()}
    out["ethnicity"] = codes.get(nation, nation[:2])
    for key in ("birth", "valid_from", "valid_until"):
        value = fields[key].strip()
        out[key] = value if value in ("长期", "") else re.sub(r"\D", "", value)[:8]
    return {k: v.strip()[: {"address": 35, "name": 15, "issuer": 15}.get(k, 18)]
            for k, v in out.items()}


def detect_sdtapi() -> list[DeviceInfo]:
    """The sdtapi backend's state (library found or not)."""
    if not _quick_present(SdtApiReader.LIB_NAMES):
        return [DeviceInfo("card_reader", SdtApiReader.BACKEND, "身份证阅读器 (厂商库 sdtapi)",
                           "", "unusable", "没有安装厂商读卡库 sdtapi")]
    with SdtApiReader() as reader:
        return [reader.info()]


def detect_termb() -> list[DeviceInfo]:
    """The termb backend's state (library found or not)."""
    return [TermbReader().info() if _quick_present(TermbReader.LIB_NAMES) else
            DeviceInfo("card_reader", TermbReader.BACKEND, "身份证阅读器 (厂商库 termb)", "",
                       "unusable", "没有安装厂商读卡库 termb")]


def _quick_present(names: tuple[str, ...]) -> bool:
    return any(ctypes.util.find_library(n) for n in names)
