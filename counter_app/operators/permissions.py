"""Who may do what: the permission table (``resources/permissions.toml``) and its guard.

Every user-facing service calls :func:`require` before it acts::

    require(journal, operator_id, "case.register", case_id=case_id)

The operator's roles are read from the ``operators`` projection (the account as the journal
has it now: a disabled account has none), never taken from the caller; the operator id is the
logged-in account's (counter_app.ui.main_window hands it to the services). A refused action is
journaled (``operator.action_refused``: who, what, which case or record, the roles held) and
raised as :class:`PermissionRefused` with a Chinese message naming the action and the roles
that may do it.

Internal writers are not users and call no guard: sync writes the province's entries with
``journal.append`` directly, the demo sets itself up through the unguarded lower functions
(``seed_demo_accounts``, ``calibrate_as_perfect``). The guard sits on the methods a screen or
a command reaches, so no button and no command gets past it; docs/roles.md lists where.

The command line has no login: ``counter-app ...`` is recorded as ``cli:<OS user>``
(:func:`cli_operator`) and holds the pseudo-role ``cli``, which the table grants row by row.
No account may have an id with a colon (OperatorService.set_account refuses one), so a
counter login can never pass for the command line.
"""

from __future__ import annotations

import getpass
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators.kinds import KIND_OPERATOR_ACTION_REFUSED
from counter_app.resources import resource_path

#: How command-line operators are named: ``cli:<OS user>``.
CLI_PREFIX = "cli:"
CLI_ROLE = "cli"


class PermissionRefused(CounterAppError):
    """The operator's roles do not allow the action; the refusal is in the journal."""

    code = "auth.forbidden"

    def __init__(self, message_zh: str, *, action: str, operator_id: str, **kw: Any) -> None:
        super().__init__(message_zh, **kw)
        self.action, self.operator_id = action, operator_id


@dataclass(frozen=True)
class Action:
    """One row of the permission table."""

    key: str
    label: str
    roles: tuple[str, ...]
    status: str
    where: tuple[str, ...]

    def allows(self, roles: frozenset[str]) -> bool:
        return bool(roles & set(self.roles))


@dataclass(frozen=True)
class PermissionTable:
    """The roles (key -> Chinese name) and the actions (key -> row), in the file's order."""

    roles: dict[str, str]
    actions: dict[str, Action]

    def action(self, key: str) -> Action:
        try:
            return self.actions[key]
        except KeyError:  # a programming error: the action is not in the table
            raise ValueError(f"action {key!r} is not in resources/permissions.toml") from None

    def roles_zh(self, roles: tuple[str, ...] | frozenset[str]) -> str:
        names = [self.roles.get(r, r) for r in self.roles if r in roles]
        return "、".join(names) or "无"


@cache
def table() -> PermissionTable:
    """The permission table, read once from resources/permissions.toml."""
    data = tomllib.loads(resource_path("permissions.toml").read_text(encoding="utf-8"))
    actions = {a["key"]: Action(a["key"], a["label"], tuple(a["roles"]), a["status"],
                                tuple(a.get("where", ()))) for a in data["action"]}
    return PermissionTable(dict(data["roles"]), actions)


def cli_operator() -> str:
    """Who a ``counter-app`` command is recorded as: ``cli:<OS user>``."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        user = "unknown"
    return f"{CLI_PREFIX}{user}"


def roles_of(journal: Journal, operator_id: str) -> frozenset[str]:
    """The roles ``operator_id`` holds now: its account's (none when disabled, removed from the
    province's list or unknown: a sync that stops an account stops it mid-session too), or
    ``cli`` for the command line."""
    if operator_id.startswith(CLI_PREFIX):
        return frozenset({CLI_ROLE})
    from counter_app.operators.accounts import OperatorService

    record = OperatorService(journal).record(operator_id)
    if record is None or record["disabled"] or record["removed"]:
        return frozenset()
    return frozenset(json.loads(record["roles"]))


def may(journal: Journal, operator_id: str, action: str) -> bool:
    """Whether ``operator_id`` may do ``action`` (for screens that offer it; no journal entry)."""
    return table().action(action).allows(roles_of(journal, operator_id))


def require(journal: Journal, operator_id: str, action: str, *, case_id: str | None = None,
            record: str | None = None) -> None:
    """Return if ``operator_id`` may do ``action``; else journal the refusal and raise
    PermissionRefused (``record``: the archive record or blank concerned, if any)."""
    row = table().action(action)
    held = roles_of(journal, operator_id)
    if row.allows(held):
        return
    payload: dict[str, Any] = {"operator_id": operator_id[:64], "action": action,
                               "roles": sorted(held)}
    if record is not None:
        payload["record"] = record
    journal.append(KIND_OPERATOR_ACTION_REFUSED, payload, operator=operator_id[:64] or "?",
                   case_id=case_id)
    t = table()
    people = tuple(r for r in row.roles if r != CLI_ROLE) or row.roles
    raise PermissionRefused(
        f"没有权限：“{row.label}”只能由{t.roles_zh(people)}办理（{operator_id} 的角色："
        f"{t.roles_zh(held)}）。这次操作已记录。", action=action, operator_id=operator_id,
        detail=f"{operator_id} ({sorted(held)}) may not {action}")


DOC_INTRO = """\
# Roles and permissions

Generated from `resources/permissions.toml` by `.venv/bin/python scripts/roles_doc.py`;
`tests/operators/test_permissions.py` fails when this page and the table differ, and drives
every "service" row through its service.

Every user-facing service calls `require(journal, operator, action)`
(`counter_app/operators/permissions.py`) before it acts. The operator's roles are read from
the journal (the `operators` projection: the account as the province or a supervisor last set
it; a disabled account has none), never taken from the caller. A refused action is a journal
entry (`operator.action_refused`: who, which action, which case or record, the roles held)
and a Chinese message naming the action and who may do it; the supervisor's audit screen and
`counter-app audit list` show the refusals (docs/audit.md).

- **Who is who.** The people's roles: 登记员 (registrar), 负责人 (supervisor), 技术员
  (technician); an account may hold several (the demo's `boss` is registrar and supervisor).
  The command line (`counter-app ...`) has no login: it is recorded as `cli:<OS user>` and
  holds the pseudo-role `cli`, which the table grants row by row. It runs under the OS account
  that holds the machine key, which could read the journal file anyway; it offers no legal
  act. No account may have an id with a colon, so no login passes for the command line.
- **Internal writers are not users.** Sync writes what the province sends (accounts, number
  blocks, blank ranges, verdicts) with `journal.append` directly; the demo sets itself up
  through the unguarded functions below the guard (`seed_demo_accounts`,
  `calibrate_as_perfect`, `Archive.import_bytes` for the demo archive, its enrolment). The
  guard sits on the methods a screen or a command reaches (listed below), so no button and no
  command gets past it.
- **A supervisor on the spot.** Voiding a blank and printing a booklet again are supervisor
  acts. At the counter the registrar presses F4 on the certificates page; the 负责人 types his
  工号 and password and chooses or types the reason (no default) in the 负责人确认 dialog.
  The password is checked as at login (wrong ones count towards the lockout), the approval is
  journaled (`operator.approval_granted`), and the void entry records the registrar (`who`)
  and the supervisor (`approved_by`); the reprint's print entry names him too
  (`reprint_approved_by`). An approval covers one blank, for that registrar and case; a
  registrar who is also a supervisor (the demo's `boss`) may approve with his own password.
  After a restart the reprint still counts on the approving supervisor (read back from the
  void entry) as long as he is one; otherwise the operator needs the role himself.
- **Roles are changed by a supervisor** (`OperatorService.set_roles`): never his own (nobody
  grants himself a role; a registrar, lacking `account.set_roles`, can never raise his own),
  never a province account's (the province sets those).
"""


def render_doc() -> str:
    """docs/roles.md, from the table."""
    t = table()
    lines = [DOC_INTRO, "## The table", "",
             "| action | 操作 | " + " | ".join(f"{zh} ({key})" for key, zh in t.roles.items())
             + " | status | where it is enforced |",
             "|---|---|" + "---|" * len(t.roles) + "---|---|"]
    for a in t.actions.values():
        marks = " | ".join("✓" if role in a.roles else "" for role in t.roles)
        lines.append(f"| `{a.key}` | {a.label} | {marks} | {a.status} | "
                     f"{'; '.join(a.where)} |")
    lines += ["", "Status: *service* — a service refuses it (the methods named); *command line* "
              "— only a `counter-app` command offers it, no screen or service of the counter "
              "does; *planned* — no screen or command yet (the supervisor's sign-off of a "
              "refusal).", ""]
    return "\n".join(lines)
