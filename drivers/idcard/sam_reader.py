"""The GA/T 467 SAM reader: commands over a :class:`~drivers.idcard.transport.Transport`.

One request, one answer, with a deadline per exchange. Garbage on the line is skipped,
a frame with a bad checksum is retried once, a timeout or a half frame becomes
``DeviceTimeout`` (and the rest of that frame is discarded so the next exchange starts clean).
"""

from __future__ import annotations

import logging
import time

from drivers.base import DeviceError, DeviceInfo, DeviceTimeout
from drivers.idcard import protocol, status
from drivers.idcard.interface import CardRead, CardRemoved, IdCardReader
from drivers.idcard.textblock import parse_text_block
from drivers.idcard.transport import Transport, open_transport

log = logging.getLogger(__name__)

_IDEMPOTENT = (protocol.FIND_CARD, protocol.SAM_STATUS, protocol.READ_SAM_ID)


class SamReader(IdCardReader):
    """A resident-ID reader speaking SAM frames over serial/USB (or the simulator)."""

    BACKEND = "sam"

    def __init__(self, transport: Transport, timeout: float = 2.0) -> None:
        self.transport = transport
        self.timeout = timeout
        self._decoder = protocol.FrameDecoder()

    @classmethod
    def open(cls, address: str, timeout: float = 2.0) -> SamReader:
        """Open a reader at a device path, pyserial URL (``samsim://`` too) or ``usb:VID:PID``."""
        return cls(open_transport(address), timeout)

    # -- one exchange ------------------------------------------------------------------
    def exchange(self, command: tuple[int, int], data: bytes = b"",
                 timeout: float | None = None) -> protocol.Response:
        """Send one command and return its decoded response (status not yet checked).

        Stateless commands (find, status, SAM ID) are retried once after a frame with a bad
        checksum; select and read are not, because the SAM has moved on: ``read_card``
        repeats the whole find/select/read sequence instead.
        """
        request = protocol.build_request(command, data)
        retry = command in _IDEMPOTENT
        while True:
            self._decoder.clear()
            self.transport.discard_input()
            log.debug("sam >> %s", request.hex(" "))
            self.transport.write(request)
            try:
                body = self._receive(timeout if timeout is not None else self.timeout)
            except protocol.FrameError:
                if not retry:
                    raise
                retry = False
                log.info("sam: bad checksum in answer to %02X %02X, retrying", *command)
                continue
            return protocol.parse_response_body(body)

    def _receive(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            body = self._decoder.next_body()
            if body is not None:
                if self._decoder.discarded:
                    log.info("sam: skipped %d garbage bytes", self._decoder.discarded)
                log.debug("sam << %d bytes", len(body))
                return body
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                partial = self._decoder.pending()
                self._decoder.clear()
                raise DeviceTimeout(
                    "读卡器没有在规定时间内应答，请检查读卡器连接后重试。",
                    detail=f"timeout after {timeout:.2f}s, {partial} bytes of a partial frame")
            self._decoder.feed(self.transport.read(4096, min(remaining, 0.05)))

    def command(self, command: tuple[int, int], data: bytes = b"", *,
                success: int = status.OK, timeout: float | None = None) -> bytes:
        """Exchange and check SW3; returns the response data or raises the typed error."""
        resp = self.exchange(command, data, timeout)
        status.check(resp.sw3, resp.sw1, resp.sw2, success=success)
        return resp.data

    # -- the interface -----------------------------------------------------------------
    def find_card(self) -> bool:
        """True if a card is on the reader (SW3 9F), False for "no card" (SW3 80)."""
        try:
            self.command(protocol.FIND_CARD, success=status.FIND_OK)
        except status.NoCard:
            return False
        return True

    def read_card(self, *, with_fingerprint: bool = False) -> CardRead | None:
        """Find, select and read; ``None`` when no card is present.

        A garbled answer (bad checksum) makes it start over once from "find".
        """
        try:
            return self._read_once(with_fingerprint)
        except protocol.FrameError as exc:
            log.info("sam: garbled answer during read (%s), starting over", exc.detail)
            return self._read_once(with_fingerprint)

    def _read_once(self, with_fingerprint: bool) -> CardRead | None:
        if not self.find_card():
            return None
        try:
            self.command(protocol.SELECT_CARD)
            cmd = protocol.READ_TEXT_PHOTO_FP if with_fingerprint else protocol.READ_TEXT_PHOTO
            try:
                data = self.command(cmd)
            except status.NoContent:
                if not with_fingerprint:
                    raise
                # No fingerprint on this card (SW3 91): find, select and read it without.
                return self._read_once(False)
        except (status.CardSelectFailed, status.CardReadFailed, DeviceTimeout) as exc:
            if self._card_gone():
                raise CardRemoved("读卡过程中证件被移开，请将证件放回读卡区重新读取。",
                                  detail=f"{type(exc).__name__}: {exc.detail}") from None
            raise
        files = protocol.split_read_data(data, with_fingerprint)
        return CardRead(parse_text_block(files.text), files.text, files.photo, files.fingerprint)

    def _card_gone(self) -> bool:
        try:
            return not self.find_card()
        except DeviceError:
            return False

    def read_new_address(self) -> str | None:
        """The newest appended address (追加住址, CMD 30 03) or None when the card has none.

        Find and select are repeated first, as for every read. [M] The answer is taken to be
        one 70-byte UTF-16LE address field like the text block's; only vendor manuals say so.
        """
        if not self.find_card():
            return None
        self.command(protocol.SELECT_CARD)
        try:
            data = self.command(protocol.READ_NEW_ADDRESS)
        except status.NoContent:
            return None
        value = data.decode("utf-16-le", "replace").strip(" \x00")
        return value or None

    def sam_id(self) -> str:
        """SAM management info (CMD 12 FF) as hex; vendors print it in various groupings."""
        return self.command(protocol.READ_SAM_ID).hex().upper()

    def reset_sam(self) -> None:
        """Reset the SAM (CMD 10 FF)."""
        self.command(protocol.RESET_SAM)

    def sam_status(self) -> None:
        """Raise the typed error if the SAM reports a problem (CMD 11 FF)."""
        self.command(protocol.SAM_STATUS)

    def info(self) -> DeviceInfo:
        """Probe the SAM status and describe the reader."""
        try:
            self.sam_status()
        except DeviceError as exc:
            return DeviceInfo("card_reader", self.BACKEND, "身份证阅读器 (SAM)",
                              self.transport.address, "error", f"{exc.message_zh} {exc.detail}")
        return DeviceInfo("card_reader", self.BACKEND, "身份证阅读器 (SAM)",
                          self.transport.address, "ok")

    def close(self) -> None:
        self.transport.close()
