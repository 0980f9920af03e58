"""The ``operators`` projection: each account's current record and its run of failed logins."""

from __future__ import annotations

import json

import sqlite_utils

from counter_app.journal.entry import Entry
from counter_app.journal.projections import projection
from counter_app.operators.kinds import (KIND_OPERATOR_ACCOUNT_SET, KIND_OPERATOR_LOGIN_FAILED,
                                         KIND_OPERATOR_LOGIN_SUCCEEDED, KIND_OPERATOR_ROLES_SET,
                                         KIND_OPERATOR_UNLOCKED)


@projection("operators", version=1, tables=("operators",), schema=(
    """CREATE TABLE operators (
        operator_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        roles TEXT NOT NULL,
        qualification_valid_until TEXT,
        password TEXT NOT NULL,
        disabled INTEGER NOT NULL,
        source TEXT NOT NULL,
        confirmed_at TEXT,
        failed_count INTEGER NOT NULL DEFAULT 0,
        last_failed_at TEXT,
        last_login_at TEXT
    )""",
))
def apply_operators(db: sqlite_utils.Database, entry: Entry) -> None:
    """Accounts as last set; failures counted since the last success, unlock or reset."""
    p = entry.payload
    if entry.kind == KIND_OPERATOR_ACCOUNT_SET:
        db.execute(
            """INSERT INTO operators (operator_id, name, roles, qualification_valid_until,
                   password, disabled, source, confirmed_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (operator_id) DO UPDATE SET name = excluded.name,
                   roles = excluded.roles,
                   qualification_valid_until = excluded.qualification_valid_until,
                   password = excluded.password, disabled = excluded.disabled,
                   source = excluded.source, confirmed_at = excluded.confirmed_at""",
            [p["operator_id"], p["name"], json.dumps(p["roles"]),
             p.get("qualification_valid_until"), json.dumps(p["password"], sort_keys=True),
             int(bool(p.get("disabled"))), p.get("source", "local"), p.get("confirmed_at")])
    elif entry.kind == KIND_OPERATOR_ROLES_SET:
        db.execute("UPDATE operators SET roles = ? WHERE operator_id = ?",
                   [json.dumps(p["roles"]), p["operator_id"]])
    elif entry.kind == KIND_OPERATOR_LOGIN_FAILED:
        count = "1" if p.get("reset") else "failed_count + 1"
        db.execute(f"UPDATE operators SET failed_count = {count}, last_failed_at = ? "
                   "WHERE operator_id = ?", [entry.device_time, p["operator_id"]])
    elif entry.kind in (KIND_OPERATOR_LOGIN_SUCCEEDED, KIND_OPERATOR_UNLOCKED):
        db.execute("UPDATE operators SET failed_count = 0 WHERE operator_id = ?",
                   [p["operator_id"]])
        if entry.kind == KIND_OPERATOR_LOGIN_SUCCEEDED:
            db.execute("UPDATE operators SET last_login_at = ? WHERE operator_id = ?",
                       [entry.device_time, p["operator_id"]])
