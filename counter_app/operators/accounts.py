"""Who may work at this counter, and whether they may log in now.

Accounts come from the provincial system (the ``operators`` collection through sync,
``source="server"``, see ``province``), from the demo seed, or are set locally by a
technician. Every change and every login attempt is a journal entry, so the audit trail and
the lockout state are the same thing. Passwords are stored as scrypt hashes (stdlib
``hashlib.scrypt``), never in clear, and compared in constant time. A province account has no
password on the counter until its first login here: the province checks that password over
the signed link (``ProvinceLink``) and only then is a local verifier kept for offline logins.

Login is refused, each with a Chinese reason: unknown account or wrong password (the same
words, so an attacker learns nothing), too many failures (locked for a while; a supervisor can
unlock), a first login without the link, account disabled (离岗) or removed by the province,
registrar qualification expired (持证上岗, retrained every two years), or a province account
never confirmed by a sync or not confirmed for longer than the offline grace.
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
                                         KIND_OPERATOR_UNLOCKED, KIND_OPERATOR_VERIFIER_SET)
from counter_app.operators.permissions import require
from counter_app.operators.province import (SOURCE, LinkUnavailable, LoginVerdict,
                                            ProvinceLink)

ROLES = ("registrar", "supervisor", "technician")
#: Where accounts set on this machine come from (a technician; the demo seed).
LOCAL_SOURCES = ("local", "demo")
#: The roles that do legal acts and so need a valid 婚姻登记员 qualification (持证上岗).
QUALIFIED_ROLES = ("registrar", "supervisor")
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
BAD_CREDENTIALS = "工号或密码不正确，请重新输入。"
LINK_REQUIRED = ("该账号首次在本机登录，需要连接省级系统核验密码，目前连接不上。"
                 "请确认网络畅通后重试；如仍不行，请联系技术人员。")
#: What the counter says when the province refuses a password for another reason.
PROVINCE_REFUSALS = {
    "inactive": "省级系统显示该账号已停用（离岗），不能登录。如有疑问请联系负责人。",
    "wrong_office": "该账号不属于本机登记的婚姻登记机关，不能在本机登录。",
    "locked": "省级系统已锁定该账号（密码错误次数过多），请稍后再试或联系负责人。",
}


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
                 lockout_minutes: int = 15, offline_grace_days: int = 7,
                 province: ProvinceLink | None = None) -> None:
        self.journal = journal
        self.clock = clock or SystemClock()
        #: The signed link to the province for a province account's first login (None: none).
        self.province = province
        self.max_failures = max_failures
        self.lockout = timedelta(minutes=lockout_minutes)
        self.offline_grace = timedelta(days=offline_grace_days)

    def set_account(self, operator_id: str, name: str, roles: list[str], password: str | None,
                    *, qualification_valid_until: date | None = None, disabled: bool = False,
                    source: str = "local", by: str = "system",
                    password_hash: dict | None = None) -> None:
        """Create or change a local or demo account (``password`` in clear is hashed here).
        Province accounts come only from the province (``province``), never from here."""
        if source not in LOCAL_SOURCES:
            raise CounterAppError("省级系统的账号只能由省级系统下发，不能在本机设置。",
                                  code="auth.not_local", detail=f"source {source!r}")
        _check_roles(roles)
        if ":" in operator_id:  # cli:<user> names the command line (operators.permissions)
            raise CounterAppError(f"账号 {operator_id} 不能含有冒号。", code="auth.bad_account_id")
        stored = password_hash or hash_password(password or secrets.token_urlsafe(24))
        self.journal.append(KIND_OPERATOR_ACCOUNT_SET, {
            "operator_id": operator_id, "name": name, "roles": list(roles),
            "qualification_valid_until": qualification_valid_until.isoformat()
            if qualification_valid_until else None,
            "password": stored, "disabled": disabled, "source": source,
            "confirmed_at": None}, operator=by)

    def record(self, operator_id: str) -> dict[str, Any] | None:
        rows = self.journal.query("SELECT * FROM operators WHERE operator_id = ?", [operator_id])
        return rows[0] if rows else None

    def authenticate(self, operator_id: str, password: str) -> Operator:
        """Check a login attempt, journal it, and return the operator or raise LoginRefused.
        A province account without a verifier here asks the province (a network call: never
        on the GUI thread)."""
        operator_id = operator_id.strip()
        record = self.record(operator_id)
        now = self.clock.now()
        if record is not None and self._locked(record, now):
            minutes = self._minutes_left(record, now)
            raise LoginRefused(f"密码错误次数过多，账号已锁定。请 {minutes} 分钟后再试，"
                               "或请负责人解锁。", code="auth.locked")
        if record is not None and needs_province(record):
            self._verify_with_province(record, password)
        else:
            stored = json.loads(record["password"]) if record else _DUMMY_HASH
            if record is None or not password_matches(password, stored):
                self._journal_failure(operator_id, record, now)
                raise LoginRefused(BAD_CREDENTIALS, code="auth.bad_credentials")
        self._check_standing(record, now)
        self.journal.append(KIND_OPERATOR_LOGIN_SUCCEEDED, {"operator_id": operator_id},
                            operator=operator_id)
        return Operator(operator_id, record["name"], tuple(json.loads(record["roles"])))

    def asks_province(self, operator_id: str) -> bool:
        """Whether a login of this account now goes to the province (its first here)."""
        record = self.record(operator_id.strip())
        return record is not None and needs_province(record)

    def accounts(self) -> list[dict[str, Any]]:
        """Every account as ``counter-app operators list --json`` prints it."""
        rows = self.journal.query("SELECT * FROM operators ORDER BY operator_id")
        return [{"operator_id": r["operator_id"], "name": r["name"],
                 "roles": json.loads(r["roles"]), "source": r["source"],
                 "active": not (r["disabled"] or r["removed"]),
                 "qualified_until": r["qualification_valid_until"],
                 "confirmed_at": r["confirmed_at"]} for r in rows]

    def _verify_with_province(self, record: dict, password: str) -> None:
        """The province checks the password; a verified one is kept as a local verifier."""
        operator_id = record["operator_id"]
        if self.province is None:
            raise LoginRefused(LINK_REQUIRED, code="auth.link_required", detail="no link")
        try:
            verdict = self.province(operator_id, password)
        except LinkUnavailable as err:
            raise LoginRefused(LINK_REQUIRED, code="auth.link_required",
                               detail=err.detail) from None
        except CounterAppError as err:  # a bad answer or a refused machine: say what it was
            raise LoginRefused(err.message_zh, code="auth.verification_failed",
                               detail=f"{err.code}: {err.detail}") from None
        if not verdict.verified:
            self._province_refused(record, verdict)
        self._keep_verifier(operator_id, password, verdict)

    def _province_refused(self, record: dict, verdict: LoginVerdict) -> None:
        if verdict.reason_code in PROVINCE_REFUSALS:
            raise LoginRefused(PROVINCE_REFUSALS[str(verdict.reason_code)],
                               code=f"auth.province_{verdict.reason_code}")
        self._journal_failure(record["operator_id"], record, self.clock.now())
        raise LoginRefused(BAD_CREDENTIALS, code="auth.bad_credentials")

    def _keep_verifier(self, operator_id: str, password: str, verdict: LoginVerdict) -> None:
        account = verdict.account or {}
        self.journal.append(KIND_OPERATOR_VERIFIER_SET, {
            "operator_id": operator_id, "password": hash_password(password),
            "credential_version": int(account.get("credential_version", 1)),
            "request_id": verdict.request_id, **verdict.proof},
            operator=operator_id, entry_id=f"opv-{verdict.request_id}")

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
        if record["removed"]:
            raise LoginRefused("该账号已不在省级系统的账号名单中，不能登录。如有疑问请联系负责人。",
                               code="auth.removed")
        if record["disabled"]:
            raise LoginRefused("该账号已停用（离岗）。如有疑问请联系负责人。", code="auth.disabled")
        roles = json.loads(record["roles"])
        valid_until = record["qualification_valid_until"]
        if set(roles) & set(QUALIFIED_ROLES) and valid_until and \
                date.fromisoformat(valid_until) < now.date():
            raise LoginRefused(f"婚姻登记员资格已于 {valid_until} 到期，需重新培训取得资格后才能办理。",
                               code="auth.qualification_expired")
        if record["source"] == SOURCE:
            self._check_confirmation(record["confirmed_at"], now)

    def _check_confirmation(self, confirmed: str | None, now: datetime) -> None:
        """A province account works offline only within the grace after its last
        confirmation by a sync; never confirmed means never."""
        if confirmed is None:
            raise LoginRefused("该账号尚未经省级系统同步确认，请先连接省级系统同步账号后再登录。",
                               code="auth.not_confirmed")
        if now - parse_iso(confirmed) > self.offline_grace:
            raise LoginRefused("账号已超过离线使用期限，请先连接省级系统同步账号后再登录。",
                               code="auth.offline_grace_expired")


def needs_province(record: dict) -> bool:
    """A province account with no verifier on this machine for its current credential."""
    return record["source"] == SOURCE and (
        record["password"] is None
        or record["verifier_credential"] != record["credential_version"])


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
