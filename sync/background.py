"""The app's sync thread: the engine run every ``interval_s`` until the app stops.

Demo mode first starts the built-in provincial simulator and enrols this machine with it
(sync.demo); otherwise the thread runs only on an enrolled machine. The 联网核对 of the case
page goes through the running engine.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.journal import Journal
from sync.errors import NetworkError

# The engine, enrolment and requests are imported on the sync thread, not while the window is
# built (a quarter of a second at start-up).
if TYPE_CHECKING:
    from sync.demo import DemoSync
    from sync.engine import SyncEngine

log = logging.getLogger(__name__)


def is_enrolled(data_dir: Path) -> bool:
    """Whether this machine has been enrolled with the provincial system."""
    from sync import enrolment

    return (enrolment.sync_dir(data_dir) / enrolment.ENROLMENT_FILE).exists()


class BackgroundSync:
    """The sync thread. ``make_engine()`` builds the configured engine of an enrolled machine;
    ``demo_married`` (demo mode only: the ID numbers the simulator answers as married) starts
    the simulator instead."""

    def __init__(self, journal: Journal, data_dir: Path, make_engine: Callable[[], SyncEngine],
                 interval_s: float, *, demo_married: tuple[str, ...] | None = None) -> None:
        self.journal, self.data_dir, self.interval_s = journal, data_dir, interval_s
        self._make_engine, self._demo_married = make_engine, demo_married
        self.stop_event = threading.Event()
        self.engine: SyncEngine | None = None
        self._demo: DemoSync | None = None
        self.thread = threading.Thread(target=self._run, name="sync", daemon=True)

    def start(self) -> "BackgroundSync":
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            self.engine = self._open()
            if self.engine is None:
                log.info("sync not started: this machine is not enrolled")
                return
            self.engine.run_forever(self.stop_event, self.interval_s)
        except Exception:  # noqa: BLE001 - sync trouble must never take the counter down
            log.exception("sync thread stopped")

    def _open(self) -> SyncEngine | None:
        if self._demo_married is not None:
            from sync import demo

            self._demo = demo.start(self.journal, self.data_dir, married=self._demo_married)
            return self._demo.engine
        return self._make_engine() if is_enrolled(self.data_dir) else None

    def marital_check(self, *args: Any, **kwargs: Any) -> dict:
        """联网核对 through the running engine (NetworkError while there is none yet)."""
        if self.engine is None:
            raise NetworkError("与省级系统的连接尚未建立，请稍后再试。", detail="no engine yet")
        return self.engine.marital_check(*args, **kwargs)

    def stop(self) -> None:
        self.stop_event.set()
        if self.engine is not None:
            self.engine.wake.set()
        self.thread.join(timeout=30)
        if self._demo is not None:
            self._demo.stop()
        elif self.engine is not None:
            self.engine.close()
