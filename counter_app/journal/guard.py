"""May this data dir's journal be opened? The journal file, its key and its anchor compared.

Pure: ``decide(facts)`` looks at what opening found (is there a file, is it empty, which key,
what the anchor says, what the journal's own head says, what the province last acknowledged)
and answers CREATE (a genuinely new data dir), OPEN, ADOPT (a data dir from before the anchor:
seal its first anchor and move its key out) or REFUSE with a reason. ``refusal_message`` says
the reason in Chinese with what to do. ``opening.py`` gathers the facts and carries out the
verdict; nothing here reads a file.

The rule behind every branch: a data dir that has held a journal never gets a fresh one
silently. Only ``counter-app journal restore`` (a technician, journaled) may put another
journal in its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from counter_app.journal.anchor import MISSING, VALID, Seal

CREATE, OPEN, ADOPT, REFUSE = "create", "open", "adopt", "refuse"

# Why an opening is refused.
DELETED = "deleted"
EMPTIED = "emptied"
OLDER = "older_copy"
BEHIND_PROVINCE = "behind_province"
FOREIGN = "foreign"
DIVERGED = "diverged"
ANCHOR_MISSING = "anchor_missing"
ANCHOR_DAMAGED = "anchor_damaged"
NO_KEY = "no_key"

# What the journal file is.
FILE_MISSING, FILE_EMPTY, FILE_PRESENT = "missing", "empty", "present"
# Which key was found.
KEY_MISSING, KEY_LEGACY, KEY_ANCHORED = "missing", "legacy", "anchored"


@dataclass(frozen=True)
class JournalFacts:
    """What the journal file itself says (read before anything is written)."""

    journal_id: str | None  # None: the file holds no journal (no journal_state row)
    head_seq: int
    head_hash: str
    #: The hash of the entry at the seal's seq, read when the head is past the seal.
    hash_at_seal: str | None = None


@dataclass(frozen=True)
class Facts:
    file: str
    key: str
    anchor: str  # anchor.MISSING, VALID or DAMAGED
    seal: Seal | None = None
    journal: JournalFacts | None = None
    #: The province's acknowledged seq as last heard (the sync state), when known.
    acked_seq: int | None = None


@dataclass(frozen=True)
class Verdict:
    action: str
    reason: str = ""


def decide(f: Facts) -> Verdict:
    """What to do with this data dir's journal."""
    if f.file == FILE_MISSING:
        return _no_file(f)
    if f.key == KEY_MISSING:
        # A journal without its key cannot even be read: the key must be put back.
        return Verdict(REFUSE, NO_KEY)
    if f.anchor == MISSING:
        # A key from before the anchor: this version's first opening seals the first anchor.
        # An anchored key whose anchor is gone: someone removed the witness.
        if f.key == KEY_LEGACY:
            return _behind_province(f) or Verdict(ADOPT)
        return Verdict(REFUSE, ANCHOR_MISSING)
    if f.anchor != VALID or f.seal is None:
        # The anchor does not verify with the key: altered, or written with another key.
        return Verdict(REFUSE, ANCHOR_DAMAGED)
    return _against_seal(f, f.seal)


def _no_file(f: Facts) -> Verdict:
    if f.acked_seq:
        # The province holds entries from this data dir's journal: it had one, now gone.
        return Verdict(REFUSE, DELETED)
    if f.anchor == VALID and f.seal is not None and f.seal.creating:
        # A creation cut short after its first seal: nothing was ever committed.
        return Verdict(CREATE)
    if f.anchor != MISSING:
        # The anchor says a journal was here (or cannot be read, so we cannot tell).
        return Verdict(REFUSE, DELETED)
    if f.key == KEY_LEGACY:
        # Versions before the anchor made the key only together with the journal.
        return Verdict(REFUSE, DELETED)
    # No journal, no anchor: a genuinely new data dir (or a creation cut short before its
    # first seal, whose fresh key is reused).
    return Verdict(CREATE)


def _against_seal(f: Facts, seal: Seal) -> Verdict:
    j = f.journal
    if j is None or j.journal_id is None:
        # The file holds no journal: fine only while a creation is being finished.
        return Verdict(OPEN) if seal.creating else Verdict(REFUSE, EMPTIED)
    if j.journal_id != seal.journal_id:
        # Another chain: another machine's file or a journal started afresh.
        return Verdict(REFUSE, FOREIGN)
    if j.head_seq < seal.head_seq:
        # Behind the anchor: emptied if nothing is left, else an older copy.
        return Verdict(REFUSE, EMPTIED if j.head_seq == 0 else OLDER)
    if j.head_seq == seal.head_seq and j.head_hash != seal.head_hash:
        # Same length, other content at the sealed head.
        return Verdict(REFUSE, DIVERGED)
    if j.head_seq > seal.head_seq and j.hash_at_seal not in (None, seal.head_hash):
        # Ahead of the anchor (a commit whose seal the power cut took), but not from it.
        return Verdict(REFUSE, DIVERGED)
    # Matches the anchor; the province's position is the last word.
    return _behind_province(f) or Verdict(OPEN)


def _behind_province(f: Facts) -> Verdict | None:
    head = f.journal.head_seq if f.journal is not None else 0
    if f.acked_seq is not None and f.acked_seq > head:
        return Verdict(REFUSE, BEHIND_PROVINCE)
    return None


RECOVERY = ("为防止另起一本日志或覆盖已办业务，程序拒绝打开。请不要用这台电脑继续办理，请技术人员核查后用 "
            "counter-app journal restore 从备份或省级系统恢复（见 docs/security.md）。")


def refusal_message(reason: str, f: Facts, path: Path, anchor_path: Path) -> str:
    """The Chinese message for a refusal: what was found and what to do."""
    sealed = f.seal.head_seq if f.seal is not None else None
    head = f.journal.head_seq if f.journal is not None else 0
    held = []
    if sealed:
        held.append(f"已记录到第 {sealed} 条")
    if f.acked_seq:
        held.append(f"省级系统已确认收到本机第 {f.acked_seq} 条")
    texts = {
        DELETED: f"日志文件不存在：{path}。这个数据目录曾经有日志（{'，'.join(held) or '密钥和保护记录仍在'}），"
                 "日志被删除或移走了。",
        EMPTIED: f"日志文件 {path} 是空的，但这个数据目录的日志已记录到第 {sealed} 条：日志被清空或替换了。",
        OLDER: f"日志文件 {path} 只记录到第 {head} 条，而这个数据目录的日志已记录到第 {sealed} 条："
               "这是一份旧的副本。",
        BEHIND_PROVINCE: f"日志文件 {path} 只记录到第 {head} 条，而省级系统已确认收到本机第 {f.acked_seq} 条："
                         "这是一份旧的副本。",
        FOREIGN: f"日志文件 {path} 不是这个数据目录的日志（日志编号不同）：可能是另一台电脑的，或另起的一本日志。",
        DIVERGED: f"日志文件 {path} 与这个数据目录记录的日志不一致（第 {sealed} 条内容不同）：文件被替换过。",
        ANCHOR_MISSING: f"日志的保护记录 {anchor_path} 不见了，无法确认日志没有被替换。",
        ANCHOR_DAMAGED: f"日志的保护记录 {anchor_path} 已损坏或被改动，无法确认日志没有被替换。",
    }
    return texts.get(reason, f"日志无法打开（{reason}）。") + RECOVERY
