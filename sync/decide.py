"""What the sync engine does next: a pure function of a snapshot (no I/O, no clock).

The shape follows vdirsyncer's ``_get_actions`` (a pure decision over local state, remote
state and the last-synced status, one commented branch per case) and morango's staged,
resumable transfer sessions: the stages are HANDSHAKE -> METADATA (journal entries) ->
ATTACHMENTS -> STATUS (server case status) -> REFERENCE (delta pull) -> METADATA (the
bookkeeping entries those produced, in one batch), and because the
decision is recomputed from durable state before every request, a run killed at any point
resumes at the right stage with nothing to replay by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Stage names, shown to the UI and written to the sync status.
HANDSHAKE, METADATA, ATTACHMENTS, STATUS, REFERENCE, IDLE, BLOCKED, WAIT = (
    "handshake", "metadata", "attachments", "status", "reference", "idle", "blocked", "wait")


@dataclass(frozen=True)
class PendingAttachment:
    sha256: str
    size: int
    received: int
    first_seq: int


@dataclass(frozen=True)
class Snapshot:
    """Everything ``decide`` looks at, read from the journal and the sync state."""

    handshake_done: bool
    head_seq: int
    acked_seq: int
    #: True when a pending entry is more than sync's own bookkeeping (sync.* kinds).
    business_pending: bool = True
    attachments: tuple[PendingAttachment, ...] = ()
    status_due: bool = True
    collections_due: tuple[str, ...] = ()
    blocked_reason: str | None = None
    #: Attachments being sent on their own connections right now (run_once's uploads), and
    #: whether a connection is free for one more.
    uploading: frozenset[str] = frozenset()
    can_upload: bool = True


@dataclass(frozen=True)
class Action:
    stage: str
    sha256: str | None = None
    offset: int = 0
    collection: str | None = None
    detail: dict = field(default_factory=dict)


def send_order(attachment: PendingAttachment) -> tuple:
    """The order attachments are sent in: smallest first, then oldest (then by hash, so the
    order is total)."""
    return attachment.size, attachment.first_seq, attachment.sha256


def decide(snap: Snapshot) -> Action:
    """The next action. Small things go first: entries (a registration's metadata) before any
    attachment, and the smallest attachment first, so a case never waits behind big scans."""
    if snap.blocked_reason:
        # a permanent error (revoked machine, broken chain): stop until a person acts
        return Action(BLOCKED, detail={"reason": snap.blocked_reason})
    if not snap.handshake_done:
        # learn the server's time and its acknowledged position before sending anything
        return Action(HANDSHAKE)
    if snap.acked_seq < snap.head_seq and snap.business_pending:
        # entries the server has not acknowledged: metadata always goes first, even when
        # an attachment is half-way (it resumes at its offset afterwards)
        return Action(METADATA)
    waiting = [a for a in snap.attachments if a.sha256 not in snap.uploading]
    if waiting and snap.can_upload:
        # attachments of acknowledged entries, smallest first, then oldest; sync's own
        # bookkeeping entries (server verdicts) wait, so each verdict costs no extra round trip
        nxt = min(waiting, key=send_order)
        return Action(ATTACHMENTS, sha256=nxt.sha256, offset=nxt.received)
    if snap.status_due:
        # ask what the server decided about our cases (while the last uploads are under way
        # on their own connections, or once everything is up)
        return Action(STATUS)
    if snap.collections_due:
        # bring reference data (numbers, blanks, operators, ...) up to date
        return Action(REFERENCE, collection=snap.collections_due[0])
    if snap.attachments or snap.uploading:
        # uploads are under way and every connection is busy: wait for one to finish
        return Action(WAIT)
    if snap.acked_seq < snap.head_seq:
        # only bookkeeping entries are left (verdicts, reference data) and everything else is
        # done: all of them go up in one batch
        return Action(METADATA)
    # nothing to do until the journal grows or the next cycle
    return Action(IDLE)
