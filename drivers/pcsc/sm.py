"""3DES secure messaging, ICAO Doc 9303 Part 11 §9.8 (both the reader's and the chip's side).

Commands: CLA | 0x0C, padded header, DO'87' (01 || encrypted padded data) when there is
data, DO'97' (Le) when a response is expected, DO'8E' (MAC over SSC || header || DOs).
Responses: DO'87', DO'99' (status), DO'8E'. The SSC is incremented before every MAC.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from drivers.base import DeviceError
from drivers.pcsc.bac import SessionKeys
from drivers.pcsc.crypto import des3_decrypt, des3_encrypt, pad, retail_mac, unpad


class SecureMessagingError(DeviceError):
    """A protected message failed its MAC or was malformed."""

    code = "pcsc.secure_messaging"


def ber_length(n: int) -> bytes:
    """BER-TLV length octets."""
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82]) + n.to_bytes(2, "big")


def tlv(tag: int, value: bytes) -> bytes:
    """One BER-TLV data object (tags up to two bytes)."""
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    return tag_bytes + ber_length(len(value)) + value


def parse_tlvs(data: bytes) -> list[tuple[int, bytes]]:
    """Split concatenated BER-TLV objects (single- or multi-byte tags); ValueError if broken."""
    out, pos = [], 0
    while pos < len(data):
        tag, pos = _read_tag(data, pos)
        length, pos = _read_length(data, pos)
        if pos + length > len(data):
            raise ValueError("TLV value runs past the end")
        out.append((tag, data[pos: pos + length]))
        pos += length
    return out


def _read_tag(data: bytes, pos: int) -> tuple[int, int]:
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        while True:
            if pos >= len(data):
                raise ValueError("truncated tag")
            tag = (tag << 8) | data[pos]
            pos += 1
            if not data[pos - 1] & 0x80:
                break
    return tag, pos


def _read_length(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise ValueError("truncated length")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    n = first & 0x7F
    if n == 0 or n > 3 or pos + n > len(data):
        raise ValueError("bad length")
    return int.from_bytes(data[pos: pos + n], "big"), pos + n


@dataclass
class SecureChannel:
    """Session keys plus the send sequence counter, shared by both directions."""

    ks_enc: bytes
    ks_mac: bytes
    ssc: int

    @classmethod
    def from_session(cls, session: SessionKeys) -> SecureChannel:
        """From :class:`drivers.pcsc.bac.SessionKeys`."""
        return cls(session.ks_enc, session.ks_mac, int.from_bytes(session.ssc, "big"))

    def _next_ssc(self) -> bytes:
        self.ssc = (self.ssc + 1) % (1 << 64)
        return self.ssc.to_bytes(8, "big")

    # -- reader side --------------------------------------------------------------------
    def protect(self, apdu: bytes) -> bytes:
        """Wrap a plain short command APDU (CLA INS P1 P2 [Lc data] [Le])."""
        header, data, le = split_apdu(apdu)
        masked = bytes([header[0] | 0x0C]) + header[1:]
        do87 = (tlv(0x87, b"\x01" + des3_encrypt(self.ks_enc, pad(data)))) if data else b""
        do97 = tlv(0x97, bytes([le & 0xFF])) if le is not None else b""
        mac = retail_mac(self.ks_mac, self._next_ssc() + pad(masked) + do87 + do97)
        body = do87 + do97 + tlv(0x8E, mac)
        return masked + bytes([len(body)]) + body + b"\x00"

    def unprotect(self, response: bytes) -> tuple[bytes, bytes]:
        """Check and open a protected response; returns (data, SW1SW2 from DO'99')."""
        if len(response) < 2:
            raise SecureMessagingError("证件芯片应答不完整。", detail=response.hex())
        try:
            objects = parse_tlvs(response[:-2])
        except ValueError as exc:
            raise SecureMessagingError("证件芯片应答格式错误。", detail=str(exc)) from None
        found = dict(objects)
        if 0x8E not in found:
            # An unprotected error status (e.g. 6988) ends the session.
            raise SecureMessagingError("证件芯片拒绝了加密通信，请重新放置证件。",
                                       detail=f"SW {response[-2:].hex()} without DO8E")
        signed = b"".join(tlv(t, v) for t, v in objects if t in (0x85, 0x87, 0x99))
        expected = retail_mac(self.ks_mac, self._next_ssc() + signed)
        if not hmac.compare_digest(expected, found[0x8E]):
            raise SecureMessagingError("证件芯片通信校验失败，请重新放置证件。",
                                       detail="response MAC mismatch")
        data = b""
        if 0x87 in found:
            try:
                data = unpad(des3_decrypt(self.ks_enc, found[0x87][1:]))
            except ValueError as exc:
                raise SecureMessagingError("证件芯片数据解密失败。", detail=str(exc)) from None
        return data, found.get(0x99, response[-2:])

    # -- chip side ----------------------------------------------------------------------
    def open_command(self, apdu: bytes) -> tuple[bytes, bytes, int | None]:
        """Verify a protected command; returns (plain header, data, Le)."""
        header, body, _ = split_apdu(apdu)
        try:
            objects = parse_tlvs(body)
        except ValueError as exc:
            raise SecureMessagingError("bad SM command", detail=str(exc)) from None
        found = dict(objects)
        signed = b"".join(tlv(t, v) for t, v in objects if t in (0x85, 0x87, 0x97))
        expected = retail_mac(self.ks_mac, self._next_ssc() + pad(header) + signed)
        if 0x8E not in found or not hmac.compare_digest(expected, found[0x8E]):
            raise SecureMessagingError("command MAC mismatch", detail=apdu.hex())
        data = unpad(des3_decrypt(self.ks_enc, found[0x87][1:])) if 0x87 in found else b""
        le = found[0x97][0] if 0x97 in found else None
        plain = bytes([header[0] & ~0x0C & 0xFF]) + header[1:]
        return plain, data, le

    def seal_response(self, data: bytes, sw: bytes) -> bytes:
        """Build a protected response around ``data`` and status ``sw``."""
        do87 = tlv(0x87, b"\x01" + des3_encrypt(self.ks_enc, pad(data))) if data else b""
        do99 = tlv(0x99, sw)
        mac = retail_mac(self.ks_mac, self._next_ssc() + do87 + do99)
        return do87 + do99 + tlv(0x8E, mac) + b"\x90\x00"


def split_apdu(apdu: bytes) -> tuple[bytes, bytes, int | None]:
    """(header, data, Le) of a short APDU (cases 1-4); ValueError if malformed."""
    if len(apdu) < 4:
        raise ValueError("APDU shorter than its header")
    header, rest = apdu[:4], apdu[4:]
    if not rest:
        return header, b"", None
    if len(rest) == 1:
        return header, b"", rest[0] or 256
    lc = rest[0]
    if len(rest) == 1 + lc:
        return header, rest[1:], None
    if len(rest) == 2 + lc:
        return header, rest[1:1 + lc], rest[-1] or 256
    raise ValueError("APDU length does not match Lc")
