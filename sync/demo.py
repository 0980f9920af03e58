"""Demo mode's provincial system: the simulator on a free local port, this machine enrolled.

``counter-app --demo`` calls :func:`start` at startup and :meth:`DemoSync.stop` at exit; the
simulator keeps its storage under the demo data dir, so the demo machine keeps its identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from counter_app.journal import Journal
from sync import enrolment
from sync.engine import EngineSettings, SyncEngine
from sync.errors import NotEnrolledError
from sync.simulator.faults import Faults
from sync.simulator.server import SimulatorServer
from sync.transport import Transport

DEMO_OFFICE = "110105"  # the region of the office.code demo mode uses (110105-HY)


@dataclass
class DemoSync:
    server: SimulatorServer
    engine: SyncEngine

    def stop(self) -> None:
        self.engine.close()
        self.server.stop()


def start(journal: Journal, data_dir: Path, settings: EngineSettings | None = None,
          married: tuple[str, ...] = ()) -> DemoSync:
    """Start the simulator, enrol if needed, and return it with an engine pointed at it.
    ``married``: ID numbers the simulator answers as married (the demo's scripted people)."""
    server = SimulatorServer(Path(data_dir) / "provincial-sim",
                             faults=Faults(married=tuple(married))).start()
    try:
        url = enrolment.load(data_dir, journal)[0].server_url
    except NotEnrolledError:
        url = None
    if url != server.url:
        # first start, or the simulator came up on another port: enrolling again is
        # idempotent (same keys, same machine) and records the new address
        enrolment.enroll(data_dir, journal, Transport, server.url, DEMO_OFFICE,
                         operator="demo")
    engine = SyncEngine(journal, data_dir, settings=settings)
    return DemoSync(server, engine)
