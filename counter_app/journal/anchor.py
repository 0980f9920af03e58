"""The journal's anchor: its identity and head, sealed beside the machine key, outside the data dir.

``journal_state`` inside the file already records the head, so cutting entries off the end is
found; but a whole file can be swapped: deleted, emptied, replaced by an older copy or by
another chain. The anchor is the outside witness. It holds the journal id, the head seq and
head hash (and a generation, raised by every restore), sealed with an HMAC under a key derived
from the machine key, so it cannot be forged without the key; ``guard.decide`` compares it with
the journal on every opening.

It is updated after every commit (the writer thread, right after COMMIT), so it is never
ahead of the journal. The file has two 4 KiB slots written alternately in place; a torn write
spoils one slot and the other still holds the previous seal. Reading takes the valid slot with
the newest (generation, seq). A commit's seal reaches the disk with ``fdatasync`` at most once
a second (``SYNC_EVERY_S``) and at close; creation and restore seals are synced at once. An
fdatasync per commit would double a durable commit's cost on a busy disk (docs/benchmarks.md),
and it buys little: after a power cut the anchor may be up to a second behind, which opening
accepts like any anchor behind the head, and it can never be ahead of what was committed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from counter_app.journal.canonical import canonical_json
from counter_app.journal.keys import fsync_dir

log = logging.getLogger(__name__)

SLOT_BYTES = 4096
#: How often a commit's seal is forced to the disk (it is written after every commit).
SYNC_EVERY_S = 1.0
MAGIC = b"counter-app journal anchor v1\n"

MISSING, VALID, DAMAGED = "missing", "valid", "damaged"


@dataclass(frozen=True)
class Seal:
    """What the anchor says about its journal."""

    journal_id: str
    head_seq: int
    head_hash: str
    #: Raised by every restore, so a restored (possibly shorter) journal's seal wins.
    generation: int = 1
    #: Sealed before a new journal's first transaction: the journal may not exist yet.
    creating: bool = False
    #: The data dir it belongs to, for a person reading the key dir.
    data_dir: str = ""
    sealed_at: str = ""


@dataclass(frozen=True)
class AnchorRead:
    """The outcome of reading the anchor: MISSING, VALID (with ``seal``) or DAMAGED."""

    state: str
    seal: Seal | None = None
    detail: str = ""


class Anchor:
    """The anchor file of one data dir."""

    def __init__(self, path: Path, key: bytes, data_dir: Path) -> None:
        self.path = Path(path)
        self._key = key
        self._data_dir = str(data_dir)
        self._fd: int | None = None
        self._slot = 0
        self._last: Seal | None = None
        self._synced_at = 0.0
        self._dirty = False

    # --- reading ---------------------------------------------------------------------------
    def read(self) -> AnchorRead:
        """The newest valid seal, or why there is none."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return AnchorRead(MISSING)
        except OSError as exc:
            return AnchorRead(DAMAGED, detail=f"unreadable: {exc!r}")
        seals = [(slot, self._parse(data[slot * SLOT_BYTES:(slot + 1) * SLOT_BYTES]))
                 for slot in (0, 1)]
        valid = [(slot, seal) for slot, seal in seals if seal is not None]
        if not valid:
            return AnchorRead(DAMAGED, detail=f"no slot of {len(data)} bytes verifies")
        slot, best = max(valid, key=lambda item: (item[1].generation, item[1].head_seq))
        self._slot, self._last = 1 - slot, best
        return AnchorRead(VALID, best)

    def _parse(self, raw: bytes) -> Seal | None:
        raw = raw.rstrip(b"\0")
        if not raw.startswith(MAGIC):
            return None
        try:
            record = json.loads(raw[len(MAGIC):].decode("utf-8"))
            mac = record.pop("mac")
            if not hmac.compare_digest(mac, self._mac(record)):
                return None
            return Seal(**record)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def _mac(self, record: dict) -> str:
        return hmac.new(self._key, canonical_json(record).encode("utf-8"),
                        hashlib.sha256).hexdigest()

    # --- sealing ---------------------------------------------------------------------------
    def seal(self, journal_id: str, head_seq: int, head_hash: str, *,
             generation: int | None = None, creating: bool = False,
             durable: bool = True) -> Seal:
        """Seal this head (forced to the disk unless ``durable`` is False). ``generation``
        defaults to the last seal's."""
        if generation is None:
            generation = self._last.generation if self._last else 1
        seal = Seal(journal_id, head_seq, head_hash, generation, creating, self._data_dir,
                    datetime.now(UTC).isoformat(timespec="seconds"))
        self._write(self._slot, seal)
        self._slot, self._last = 1 - self._slot, seal
        if durable:
            self.sync()
        return seal

    def seal_head(self, head_seq: int, head_hash: str) -> None:
        """After a commit: the same journal, a new head (the writer thread calls this)."""
        if self._last is None or self._last.creating:
            raise RuntimeError("seal_head before the journal's first seal")
        due = time.monotonic() - self._synced_at >= SYNC_EVERY_S
        self.seal(self._last.journal_id, head_seq, head_hash, durable=due)

    def sync(self) -> None:
        """Force what was written to the disk."""
        if self._fd is None or not self._dirty:
            return
        if hasattr(os, "fdatasync"):
            os.fdatasync(self._fd)
        else:  # Windows
            os.fsync(self._fd)
        self._dirty, self._synced_at = False, time.monotonic()

    def reset(self, journal_id: str, head_seq: int, head_hash: str) -> Seal:
        """A restore: a new generation, written to both slots so no older seal remains."""
        generation = (self._last.generation if self._last else 1) + 1
        seal = self.seal(journal_id, head_seq, head_hash, generation=generation)
        self._write(self._slot, seal)
        self.sync()
        return seal

    @property
    def last(self) -> Seal | None:
        return self._last

    def _write(self, slot: int, seal: Seal) -> None:
        record = asdict(seal)
        body = MAGIC + json.dumps({**record, "mac": self._mac(record)},
                                  ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
        assert len(body) < SLOT_BYTES
        fd = self._open()
        os.lseek(fd, slot * SLOT_BYTES, os.SEEK_SET)  # os.pwrite does not exist on Windows
        os.write(fd, body.ljust(SLOT_BYTES, b"\0"))
        self._dirty = True

    def _open(self) -> int:
        if self._fd is None:
            new = not self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
            self._fd = os.open(self.path, flags, 0o600)
            if new:
                os.ftruncate(self._fd, 2 * SLOT_BYTES)
                os.fsync(self._fd)
                fsync_dir(self.path.parent)
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            try:
                self.sync()
            finally:
                os.close(self._fd)
                self._fd = None
