"""Ensure a supervisor's counter sees the other windows' signed closings as the province
returns them (docs/sync-protocol.md §14, real HTTP on loopback against the simulator): what
window 1 signed and uploaded is what window 2 shows, with both signatures; a copy that does
not hash to what was signed is refused; a registrar may not ask for them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from counter_app.cli import main
from counter_app.errors import CounterAppError
from counter_app.operators import OperatorService
from counter_app.journal.clock import iso_ms
from counter_app.reports.closing import DailyClosing
from counter_app.reports.days import day_of
from counter_app.reports.service import ReportService
from counter_app.rules.offices import counter_office, office_profile
from counter_app.workflows.divorce import DivorceApplication
from helpers.journals import open_test_journal
from sync import enrolment
from sync.closings import checked, fetch_closings
from sync.engine import EngineSettings, SyncEngine
from sync.errors import ProtocolError
from sync.simulator.server import SimulatorServer
from sync.transport import Transport
from workflows.people import MAN, OFFICE, WOMAN

DAY = date(2026, 11, 10)
REGION = "110105"


def service(journal, window: str, province=None) -> ReportService:
    office = counter_office("110105-HY")
    return ReportService(journal, office_profile(office), office.name, window,
                         province=province)


@pytest.fixture
def province(tmp_path):
    server = SimulatorServer(tmp_path / "sim").start()
    yield server
    server.stop()


def window(tmp_path, name: str, url: str):
    data_dir = tmp_path / name
    journal = open_test_journal(data_dir)
    enrolment.enroll(data_dir, journal, lambda u, c: Transport(u, c), url, REGION)
    accounts = OperatorService(journal)
    for who, roles in (("reg1", ["registrar"]), ("sup1", ["registrar", "supervisor"])):
        accounts.set_account(who, who, roles, "pw")
    return data_dir, journal


def signed_window_one(tmp_path, url: str) -> tuple[dict, object]:
    data_dir, journal = window(tmp_path, "w1", url)
    application = DivorceApplication(journal, {**OFFICE, "code": "110105-HY"}, "reg1")
    case = application.open()
    for party in (MAN, WOMAN):
        application.record_party(case, party, "card")
    for role in ("man", "woman"):
        application.record_answers(case, role, agreement_signed=True, full_capacity=True,
                                   certificate_from_mainland=True)
    application.check(case, DAY)
    # the entries are dated now on the real clock: the closing is today's, office time
    day = date.fromisoformat(day_of(iso_ms(datetime.now(UTC))))
    closing = DailyClosing(service(journal, "1"), today=lambda: day)
    signed = closing.sign("reg1", day)
    closing.countersign("sup1", day)
    engine = SyncEngine(journal, data_dir, settings=EngineSettings(connect_timeout_s=2.0,
                                                                   read_timeout_s=5.0))
    try:
        engine.run_once(deadline_s=30)
    finally:
        engine.close()
    return signed, journal


def test_window_two_sees_what_window_one_signed(tmp_path, province):
    signed, journal_one = signed_window_one(tmp_path, province.url)
    day = signed["date"]
    data_dir, journal = window(tmp_path, "w2", province.url)
    try:
        reports = service(journal, "2", province=lambda d, who: fetch_closings(
            data_dir, journal, d, who, server_url=province.url))
        copies = reports.fetch_closings("sup1", day)
        assert [c["window"] for c in copies] == ["1"]
        shown = reports.make("sup1", "daily", {"date": day, "window": "1"}).data
        assert {k: v for k, v in shown.items() if k not in ("signed_off_by", "after_sign_off")} \
            == signed
        assert [(s["operator_id"], s["role"]) for s in shown["signed_off_by"]] == \
            [("reg1", "registrar"), ("sup1", "supervisor")]
        assert shown["items"]["离婚申请"] == 1
        assert reports.fetch_closings("sup1", day) == copies   # asked again: nothing new
        with pytest.raises(CounterAppError, match="负责人"):
            reports.fetch_closings("reg1", day)
    finally:
        journal.close()
        journal_one.close()


def test_the_cli_prints_the_other_windows_closing(tmp_path, province, capsys, monkeypatch):
    signed, journal_one = signed_window_one(tmp_path, province.url)
    journal_one.close()
    data_dir, journal = window(tmp_path, "w2", province.url)
    journal.close()
    monkeypatch.setenv("COUNTER_APP_OFFICE_CODE", "110105-HY")
    monkeypatch.setenv("COUNTER_APP_OFFICE_WINDOW", "2")
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "report", "daily", "--date", signed["date"],
                 "--window", "1"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["window"] == "1" and shown["items"] == signed["items"]


def test_a_copy_that_is_not_what_was_signed_is_refused():
    closing = {"date": "2026-11-10", "items": {"结婚": 3}}
    from sync.protocol import canonical_json, sha256_hex

    digest = sha256_hex(canonical_json(closing).encode("utf-8"))
    good = {"machine_id": "M1", "window": "1", "sha256": digest, "closing": closing,
            "signed_off_by": []}
    assert checked({"date": "2026-11-10", "closings": [good]}, "2026-11-10") == [good]
    forged = {**good, "closing": {**closing, "items": {"结婚": 2}}}
    with pytest.raises(ProtocolError):
        checked({"date": "2026-11-10", "closings": [forged]}, "2026-11-10")
