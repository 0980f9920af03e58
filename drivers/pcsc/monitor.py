"""PC/SC through pyscard: readers, card insertion/removal, and a transmit for the chip reader.

Everything here imports without pyscard or without a running PC/SC service: ``is_usable()``
is then False with the reason. pyscard's own monitors run their observers on pyscard
threads; callbacks here must not touch widgets (the GUI re-emits them as queued signals).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from drivers.base import DeviceError, DeviceInfo, DeviceNotFound, DriverUnavailable

log = logging.getLogger(__name__)


def unusable_reason() -> str:
    """Why PC/SC cannot be used here (Chinese), empty when it can."""
    try:
        from smartcard.System import readers
    except ImportError as exc:
        return f"没有安装 pyscard：{exc}"
    try:
        readers()
    except Exception as exc:  # noqa: BLE001 - EstablishContext failure = no service
        return f"智能卡服务（PC/SC，pcscd/SCardSvr）未运行：{exc}"
    return ""


def is_usable() -> bool:
    """True when pyscard is installed and the PC/SC service answers."""
    return not unusable_reason()


def reader_names() -> list[str]:
    """Names of the PC/SC readers present (empty list when none)."""
    reason = unusable_reason()
    if reason:
        raise DriverUnavailable(reason + "。", detail=reason)
    from smartcard.System import readers

    return [str(r) for r in readers()]


def detect() -> list[DeviceInfo]:
    """One row per PC/SC reader, or one row saying why there is none."""
    reason = unusable_reason()
    if reason:
        return [DeviceInfo("card_reader", "pcsc", "智能卡读卡器 (PC/SC)", "", "unusable", reason)]
    names = reader_names()
    if not names:
        return [DeviceInfo("card_reader", "pcsc", "智能卡读卡器 (PC/SC)", "", "absent",
                           "没有发现 PC/SC 读卡器")]
    return [DeviceInfo("card_reader", "pcsc", name, name, "ok") for name in names]


class PcscConnection:
    """A connection to the card in one reader; ``transmit(apdu) -> data + SW``."""

    def __init__(self, reader_name: str) -> None:
        from smartcard.Exceptions import CardConnectionException, NoCardException
        from smartcard.System import readers

        matches = [r for r in readers() if str(r) == reader_name]
        if not matches:
            raise DeviceNotFound(f"没有找到读卡器 {reader_name}。")
        self._conn = matches[0].createConnection()
        try:
            self._conn.connect()
        except (NoCardException, CardConnectionException) as exc:
            raise DeviceError("读卡器上没有证件或证件无法连接，请重新放置。",
                              detail=str(exc)) from None
        self.reader_name = reader_name

    @property
    def atr(self) -> bytes:
        """The card's answer to reset."""
        return bytes(self._conn.getATR())

    def transmit(self, apdu: bytes) -> bytes:
        """Send one APDU; response data followed by SW1 SW2."""
        from smartcard.Exceptions import CardConnectionException

        try:
            data, sw1, sw2 = self._conn.transmit(list(apdu))
        except CardConnectionException as exc:
            raise DeviceError("与证件芯片的通信中断（证件可能被移开），请重新放置。",
                              detail=str(exc)) from None
        return bytes(data) + bytes([sw1, sw2])

    def close(self) -> None:
        """Disconnect from the card."""
        for step in ("disconnect", "release"):  # release: free the PC/SC context now, not in __del__
            try:
                getattr(self._conn, step, lambda: None)()
            except Exception as exc:  # noqa: BLE001 - the service or card may already be gone
                log.debug("pcsc %s: %s", step, exc)


@dataclass(frozen=True)
class ReaderAttached:
    """A PC/SC reader appeared (plugged in, or seen at start)."""

    reader: str


@dataclass(frozen=True)
class ReaderDetached:
    """A PC/SC reader disappeared."""

    reader: str


@dataclass(frozen=True)
class CardPresent:
    """A card appeared in ``reader``."""

    reader: str
    atr: bytes


@dataclass(frozen=True)
class CardAbsent:
    """The card left ``reader``."""

    reader: str


PcscEvent = ReaderAttached | ReaderDetached | CardPresent | CardAbsent


class PresenceMonitor:
    """Reader and card presence on all PC/SC readers, on its own thread.

    Built on ``SCardGetStatusChange`` with a short timeout (not pyscard's ``CardMonitor``,
    whose singleton thread blocks for up to 60 s and cannot be stopped cleanly). Survives the
    PC/SC service going away: it re-establishes the context and carries on.
    """

    def __init__(self, on_event: Callable[[PcscEvent], None], poll_ms: int = 250) -> None:
        self._on_event = on_event
        self.poll_ms = poll_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="drv-pcsc-monitor", daemon=True)
        self._present: dict[str, bool] = {}

    def start(self) -> PresenceMonitor:
        """Start watching; returns self."""
        reason = unusable_reason()
        if reason.startswith("没有安装"):
            raise DriverUnavailable(reason + "。", detail=reason)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching (returns within about ``poll_ms``)."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        from smartcard import scard

        while not self._stop.is_set():
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                self._stop.wait(1.0)
                continue
            try:
                self._watch(scard, context)
            finally:
                scard.SCardReleaseContext(context)

    def _watch(self, scard: ModuleType, context: int) -> None:
        states: dict[str, int] = {}
        while not self._stop.is_set():
            hresult, names = scard.SCardListReaders(context, [])
            if hresult not in (scard.SCARD_S_SUCCESS, scard.SCARD_E_NO_READERS_AVAILABLE):
                self._forget_all()
                return  # service gone: re-establish the context
            names = list(names or [])
            for gone in [r for r in self._present if r not in names]:
                self._forget(gone)
            for new in [r for r in names if r not in self._present]:
                self._present[new] = False
                self._emit(ReaderAttached(new))
            if not names:
                self._stop.wait(self.poll_ms / 1000)
                continue
            query = [(r, states.get(r, scard.SCARD_STATE_UNAWARE)) for r in names]
            hresult, result = scard.SCardGetStatusChange(context, self.poll_ms, query)
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                self._stop.wait(self.poll_ms / 1000)
                continue
            for reader, event_state, atr in result:
                states[reader] = event_state & ~scard.SCARD_STATE_CHANGED
                self._update(reader, bool(event_state & scard.SCARD_STATE_PRESENT), bytes(atr))

    def _update(self, reader: str, present: bool, atr: bytes) -> None:
        if present == self._present.get(reader):
            return
        self._present[reader] = present
        self._emit(CardPresent(reader, atr) if present else CardAbsent(reader))

    def _forget(self, reader: str) -> None:
        if self._present.pop(reader, False):
            self._emit(CardAbsent(reader))
        self._emit(ReaderDetached(reader))

    def _forget_all(self) -> None:
        for reader in list(self._present):
            self._forget(reader)

    def _emit(self, event: PcscEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            log.exception("pcsc monitor: event handler failed")
