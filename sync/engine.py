"""The sync engine: pushes the journal up and pulls reference data down, resumably.

One loop, one thread (``sync`` in the app): before every request it rebuilds a Snapshot from
the journal and the sync state and asks the pure ``decide`` what to do, runs that one action,
records its outcome durably, and repeats. Killing the process at any point loses nothing: the
journal is the outbox, and the server's idempotent endpoints turn any replay into a no-op.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from counter_app.journal import Entry, Journal
from counter_app.journal.errors import AttachmentError
from sync import answers
from sync import decide as d
from sync import enrolment as enrol
from sync import outbox, protocol, reference
from sync.backoff import Backoff
from sync.errors import (
    LocalDataError,
    ProtocolError,
    ServerError,
    SyncError,
    UntrustedAnswerError,
)
from sync.kinds import KIND_CASE_STATUS, KIND_ENTRY_REJECTED
from sync.state import SyncState
from sync.transport import USER_MESSAGES, Credentials, Session, Transport

log = logging.getLogger(__name__)
SYNC_OPERATOR = "sync"
#: clock_skew answers per cycle before the engine stops saying the server's clocks disagree.
MAX_SKEW_RETRIES = 3
#: An attachment's last error while its chunk is under way: if the process or the
#: connection dies now, the next attempt asks the server where it stands first.
NO_ANSWER = "no_answer"


def clocks_disagree_zh(apart_s: float) -> str:
    return (f"省级系统的时钟不一致：它报告的时间（/v1/time）与它校验签名用的时钟相差约 "
            f"{apart_s:.0f} 秒。本机以校验签名的时钟为准；请联系省级系统运维人员校准服务器时钟。")


@dataclass
class EngineSettings:
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    batch_entries: int = 200
    batch_bytes: int = 256 * 1024
    chunk_bytes: int = 512 * 1024
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 300.0
    max_attempts: int = 8
    #: The province's CA (PEM file) the server certificate must chain to ('' = certifi's).
    ca_bundle: str = ""
    #: Plain http to another machine than this one (demo mode and the benchmark's link only).
    allow_http: bool = False
    #: Attachments sent at once by run_once, each on its own connection (smallest first): on
    #: a lossy link one connection waiting out a retransmission no longer idles the link,
    #: and verdicts and reference data are fetched meanwhile. 1 = one at a time.
    parallel_uploads: int = 2


@dataclass
class RunResult:
    ok: bool
    actions: int
    stage: str
    error: SyncError | None = None


class SyncEngine:
    """Sync for one journal. ``run_once`` for a full cycle, ``run_forever`` for the app."""

    def __init__(self, journal: Journal, data_dir: Path, *, server_url: str | None = None,
                 settings: EngineSettings | None = None, session: Session | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self.journal = journal
        self.settings = settings or EngineSettings()
        self.enrolment, key = enrol.load(data_dir, journal)
        self.state = SyncState(enrol.sync_dir(data_dir) / "state.db",
                               label_key=state_label_key(journal))
        self.state.bind_machine(self.enrolment.machine_id)
        self.transport = self._transport(enrol.check_server(server_url, self.enrolment),
                                         Credentials(self.enrolment.machine_id, key), session)
        self.sleep = sleep
        self.backoff = Backoff(self.settings.backoff_base_s, self.settings.backoff_cap_s, rng)
        self._handshake_done = False
        self._status_due = True
        self._collections_due = list(protocol.COLLECTIONS)
        self._blocked: str | None = None
        self._skip: set[str] = set()
        #: This cycle's clock: /v1/time's offset, and whether a clock_skew answer overrode it.
        self._signature_clock, self._skews = False, 0
        self._time_offset_ms: int | None = None
        self._blobs: dict[str, bytes] = {}
        self._blobs_lock = threading.Lock()
        self.wake = threading.Event()

    def close(self) -> None:
        self.transport.close()
        self.state.close()

    def marital_check(self, case_id: str, item: str, parties: list[dict], *, operator: str,
                      request_id: str | None = None) -> dict:
        """联网核对 for a case; safe from any thread (it uses its own connection). Raises
        NetworkError when offline: the case then waits in "awaiting check"."""
        from sync import marital_check

        transport = self._transport(self.transport.base_url, self.transport.credentials, None)
        transport.offset_ms = self.transport.offset_ms
        try:
            return marital_check.request_check(transport, self.journal, self.enrolment,
                                               case_id, item, parties, operator=operator,
                                               request_id=request_id)
        except UntrustedAnswerError as err:
            self._refuse(err)
            raise
        finally:
            transport.close()

    def _transport(self, url: str, credentials: Credentials | None,
                   session: Session | None) -> Transport:
        """A transport to the enrolled server that believes only answers signed by its
        pinned key."""
        pinned = enrol.pinned_key(self.enrolment)
        return Transport(url, credentials, connect_timeout_s=self.settings.connect_timeout_s,
                         read_timeout_s=self.settings.read_timeout_s, session=session,
                         server_key=pinned, ca_bundle=self.settings.ca_bundle,
                         allow_http=self.settings.allow_http)

    # --- the loop ------------------------------------------------------------------------
    def snapshot(self, uploads: Uploads | None = None) -> d.Snapshot:
        head, _ = self.journal.head()
        acked = self.state.acked_seq
        return d.Snapshot(
            handshake_done=self._handshake_done, head_seq=head, acked_seq=acked,
            business_pending=acked < head and outbox.business_pending(self.journal, acked),
            attachments=tuple(outbox.pending_attachments(self.journal, self.state, acked,
                                                         self._skip)),
            status_due=self._status_due, collections_due=tuple(self._collections_due),
            blocked_reason=self._blocked,
            uploading=uploads.busy() if uploads else frozenset(),
            can_upload=uploads.free() if uploads else True)

    def step(self, uploads: Uploads | None = None) -> d.Action:
        """Decide and run one action (one request, give or take a page). With ``uploads``
        (run_once), an attachment chunk is handed to a connection of its own and the next
        action is decided at once; a finished upload's error surfaces here."""
        if uploads is not None:
            uploads.reap()
        action = d.decide(self.snapshot(uploads))
        if action.stage == d.ATTACHMENTS and uploads is not None:
            uploads.start(action)
            return action
        handlers: dict[str, Callable[[d.Action], None]] = {
            d.HANDSHAKE: self._handshake, d.METADATA: self._upload_entries,
            d.ATTACHMENTS: self._upload_chunk, d.STATUS: self._poll_status,
            d.REFERENCE: self._pull}
        handler = handlers.get(action.stage)
        if handler is not None:
            self.state.set(stage=action.stage)
            handler(action)
        elif action.stage == d.WAIT and uploads is not None:
            uploads.wait_one()
        elif action.stage == d.IDLE and not self._skip:
            outbox.advance_attachment_floor(self.state, self.state.acked_seq)
        return action

    def start_cycle(self) -> None:
        """Ask the server again for status and reference data on the next steps."""
        self._handshake_done = False
        self._status_due = True
        self._collections_due = list(protocol.COLLECTIONS)
        self._skip.clear()
        self._signature_clock, self._skews, self._time_offset_ms = False, 0, None

    def run_once(self, deadline_s: float | None = None) -> RunResult:
        """One full cycle until nothing is left (ok) or it gives up (bounded retries)."""
        self.start_cycle()
        uploads = Uploads(self) if self.settings.parallel_uploads > 1 else None
        try:
            return self._cycle(uploads, deadline_s)
        finally:
            if uploads is not None:
                uploads.close()

    def _cycle(self, uploads: Uploads | None, deadline_s: float | None) -> RunResult:
        end = None if deadline_s is None else time.monotonic() + deadline_s
        actions, failures = 0, 0
        while True:
            done_before = uploads.succeeded if uploads else 0
            try:
                action = self.step(uploads)
            except SyncError as raised:
                failures += 1
                err = self._record_error(raised)
                if not err.retryable or failures >= self.settings.max_attempts:
                    return RunResult(False, actions, self.state.get("stage") or "", err)
                if getattr(err, "corrected", False):
                    # local knowledge was fixed from the answer: retry at once (or after the
                    # server's Retry-After)
                    self.sleep(min(getattr(err, "retry_after_s", None) or 0.0,
                                   self.settings.backoff_cap_s))
                    continue
                delay = self.backoff.next_delay(getattr(err, "retry_after_s", None))
                if end is not None and time.monotonic() + delay > end:
                    return RunResult(False, actions, self.state.get("stage") or "", err)
                self.sleep(delay)
                continue
            if action.stage != d.WAIT:
                actions += 1
            if action.stage not in (d.ATTACHMENTS, d.WAIT) or uploads is None or (
                    uploads.succeeded > done_before):
                # a request succeeded (handing a chunk to a connection is not one)
                failures = 0
                self.backoff.reset()
            if action.stage in (d.IDLE, d.BLOCKED):
                ok = action.stage == d.IDLE and not self._skip and self._all_sent()
                if ok:
                    self.state.record_success()
                    if not self._skews:
                        self.state.set(clock_warning=None)
                self.state.set(stage=action.stage)
                return RunResult(ok, actions, action.stage)

    def run_forever(self, stop: threading.Event, interval_s: float = 60.0) -> None:
        """The app's sync thread: a cycle, then wait for the interval, a wake-up or stop."""
        while not stop.is_set():
            result = self.run_once()
            if result.error is not None and not result.error.retryable:
                log.warning("sync stopped: %s", result.error.detail)
            wait = interval_s if result.ok else self.backoff.next_delay()
            self.wake.wait(wait)
            self.wake.clear()

    def _all_sent(self) -> bool:
        """The server's verified position is the head, and its hash is the head's."""
        head, head_hash = self.journal.head()
        return self.state.acked_seq == head and self.state.get("acked_hash") == head_hash

    def _record_error(self, err: SyncError) -> SyncError:
        """Learn what the error teaches, record it as the last error; returns the error to
        report (a repeated clock_skew becomes the clocks-disagree error)."""
        if isinstance(err, UntrustedAnswerError):
            self._refuse(err)
        if isinstance(err, ServerError):
            err = self._react(err)
        code = getattr(err, "server_code", None) or err.code
        log.info("sync error (%s): %s", code, err.detail)
        self.state.record_error(self.state.get("stage") or "", code, err.message_zh)
        return err

    def _refuse(self, err: UntrustedAnswerError) -> None:
        """An untrue answer: journal it (once per distinct evidence) and stop syncing until
        the next start, so a person looks before this server is believed again."""
        self._blocked = "untrusted_answer"
        log.warning("refused a server answer (%s): %s", err.requirement, err.evidence)
        outbox.record_refusal(self.journal, err)

    def _react(self, err: ServerError) -> SyncError:
        """Adjust local knowledge from an error answer so that the retry can succeed."""
        if err.server_code == "clock_skew":
            return self._clock_skew(err)
        if err.server_code == "replay":
            err.corrected = True  # the next attempt carries a fresh nonce
        elif not err.retryable:
            self._blocked = err.server_code
        return err

    def _clock_skew(self, err: ServerError) -> SyncError:
        """The signature clock wins (docs §5): adopt the server_time of the (signed) answer
        for the rest of the cycle; the first retry goes at once, later ones after backoff,
        and after MAX_SKEW_RETRIES the cycle stops saying the server's clocks disagree."""
        try:
            server_time = protocol.parse_time(str(err.body.get("server_time")))
        except ValueError:
            return ProtocolError("省级系统的时钟应答格式不对，稍后重试。", detail="clock_skew "
                                 "without a server_time")
        self._adopt_server_time(server_time, 0.0)
        self._signature_clock, self._skews = True, self._skews + 1
        apart_s = abs(self.transport.offset_ms - (self._time_offset_ms or 0)) / 1000
        if self._time_offset_ms is not None and apart_s > protocol.MAX_SKEW_S:
            self.state.set(clock_warning=clocks_disagree_zh(apart_s))
        if self._skews > MAX_SKEW_RETRIES:
            return SyncError(f"省级系统连续 {self._skews} 次判定本机请求的时间不符，按它给出的时间校准后"
                             "仍然如此（省级系统的时钟不稳定或前后不一致），本次同步停止，稍后自动再试。"
                             "请联系省级系统运维人员校准服务器时钟。",
                             detail=f"clock_skew {self._skews} times in a cycle",
                             code="sync.server_clocks")
        err.corrected = self._skews == 1
        return err

    # --- stages --------------------------------------------------------------------------
    def _adopt_server_time(self, server_time: datetime, rtt_s: float) -> None:
        estimate = server_time + timedelta(seconds=rtt_s / 2)
        offset = self.journal.record_server_time(estimate)
        self.transport.offset_ms = offset.offset_ms

    def _handshake(self, _action: d.Action) -> None:
        if not self._signature_clock:
            # /v1/time is the first estimate; once the signature clock has spoken (a
            # clock_skew answer) it wins for the rest of the cycle
            answer = self.transport.get(f"{protocol.API_PREFIX}/time", signed=False)
            self._adopt_server_time(protocol.parse_time(answer.body["server_time"]),
                                    answer.elapsed_s)
            self._time_offset_ms = self.transport.offset_ms
        me = self.transport.get(f"{protocol.API_PREFIX}/machines/self").body
        answers.check_position(me, self.enrolment.machine_id, self.enrolment.office_code)
        self._check_machine_status(str(me.get("status", "active")))
        acked, acked_hash = int(me.get("acked_seq", 0)), me.get("acked_hash")
        head, _ = self.journal.head()
        if acked > head:
            self._blocked = "server_ahead"
            raise LocalDataError("省级系统已收到的记录比本机日志还多（本机数据可能被还原过）。"
                                 "已停止上传，请联系技术人员。",
                                 detail=f"server acked {acked} > local head {head}")
        if acked_hash != answers.hash_at(outbox.held(self.journal, [acked]), acked):
            self._blocked = "chain_broken"
            raise LocalDataError("本机日志与省级系统已收到的记录不一致，已停止上传，请联系技术人员。",
                                 detail=f"hash mismatch at acked seq {acked}")
        if acked < self.state.acked_seq:
            # the server went back (restored from a backup): the journal is the record, so
            # the entries it lost are simply sent again
            log.warning("server position went back from %s to %s", self.state.acked_seq, acked)
        self.state.set(acked_seq=acked, acked_hash=acked_hash)
        self._handshake_done = True

    def _check_machine_status(self, status: str) -> None:
        """A 200 position answer is for an active machine (docs §3.4); read anything else as
        the corresponding 403."""
        if status in ("revoked", "pending"):
            code = f"machine_{status}"
            if status == "revoked":
                self._blocked = code
            raise ServerError(USER_MESSAGES[code], status=403, server_code=code, body={},
                              retryable=status == "pending", detail=f"position status {status}")

    def _upload_entries(self, _action: d.Action) -> None:
        batch: list[dict] = []
        size = 0
        for entry in outbox.pending_entries(self.journal, self.state.acked_seq,
                                            self.settings.batch_entries):
            record = entry_record(entry)
            size += len(protocol.canonical_json(record).encode("utf-8"))
            if batch and size > self.settings.batch_bytes:
                break
            batch.append(record)
        sent = answers.Batch(batch[0]["seq"], batch[-1]["seq"])
        try:
            body = self.transport.post_json(f"{protocol.API_PREFIX}/entries",
                                            {"entries": batch}).body
        except ServerError as err:
            if err.server_code == "sequence_gap":
                self._continue_from_gap(err, sent)
            raise
        self._record_outcomes(self._check_batch(body, sent))

    def _check_batch(self, body: dict, sent: answers.Batch) -> answers.BatchAnswer:
        held = outbox.held(self.journal, answers.seqs_named(body))
        uploaded = outbox.uploaded_cases(self.journal, answers.cases_named(body.get("cases")),
                                         sent.last_seq)
        return answers.check_batch(body, sent, held, uploaded)

    def _continue_from_gap(self, err: ServerError, sent: answers.Batch) -> None:
        """The server holds less than we thought: continue from its (checked) position."""
        held = outbox.held(self.journal, answers.seqs_named(err.body))
        acked, acked_hash = answers.check_gap(err.body, sent, held)
        self.state.set(acked_seq=acked, acked_hash=acked_hash)
        err.corrected = True

    def _record_outcomes(self, answer: answers.BatchAnswer) -> None:
        """Rejections and case verdicts become journal entries *before* the ack is saved,
        with deterministic ids, so a crash in between repeats nothing."""
        self._record_rejections(answer.rejections)
        self._record_case_statuses(answer.cases)
        self.state.set(acked_seq=answer.acked_seq, acked_hash=answer.acked_hash)

    def _record_rejections(self, results: list[dict]) -> None:
        for result in results:
            if result.get("status") == protocol.ENTRY_REJECTED:
                self.journal.append(
                    KIND_ENTRY_REJECTED,
                    {"entry_id": result["entry_id"], "seq": int(result["seq"]),
                     "reason_code": str(result.get("reason_code") or "rejected"),
                     "reason": str(result.get("reason") or "省级系统拒收，未说明原因")},
                    operator=SYNC_OPERATOR, case_id=result.get("case_id"),
                    entry_id=f"rej-{result['entry_id']}")

    def _record_case_statuses(self, cases: list[dict]) -> None:
        for case in cases:
            payload = {"status": case["status"], "version": int(case["version"]),
                       "reason_code": case.get("reason_code"), "reason": case.get("reason")}
            self.journal.append(KIND_CASE_STATUS, payload, operator=SYNC_OPERATOR,
                                case_id=str(case["case_id"]),
                                entry_id=f"cs-{case['case_id']}-{case['version']}")

    def _upload_chunk(self, action: d.Action, transport: Transport | None = None) -> None:
        """One chunk of one attachment (on ``transport``, an upload connection, or the main
        one); the checked answer is recorded."""
        transport = transport or self.transport
        sha = action.sha256
        assert sha is not None
        try:
            data = self._attachment(sha)
        except AttachmentError as err:
            self._skip.add(sha)
            self.state.set_progress(sha, action.offset, False, err.code)
            raise LocalDataError(err.message_zh, detail=err.detail) from None
        path = f"{protocol.API_PREFIX}/attachments/{sha}"
        if self.state.progress([sha]).get(sha, {}).get("last_error") == NO_ANSWER:
            # the last chunk got no answer: ask where the server stands before sending more
            # (it may have kept all, part or none of it)
            where = transport.get(path).body
            received, complete = answers.check_offset_error(where, sha, len(data))
            self.state.set_progress(sha, received, complete)
            return
        chunk = data[action.offset:action.offset + self.settings.chunk_bytes]
        self.state.set_progress(sha, action.offset, False, NO_ANSWER, attempt=True)
        try:
            body = transport.patch_bytes(path, chunk, action.offset, len(data)).body
        except ServerError as err:
            if err.server_code in ("offset_mismatch", "hash_mismatch"):
                received, complete = answers.check_offset_error(err.body, sha, len(data))
                self.state.set_progress(sha, received, complete, err.server_code)
                err.corrected = True
            raise
        received, complete = answers.check_chunk(body, sha, action.offset, len(chunk), len(data))
        cases = self._checked_verdicts(body.get("cases") or [], f"PATCH attachment {sha[:12]}")
        self.state.set_progress(sha, received, complete)
        if not complete and received <= action.offset and chunk:
            raise ProtocolError("省级系统没有接收附件数据，稍后重试。",
                                detail=f"attachment {sha[:12]} stuck at {received}")
        if complete:
            with self._blobs_lock:
                self._blobs.pop(sha, None)
            self._record_case_statuses(cases)

    def _checked_verdicts(self, items: list, where: str) -> list[dict]:
        uploaded = outbox.uploaded_cases(self.journal, answers.cases_named(items),
                                         self.state.acked_seq)
        return answers.check_verdicts(items, uploaded, where)

    def _attachment(self, sha: str) -> bytes:
        """The attachment's bytes, kept while it is being sent (one per connection)."""
        with self._blobs_lock:
            data = self._blobs.get(sha)
        if data is None:
            data = self.journal.get_attachment(sha)
            with self._blobs_lock:
                if len(self._blobs) > self.settings.parallel_uploads:
                    self._blobs.clear()
                self._blobs[sha] = data
        return data

    def _poll_status(self, _action: d.Action) -> None:
        """Verdicts and rejections the server holds for us, also those whose batch answer
        was lost (a lost answer followed by a handshake skips them in the batch path)."""
        feeds = (("rejections", "entries/rejected", self._record_rejection_page),
                 ("case_status", "cases/status", self._record_status_page))
        for name, path, record in feeds:
            more = True
            while more:
                cursor = self.state.get(f"cursor:{name}", "0")
                body = self.transport.get(f"{protocol.API_PREFIX}/{path}",
                                          {"cursor": cursor, "limit": 200}).body
                items, next_cursor, more = answers.check_page(body, f"GET /v1/{path}")
                record(items)
                self.state.set(**{f"cursor:{name}": next_cursor})
        self._status_due = False

    def _record_rejection_page(self, items: list) -> None:
        held = outbox.held(self.journal, answers.seqs_named({"items": items}))
        self._record_rejections(answers.check_rejections(items, self.state.acked_seq, held))

    def _record_status_page(self, items: list) -> None:
        self._record_case_statuses(self._checked_verdicts(items, "GET /v1/cases/status"))

    def _pull(self, action: d.Action) -> None:
        assert action.collection is not None
        if not reference.pull_page(self.transport, self.journal, self.state,
                                   action.collection, office_code=self.enrolment.office_code):
            self._collections_due.remove(action.collection)


def state_label_key(journal: Journal) -> bytes:
    """The key the sync state files attachment progress under (never the bare hash)."""
    return journal.key.derive("sync state attachment labels")


class Uploads:
    """Attachment chunks on connections of their own while run_once goes on: at most
    ``parallel_uploads`` at once, never two of one attachment; an upload's error is raised
    on the loop's thread (``reap``), where it is handled like any other."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine
        self.slots = engine.settings.parallel_uploads
        self.pool = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="sync-upload")
        self.running: dict[str, tuple[Future[None], Transport]] = {}
        self.idle: list[Transport] = []
        #: Uploads that came back without an error (progress, for the loop's retry count).
        self.succeeded = 0

    def busy(self) -> frozenset[str]:
        return frozenset(self.running)

    def free(self) -> bool:
        return len(self.running) < self.slots

    def start(self, action: d.Action) -> None:
        assert action.sha256 is not None and self.free()
        main = self.engine.transport
        transport = self.idle.pop() if self.idle else self.engine._transport(
            main.base_url, main.credentials, None)
        transport.offset_ms = main.offset_ms
        self.engine.state.set(stage=d.ATTACHMENTS)
        future = self.pool.submit(self.engine._upload_chunk, action, transport)
        self.running[action.sha256] = (future, transport)

    def reap(self) -> None:
        """Collect finished uploads; raise the error of the first that failed."""
        for sha, (future, transport) in list(self.running.items()):
            if future.done():
                del self.running[sha]
                self.idle.append(transport)
                future.result()
                self.succeeded += 1

    def wait_one(self) -> None:
        if self.running:
            wait([f for f, _ in self.running.values()], return_when=FIRST_COMPLETED)

    def close(self) -> None:
        """Let the uploads under way finish (each is bounded by its timeouts)."""
        wait([f for f, _ in self.running.values()])
        self.pool.shutdown()
        for transport in self.idle + [t for _, t in self.running.values()]:
            transport.close()
        self.running.clear()


def entry_record(entry: Entry) -> dict:
    """A journal entry in its wire form (every hashed field, exactly as stored)."""
    return {"seq": entry.seq, "entry_id": entry.entry_id, "case_id": entry.case_id,
            "kind": entry.kind, "payload": entry.payload, "operator": entry.operator,
            "device_time": entry.device_time, "clock": entry.clock,
            "attachments": entry.attachments, "prev_hash": entry.prev_hash,
            "hash": entry.hash}
