"""Ensure accounts from the province become the counter's accounts: the first login on a
machine needs the province's verdict, later ones work offline within the grace after the last
confirmation by a sync, and a deactivation, an expired qualification or a removal refuses the
login at once. The province's link here is a function standing in for sync's signed exchange
(tests/sync/test_operator_accounts.py runs the real one against the simulator)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from counter_app.journal.verify import verify
from counter_app.operators import LinkUnavailable, LoginRefused, LoginVerdict, OperatorService
from counter_app.operators import province
from counter_app.operators.accounts import LINK_REQUIRED, password_matches

T0 = datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc)
REG01 = {"operator_id": "reg01", "name": "登记员一", "roles": ["registrar"],
         "office_code": "110101", "qualified_until": "2028-06-30", "active": True,
         "credential_version": 1}


class Province:
    """The province as the login sees it: its accounts' passwords; ``online`` is the link."""

    def __init__(self) -> None:
        self.passwords = {"reg01": "reg01-pass"}
        self.online = True
        self.asked: list[str] = []
        self.reason: str | None = None  # a refusal other than a wrong password

    def __call__(self, operator_id: str, password: str) -> LoginVerdict:
        self.asked.append(operator_id)
        if not self.online:
            raise LinkUnavailable("无法连接省级系统", detail="test: offline")
        reason = self.reason or (None if self.passwords.get(operator_id) == password
                                 else "bad_credentials")
        request_id = f"req-{len(self.asked)}"
        verdict = {"request_id": request_id, "operator_id": operator_id, "verified": not reason,
                   "reason_code": reason, "account": {**REG01, "version": 1}}
        return LoginVerdict(request_id, not reason, reason, verdict["account"],
                            {"verdict": verdict, "signature": "c2ln", "key_id": "sim-test"})


@pytest.fixture
def link():
    return Province()


@pytest.fixture
def service(journal, clock, link):
    clock.set(T0)
    return OperatorService(journal, clock, max_failures=3, offline_grace_days=7,
                           province=link)


def pull(journal, *accounts, at=T0):
    """One complete pull of the collection that brought ``accounts`` (id, version, data)."""
    seen, changed = {}, False
    for version, data in accounts:
        account = province.parse_account(data, data["operator_id"], version)
        changed |= province.record_account(journal, account, at, operator="sync")
        seen[account.operator_id] = version
    province.finish_pull(journal, seen, at, changed, operator="sync")


def kinds(journal):
    return [e.kind for e in journal.entries()]


def test_a_pulled_account_has_no_password_and_the_first_login_needs_the_link(service, journal,
                                                                            link):
    pull(journal, (1, REG01))
    entry = next(e for e in journal.entries() if e.kind == "operator.province_account")
    assert "password" not in entry.payload and service.record("reg01")["password"] is None
    link.online = False
    with pytest.raises(LoginRefused) as refused:
        service.authenticate("reg01", "reg01-pass")
    assert refused.value.code == "auth.link_required" and str(refused.value) == LINK_REQUIRED
    assert "省级系统" in str(refused.value) and "首次" in str(refused.value)
    assert "operator.verifier_set" not in kinds(journal)


def test_without_any_link_the_first_login_says_so(journal, clock):
    clock.set(T0)
    pull(journal, (1, REG01))
    with pytest.raises(LoginRefused, match="首次在本机登录"):
        OperatorService(journal, clock).authenticate("reg01", "reg01-pass")


def test_online_first_login_keeps_a_verifier_then_logs_in_offline(service, journal, link,
                                                                  clock):
    pull(journal, (1, REG01))
    assert service.asks_province("reg01")
    operator = service.authenticate("reg01", "reg01-pass")
    assert operator.name == "登记员一" and operator.has_role("registrar")
    verifier = next(e for e in journal.entries() if e.kind == "operator.verifier_set")
    assert "reg01-pass" not in str(verifier.payload)
    assert password_matches("reg01-pass", verifier.payload["password"])
    assert verifier.payload["verdict"]["verified"] and verifier.payload["signature"]
    assert not service.asks_province("reg01")
    link.online = False
    clock.advance(days=6)
    assert service.authenticate("reg01", "reg01-pass").operator_id == "reg01"
    assert link.asked == ["reg01"]           # the second login never left the counter
    with pytest.raises(LoginRefused, match="不正确"):
        service.authenticate("reg01", "wrong")  # the offline verifier checks the password


def test_a_password_the_province_refuses_counts_as_a_failure(service, journal):
    pull(journal, (1, REG01))
    for _ in range(3):
        with pytest.raises(LoginRefused, match="工号或密码不正确"):
            service.authenticate("reg01", "guess")
    with pytest.raises(LoginRefused, match="已锁定"):
        service.authenticate("reg01", "reg01-pass")
    assert "operator.verifier_set" not in kinds(journal)


def test_a_province_refusal_for_another_reason_is_said(service, journal, link):
    pull(journal, (1, REG01))
    link.reason = "inactive"
    with pytest.raises(LoginRefused, match="停用") as refused:
        service.authenticate("reg01", "reg01-pass")
    assert refused.value.code == "auth.province_inactive"
    assert service.record("reg01")["password"] is None


def test_offline_logins_end_with_the_grace_and_a_sync_renews_it(service, journal, link, clock):
    pull(journal, (1, REG01))
    service.authenticate("reg01", "reg01-pass")
    link.online = False
    clock.advance(days=7, minutes=1)
    with pytest.raises(LoginRefused, match="离线使用期限") as refused:
        service.authenticate("reg01", "reg01-pass")
    assert refused.value.code == "auth.offline_grace_expired"
    pull(journal, (1, REG01), at=clock.now())   # a sync confirms the account again
    assert service.authenticate("reg01", "reg01-pass").operator_id == "reg01"


def test_an_account_never_confirmed_by_a_sync_cannot_log_in(service, journal):
    account = province.parse_account(REG01, "reg01", 1)
    province.record_account(journal, account, T0, operator="sync")   # no complete pull
    assert service.record("reg01")["confirmed_at"] is None
    with pytest.raises(LoginRefused, match="尚未经省级系统同步确认") as refused:
        service.authenticate("reg01", "reg01-pass")
    assert refused.value.code == "auth.not_confirmed"


def test_a_deactivation_refuses_the_login_at_once(service, journal, clock):
    pull(journal, (1, REG01))
    service.authenticate("reg01", "reg01-pass")
    clock.advance(hours=1)
    pull(journal, (2, {**REG01, "active": False}), at=clock.now())
    with pytest.raises(LoginRefused, match="停用（离岗）") as refused:
        service.authenticate("reg01", "reg01-pass")
    assert refused.value.code == "auth.disabled"
    assert service.accounts()[0]["active"] is False


def test_an_expired_qualification_from_the_province_refuses_the_login(service, journal, clock):
    pull(journal, (1, REG01))
    service.authenticate("reg01", "reg01-pass")
    pull(journal, (2, {**REG01, "qualified_until": "2026-05-19"}), at=clock.now())
    with pytest.raises(LoginRefused, match="资格已于 2026-05-19 到期"):
        service.authenticate("reg01", "reg01-pass")


def test_an_account_missing_from_a_complete_pull_is_disabled(service, journal, clock):
    pull(journal, (1, REG01))
    service.authenticate("reg01", "reg01-pass")
    pull(journal, at=clock.now())            # the collection no longer has reg01
    assert kinds(journal).count("operator.province_removed") == 1
    with pytest.raises(LoginRefused, match="不在省级系统的账号名单中") as refused:
        service.authenticate("reg01", "reg01-pass")
    assert refused.value.code == "auth.removed"
    assert service.accounts()[0]["active"] is False
    clock.advance(hours=2)
    pull(journal, (1, REG01), at=clock.now())  # back in the collection: works again
    assert service.authenticate("reg01", "reg01-pass").operator_id == "reg01"
    assert verify(journal).ok


def test_a_new_password_at_the_province_voids_the_offline_verifier(service, journal, link,
                                                                  clock):
    pull(journal, (1, REG01))
    service.authenticate("reg01", "reg01-pass")
    pull(journal, (2, {**REG01, "credential_version": 2}), at=clock.now())
    assert service.asks_province("reg01")
    link.online = False
    with pytest.raises(LoginRefused, match="首次在本机登录"):
        service.authenticate("reg01", "reg01-pass")


def test_pulls_are_idempotent_and_an_unchanged_collection_is_confirmed_hourly(journal, clock):
    pull(journal, (1, REG01))
    before = len(kinds(journal))
    pull(journal, (1, REG01), at=T0 + timedelta(minutes=30))
    assert len(kinds(journal)) == before              # nothing new, confirmed recently
    pull(journal, (1, REG01), at=T0 + province.CONFIRM_REFRESH)
    assert kinds(journal)[before:] == ["operator.accounts_confirmed"]
    service = OperatorService(journal, clock)
    assert service.record("reg01")["confirmed_at"] == "2026-05-20T10:00:00.000Z"


def test_the_province_takes_over_a_local_account_of_the_same_id(service, journal, link):
    service.set_account("reg01", "本机账号", ["registrar"], "local-pw")
    pull(journal, (1, REG01))
    record = service.record("reg01")
    assert (record["source"], record["password"], record["name"]) == ("server", None, "登记员一")
    link.online = False
    with pytest.raises(LoginRefused, match="首次在本机登录"):
        service.authenticate("reg01", "local-pw")


def test_the_accounts_list_has_exactly_the_documented_keys(service, journal):
    service.set_account("tech", "技术员", ["technician"], "pw")
    pull(journal, (1, REG01))
    listed = {a["operator_id"]: a for a in service.accounts()}
    assert listed["reg01"] == {"operator_id": "reg01", "name": "登记员一",
                               "roles": ["registrar"], "source": "server", "active": True,
                               "qualified_until": "2028-06-30",
                               "confirmed_at": "2026-05-20T09:00:00.000Z"}
    assert listed["tech"]["source"] == "local" and listed["tech"]["confirmed_at"] is None


@pytest.mark.parametrize("bad", [
    {"roles": "registrar"}, {"active": "yes"}, {"qualified_until": "2026-02-30"},
    {"operator_id": "someone-else"},
])
def test_a_malformed_account_is_refused(bad):
    with pytest.raises((ValueError, KeyError, TypeError)):
        province.parse_account({**REG01, **bad}, "reg01", 1)
