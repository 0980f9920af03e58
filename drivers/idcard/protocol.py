"""The SAM (安全模块) frame protocol of resident-ID readers, GA/T 467 (identity.md §1.3-1.6).

Every exchange is one request frame and one response frame::

    request : AA AA AA 96 69 | LEN(2, big-endian) | CMD PARA DATA... | CHK
    response: AA AA AA 96 69 | LEN(2, big-endian) | SW1 SW2 SW3 DATA... | CHK

LEN counts every byte after itself including CHK; CHK is the XOR of LEN1, LEN2 and the body.
This module is pure (no I/O): it builds frames, decodes them incrementally from a byte stream
(resynchronising on the preamble after garbage) and splits read responses into text/photo/
fingerprint. Transports and the reader itself live in ``transport.py`` and ``sam_reader.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.base import DeviceError

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
#: The largest LEN we accept. The longest real answer (30 10 with two fingerprints) has
#: LEN 2314; anything far above that is line noise, and waiting for it would hang the read.
MAX_LEN = 4096

# (CMD, PARA) pairs, identity.md §1.4.
RESET_SAM = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
READ_SAM_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_TEXT_PHOTO = (0x30, 0x01)
READ_NEW_ADDRESS = (0x30, 0x03)
READ_TEXT_PHOTO_FP = (0x30, 0x10)

TEXT_LEN, PHOTO_LEN = 256, 1024


class FrameError(DeviceError):
    """A frame on the line was malformed (checksum, length): the reader or cable is at fault."""

    code = "idcard.frame"


def xor_checksum(data: bytes) -> int:
    """XOR of all bytes (the CHK of a frame is this over LEN1 LEN2 and the body)."""
    chk = 0
    for b in data:
        chk ^= b
    return chk


def build_frame(body: bytes) -> bytes:
    """Wrap a body (CMD PARA DATA, or SW1 SW2 SW3 DATA) into a complete frame."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor_checksum(length + body)])


def build_request(command: tuple[int, int], data: bytes = b"") -> bytes:
    """A request frame for a (CMD, PARA) pair from this module, e.g. ``build_request(FIND_CARD)``."""
    return build_frame(bytes(command) + data)


def build_response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """A response frame (what a SAM sends): status words then data."""
    return build_frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Response:
    """A decoded response: the card's SW1 SW2, the SAM's own status SW3 and the data."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes


def parse_response_body(body: bytes) -> Response:
    """Split a response body (between LEN and CHK) into status words and data."""
    if len(body) < 3:
        raise FrameError("读卡器返回的数据不完整，请重新放置证件后再试。",
                         detail=f"response body too short: {body.hex()}")
    return Response(body[0], body[1], body[2], bytes(body[3:]))


class FrameDecoder:
    """Incremental decoder: ``feed()`` bytes as they arrive, ``next_body()`` yields bodies.

    Bytes before a preamble are skipped and counted in ``discarded`` (line noise after a
    reader is plugged in, or a half frame from an earlier timeout). A frame whose checksum
    does not match raises :class:`FrameError` once and is dropped, so the stream stays usable.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.discarded = 0

    def feed(self, data: bytes) -> None:
        """Append received bytes."""
        self._buf += data

    def pending(self) -> int:
        """How many received bytes are not yet consumed (0 between frames)."""
        return len(self._buf)

    def clear(self) -> None:
        """Forget everything buffered (after a timeout the rest of a frame is garbage)."""
        self.discarded += len(self._buf)
        self._buf.clear()

    def next_body(self) -> bytes | None:
        """The body of the next complete frame, None if more bytes are needed."""
        while True:
            if not self._sync():
                return None
            if len(self._buf) < 7:
                return None
            length = int.from_bytes(self._buf[5:7], "big")
            if length < 2 or length > MAX_LEN:
                # Not a real frame start (e.g. AA AA AA 96 69 inside noise): skip one byte.
                self._drop(1)
                continue
            if len(self._buf) < 7 + length:
                return None
            frame = bytes(self._buf[: 7 + length])
            del self._buf[: 7 + length]
            body, chk = frame[7:-1], frame[-1]
            if xor_checksum(frame[5:-1]) != chk:
                raise FrameError(
                    "读卡器数据校验错误，可能是连接线接触不良，请重试。",
                    detail=f"checksum mismatch: got {chk:02x}, "
                           f"computed {xor_checksum(frame[5:-1]):02x}, len {length}")
            return body

    def _sync(self) -> bool:
        idx = self._buf.find(PREAMBLE)
        if idx < 0:
            # Keep a tail that could be the start of a preamble split across reads.
            keep = 0
            for k in range(min(4, len(self._buf)), 0, -1):
                if self._buf.endswith(PREAMBLE[:k]):
                    keep = k
                    break
            self._drop(len(self._buf) - keep)
            return False
        self._drop(idx)
        return True

    def _drop(self, n: int) -> None:
        self.discarded += n
        del self._buf[:n]


def decode_frame(frame: bytes) -> bytes:
    """The body of exactly one complete frame in ``frame`` (leading noise allowed)."""
    decoder = FrameDecoder()
    decoder.feed(frame)
    body = decoder.next_body()
    if body is None:
        raise FrameError("数据不是完整的读卡器应答帧。",
                         detail=f"no complete frame in {len(frame)} bytes")
    return body


@dataclass(frozen=True)
class CardFiles:
    """What a read command returns: the 256-byte text block, the WLT photo, fingerprints."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""


def split_read_data(data: bytes, with_fingerprint: bool) -> CardFiles:
    """Split the data of a 30 01 / 30 10 answer (after SW3) into its files.

    Layout (identity.md §1.6): textLen(2,BE) photoLen(2,BE) [fpLen(2,BE)] text photo [fp].
    """
    n_lens = 3 if with_fingerprint else 2
    if len(data) < 2 * n_lens:
        raise FrameError("读卡器返回的证件数据不完整，请重新放置证件。",
                         detail=f"read data too short: {len(data)} bytes")
    lens = [int.from_bytes(data[2 * i: 2 * i + 2], "big") for i in range(n_lens)]
    pos = 2 * n_lens
    if pos + sum(lens) != len(data):
        raise FrameError("读卡器返回的证件数据长度不符，请重新放置证件。",
                         detail=f"declared lengths {lens} vs {len(data) - pos} data bytes")
    parts = []
    for n in lens:
        parts.append(bytes(data[pos: pos + n]))
        pos += n
    if len(parts[0]) != TEXT_LEN:
        raise FrameError("证件文字信息长度异常，请重新放置证件。",
                         detail=f"text length {len(parts[0])} != 256")
    return CardFiles(parts[0], parts[1], parts[2] if with_fingerprint else b"")


def build_read_data(files: CardFiles, with_fingerprint: bool) -> bytes:
    """The inverse of :func:`split_read_data` (the simulator uses it)."""
    lens = [len(files.text), len(files.photo)] + ([len(files.fingerprint)] if with_fingerprint
                                                  else [])
    head = b"".join(n.to_bytes(2, "big") for n in lens)
    return head + files.text + files.photo + (files.fingerprint if with_fingerprint else b"")
