"""Ensure logins check passwords, lock after repeated failures, and respect disabled accounts,
expired qualifications and the offline grace — all journaled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers.journals import open_test_journal
from counter_app.journal.verify import verify
from counter_app.operators import LoginRefused, Operator, OperatorService, PermissionRefused
from counter_app.operators.accounts import password_matches, seed_demo_accounts
from helpers.stubs import FakeClock


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def service(data_dir, clock):
    journal = open_test_journal(data_dir, key_store="file", clock=clock)
    svc = OperatorService(journal, clock, max_failures=3, lockout_minutes=10,
                          offline_grace_days=7)
    svc.set_account("reg01", "王芳", ["registrar"], "正确的密码-1",
                    qualification_valid_until=date(2027, 12, 31))
    yield svc
    journal.close()


def kinds(service):
    return [e.kind for e in service.journal.entries()]


def test_right_password_logs_in_and_is_journaled(service):
    operator = service.authenticate("reg01", "正确的密码-1")
    assert operator.name == "王芳" and operator.has_role("registrar")
    assert kinds(service)[-1] == "operator.login_succeeded"


def test_password_is_never_stored_in_clear(service):
    entry = next(e for e in service.journal.entries() if e.kind == "operator.account_set")
    assert "正确的密码-1" not in str(entry.payload)
    assert password_matches("正确的密码-1", entry.payload["password"])
    assert not password_matches("正确的密码-2", entry.payload["password"])


def test_wrong_password_and_unknown_account_say_the_same(service):
    with pytest.raises(LoginRefused) as wrong:
        service.authenticate("reg01", "错")
    with pytest.raises(LoginRefused) as unknown:
        service.authenticate("nobody", "错")
    assert str(wrong.value) == str(unknown.value) == "工号或密码不正确，请重新输入。"
    assert kinds(service)[-2:] == ["operator.login_failed"] * 2


def test_lockout_after_repeated_failures_then_expiry(service, clock):
    for _ in range(3):
        with pytest.raises(LoginRefused, match="不正确"):
            service.authenticate("reg01", "wrong")
    with pytest.raises(LoginRefused, match="已锁定") as locked:
        service.authenticate("reg01", "正确的密码-1")  # even the right password waits
    assert locked.value.code == "auth.locked" and "10 分钟" in str(locked.value)
    clock.advance(minutes=11)
    with pytest.raises(LoginRefused, match="不正确"):
        service.authenticate("reg01", "wrong")      # a fresh count, not an instant re-lock
    assert service.record("reg01")["failed_count"] == 1
    assert service.authenticate("reg01", "正确的密码-1").operator_id == "reg01"
    assert service.record("reg01")["failed_count"] == 0
    assert verify(service.journal).ok


def test_a_supervisor_unlocks(service):
    service.set_account("boss", "负责人", ["registrar", "supervisor"], "boss-pw")
    for _ in range(3):
        with pytest.raises(LoginRefused):
            service.authenticate("reg01", "wrong")
    registrar = as_registrar("reg01")
    with pytest.raises(PermissionRefused, match="负责人"):
        service.unlock("reg01", by=registrar)
    # the roles are the journal's, not the caller's: a registrar passed off as a supervisor
    with pytest.raises(PermissionRefused):
        service.unlock("reg01", by=Operator("reg01", "x", ("supervisor",)))
    service.unlock("reg01", by=service.authenticate("boss", "boss-pw"))
    assert service.authenticate("reg01", "正确的密码-1")


def as_registrar(operator_id):
    return Operator(operator_id, "x", ("registrar",))


def test_disabled_account_is_refused(service):
    service.set_account("reg02", "离岗人员", ["registrar"], "pw", disabled=True)
    with pytest.raises(LoginRefused, match="停用"):
        service.authenticate("reg02", "pw")


def test_expired_qualification_is_refused(service, clock):
    service.set_account("reg03", "李明", ["registrar"], "pw",
                        qualification_valid_until=clock.now().date() - timedelta(days=1))
    with pytest.raises(LoginRefused, match="资格") as refused:
        service.authenticate("reg03", "pw")
    assert refused.value.code == "auth.qualification_expired"


def test_province_accounts_cannot_be_set_on_the_counter(service):
    """A server account set locally would log in forever (no confirmation): refused."""
    from counter_app.errors import CounterAppError
    with pytest.raises(CounterAppError, match="省级系统") as refused:
        service.set_account("reg04", "赵强", ["registrar"], "pw", source="server")
    assert refused.value.code == "auth.not_local" and service.record("reg04") is None


def test_unknown_role_is_refused(service):
    from counter_app.errors import CounterAppError
    with pytest.raises(CounterAppError, match="角色"):
        service.set_account("x", "x", ["king"], "pw")


def test_demo_accounts_are_seeded_once(service):
    seed_demo_accounts(service)
    seed_demo_accounts(service)
    assert service.authenticate("demo", "demo").has_role("registrar")
    assert service.authenticate("boss", "boss").has_role("supervisor")
    assert kinds(service).count("operator.account_set") == 4
