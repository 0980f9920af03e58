"""The simulator's operator accounts: passwords (kept only here, as the province would) and the
signed login verification (docs/sync-protocol.md §13.2), plus what a test or a demo does on
the province's side: deactivate an account, change its password, remove it."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from typing import Any

from sync import protocol
from sync.simulator.ledger import LedgerError
from sync.simulator.store import SimStore, now

COLLECTION = "operators"
SCHEMA = """CREATE TABLE IF NOT EXISTS operator_passwords (operator_id TEXT PRIMARY KEY,
    salt TEXT NOT NULL, hash TEXT NOT NULL)"""
#: The seeded accounts' passwords (the simulator's own test data; see §12 of the protocol).
SEED_PASSWORDS = {"reg01": "reg01-pass", "sup01": "sup01-pass", "tech01": "tech01-pass"}
_SCRYPT = {"n": 2 ** 12, "r": 8, "p": 1}


def install(store: SimStore) -> None:
    """The password table, and the seeded accounts' passwords where none is set."""
    with store.tx():
        store.db.execute(SCHEMA)
        for operator_id, password in SEED_PASSWORDS.items():
            if _stored(store, operator_id) is None:
                _put_password(store, operator_id, password)


def verify_login(store: SimStore, machine: dict, body: dict,
                 sign: Callable[[bytes], dict]) -> dict:
    """The signed verdict about one password (every request is checked afresh)."""
    request_id, operator_id = str(body.get("request_id") or ""), str(body.get("operator_id") or "")
    password = body.get("password")
    if not request_id or not operator_id or not isinstance(password, str):
        raise LedgerError("bad_request", "request_id, operator_id and password are required")
    with store.lock:
        account = _account(store, operator_id)
        reason = _reason(store, account, machine, operator_id, password)
    verdict = {"request_id": request_id, "operator_id": operator_id,
               "machine_id": machine["machine_id"], "verified": reason is None,
               "reason_code": reason, "account": account if reason != "bad_credentials" else None,
               "checked_at": protocol.iso(now())}
    return {"verdict": verdict, **sign(protocol.answer_bytes(verdict))}


def _reason(store: SimStore, account: dict | None, machine: dict, operator_id: str,
            password: str) -> str | None:
    stored = _stored(store, operator_id)
    if account is None or stored is None or not _matches(password, stored):
        return "bad_credentials"   # unknown id and wrong password say the same
    if account.get("office_code") != machine["office_code"]:
        return "wrong_office"
    if not account.get("active"):
        return "inactive"
    return None


def _account(store: SimStore, operator_id: str) -> dict[str, Any] | None:
    row = store.db.execute("SELECT version, deleted, data FROM reference WHERE collection = ? "
                           "AND item_id = ?", [COLLECTION, operator_id]).fetchone()
    if row is None or row["deleted"]:
        return None
    return {**json.loads(row["data"]), "version": row["version"]}


# --- the province's side (tests, demo) -------------------------------------------------------
def update_account(store: SimStore, operator_id: str, **changes: Any) -> int:
    """Change an account (e.g. ``active=False``: 离岗); returns its new version."""
    with store.tx():
        account = _account(store, operator_id)
        if account is None:
            raise KeyError(operator_id)
        account.pop("version")
        return store.put_reference(COLLECTION, operator_id, {**account, **changes})


def add_account(store: SimStore, account: dict[str, Any], password: str) -> int:
    """A new account (``operator_id``, ``name``, ``roles``, ``office_code``, ...)."""
    data = {"qualified_until": None, "active": True, "credential_version": 1, **account}
    with store.tx():
        _put_password(store, data["operator_id"], password)
        return store.put_reference(COLLECTION, data["operator_id"], data)


def remove_account(store: SimStore, operator_id: str, *, tombstone: bool = True) -> None:
    """Delete an account: a tombstone in the feed, or (``tombstone=False``) gone without a
    trace, as a province that hard-deletes would do."""
    with store.tx():
        account = _account(store, operator_id)
        if account is None:
            raise KeyError(operator_id)
        account.pop("version")
        if tombstone:
            store.put_reference(COLLECTION, operator_id, account, deleted=True)
        else:
            store.db.execute("DELETE FROM reference WHERE collection = ? AND item_id = ?",
                             [COLLECTION, operator_id])


def set_password(store: SimStore, operator_id: str, password: str) -> int:
    """A new password; the account's credential_version goes up, so counters drop their
    offline verifier at the next sync. Returns the new version."""
    with store.tx():
        account = _account(store, operator_id)
        if account is None:
            raise KeyError(operator_id)
        account.pop("version")
        _put_password(store, operator_id, password)
        account["credential_version"] = int(account.get("credential_version", 1)) + 1
        return store.put_reference(COLLECTION, operator_id, account)


def _put_password(store: SimStore, operator_id: str, password: str) -> None:
    salt = secrets.token_bytes(16)
    store.db.execute("INSERT OR REPLACE INTO operator_passwords VALUES (?, ?, ?)",
                     [operator_id, salt.hex(), _hash(password, salt)])


def _stored(store: SimStore, operator_id: str) -> tuple[bytes, str] | None:
    row = store.db.execute("SELECT salt, hash FROM operator_passwords WHERE operator_id = ?",
                           [operator_id]).fetchone()
    return (bytes.fromhex(row["salt"]), row["hash"]) if row else None


def _matches(password: str, stored: tuple[bytes, str]) -> bool:
    return hmac.compare_digest(_hash(password, stored[0]), stored[1])


def _hash(password: str, salt: bytes) -> str:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT).hex()
