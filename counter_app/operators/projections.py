"""The ``operators`` projection: each account's current record and its run of failed logins.

Local and demo accounts come from ``operator.account_set``; province accounts from
``operator.province_account`` (the operators collection, no password), are marked removed by
``operator.province_removed``, get their ``confirmed_at`` from ``operator.accounts_confirmed``
and their local verifier (``password``) from ``operator.verifier_set``. ``password`` is NULL
while a province account has no verifier on this machine.
"""

from __future__ import annotations

import json

import sqlite_utils

from counter_app.journal.entry import Entry
from counter_app.journal.projections import projection
from counter_app.operators.kinds import (KIND_OPERATOR_ACCOUNT_SET,
                                         KIND_OPERATOR_ACCOUNTS_CONFIRMED,
                                         KIND_OPERATOR_LOGIN_FAILED,
                                         KIND_OPERATOR_LOGIN_SUCCEEDED,
                                         KIND_OPERATOR_PROVINCE_ACCOUNT,
                                         KIND_OPERATOR_PROVINCE_REMOVED, KIND_OPERATOR_ROLES_SET,
                                         KIND_OPERATOR_UNLOCKED, KIND_OPERATOR_VERIFIER_SET)


@projection("operators", version=3, tables=("operators",), schema=(
    """CREATE TABLE operators (
        operator_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        roles TEXT NOT NULL,
        office_code TEXT,
        qualification_valid_until TEXT,
        password TEXT,
        verifier_credential INTEGER,
        credential_version INTEGER,
        version INTEGER,
        disabled INTEGER NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL,
        confirmed_at TEXT,
        failed_count INTEGER NOT NULL DEFAULT 0,
        last_failed_at TEXT,
        last_login_at TEXT
    )""",
))
def apply_operators(db: sqlite_utils.Database, entry: Entry) -> None:
    """Accounts as last set; failures counted since the last success, unlock or reset."""
    handler = _HANDLERS.get(entry.kind)
    if handler is not None:
        handler(db, entry)


def _account_set(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    db.execute(
        """INSERT INTO operators (operator_id, name, roles, qualification_valid_until,
               password, disabled, source, confirmed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (operator_id) DO UPDATE SET name = excluded.name,
               roles = excluded.roles, office_code = NULL,
               qualification_valid_until = excluded.qualification_valid_until,
               password = excluded.password, verifier_credential = NULL,
               credential_version = NULL, version = NULL, disabled = excluded.disabled,
               removed = 0, source = excluded.source, confirmed_at = excluded.confirmed_at""",
        [p["operator_id"], p["name"], json.dumps(p["roles"]),
         p.get("qualification_valid_until"), json.dumps(p["password"], sort_keys=True),
         int(bool(p.get("disabled"))), p.get("source", "local"), p.get("confirmed_at")])


def _province_account(db: sqlite_utils.Database, entry: Entry) -> None:
    # A newer version replaces the record; the verifier, confirmation and failure count stay
    # with a province account, but a local account the province takes over loses its local
    # password (only the province's verdict may make a verifier for it).
    p = entry.payload
    db.execute(
        """INSERT INTO operators (operator_id, name, roles, office_code,
               qualification_valid_until, credential_version, version, disabled, removed,
               source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'server')
           ON CONFLICT (operator_id) DO UPDATE SET name = excluded.name,
               roles = excluded.roles, office_code = excluded.office_code,
               qualification_valid_until = excluded.qualification_valid_until,
               credential_version = excluded.credential_version, version = excluded.version,
               disabled = excluded.disabled, removed = 0,
               password = CASE WHEN operators.source = 'server' THEN operators.password END,
               verifier_credential = CASE WHEN operators.source = 'server'
                   THEN operators.verifier_credential END,
               confirmed_at = CASE WHEN operators.source = 'server'
                   THEN operators.confirmed_at END,
               source = 'server'
           WHERE operators.source != 'server' OR operators.version IS NULL
               OR excluded.version >= operators.version""",
        [p["operator_id"], p["name"], json.dumps(p["roles"]), p.get("office_code"),
         p.get("qualified_until"), int(p.get("credential_version", 1)), int(p["version"]),
         int(not p["active"])])


def _province_removed(db: sqlite_utils.Database, entry: Entry) -> None:
    db.execute("UPDATE operators SET removed = 1 WHERE operator_id = ? AND source = 'server'",
               [entry.payload["operator_id"]])


def _confirmed(db: sqlite_utils.Database, entry: Entry) -> None:
    # Only the version the pull saw is confirmed (a later version brings its own confirmation).
    at = entry.payload["confirmed_at"]
    for operator_id, version in entry.payload["accounts"]:
        db.execute("UPDATE operators SET confirmed_at = ? WHERE operator_id = ? AND "
                   "source = 'server' AND version = ?", [at, operator_id, int(version)])


def _verifier_set(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    db.execute("UPDATE operators SET password = ?, verifier_credential = ? "
               "WHERE operator_id = ? AND source = 'server'",
               [json.dumps(p["password"], sort_keys=True), int(p["credential_version"]),
                p["operator_id"]])


def _roles_set(db: sqlite_utils.Database, entry: Entry) -> None:
    # A supervisor changed a local account's roles (never a province account's).
    db.execute("UPDATE operators SET roles = ? WHERE operator_id = ? AND source != 'server'",
               [json.dumps(entry.payload["roles"]), entry.payload["operator_id"]])


def _login_failed(db: sqlite_utils.Database, entry: Entry) -> None:
    p = entry.payload
    count = "1" if p.get("reset") else "failed_count + 1"
    db.execute(f"UPDATE operators SET failed_count = {count}, last_failed_at = ? "
               "WHERE operator_id = ?", [entry.device_time, p["operator_id"]])


def _failures_cleared(db: sqlite_utils.Database, entry: Entry) -> None:
    db.execute("UPDATE operators SET failed_count = 0 WHERE operator_id = ?",
               [entry.payload["operator_id"]])
    if entry.kind == KIND_OPERATOR_LOGIN_SUCCEEDED:
        db.execute("UPDATE operators SET last_login_at = ? WHERE operator_id = ?",
                   [entry.device_time, entry.payload["operator_id"]])


_HANDLERS = {
    KIND_OPERATOR_ACCOUNT_SET: _account_set,
    KIND_OPERATOR_PROVINCE_ACCOUNT: _province_account,
    KIND_OPERATOR_PROVINCE_REMOVED: _province_removed,
    KIND_OPERATOR_ACCOUNTS_CONFIRMED: _confirmed,
    KIND_OPERATOR_VERIFIER_SET: _verifier_set,
    KIND_OPERATOR_ROLES_SET: _roles_set,
    KIND_OPERATOR_LOGIN_FAILED: _login_failed,
    KIND_OPERATOR_LOGIN_SUCCEEDED: _failures_cleared,
    KIND_OPERATOR_UNLOCKED: _failures_cleared,
}
