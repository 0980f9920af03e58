"""An emulated ICAO 9303 chip (BAC + 3DES secure messaging) and a vpcd connection for it.

``EmulatedIcaoChip.execute(apdu) -> response`` behaves like an e-passport applet: SELECT by
AID, GET CHALLENGE, EXTERNAL AUTHENTICATE, then only secure-messaging SELECT/READ BINARY of
EF.COM, DG1 and DG2 (plain reads of data groups are refused with 6982, as on real chips).

``VpcdCard`` puts it into the virtual reader of vsmartcard's ``vpcd`` driver for pcscd:
TCP to 127.0.0.1:35963, every message a 2-byte big-endian length plus payload; a 1-byte
payload is a control code (0 power off, 1 power on, 2 reset, 4 = send the ATR), anything
else a command APDU to answer (identity.md §5.4, feasibility.md §1). pyscard then reaches the
chip through pcscd exactly as it would a real contactless reader.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import threading

from drivers.pcsc import bac, lds
from drivers.pcsc.chip_reader import EMRTD_AID
from drivers.pcsc.sm import SecureChannel, SecureMessagingError, split_apdu

log = logging.getLogger(__name__)

SW_OK, SW_SECURITY, SW_NOT_FOUND = b"\x90\x00", b"\x69\x82", b"\x6a\x82"
SW_WRONG_INS, SW_WRONG_P1P2, SW_SM_ERROR = b"\x6d\x00", b"\x6b\x00", b"\x69\x88"


def _atr() -> bytes:
    # PC/SC part 3 contactless ATR: 3B 88 80 01 + 8 historical bytes + TCK (xor of T0..).
    body = bytes([0x88, 0x80, 0x01]) + b"ICAO9303"
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3b" + body + bytes([tck])


ATR = _atr()


class EmulatedIcaoChip:
    """The chip. ``mrz`` is the document's MRZ (lines); BAC keys derive from it."""

    def __init__(self, mrz: str, face: bytes, *, jpeg2000: bool = False,
                 rnd_ic: bytes | None = None, k_ic: bytes | None = None) -> None:
        from drivers.pcsc.mrz import parse

        parsed = parse(mrz)
        self.keys = bac.derive_keys(bac.mrz_information(
            parsed.document_number, parsed.birth_date, parsed.expiry_date))
        self.files = {lds.EF_COM: lds.build_com(), lds.EF_DG1: lds.build_dg1(mrz),
                      lds.EF_DG2: lds.build_dg2(face, jpeg2000)}
        self._fixed_rnd_ic, self._fixed_k_ic = rnd_ic, k_ic
        self.reset()

    def reset(self) -> None:
        """Power cycle: forget the session."""
        self.selected_app = False
        self.channel: SecureChannel | None = None
        self.rnd_ic: bytes | None = None
        self.current: bytes | None = None

    def execute(self, apdu: bytes) -> bytes:
        """Answer one command APDU (data + SW1 SW2)."""
        try:
            if self.channel is not None and apdu[0] & 0x0C == 0x0C:
                return self._secure(apdu)
            return self._plain(apdu)
        except (ValueError, IndexError):
            return b"\x67\x00"  # wrong length

    def _plain(self, apdu: bytes) -> bytes:
        header, data, _ = split_apdu(apdu)
        ins = header[1]
        if ins == 0xA4 and header[2] == 0x04:
            self.selected_app = data == EMRTD_AID
            self.channel = None
            return SW_OK if self.selected_app else SW_NOT_FOUND
        if not self.selected_app:
            return SW_SECURITY
        if ins == 0x84:
            self.rnd_ic = self._fixed_rnd_ic or os.urandom(8)
            return self.rnd_ic + SW_OK
        if ins == 0x82 and self.rnd_ic is not None:
            try:
                answer, session = bac.ic_respond(self.keys, data, self.rnd_ic, self._fixed_k_ic)
            except bac.BacError:
                self.rnd_ic = None
                return SW_SECURITY
            self.channel = SecureChannel.from_session(session)
            return answer + SW_OK
        if ins in (0xA4, 0xB0):
            return SW_SECURITY  # data groups only under BAC
        return SW_WRONG_INS

    def _secure(self, apdu: bytes) -> bytes:
        assert self.channel is not None  # execute() sends secured APDUs here only in a session
        try:
            header, data, le = self.channel.open_command(apdu)
        except SecureMessagingError:
            self.channel = None  # a chip drops the session on a bad MAC
            return SW_SM_ERROR
        ins = header[1]
        if ins == 0xA4:
            fid = int.from_bytes(data, "big") if len(data) == 2 else -1
            if fid not in self.files:
                return self.channel.seal_response(b"", SW_NOT_FOUND)
            self.current = self.files[fid]
            return self.channel.seal_response(b"", SW_OK)
        if ins == 0xB0 and self.current is not None:
            offset = (header[2] << 8) | header[3]
            if offset > len(self.current):
                return self.channel.seal_response(b"", SW_WRONG_P1P2)
            return self.channel.seal_response(self.current[offset: offset + (le or 256)], SW_OK)
        return self.channel.seal_response(b"", SW_WRONG_INS)


class VpcdCard:
    """Connects a chip to vpcd (the card is "inserted" while connected)."""

    def __init__(self, chip: EmulatedIcaoChip, host: str = "127.0.0.1", port: int = 35963,
                 atr: bytes = ATR) -> None:
        self.chip, self.host, self.port, self.atr = chip, host, port, atr
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.apdus = 0

    def insert(self, timeout: float = 5.0) -> VpcdCard:
        """Connect to vpcd; pcscd reports the card present shortly after."""
        self._sock = socket.create_connection((self.host, self.port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.settimeout(None)
        self._thread = threading.Thread(target=self._serve, name="vpcd-card", daemon=True)
        self._thread.start()
        return self

    def remove(self) -> None:
        """Disconnect; pcscd reports the card removed."""
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()
            self._sock = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _recv_exact(self, n: int) -> bytes | None:
        assert self._sock is not None  # called by _serve while connected
        buf = b""
        while len(buf) < n:
            if hasattr(socket, "TCP_QUICKACK"):
                # Without QUICKACK, delayed ACKs cost ~40 ms per APDU (feasibility.md §1).
                self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            chunk = self._sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def _serve(self) -> None:
        try:
            while self._sock is not None:
                head = self._recv_exact(2)
                if head is None:
                    return
                msg = self._recv_exact(struct.unpack("!H", head)[0])
                if msg is None:
                    return
                reply = self._handle(msg)
                if reply is not None:
                    self._sock.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return

    def _handle(self, msg: bytes) -> bytes | None:
        if len(msg) == 1:
            if msg[0] == 4:
                return self.atr
            if msg[0] in (0, 1, 2):
                self.chip.reset()
            return None
        self.apdus += 1
        return self.chip.execute(msg)
