"""A supervisor's approval given on the spot: 负责人 types his 工号 and password at the
registrar's screen, with the reason, for actions only a supervisor may do (voiding a blank and
printing the booklet again).

:func:`approve` checks the password as a login does (OperatorService.authenticate: wrong
passwords count towards the lockout, a disabled account is refused), checks each action
against the permission table with the supervisor's roles as the journal has them, and journals
``operator.approval_granted`` (the supervisor, the registrar who asked, the actions, the case,
the record concerned, the reason). The service that acts (numbering.void_blank) then finds the
approval by its entry id, so an approval cannot be made up by the caller: it is an entry that
only a correct password writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.journal.entry import Entry
from counter_app.operators.accounts import OperatorService
from counter_app.operators.kinds import KIND_OPERATOR_APPROVAL_GRANTED
from counter_app.operators.permissions import require


class ApprovalError(CounterAppError):
    """The approval cannot be given or does not cover what is asked."""

    code = "auth.approval"


@dataclass(frozen=True)
class Approval:
    """A journaled approval (``entry_id`` finds it again)."""

    entry_id: str
    supervisor: str
    requested_by: str
    actions: tuple[str, ...]
    case_id: str | None
    record: str | None
    reason: str

    @classmethod
    def from_entry(cls, entry: Entry) -> Approval:
        p = entry.payload
        return cls(entry.entry_id, p["supervisor"], p["requested_by"], tuple(p["actions"]),
                   entry.case_id, p.get("record"), p["reason"])


def approve(operators: OperatorService, supervisor_id: str, password: str, *,
            actions: Sequence[str], requested_by: str, reason: str,
            case_id: str | None = None, record: str | None = None) -> Approval:
    """The supervisor's approval of ``actions`` for ``requested_by``; LoginRefused on a wrong
    password, PermissionRefused when the account may not do one of the actions."""
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalError("请选择或填写原因。", code="auth.approval_no_reason")
    supervisor = operators.authenticate(supervisor_id, password).operator_id
    journal = operators.journal
    for action in actions:
        require(journal, supervisor, action, case_id=case_id, record=record)
    entry = journal.append(KIND_OPERATOR_APPROVAL_GRANTED, {
        "supervisor": supervisor, "requested_by": requested_by, "actions": list(actions),
        "record": record, "reason": reason}, operator=supervisor, case_id=case_id)
    return Approval.from_entry(entry)


def find_approval(journal: Journal, entry_id: str) -> Approval | None:
    """The journaled approval ``entry_id``, or None when there is none by that id."""
    rows = journal.query("SELECT * FROM entries WHERE entry_id = ? AND kind = ?",
                         [entry_id, KIND_OPERATOR_APPROVAL_GRANTED])
    return Approval.from_entry(Entry.from_row(rows[0])) if rows else None


def approver_for(journal: Journal, approval_id: str | None, *, action: str, operator: str,
                 case_id: str | None, record: str | None) -> str:
    """Who answers for ``action``: the operator himself without an approval, else the
    supervisor of approval ``approval_id`` once it is checked to cover this action, this
    operator, this case and this record (ApprovalError otherwise)."""
    if approval_id is None:
        return operator
    approval = find_approval(journal, approval_id)
    if approval is None or action not in approval.actions or \
            (approval.requested_by, approval.case_id, approval.record) != \
            (operator, case_id, record):
        raise ApprovalError("负责人的批准与这次操作不符，请重新请负责人确认。",
                            detail=f"approval {approval_id} does not cover {action} {record}")
    return approval.supervisor
