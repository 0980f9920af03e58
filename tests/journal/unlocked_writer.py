"""A second writer that bypasses the data dir lock (what two app instances did before it).

    python unlocked_writer.py DATA_DIR GO_FILE NAME append N
    python unlocked_writer.py DATA_DIR GO_FILE NAME issue SERIAL...

Opens the data dir's journal file directly with the machine key (no lock, no anchor), waits
until GO_FILE exists so that two of these start together, then appends N entries or issues
each blank 印制号 to a case of its own, printing one line per attempt: "ok SEQ" /
"issued SERIAL" / "refused SERIAL CODE" / "error CODE". The multi-process tests read them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from counter_app.errors import CounterAppError  # noqa: E402
from counter_app.journal import Journal  # noqa: E402
from counter_app.journal.keys import load_or_create  # noqa: E402
from counter_app.numbering import issue_blank  # noqa: E402
from counter_app.wiring.journal import PROJECTION_MODULES  # noqa: E402


def main(data_dir: Path, go: Path, name: str, action: str, *rest: str) -> int:
    key = load_or_create(data_dir, "file", create=False)
    journal = Journal(data_dir / "journal.db", key, data_dir / "attachments",
                      projections=PROJECTION_MODULES)
    while not go.exists():
        time.sleep(0.001)
    try:
        if action == "append":
            for i in range(int(rest[0])):
                attempt(lambda: append(journal, name, i))
        else:
            for serial in rest:
                attempt(lambda: issue(journal, name, serial), serial)
    finally:
        journal.close()
    return 0


def append(journal: Journal, name: str, i: int) -> None:
    entry = journal.append("case.note", {"writer": name, "i": i}, operator=name,
                           case_id=f"{name}-{i % 7}")
    print(f"ok {entry.seq}")


def issue(journal: Journal, name: str, serial: str) -> None:
    issue_blank(journal, certificate="marriage", serial=serial, case_id=f"{name}-{serial}",
                certificate_number=f"J110101-2026-{name}-{serial}", operator=name,
                when="2026-05-20T09:00:00+00:00")
    print(f"issued {serial}")


def attempt(action, serial: str = "") -> None:
    try:
        action()
    except CounterAppError as err:
        print(f"refused {serial} {err.code}" if serial else f"error {err.code}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:]))
