"""Reading an ICAO 9303 chip (e-passport, chip exit-entry permit) with BAC over any transmit.

``IcaoChipReader(transmit)`` needs only ``transmit(apdu: bytes) -> bytes`` (response data +
SW1 SW2): a pyscard connection (``monitor.connect``), or an emulated chip directly in tests.
Sequence (Doc 9303 Part 11): SELECT the eMRTD application, GET CHALLENGE, EXTERNAL
AUTHENTICATE (BAC), then secure-messaging SELECT/READ BINARY of EF.COM, DG1, DG2.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from drivers.base import DeviceError
from drivers.pcsc import bac, lds
from drivers.pcsc.mrz import Mrz
from drivers.pcsc.mrz import parse as parse_mrz
from drivers.pcsc.sm import SecureChannel, parse_tlvs

log = logging.getLogger(__name__)

EMRTD_AID = bytes.fromhex("A0000002471001")
#: READ BINARY chunk under 3DES SM: 223 data bytes keep the protected answer under 256.
CHUNK = 0xDF


class ChipError(DeviceError):
    """The chip answered an error status."""

    code = "pcsc.chip_error"


@dataclass(frozen=True)
class ChipDocument:
    """What was read: EF.COM, the MRZ from DG1 (parsed) and the face from DG2."""

    com: lds.EfCom
    mrz: Mrz
    face: lds.FaceImage | None


class IcaoChipReader:
    """BAC and file reading over a transmit function."""

    def __init__(self, transmit: Callable[[bytes], bytes]) -> None:
        self._transmit = transmit
        self.channel: SecureChannel | None = None

    def _plain(self, apdu: bytes) -> tuple[bytes, bytes]:
        resp = self._transmit(apdu)
        if len(resp) < 2:
            raise ChipError("证件芯片没有应答，请重新放置证件。", detail=apdu[:4].hex())
        return resp[:-2], resp[-2:]

    def select_application(self) -> None:
        """SELECT the eMRTD application by AID."""
        _, sw = self._plain(bytes([0x00, 0xA4, 0x04, 0x0C, len(EMRTD_AID)]) + EMRTD_AID)
        if sw != b"\x90\x00":
            raise ChipError("这不是电子护照/电子证件芯片，或芯片无法读取。", detail=f"SW {sw.hex()}")

    def authenticate(self, mrz_info: str, rnd_ifd: bytes | None = None,
                     k_ifd: bytes | None = None) -> bac.SessionKeys:
        """Run BAC with keys from ``mrz_info`` (see :func:`bac.mrz_information`)."""
        keys = bac.derive_keys(mrz_info)
        rnd_ic, sw = self._plain(bytes.fromhex("0084000008"))
        if sw != b"\x90\x00" or len(rnd_ic) != 8:
            raise ChipError("证件芯片无法开始认证，请重新放置证件。", detail=f"GET CHALLENGE {sw.hex()}")
        challenge = bac.ifd_authenticate(keys, rnd_ic, rnd_ifd, k_ifd)
        answer, sw = self._plain(bytes([0x00, 0x82, 0x00, 0x00, 0x28]) + challenge.command_data
                                 + b"\x28")
        if sw != b"\x90\x00":
            raise bac.BacError("证件芯片认证失败，请核对证件号码、出生日期和有效期是否与证件一致。",
                               detail=f"EXTERNAL AUTHENTICATE {sw.hex()}")
        session = bac.ifd_finish(keys, challenge, rnd_ic, answer)
        self.channel = SecureChannel.from_session(session)
        return session

    def _secure(self, apdu: bytes) -> bytes:
        if self.channel is None:
            raise ChipError("尚未完成芯片认证。", detail="secure command before BAC")
        data, sw = self.channel.unprotect(self._transmit(self.channel.protect(apdu)))
        if sw != b"\x90\x00":
            raise ChipError("证件芯片拒绝读取该文件。", detail=f"{apdu[:4].hex()} -> SW {sw.hex()}")
        return data

    def read_file(self, fid: int) -> bytes:
        """SELECT the elementary file and READ BINARY all of it under secure messaging."""
        self._secure(bytes([0x00, 0xA4, 0x02, 0x0C, 0x02]) + fid.to_bytes(2, "big"))
        head = self._secure(bytes.fromhex("00B0000004"))
        total = _tlv_total_length(head)
        data = bytearray(head)
        while len(data) < total:
            n = min(CHUNK, total - len(data))
            offset = len(data)
            chunk = self._secure(bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, n]))
            if not chunk:
                raise ChipError("读取芯片文件中断，请重新放置证件。", detail=f"empty at {offset}")
            data += chunk
        return bytes(data)

    def read_document(self, mrz_info: str) -> ChipDocument:
        """The whole sequence: select, BAC, EF.COM, DG1, DG2 (if present)."""
        self.select_application()
        self.authenticate(mrz_info)
        com = lds.parse_com(self.read_file(lds.EF_COM))
        mrz = parse_mrz(lds.parse_dg1(self.read_file(lds.EF_DG1)))
        face = lds.parse_dg2(self.read_file(lds.EF_DG2)) if lds.TAG_DG2 in com.tags else None
        return ChipDocument(com, mrz, face)


def _tlv_total_length(head: bytes) -> int:
    """Total file length from the first bytes of a TLV file (tag, length)."""
    if len(head) < 2:
        raise ChipError("芯片文件头不完整。", detail=head.hex())
    pos = 2 if head[0] & 0x1F == 0x1F else 1
    first = head[pos]
    if first < 0x80:
        return pos + 1 + first
    n = first & 0x7F
    if n not in (1, 2) or len(head) < pos + 1 + n:
        # A header longer than 4 bytes: parse_tlvs validates the full file later.
        raise ChipError("芯片文件头格式错误。", detail=head.hex())
    return pos + 1 + n + int.from_bytes(head[pos + 1: pos + 1 + n], "big")


__all__ = ["ChipDocument", "ChipError", "IcaoChipReader", "parse_tlvs"]
