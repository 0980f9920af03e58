"""Accounts from the province: the ``operators`` collection becomes the counter's accounts.

Sync reads the whole collection every cycle (docs/sync-protocol.md §13) and hands each item
here: a new version becomes an ``operator.province_account`` entry (no password: the province
keeps passwords); at the end of a complete pull every account the pull did not bring (absent,
or a tombstone) becomes ``operator.province_removed``, and the accounts it brought are
confirmed as of the pull's start (``operator.accounts_confirmed``), from which the offline
grace counts. Entry ids are deterministic (account and version), so a pull repeated after a
crash appends nothing twice.

The first login of a province account on a machine goes to the province (``ProvinceLink``);
its signed verdict is checked by sync, and only then does the service keep a local scrypt
verifier for offline logins.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.journal.clock import iso_ms, parse_iso
from counter_app.operators.kinds import (KIND_OPERATOR_ACCOUNTS_CONFIRMED,
                                         KIND_OPERATOR_PROVINCE_ACCOUNT,
                                         KIND_OPERATOR_PROVINCE_REMOVED)

COLLECTION = "operators"
SOURCE = "server"
#: An unchanged collection is confirmed again at most this often, so a counter syncing every
#: minute does not write 1,440 confirmations a day; the recorded confirmation is then at most
#: this much older than the last pull, which only shortens the offline grace.
CONFIRM_REFRESH = timedelta(hours=1)
#: Why the province refuses a password check (the verdict's ``reason_code``).
REASON_CODES = ("bad_credentials", "inactive", "wrong_office", "locked")


class LinkUnavailable(CounterAppError):
    """The province cannot be asked now (not enrolled, no network, the server is down)."""

    code = "auth.link_unavailable"


@dataclass(frozen=True)
class LoginVerdict:
    """The province's signed answer about one password, already checked by sync."""

    request_id: str
    verified: bool
    reason_code: str | None
    #: The account as the province holds it now (None when the id is unknown there).
    account: dict[str, Any] | None
    #: What the province signed: ``{"verdict": ..., "signature": ..., "key_id": ...}``.
    proof: dict[str, Any]


#: ``link(operator_id, password) -> LoginVerdict``; raises LinkUnavailable without a link.
ProvinceLink = Callable[[str, str], LoginVerdict]


@dataclass(frozen=True)
class ProvinceAccount:
    operator_id: str
    version: int
    name: str
    roles: tuple[str, ...]
    office_code: str | None
    qualified_until: str | None
    active: bool
    credential_version: int

    def payload(self) -> dict[str, Any]:
        return {"operator_id": self.operator_id, "version": self.version, "name": self.name,
                "roles": list(self.roles), "office_code": self.office_code,
                "qualified_until": self.qualified_until, "active": self.active,
                "credential_version": self.credential_version}


def parse_item(item: dict[str, Any]) -> tuple[str, int, ProvinceAccount | None]:
    """(id, version, account) of one collection item; account None for a tombstone.
    Raises ValueError (or KeyError/TypeError) when the item is malformed."""
    item_id, version = str(item["id"]), int(item["version"])
    if item.get("deleted"):
        return item_id, version, None
    return item_id, version, parse_account(item["data"], item_id, version)


def parse_account(data: dict[str, Any], item_id: str, version: int) -> ProvinceAccount:
    """One account from the collection's (or a verdict's) ``data``; ValueError when wrong."""
    if str(data["operator_id"]) != item_id or not item_id.strip():
        raise ValueError(f"operator_id {data.get('operator_id')!r} is not the item id")
    roles = data["roles"]
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ValueError("roles must be a list of strings")
    until = data.get("qualified_until")
    if until is not None:
        date.fromisoformat(str(until))  # ValueError when it is not a date
    if not isinstance(data["active"], bool):
        raise ValueError("active must be true or false")
    office = data.get("office_code")
    return ProvinceAccount(item_id, version, str(data.get("name") or item_id), tuple(roles),
                           None if office is None else str(office),
                           None if until is None else str(until), data["active"],
                           int(data.get("credential_version", 1)))


def province_records(journal: Journal) -> dict[str, dict[str, Any]]:
    """This counter's province accounts by id (removed ones too)."""
    rows = journal.query("SELECT operator_id, version, removed, confirmed_at FROM operators "
                         "WHERE source = ?", [SOURCE])
    return {r["operator_id"]: r for r in rows}


def record_account(journal: Journal, account: ProvinceAccount, started_at: datetime, *,
                   operator: str) -> bool:
    """Append the account unless this version (or a newer one) is already known; True when
    something was appended. ``started_at``: when the pull that brought it began."""
    known = province_records(journal).get(account.operator_id)
    entry_id = "opa-" + _digest(account.operator_id, account.version)
    if known is not None and known["removed"]:
        # back after a removal: an event of this pull (the same version may come back)
        entry_id = "opa-" + _digest(account.operator_id, account.version, iso_ms(started_at))
    elif known is not None and known["version"] >= account.version:
        return False
    journal.append(KIND_OPERATOR_PROVINCE_ACCOUNT, account.payload(), operator=operator,
                   entry_id=entry_id)
    return True


def finish_pull(journal: Journal, seen: dict[str, int], started_at: datetime, changed: bool,
                *, operator: str) -> None:
    """A complete pull saw ``seen`` (id -> version): the others are removed, these confirmed
    as of ``started_at`` (when the pull began: everything it saw existed then or later)."""
    known = province_records(journal)
    for operator_id, row in sorted(known.items()):
        if operator_id not in seen and not row["removed"]:
            journal.append(KIND_OPERATOR_PROVINCE_REMOVED,
                           {"operator_id": operator_id, "version": row["version"]},
                           operator=operator,
                           entry_id="opr-" + _digest(operator_id, row["version"],
                                                     iso_ms(started_at)))
            changed = True
    if changed or _confirmation_due(known, seen, started_at):
        accounts = sorted([operator_id, version] for operator_id, version in seen.items())
        at = iso_ms(started_at)
        journal.append(KIND_OPERATOR_ACCOUNTS_CONFIRMED,
                       {"confirmed_at": at, "accounts": accounts}, operator=operator,
                       entry_id="opc-" + _digest(at, json.dumps(accounts)))


def _confirmation_due(known: dict[str, dict[str, Any]], seen: dict[str, int],
                      started_at: datetime) -> bool:
    for operator_id in seen:
        confirmed = known.get(operator_id, {}).get("confirmed_at")
        if confirmed is None or started_at - parse_iso(confirmed) >= CONFIRM_REFRESH:
            return True
    return False


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
