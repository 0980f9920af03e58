"""What happens next to a case: what it waits for, the next action and the screen that does it.

``decide(facts, on)`` is a pure function of what is known of one case (its state, the latest
联网核对 outcome, the booklets issued, whether its archive file was built or its notice printed,
its first preparation step not done), in the manner of sync.decide: one commented branch per
case, the law cited where it decides. ``case_next`` and ``open_cases`` read those facts, each
in one place (``CaseFacts``), and decide: the main window opens the screen a case needs, the
case page offers the stage as its one action, the home page lists the open cases
(counter_app.workflows.today).

Screens: ``marriage`` / ``divorce`` / ``reissue`` (the item's own intake page goes on with the
case), ``case`` (examination, 联网核对, registration, archive file, notices), ``certificates``
(printing the booklets), or the key of a preparation step (its page, workflows.steps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from counter_app.archive_file.kinds import KIND_ARCHIVE_BUILT
from counter_app.cases.service import CaseService, CaseState
from counter_app.journal import Journal
from counter_app.numbering import issued_blanks, issued_counts
from counter_app.printing.kinds import KIND_NOTICE_PRINTED
from counter_app.rules.calendar import divorce_periods, divorce_phase
from sync.projections import check_outcomes

# Stages: what the case waits for.
INTAKE, PREPARE, EXAMINE, COOLING_OFF, CHECK, BLOCKED, REGISTER, PRINT, ARCHIVE, NOTICE, DONE = (
    "intake", "prepare", "examine", "cooling_off", "check", "blocked", "register", "print",
    "archive", "notice", "done")
# Screens besides the intake pages and the step pages.
CASE, CERTIFICATES = "case", "certificates"
# The home page's lists.
AWAITING_CHECK, DIVORCE_DEADLINES, READY_TO_ISSUE = (
    "awaiting_check", "divorce_deadlines", "ready_to_issue")

#: Case types whose registration needs a recorded online marital-status check first.
NEEDS_ONLINE_CHECK = ("marriage", "retroactive_marriage", "divorce")
#: How many days before a divorce deadline the home page starts to warn.
DEADLINE_WARNING_DAYS = 3
#: The intake page of each case type (补办 shares the marriage intake).
INTAKE_SCREEN = {"divorce": "divorce", "reissue": "reissue"}
#: States in which the preparation steps count (from acceptance until registration).
STEP_STATES = frozenset({"accepted", "cooling_off", "examined"})
#: The states in which a case may still need the registrar; the others need nothing more.
LISTED_STATES = ("initial_review", "applied", "accepted", "cooling_off", "examined",
                 "registered", "issued", "withdrawn", "deemed_withdrawn")
#: Ended divorce applications whose notice the parties are owed, by state.
NOTICE_DUE = {"withdrawn": "已撤回：请打印撤回离婚登记申请确认单",
              "deemed_withdrawn": "已视为撤回：请打印视为撤回告知书"}


def booklets_needed(case_type: str) -> int:
    """The booklets a case issues: one 补领 certificate, else one for each party."""
    return 1 if case_type == "reissue" else 2


@dataclass(frozen=True)
class CaseFacts:
    """What ``decide`` looks at, read from the journal (``read_facts``)."""

    case_id: str
    case_type: str
    state: str
    receipt_date: date | None = None
    #: the latest 联网核对 outcome ("clear", "blocked", ...), None when none counts
    check: str | None = None
    #: blanks issued to the case (booklets printed and confirmed); not counted once the archive
    #: file is built (it is built after all of them, and an issued blank is never voided)
    booklets: int = 0
    archive_built: bool = False
    notice_printed: bool = False
    #: the key of the first preparation step not done (workflows.steps.next_step), if any
    step: str | None = None

    @property
    def booklets_issued(self) -> bool:
        """Every booklet of the case printed and confirmed ("both booklets issued"; a built
        archive file implies it)."""
        return self.archive_built or self.booklets >= booklets_needed(self.case_type)


@dataclass(frozen=True)
class Next:
    """What happens next to one case."""

    case_id: str
    case_type: str
    state: str
    #: what the case waits for (INTAKE ... DONE)
    stage: str
    #: the next action in the registrar's words, as the home page shows it ("" when none)
    action: str
    #: the screen that does it
    screen: str
    #: the home list it is on (None: not on the home page)
    home_list: str | None = None
    urgent: bool = False


def decide(facts: CaseFacts, on: date | None = None) -> Next:
    """What happens next to the case. ``on`` (today) places a divorce in its periods; without
    it a divorce's deadline line is left out (the stage and the screen do not depend on it)."""
    base = _reissue(facts) if facts.case_type == "reissue" else _stage(facts, on)
    if facts.step and base.screen == CASE and base.stage in (EXAMINE, CHECK, BLOCKED, REGISTER):
        # a preparation step not done comes first, before 审查 and again before 登记 (a retake
        # or a re-signing after 审查 undoes one): its page, not the case page, does it (the
        # home line stays)
        return replace(base, stage=PREPARE, screen=facts.step)
    return base


def _stage(facts: CaseFacts, on: date | None) -> Next:
    state, case_type = facts.state, facts.case_type
    if state in ("initial_review", "applied"):
        # still being taken in (初审; a divorce's 申请): its intake page goes on
        text = "离婚申请未受理完：请继续录入" if case_type == "divorce" else \
            "初审未完成：请继续录入"
        return _next(facts, INTAKE, text, INTAKE_SCREEN.get(case_type, "marriage"),
                     AWAITING_CHECK)
    if case_type == "divorce" and state in ("accepted", "cooling_off"):
        return _divorce(facts, on)
    if state == "accepted":
        # accepted: the registrar examines the materials (审查), then asks the 联网核对
        return _next(facts, EXAMINE, "已受理：请审查材料，然后联网核对", CASE, AWAITING_CHECK)
    if state == "examined":
        return _examined(facts)
    if state == "registered":
        return _registered(facts)
    if case_type == "divorce" and state in NOTICE_DUE and not facts.notice_printed:
        # an ended application: the parties are owed its notice (撤回确认单 / 视为撤回告知书)
        return _next(facts, NOTICE, NOTICE_DUE[state], CASE, DIVORCE_DEADLINES, urgent=True)
    # refused, withdrawn with its notice, ...: nothing more to do
    return _next(facts, DONE, "", CASE)


def _examined(facts: CaseFacts) -> Next:
    if facts.case_type in NEEDS_ONLINE_CHECK and facts.check is None:
        # no 联网核对 answer yet: registration needs one (2025 《婚姻登记工作规范》,
        # reference/law.md §3.1); without a link the case waits here
        return _next(facts, CHECK, "等待联网核对：网络恢复后一键完成", CASE, AWAITING_CHECK)
    if facts.case_type in NEEDS_ONLINE_CHECK and facts.check != "clear":
        # the province found a marital status that bars registration (e.g. 已有配偶, Civil
        # Code art. 1042): refuse with a notice, or check again after verifying
        return _next(facts, BLOCKED, "联网核对发现婚姻状况不符，不能登记：请核实并出具不予登记告知",
                     CASE, AWAITING_CHECK, urgent=True)
    # examined and checked: register and issue on the spot (当场登记发证)
    return _next(facts, REGISTER, "可以登记发证", CASE, READY_TO_ISSUE)


def _registered(facts: CaseFacts) -> Next:
    if facts.archive_built:
        # the electronic archive file is the last act (《婚姻登记档案管理办法》 arts. 5, 7)
        return _next(facts, DONE, "", CASE)
    if not facts.booklets_issued:
        # registered: each party's certificate is printed and confirmed, one booklet each
        cert = "离婚证" if facts.case_type == "divorce" else "结婚证"
        text = f"已登记：请打印{cert}（已确认 {facts.booklets}/2 本）"
        return _next(facts, PRINT, text, CERTIFICATES, READY_TO_ISSUE, urgent=True)
    # both booklets issued: the case's electronic archive file (F12 on the case page)
    return _next(facts, ARCHIVE, "已发证：请生成电子档案（F12）", CASE, READY_TO_ISSUE)


def _divorce(facts: CaseFacts, on: date | None) -> Next:
    # the cooling-off case is examined from its first day on (its papers are photographed
    # right after the receipt; the case service holds 审查 itself to the issuance window)
    stage = EXAMINE if facts.state == "cooling_off" else COOLING_OFF
    line = _deadline(facts.receipt_date, on) if facts.receipt_date and on else None
    if line is None:
        return _next(facts, stage, "", CASE)
    return _next(facts, stage, line[0], CASE, DIVORCE_DEADLINES, urgent=line[1])


def _deadline(receipt: date, on: date) -> tuple[str, bool] | None:
    """The home line of a divorce application on ``on`` and whether it is urgent; the periods
    are those of Civil Code art. 1077 (counter_app.rules.calendar)."""
    periods = divorce_periods(receipt)
    phase = divorce_phase(periods, on)
    if phase == "cooling_off":
        # the 30 days of 冷静期: either party may withdraw until the deadline (art. 1077 §1)
        days = (periods.withdrawal_deadline - on).days
        return (f"冷静期：{periods.withdrawal_deadline:%Y-%m-%d} 前可撤回（还有 {days} 天）",
                days <= DEADLINE_WARNING_DAYS)
    if phase == "issuance":
        # the following 30 days: both must come to the receiving office (art. 1077 §2)
        days = (periods.issuance_until - on).days
        text = (f"可办理离婚登记：{periods.issuance_until:%Y-%m-%d} 前双方须到受理机关"
                f"（还有 {days} 天）")
        return text, days <= DEADLINE_WARNING_DAYS
    if phase == "expired":
        # nobody came in time: the application is deemed withdrawn (art. 1077 §2)
        return f"已超过 {periods.issuance_until:%Y-%m-%d}，视为撤回，请出具告知", True
    # a receipt dated after ``on`` (a clock set back): no line
    return None


def _reissue(facts: CaseFacts) -> Next:
    # 补领 has one page for all its steps (counter_app.reissue): it always continues the case
    if facts.state in ("initial_review", "accepted"):
        # verified, photographed and declared on the reissue page, then issued
        return _next(facts, INTAKE, "补领未办完：请继续（核验、拍照、发证）", "reissue",
                     AWAITING_CHECK)
    if facts.state == "examined":
        # examined: the reissue is issued (no 联网核对 for a reissue)
        return _next(facts, REGISTER, "可以登记发证", "reissue", READY_TO_ISSUE)
    if facts.state == "issued" and not facts.booklets_issued:
        # issued: the one reissued booklet is printed and confirmed
        return _next(facts, PRINT, "已补发：请打印补发的证书", "reissue", READY_TO_ISSUE,
                     urgent=True)
    # printed, or refused: nothing more to do
    return _next(facts, DONE, "", "reissue")


def _next(facts: CaseFacts, stage: str, action: str, screen: str,
          home_list: str | None = None, *, urgent: bool = False) -> Next:
    return Next(facts.case_id, facts.case_type, facts.state, stage, action, screen, home_list,
                urgent)


# --- reading the facts ---------------------------------------------------------------------

Lazy = Callable[[], str | None]


def read_facts(journal: Journal, case_id: str, *, pending_step: Lazy | None = None,
               check: Lazy | None = None) -> CaseFacts | None:
    """The facts of one case (None when there is no such case). ``pending_step`` gives the
    first preparation step not done (the case page hands in workflows.steps.next_step);
    ``check`` the 联网核对 outcome that counts, by default the latest one recorded."""
    case = CaseService(journal).state(case_id)
    if case is None:
        return None
    outcome = (lambda _: check()) if check else check_outcomes(journal).get
    return _facts(case, built=journal.cases_with(KIND_ARCHIVE_BUILT),
                  notified=journal.cases_with(KIND_NOTICE_PRINTED), check=outcome,
                  booklets=lambda _: len(issued_blanks(journal, case_id)),
                  pending_step=pending_step)


def case_next(journal: Journal, case_id: str, on: date | None = None, *,
              pending_step: Lazy | None = None, check: Lazy | None = None) -> Next | None:
    """What happens next to ``case_id`` (None when there is no such case); see read_facts."""
    facts = read_facts(journal, case_id, pending_step=pending_step, check=check)
    return decide(facts, on) if facts is not None else None


def open_cases(journal: Journal, on: date) -> list[Next]:
    """Every case on the home page on ``on``, the least recently moved first."""
    checks, counts = check_outcomes(journal), issued_counts(journal)
    built = journal.cases_with(KIND_ARCHIVE_BUILT)
    notified = journal.cases_with(KIND_NOTICE_PRINTED)
    found = (decide(_facts(case, built=built, notified=notified, check=checks.get,
                           booklets=lambda case_id: counts.get(case_id, 0)), on)
             for case in CaseService(journal).in_states(LISTED_STATES))
    return [n for n in found if n.home_list is not None]


def _facts(case: CaseState, *, built: set[str], notified: set[str],
           check: Callable[[str], str | None], booklets: Callable[[str], int],
           pending_step: Lazy | None = None) -> CaseFacts:
    """Each fact read only where the case's state makes it count."""
    case_id, state = case.case_id, case.state
    counted = state in ("registered", "issued") and case_id not in built
    return CaseFacts(
        case_id, case.case_type, state, case.receipt_date,
        check=check(case_id) if state == "examined" else None,
        booklets=booklets(case_id) if counted else 0,
        archive_built=case_id in built, notice_printed=case_id in notified,
        step=pending_step() if pending_step and state in STEP_STATES else None)
