"""A SAM simulator speaking the same GA/T 467 frames as a real reader, with scripted faults.

It answers request frames byte for byte like a SAM_V module (identity.md §1.3-1.6): find
(9F/80), select (90/81), read text+photo (30 01) and with fingerprint (30 10), SAM ID, reset,
status. Faults are scripted per command: garbage before the answer, a wrong checksum, a half
frame, silence, a slow answer, a card pulled away mid-read, a forced SW3, an unplugged cable.

Reach it three ways, all through the real ``SamReader`` code path:

* ``samsim://`` pyserial URLs (``protocol_samsim.py``), e.g. ``samsim://?card=resident``,
  or ``samsim://NAME`` for an instance registered with :func:`register` (tests script it);
* a pseudo-terminal (:class:`PtyServer`, POSIX): ``python -m drivers.idcard.simulator`` prints
  a /dev/pts path any serial program can open;
* directly, ``SamSimulator.feed(bytes) -> [Reply]``.
"""

from __future__ import annotations

import enum
import os
import threading
import time
from dataclasses import dataclass, field

from drivers.base import DeviceInfo
from drivers.idcard import protocol, status
from drivers.idcard.samples import SAMPLES, SampleCard


class Fault(enum.Enum):
    """Scriptable misbehaviour, applied to the answer of one command."""

    GARBAGE = "garbage"                  # noise (with a fake partial preamble) before the frame
    BAD_CHECKSUM = "bad_checksum"        # the answer's CHK byte is wrong
    TRUNCATED = "truncated"              # only the first half of the answer, then nothing
    SILENT = "silent"                    # no answer at all
    SLOW = "slow"                        # the answer comes after ``slow_s`` seconds
    REMOVED_MID_READ = "removed_mid_read"  # card leaves during the read: SW3 41, then no card
    UNPLUG = "unplug"                    # the cable is pulled: the port fails from now on


@dataclass(frozen=True)
class Reply:
    """Bytes the SAM sends, ``delay`` seconds after the request arrived."""

    delay: float
    data: bytes


_COMMAND_NAMES = {"find": protocol.FIND_CARD, "select": protocol.SELECT_CARD,
                  "read": protocol.READ_TEXT_PHOTO, "read_fp": protocol.READ_TEXT_PHOTO_FP,
                  "sam_id": protocol.READ_SAM_ID, "status": protocol.SAM_STATUS,
                  "reset": protocol.RESET_SAM}
_READS = (protocol.READ_TEXT_PHOTO, protocol.READ_TEXT_PHOTO_FP)
GARBAGE = bytes.fromhex("00 FF 13 AA AA 96 55 AA AA AA 96 69 FF FF 7E")


@dataclass
class _Script:
    fault: Fault | None
    sw3: int | None
    command: tuple[int, int] | None
    times: int


@dataclass
class SamSimulator:
    """A simulated SAM with (at most) one card on it."""

    card: SampleCard | None = None
    slow_s: float = 3.0
    sam_id_bytes: bytes = bytes.fromhex("0503000000000001000000010000000A")
    unplugged: bool = False
    #: The card's newest appended address as stored (UTF-16LE, 70 bytes); empty = none.
    new_address: bytes = b""
    #: Every request body received (CMD PARA DATA), for tests and the trace.
    requests: list[bytes] = field(default_factory=list)
    _scripts: list[_Script] = field(default_factory=list)
    _decoder: protocol.FrameDecoder = field(default_factory=protocol.FrameDecoder)
    _state: str = "idle"  # idle -> found -> selected
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- scripting -----------------------------------------------------------------------
    def insert(self, card: SampleCard | str) -> None:
        """Put a card (a SampleCard or a key of ``samples.SAMPLES``) on the reader."""
        with self._lock:
            self.card = SAMPLES[card] if isinstance(card, str) else card
            self._state = "idle"

    def remove(self) -> None:
        """Take the card away."""
        with self._lock:
            self.card, self._state = None, "idle"

    def inject(self, fault: Fault | str, command: str | None = None, times: int = 1) -> None:
        """Misbehave on the next ``times`` answers to ``command`` ("find", "read", ...; None = any)."""
        fault = Fault(fault)
        self._scripts.append(_Script(fault, None, _command(command), times))

    def force_status(self, sw3: int, command: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` ``command`` requests with this SW3 and no data."""
        self._scripts.append(_Script(None, sw3, _command(command), times))

    # -- the wire ------------------------------------------------------------------------
    def feed(self, data: bytes) -> list[Reply]:
        """Bytes from the host; returns the answers to every complete request in them."""
        replies: list[Reply] = []
        with self._lock:
            self._decoder.feed(data)
            while True:
                try:
                    body = self._decoder.next_body()
                except protocol.FrameError:
                    replies.append(Reply(0.0, protocol.build_response(0x10)))
                    continue
                if body is None:
                    return replies
                reply = self._answer(body)
                if reply is not None:
                    replies.append(reply)

    def _answer(self, body: bytes) -> Reply | None:
        self.requests.append(body)
        command = (body[0], body[1]) if len(body) >= 2 else (body[0], 0)
        script = self._take_script(command)
        if script is not None and script.sw3 is not None:
            return Reply(0.0, protocol.build_response(script.sw3))
        fault = script.fault if script else None
        if fault is Fault.UNPLUG:
            self.unplugged = True
            return None
        if fault is Fault.SILENT:
            return None
        if fault is Fault.REMOVED_MID_READ and command in _READS:
            self.card, self._state = None, "idle"
            return Reply(0.05, protocol.build_response(0x41, sw1=0x6F, sw2=0x00))
        frame = self._respond(command, body[2:])
        return _apply(fault, frame, self.slow_s)

    def _take_script(self, command: tuple[int, int]) -> _Script | None:
        for script in self._scripts:
            if script.command in (None, command):
                script.times -= 1
                if script.times <= 0:
                    self._scripts.remove(script)
                return script
        return None

    def _respond(self, command: tuple[int, int], data: bytes) -> bytes:
        if command == protocol.FIND_CARD:
            if self.card is None:
                return protocol.build_response(status.NO_CARD)
            self._state = "found"
            return protocol.build_response(status.FIND_OK, bytes(4))
        if command == protocol.SELECT_CARD:
            if self.card is None or self._state != "found":
                return protocol.build_response(0x81)
            self._state = "selected"
            return protocol.build_response(status.OK, bytes(8))
        if command in _READS:
            if self.card is None or self._state != "selected":
                return protocol.build_response(0x41)
            self._state = "idle"  # find and select must be repeated before every read
            with_fp = command == protocol.READ_TEXT_PHOTO_FP
            if with_fp and not self.card.files.fingerprint:
                return protocol.build_response(status.NO_CONTENT)
            return protocol.build_response(status.OK,
                                           protocol.build_read_data(self.card.files, with_fp))
        if command == protocol.READ_NEW_ADDRESS:
            if self.card is None or self._state != "selected" or not self.new_address:
                return protocol.build_response(status.NO_CONTENT)
            self._state = "idle"
            return protocol.build_response(status.OK, self.new_address)
        if command == protocol.READ_SAM_ID:
            return protocol.build_response(status.OK, self.sam_id_bytes)
        if command in (protocol.SAM_STATUS, protocol.RESET_SAM) or command[0] in (0x60, 0x61):
            if command == protocol.RESET_SAM:
                self._state = "idle"
            return protocol.build_response(status.OK)
        return protocol.build_response(0x21)  # unknown command


def _command(name: str | None) -> tuple[int, int] | None:
    if name is None:
        return None
    try:
        return _COMMAND_NAMES[name]
    except KeyError:
        raise ValueError(f"unknown simulator command {name!r}; use one of "
                         f"{sorted(_COMMAND_NAMES)}") from None


def _apply(fault: Fault | None, frame: bytes, slow_s: float) -> Reply:
    if fault is Fault.GARBAGE:
        return Reply(0.0, GARBAGE + frame)
    if fault is Fault.BAD_CHECKSUM:
        return Reply(0.0, frame[:-1] + bytes([frame[-1] ^ 0x5A]))
    if fault is Fault.TRUNCATED:
        return Reply(0.0, frame[: len(frame) // 2])
    if fault is Fault.SLOW:
        return Reply(slow_s, frame)
    return Reply(0.0, frame)


# -- named instances for samsim://NAME ---------------------------------------------------
_REGISTRY: dict[str, SamSimulator] = {}


def register(name: str, simulator: SamSimulator) -> str:
    """Make ``simulator`` reachable as ``samsim://name``; returns that URL."""
    _REGISTRY[name] = simulator
    return f"samsim://{name}"


def unregister(name: str) -> None:
    """Forget a registered simulator."""
    _REGISTRY.pop(name, None)


def lookup(name: str) -> SamSimulator | None:
    """The simulator registered under ``name``, if any."""
    return _REGISTRY.get(name)


def detect() -> list[DeviceInfo]:
    """The simulator as a device (always usable; listed only in demo mode by the registry)."""
    return [DeviceInfo("card_reader", "sam-simulator", "身份证阅读器模拟器", "samsim://?card=resident",
                       "ok", "模拟设备，仅用于演示和培训 (simulated)")]


class PtyServer:
    """Serve a simulator on a pseudo-terminal so any serial program can open it (POSIX only)."""

    def __init__(self, simulator: SamSimulator) -> None:
        import pty
        import tty

        self.simulator = simulator
        self._master, slave = pty.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="samsim-pty", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                return
            for reply in self.simulator.feed(data):
                if reply.delay:
                    time.sleep(reply.delay)
                if not self.simulator.unplugged:
                    os.write(self._master, reply.data)

    def close(self) -> None:
        """Stop serving and close both ends."""
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


def main(argv: list[str] | None = None) -> int:
    """``python -m drivers.idcard.simulator [--card KEY]``: serve a card on a pty until Ctrl-C."""
    import argparse

    parser = argparse.ArgumentParser(description="SAM (GA/T 467) reader simulator on a pty")
    parser.add_argument("--card", default="resident", choices=sorted(SAMPLES) + ["none"])
    args = parser.parse_args(argv)
    sim = SamSimulator()
    if args.card != "none":
        sim.insert(args.card)
    server = PtyServer(sim)
    print(server.path, flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
