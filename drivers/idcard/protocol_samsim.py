"""pyserial URL handler ``samsim://``: a serial port whose far end is a SAM simulator.

``serial.serial_for_url("samsim://?card=resident&fault=garbage:find")`` gives a port that
behaves like a reader on a cable: requests go in as bytes, answers come back as bytes, with
the simulator's delays. ``samsim://NAME`` attaches to an instance registered with
``drivers.idcard.simulator.register``. Importing ``drivers.idcard`` adds this package to
``serial.protocol_handler_packages``.

Query options: ``card=KEY`` (a key of ``samples.SAMPLES``), ``fault=NAME[:COMMAND]``
(repeatable), ``slow=SECONDS``.
"""

from __future__ import annotations

import threading
import time
import urllib.parse

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

from drivers.idcard import simulator as sim_module


class Serial(SerialBase):
    """The simulated port (pyserial's ``SerialBase`` API)."""

    is_open: bool  # SerialBase's (pyserial ships no type information)

    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        self.sim = _simulator_for(self._port)
        self._out = bytearray()
        self._pending: list[tuple[float, bytes]] = []
        self._cond = threading.Condition()
        self.is_open = True

    def close(self) -> None:
        self.is_open = False
        super().close()

    def _reconfigure_port(self) -> None:
        pass

    def _check(self) -> None:
        if not self.is_open:
            raise PortNotOpenError()
        if self.sim.unplugged:
            raise SerialException("device reports readiness to read but returned no data "
                                  "(device disconnected or multiple access on port?)")

    @property
    def in_waiting(self) -> int:
        self._check()
        self._release_due()
        return len(self._out)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._check()
        now = time.monotonic()
        with self._cond:
            for reply in self.sim.feed(bytes(data)):
                self._pending.append((now + reply.delay, reply.data))
            self._cond.notify_all()
        self._check()  # an UNPLUG fault takes effect at once
        return len(data)

    def read(self, size: int = 1) -> bytes:
        self._check()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        while True:
            self._release_due()
            if self._out or size == 0:
                out = bytes(self._out[:size])
                del self._out[:size]
                return out
            self._check()
            wait = 0.01 if deadline is None else min(0.01, deadline - time.monotonic())
            if wait <= 0:
                return b""
            time.sleep(wait)

    def _release_due(self) -> None:
        now = time.monotonic()
        with self._cond:
            due = [p for p in self._pending if p[0] <= now]
            self._pending = [p for p in self._pending if p[0] > now]
        for _, data in due:
            self._out += data

    def reset_input_buffer(self) -> None:
        self._check()
        self._release_due()
        self._out.clear()

    def reset_output_buffer(self) -> None:
        self._check()

    @property
    def out_waiting(self) -> int:
        return 0

    def _update_break_state(self) -> None:
        pass

    def _update_rts_state(self) -> None:
        pass

    def _update_dtr_state(self) -> None:
        pass

    @property
    def cts(self) -> bool:
        return True

    @property
    def dsr(self) -> bool:
        return True

    @property
    def ri(self) -> bool:
        return False

    @property
    def cd(self) -> bool:
        return True


def _simulator_for(url: str) -> sim_module.SamSimulator:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "samsim":
        raise SerialException(f"expected samsim://..., got {url!r}")
    if parts.netloc:
        sim = sim_module.lookup(parts.netloc)
        if sim is None:
            raise SerialException(f"no simulator registered as {parts.netloc!r}")
        return sim
    sim = sim_module.SamSimulator()
    try:
        for key, values in urllib.parse.parse_qs(parts.query).items():
            for value in values:
                if key == "card":
                    sim.insert(value)
                elif key == "fault":
                    name, _, command = value.partition(":")
                    sim.inject(name, command or None)
                elif key == "slow":
                    sim.slow_s = float(value)
                else:
                    raise ValueError(f"unknown option {key!r}")
    except (KeyError, ValueError) as exc:
        raise SerialException(f"bad samsim URL {url!r}: {exc}") from None
    return sim
