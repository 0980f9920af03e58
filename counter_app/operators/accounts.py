"""Who may work at this counter, and whether they may log in now.

Accounts come from the provincial system (through sync, ``source="server"``), from the demo
seed, or are set locally by a technician. Every change and every login attempt is a journal
entry, so the audit trail and the lockout state are the same thing. Passwords are stored as
scrypt hashes (stdlib ``hashlib.scrypt``), never in clear, and compared in constant time.

Login is refused, each with a Chinese reason: unknown account or wrong password (the same
words, so an attacker learns nothing), too many failures (locked for a while; a supervisor can
unlock), account disabled (离岗), registrar qualification expired (持证上岗, retrained every
two years), or a server account not confirmed by a sync for longer than the offline grace.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.journal.clock import Clock, SystemClock, parse_iso
from counter_app.operators.kinds import (KIND_OPERATOR_ACCOUNT_SET, KIND_OPERATOR_LOGIN_FAILED,
                                         KIND_OPERATOR_LOGIN_SUCCEEDED, KIND_OPERATOR_ROLES_SET,
                                         KIND_OPERATOR_UNLOCKED)
from counter_app.operators.permissions import require

ROLES = ("registrar", "supervisor", "technician")
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


class LoginRefused(CounterAppError):
    """A login attempt was refused; ``message_zh`` says why and what to do."""

    code = "auth.refused"


@dataclass(frozen=True)
class Operator:
    """A logged-in operator, as the rest of the application sees them."""

    operator_id: str
    name: str
    roles: tuple[str, ...]

    def has_role(self, role: str) -> bool:
        return role in self.roles


def hash_password(password: str, salt: bytes | None = None) -> dict[str, Any]:
    """The stored form of a password: scrypt parameters, salt and hash (hex)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return {"scheme": "scrypt", **SCRYPT, "salt": salt.hex(), "hash": digest.hex()}


def password_matches(password: str, stored: dict[str, Any]) -> bool:
    if stored.get("scheme") != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(stored["salt"]),
                            n=stored["n"], r=stored["r"], p=stored["p"], dklen=32)
    return hmac.compare_digest(digest.hex(), stored["hash"])


_DUMMY_HASH = hash_password("not a password", salt=b"\0" * 16)


class OperatorService:
    """Accounts and logins over the journal."""

    def __init__(self, journal: Journal, clock: Clock | None = None, *, max_failures: int = 5,
                 lockout_minutes: int = 15, offline_grace_days: int = 7) -> None:
        self.journal = journal
        self.clock = clock or SystemClock()
        self.max_failures = max_failures
        self.lockout = timedelta(minutes=lockout_minutes)
        self.offline_grace = timedelta(days=offline_grace_days)

    def set_account(self, operator_id: str, name: str, roles: list[str], password: str | None,
                    *, qualification_valid_until: date | None = None, disabled: bool = False,
                    source: str = "local", by: str = "system", password_hash: dict | None = None,
                    confirmed_at: str | None = None) -> None:
        """Create or change an account (``password`` in clear is hashed here)."""
        _check_roles(roles)
        if ":" in operator_id:  # cli:<user> names the command line (operators.permissions)
            raise CounterAppError(f"账号 {operator_id} 不能含有冒号。", code="auth.bad_account_id")
        stored = password_hash or hash_password(password or secrets.token_urlsafe(24))
        self.journal.append(KIND_OPERATOR_ACCOUNT_SET, {
            "operator_id": operator_id, "name": name, "roles": list(roles),
            "qualification_valid_until": qualification_valid_until.isoformat()
            if qualification_valid_until else None,
            "password": stored, "disabled": disabled, "source": source,
            "confirmed_at": confirmed_at}, operator=by)

    def record(self, operator_id: str) -> dict[str, Any] | None:
        rows = self.journal.query("SELECT * FROM operators WHERE operator_id = ?", [operator_id])
        return rows[0] if rows else None

    def authenticate(self, operator_id: str, password: str) -> Operator:
        """Check a login attempt, journal it, and return the operator or raise LoginRefused."""
        operator_id = operator_id.strip()
        record = self.record(operator_id)
        now = self.clock.now()
        if record is not None and self._locked(record, now):
            minutes = self._minutes_left(record, now)
            raise LoginRefused(f"密码错误次数过多，账号已锁定。请 {minutes} 分钟后再试，"
                               "或请负责人解锁。", code="auth.locked")
        stored = json.loads(record["password"]) if record else _DUMMY_HASH
        if record is None or not password_matches(password, stored):
            self._journal_failure(operator_id, record, now)
            raise LoginRefused("工号或密码不正确，请重新输入。", code="auth.bad_credentials")
        self._check_standing(record, now)
        self.journal.append(KIND_OPERATOR_LOGIN_SUCCEEDED, {"operator_id": operator_id},
                            operator=operator_id)
        return Operator(operator_id, record["name"], tuple(json.loads(record["roles"])))

    def unlock(self, operator_id: str, by: Operator) -> None:
        """A supervisor lifts a lockout (``by``'s roles are read from the journal)."""
        require(self.journal, by.operator_id, "account.unlock", record=operator_id)
        self.journal.append(KIND_OPERATOR_UNLOCKED, {"operator_id": operator_id},
                            operator=by.operator_id)

    def set_roles(self, operator_id: str, roles: list[str], *, by: str) -> None:
        """A supervisor sets a local account's roles: never his own (nobody grants himself a
        role), never a province account's (the province sets those; its next sync would undo
        the change)."""
        require(self.journal, by, "account.set_roles", record=operator_id)
        _check_roles(roles)
        record = self.record(operator_id)
        if record is None:
            raise CounterAppError(f"没有账号 {operator_id}。", code="auth.unknown_account")
        if operator_id == by:
            raise CounterAppError("不能修改自己的角色，请由另一位负责人办理。",
                                  code="auth.own_roles")
        if record["source"] == "server":
            raise CounterAppError("该账号来自省级系统，角色由省级系统设置。",
                                  code="auth.server_account")
        self.journal.append(KIND_OPERATOR_ROLES_SET, {"operator_id": operator_id,
                                                      "roles": sorted(roles)}, operator=by)

    def _locked(self, record: dict, now: datetime) -> bool:
        return (record["failed_count"] >= self.max_failures and record["last_failed_at"]
                is not None and now - parse_iso(record["last_failed_at"]) < self.lockout)

    def _minutes_left(self, record: dict, now: datetime) -> int:
        left = parse_iso(record["last_failed_at"]) + self.lockout - now
        return max(1, -int(-left.total_seconds() // 60))  # rounded up

    def _journal_failure(self, operator_id: str, record: dict | None, now: datetime) -> None:
        # A lockout that has run out starts a fresh count instead of re-locking at once.
        reset = bool(record and record["failed_count"] >= self.max_failures)
        payload: dict[str, Any] = {"operator_id": operator_id[:64]}
        if reset:
            payload["reset"] = True
        self.journal.append(KIND_OPERATOR_LOGIN_FAILED, payload, operator=operator_id[:64] or "?")

    def _check_standing(self, record: dict, now: datetime) -> None:
        if record["disabled"]:
            raise LoginRefused("该账号已停用（离岗）。如有疑问请联系负责人。", code="auth.disabled")
        roles = json.loads(record["roles"])
        valid_until = record["qualification_valid_until"]
        if "registrar" in roles and valid_until and date.fromisoformat(valid_until) < now.date():
            raise LoginRefused(f"婚姻登记员资格已于 {valid_until} 到期，需重新培训取得资格后才能办理。",
                               code="auth.qualification_expired")
        confirmed = record["confirmed_at"]
        if record["source"] == "server" and confirmed and \
                now - parse_iso(confirmed) > self.offline_grace:
            raise LoginRefused("账号已超过离线使用期限，请先连接省级系统同步账号后再登录。",
                               code="auth.offline_grace_expired")


def _check_roles(roles: list[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise CounterAppError(f"未知的角色：{', '.join(sorted(unknown))}")


DEMO_ACCOUNTS = (
    ("demo", "演示登记员", ["registrar"], "demo"),
    ("boss", "演示负责人", ["registrar", "supervisor"], "boss"),
    ("tech", "演示技术员", ["technician"], "tech"),
)


def seed_demo_accounts(service: OperatorService) -> None:
    """The demo's accounts (password = account id), added once."""
    for operator_id, name, roles, password in DEMO_ACCOUNTS:
        if service.record(operator_id) is None:
            service.set_account(operator_id, name, roles, password, source="demo",
                                qualification_valid_until=date(2099, 12, 31))
