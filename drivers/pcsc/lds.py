"""LDS data groups of an ICAO 9303 chip (Part 10): EF.COM, DG1 (MRZ), DG2 (face).

Parsing for the reader; building for the emulated chip. DG2 holds a biometric information
template (7F61 > 7F60 > 5F2E/7F2E) whose data block is an ISO/IEC 19794-5 facial record:
"FAC\\0" header, facial information, feature points, image information, then the JPEG or
JPEG 2000 image.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from drivers.base import DeviceError
from drivers.pcsc.sm import parse_tlvs, tlv

EF_COM, EF_DG1, EF_DG2 = 0x011E, 0x0101, 0x0102
TAG_COM, TAG_DG1, TAG_DG2 = 0x60, 0x61, 0x75


class LdsError(DeviceError):
    """A data group read from the chip is malformed."""

    code = "pcsc.lds_invalid"


def _one(data: bytes, tag: int, what: str) -> bytes:
    try:
        objects = parse_tlvs(data)
    except (ValueError, IndexError) as exc:
        raise LdsError(f"证件芯片中的{what}格式错误。", detail=str(exc)) from None
    for t, value in objects:
        if t == tag:
            return value
    raise LdsError(f"证件芯片中没有{what}。", detail=f"tag {tag:X} missing")


def _children(data: bytes, what: str) -> dict[int, bytes]:
    try:
        return dict(parse_tlvs(data))
    except (ValueError, IndexError) as exc:
        raise LdsError(f"证件芯片中的{what}格式错误。", detail=str(exc)) from None


@dataclass(frozen=True)
class EfCom:
    """LDS version, Unicode version and the list of data-group tags present."""

    lds_version: str
    unicode_version: str
    tags: bytes


def parse_com(data: bytes) -> EfCom:
    """Parse EF.COM (tag 60)."""
    inner = _children(_one(data, TAG_COM, "EF.COM"), "EF.COM")
    return EfCom(inner.get(0x5F01, b"").decode("ascii", "replace"),
                 inner.get(0x5F36, b"").decode("ascii", "replace"), inner.get(0x5C, b""))


def build_com(tags: bytes = bytes([TAG_DG1, TAG_DG2])) -> bytes:
    """EF.COM for LDS 1.7, Unicode 4.0.0."""
    return tlv(TAG_COM, tlv(0x5F01, b"0107") + tlv(0x5F36, b"040000") + tlv(0x5C, tags))


def parse_dg1(data: bytes) -> str:
    """The MRZ text of DG1 (tag 61 > 5F1F), lines separated by newlines."""
    raw = _one(_one(data, TAG_DG1, "DG1"), 0x5F1F, "机读区 (DG1)").decode("ascii", "replace")
    size = {88: 44, 90: 30, 72: 36}.get(len(raw), len(raw) or 1)
    return "\n".join(raw[i: i + size] for i in range(0, len(raw), size))


def build_dg1(mrz_lines: str) -> bytes:
    """DG1 from MRZ lines."""
    return tlv(TAG_DG1, tlv(0x5F1F, mrz_lines.replace("\n", "").encode("ascii")))


@dataclass(frozen=True)
class FaceImage:
    """The portrait: encoded bytes, MIME type and (if Pillow could decode it) the size."""

    data: bytes
    mime: str
    width: int | None = None
    height: int | None = None


def parse_dg2(data: bytes) -> FaceImage:
    """Extract the first face image from DG2 and decode it with Pillow when possible."""
    group = _children(_one(data, TAG_DG2, "DG2"), "DG2")
    bit_group = _children(group.get(0x7F61, b""), "DG2")
    bit = _children(bit_group.get(0x7F60, b""), "DG2")
    block = bit.get(0x5F2E) or bit.get(0x7F2E)
    if not block:
        raise LdsError("证件芯片中没有人像数据。", detail="no 5F2E/7F2E in DG2")
    image, mime = _image_from_19794_5(block)
    return _decode(image, mime)


def _image_from_19794_5(block: bytes) -> tuple[bytes, str]:
    if block[:4] != b"FAC\x00" or len(block) < 14 + 20 + 12:
        raise LdsError("人像数据格式无法识别。", detail=f"block starts {block[:8].hex()}")
    pos = 14  # format id, version, record length (4), number of faces (2)
    n_points = int.from_bytes(block[pos + 4: pos + 6], "big")
    pos += 20 + 8 * n_points
    if len(block) < pos + 12:
        raise LdsError("人像数据不完整。", detail=f"{n_points} feature points, {len(block)} bytes")
    data_type = block[pos + 1]
    return block[pos + 12:], ("image/jp2" if data_type == 1 else "image/jpeg")


def _decode(image: bytes, mime: str) -> FaceImage:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(image)) as img:
            img.load()
            return FaceImage(image, mime, img.width, img.height)
    except Exception:  # noqa: BLE001 - Pillow without OpenJPEG, or a damaged image
        return FaceImage(image, mime)


def build_dg2(image: bytes, jpeg2000: bool = False, width: int = 0, height: int = 0) -> bytes:
    """DG2 with one ISO/IEC 19794-5 facial record around ``image``."""
    facial_info = (bytes(4) + (0).to_bytes(2, "big") + bytes([0, 0, 0]) + bytes(3)
                   + bytes(2) + bytes(3) + bytes(3))
    image_info = bytes([1, 1 if jpeg2000 else 0]) + width.to_bytes(2, "big") \
        + height.to_bytes(2, "big") + bytes([1, 2]) + bytes(2) + bytes(2)
    record = facial_info + image_info + image
    record = (len(record)).to_bytes(4, "big") + record[4:]
    header = b"FAC\x00" + b"010\x00" + (14 + len(record)).to_bytes(4, "big") + (1).to_bytes(2, "big")
    bht = tlv(0xA1, tlv(0x80, b"\x01\x01") + tlv(0x87, b"\x01\x01") + tlv(0x88, b"\x00\x08"))
    bit = tlv(0x7F60, bht + tlv(0x5F2E, header + record))
    return tlv(TAG_DG2, tlv(0x7F61, tlv(0x02, b"\x01") + bit))
