"""Today's work at a glance: what waits for the 联网核对, which divorces need action, what is
ready to issue. Everything is read from the projections; nothing is stored here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from counter_app.domain.cases import CASE_TYPE_ZH
from counter_app.journal import Journal
from counter_app.rules.calendar import divorce_periods, divorce_phase

#: Case types whose registration needs a recorded online marital-status check first.
NEEDS_ONLINE_CHECK = ("marriage", "retroactive_marriage", "divorce")
#: Marriage case types (examined, then checked online, then registered).
MARRIAGE_TYPES = ("marriage", "retroactive_marriage")
#: How many days before a divorce deadline the home page starts to warn.
DEADLINE_WARNING_DAYS = 3


@dataclass(frozen=True)
class CaseLine:
    """One case as a line on the home page."""

    case_id: str
    case_type: str
    state: str
    note: str
    urgent: bool = False

    @property
    def title(self) -> str:
        return f"{CASE_TYPE_ZH.get(self.case_type, self.case_type)} {self.case_id[:8]}"


@dataclass
class Overview:
    """The three lists of the home page."""

    awaiting_check: list[CaseLine] = field(default_factory=list)
    divorce_deadlines: list[CaseLine] = field(default_factory=list)
    ready_to_issue: list[CaseLine] = field(default_factory=list)


def overview(journal: Journal, on: date) -> Overview:
    """What needs the registrar's attention on ``on``."""
    # The latest recorded 联网核对 answer per case (sync's marital_checks projection).
    checked = {r["case_id"]: r["outcome"] for r in journal.query(
        "SELECT case_id, outcome FROM marital_checks ORDER BY seq")}
    result = Overview()
    rows = journal.query("SELECT case_id, case_type, state, receipt_date FROM case_state "
                         "WHERE state IN ('initial_review', 'applied', 'examined', "
                         "'accepted', 'cooling_off') "
                         "ORDER BY updated_seq")
    result.ready_to_issue.extend(_unprinted(journal))
    result.ready_to_issue.extend(_unarchived(journal))
    result.ready_to_issue.extend(_reissued_unprinted(journal))
    result.divorce_deadlines.extend(_notices_due(journal))
    for row in rows:
        if (row["state"], row["case_type"]) == ("applied", "divorce"):
            result.awaiting_check.append(CaseLine(row["case_id"], row["case_type"], row["state"],
                                                  "离婚申请未受理完：请继续录入"))
        elif row["case_type"] == "reissue" and row["state"] in ("initial_review", "accepted"):
            result.awaiting_check.append(CaseLine(row["case_id"], row["case_type"], row["state"],
                                                  "补领未办完：请继续（核验、拍照、发证）"))
        elif row["state"] == "initial_review" and row["case_type"] in MARRIAGE_TYPES:
            result.awaiting_check.append(CaseLine(row["case_id"], row["case_type"], row["state"],
                                                  "初审未完成：请继续录入"))
        elif row["state"] == "accepted" and row["case_type"] in MARRIAGE_TYPES:
            result.awaiting_check.append(CaseLine(row["case_id"], row["case_type"], row["state"],
                                                  "已受理：请审查材料，然后联网核对"))
        elif row["case_type"] == "divorce" and row["state"] in ("accepted", "cooling_off"):
            line = _divorce_line(row, on)
            if line is not None:
                result.divorce_deadlines.append(line)
        elif row["state"] == "examined":
            outcome = checked.get(row["case_id"])
            if row["case_type"] in NEEDS_ONLINE_CHECK and outcome is None:
                result.awaiting_check.append(CaseLine(
                    row["case_id"], row["case_type"], row["state"],
                    "等待联网核对：网络恢复后一键完成"))
            elif row["case_type"] in NEEDS_ONLINE_CHECK and outcome != "clear":
                result.awaiting_check.append(CaseLine(
                    row["case_id"], row["case_type"], row["state"],
                    "联网核对发现婚姻状况不符，不能登记：请核实并出具不予登记告知", urgent=True))
            else:
                result.ready_to_issue.append(CaseLine(
                    row["case_id"], row["case_type"], row["state"], "可以登记发证"))
    return result


def _unprinted(journal: Journal) -> list[CaseLine]:
    """Registered marriages and divorces whose two booklets are not both confirmed yet."""
    rows = journal.query(
        """SELECT c.case_id, c.case_type, c.state,
                  (SELECT count(*) FROM stock_blanks b WHERE b.case_id = c.case_id
                   AND b.status = 'issued') AS issued
           FROM case_state c WHERE c.state = 'registered' AND c.case_type IN (?, ?, ?)
           ORDER BY c.updated_seq""", [*MARRIAGE_TYPES, "divorce"])
    return [CaseLine(r["case_id"], r["case_type"], r["state"],
                     f"已登记：请打印{'离婚证' if r['case_type'] == 'divorce' else '结婚证'}"
                     f"（已确认 {r['issued']}/2 本）", urgent=True)
            for r in rows if r["issued"] < 2]


def _reissued_unprinted(journal: Journal) -> list[CaseLine]:
    """Reissues whose one booklet is not confirmed yet."""
    rows = journal.query(
        """SELECT c.case_id, c.case_type, c.state FROM case_state c
           WHERE c.case_type = 'reissue' AND c.state = 'issued'
             AND NOT EXISTS (SELECT 1 FROM stock_blanks b WHERE b.case_id = c.case_id
                             AND b.status = 'issued')
           ORDER BY c.updated_seq""")
    return [CaseLine(r["case_id"], r["case_type"], r["state"], "已补发：请打印补发的证书",
                     urgent=True) for r in rows]


def _unarchived(journal: Journal) -> list[CaseLine]:
    """Registered cases with both booklets confirmed and no electronic archive file yet."""
    rows = journal.query(
        """SELECT c.case_id, c.case_type, c.state FROM case_state c
           WHERE c.state = 'registered'
             AND (SELECT count(*) FROM stock_blanks b WHERE b.case_id = c.case_id
                  AND b.status = 'issued') >= 2
             AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.case_id = c.case_id
                             AND e.kind = 'archive.built')
           ORDER BY c.updated_seq""")
    return [CaseLine(r["case_id"], r["case_type"], r["state"],
                     "已发证：请生成电子档案（F12）") for r in rows]


#: Ended divorce applications whose notice the parties are owed, by state.
NOTICE_DUE = {"withdrawn": "已撤回：请打印撤回离婚登记申请确认单",
              "deemed_withdrawn": "已视为撤回：请打印视为撤回告知书"}


def _notices_due(journal: Journal) -> list[CaseLine]:
    rows = journal.query(
        """SELECT c.case_id, c.case_type, c.state FROM case_state c
           WHERE c.case_type = 'divorce' AND c.state IN ('withdrawn', 'deemed_withdrawn')
             AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.case_id = c.case_id
                             AND e.kind = 'notice.printed')
           ORDER BY c.updated_seq""")
    return [CaseLine(r["case_id"], r["case_type"], r["state"], NOTICE_DUE[r["state"]],
                     urgent=True) for r in rows]


def _divorce_line(row: dict, on: date) -> CaseLine | None:
    if not row["receipt_date"]:
        return None
    periods = divorce_periods(date.fromisoformat(row["receipt_date"]))
    phase = divorce_phase(periods, on)
    if phase == "cooling_off":
        days = (periods.withdrawal_deadline - on).days
        note = f"冷静期：{periods.withdrawal_deadline:%Y-%m-%d} 前可撤回（还有 {days} 天）"
        return CaseLine(row["case_id"], "divorce", row["state"], note,
                        urgent=days <= DEADLINE_WARNING_DAYS)
    if phase == "issuance":
        days = (periods.issuance_until - on).days
        note = (f"可办理离婚登记：{periods.issuance_until:%Y-%m-%d} 前双方须到受理机关"
                f"（还有 {days} 天）")
        return CaseLine(row["case_id"], "divorce", row["state"], note,
                        urgent=days <= DEADLINE_WARNING_DAYS)
    if phase == "expired":
        return CaseLine(row["case_id"], "divorce", row["state"],
                        f"已超过 {periods.issuance_until:%Y-%m-%d}，视为撤回，请出具告知",
                        urgent=True)
    return None
