"""Ensure an accepted marriage is registered only after a clear 联网核对 from the provincial
system (the real simulator over HTTP), gets a 字号 from the reserved blocks, and is refused,
or waits, with a clear reason otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from helpers.journals import open_test_journal
from counter_app.numbering import receive_block
from counter_app.workflows.intake import MarriageIntake
from counter_app.workflows.registration import MarriageRegistration, RegistrationError
from sync import enrolment
from sync.engine import EngineSettings, SyncEngine
from sync.errors import NetworkError
from sync.simulator import faults
from sync.simulator.server import SimulatorServer
from sync.transport import Transport
from people import MAN, OFFICE, WOMAN

DAY = date(2026, 5, 20)


@pytest.fixture
def journal(data_dir):
    """On the real clock: the server's time is recorded, and registering (a legal act) is
    refused when the device clock is far from it, as the fake clock of the suite would be."""
    with open_test_journal(data_dir, key_store="file", staff=True) as j:
        yield j


def server_with(tmp_path, spec=""):
    return SimulatorServer(tmp_path / "sim", faults=faults.parse(spec)).start()


def engine_for(journal, data_dir, url) -> SyncEngine:
    enrolment.enroll(data_dir, journal, lambda u, c: Transport(u, c), url, OFFICE["region_code"])
    return SyncEngine(journal, data_dir, settings=EngineSettings(connect_timeout_s=1.0,
                                                                 read_timeout_s=2.0))


@pytest.fixture
def province(tmp_path, data_dir, journal):
    """Start the provincial simulator (with fault ``spec``) and enrol: returns the engine."""
    started = []

    def start(spec: str = "") -> SyncEngine:
        server = server_with(tmp_path, spec)
        engine = engine_for(journal, data_dir, server.url)
        started.append((server, engine))
        return engine

    yield start
    for server, engine in started:
        engine.close()
        server.stop()


def accepted_case(journal) -> str:
    intake = MarriageIntake(journal, OFFICE, operator="demo")
    case_id = intake.open()
    for party in (MAN, WOMAN):
        intake.record_party(case_id, party, source="manual")
    for role in ("man", "woman"):
        intake.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
    intake.check(case_id, DAY)
    assert intake.cases.state(case_id).state == "accepted"
    return case_id


def with_numbers(journal):
    receive_block(journal, block_id="b1", prefix="J", division_code="110105", year=2026,
                  first_serial=1, last_serial=100, operator="admin")


def examined(journal, engine, numbers: bool = True) -> tuple[str, MarriageRegistration]:
    """An accepted, examined case and its registration flow talking to ``engine``."""
    if numbers:
        with_numbers(journal)
    case_id = accepted_case(journal)
    flow = MarriageRegistration(journal, OFFICE, "demo", checker=engine.marital_check)
    flow.examine(case_id)
    return case_id, flow


def test_clear_check_then_registration_with_a_number(journal, province):
    case_id, flow = examined(journal, province())
    with pytest.raises(RegistrationError, match="尚未完成联网核对"):
        flow.register(case_id, DAY)
    assert flow.online_check(case_id)["outcome"] == "clear"
    done = flow.register(case_id, DAY)
    assert done.certificate_number == "J110105-2026-000001"
    assert flow.cases.state(case_id).state == "registered"
    registered = [e for e in journal.entries(case_id=case_id) if e.kind == "case.registered"]
    assert len(registered) == 1
    payload = registered[0].payload
    assert {p["id_number"] for p in payload["parties"]} == {MAN["id_number"], WOMAN["id_number"]}
    assert registered[0].clock["trusted"] is True


def test_a_party_married_elsewhere_blocks_registration(journal, province):
    case_id, flow = examined(journal, province(f"married={WOMAN['id_number']}"))
    assert flow.online_check(case_id)["outcome"] == "blocked"
    with pytest.raises(RegistrationError, match="婚姻状况不符") as refused:
        flow.register(case_id, DAY)
    assert refused.value.code == "registration.blocked"
    assert flow.cases.state(case_id).state == "examined"
    assert not [e for e in journal.entries(case_id=case_id) if e.kind == "case.registered"]


def test_without_a_link_the_case_waits(tmp_path, data_dir, journal):
    server = server_with(tmp_path)
    engine = engine_for(journal, data_dir, server.url)
    server.stop()  # the link is down
    try:
        case_id, flow = examined(journal, engine)
        with pytest.raises(NetworkError):
            flow.online_check(case_id)
    finally:
        engine.close()
    from counter_app.workflows.today import overview
    waiting = overview(journal, DAY).awaiting_check
    assert [line.case_id for line in waiting] == [case_id]


def test_no_numbers_left_is_a_clean_refusal(journal, province):
    case_id, flow = examined(journal, province(), numbers=False)
    flow.online_check(case_id)
    with pytest.raises(Exception, match="字号|号段"):
        flow.register(case_id, DAY)
    assert flow.cases.state(case_id).state == "examined"


def test_only_examined_cases_register(journal):
    case_id = accepted_case(journal)
    flow = MarriageRegistration(journal, OFFICE, "demo")
    with pytest.raises(RegistrationError, match="审查完毕"):
        flow.register(case_id, DAY)
    with pytest.raises(RegistrationError, match="尚未连接省级系统"):
        flow.online_check(case_id)


def test_certificate_pages_carry_what_was_registered(journal, province):
    from counter_app.workflows.certificates import certificate_pages
    case_id, flow = examined(journal, province())
    flow.online_check(case_id)
    done = flow.register(case_id, DAY)
    pages = certificate_pages(journal, case_id, OFFICE, "北京市朝阳区婚姻登记处")
    assert [holder for holder, _ in pages] == ["man", "woman"]
    for holder, (form, data) in pages:
        assert form.form_id == "marriage_certificate"
        assert data.values["certificate.number"] == done.certificate_number
        assert data.values["party.name"] == {"man": "王䶮", "woman": "李梅"}[holder]
        assert data.missing(form) == []


def test_an_unregistered_case_has_no_certificate(journal):
    from counter_app.errors import CounterAppError
    from counter_app.workflows.certificates import certificate_pages
    case_id = accepted_case(journal)
    with pytest.raises(CounterAppError, match="尚未登记"):
        certificate_pages(journal, case_id, OFFICE, "x")


def test_a_step_undone_after_the_examination_stops_registration(journal, province):
    """A correction on the review page after 审查 invalidates a signed declaration: the
    registration waits until the step is done again, and nothing is numbered meanwhile."""
    from counter_app.workflows.steps import CaseStep

    case_id, flow = examined(journal, province())
    flow.online_check(case_id)
    signed = {"now": False}
    flow.steps = [CaseStep("declare", "当事人签署声明书（F10）", "F10", ("marriage",),
                           lambda _case: signed["now"])]
    with pytest.raises(RegistrationError, match="当事人签署声明书") as refused:
        flow.register(case_id, DAY)
    assert refused.value.code == "registration.step_undone"
    assert flow.cases.state(case_id).state == "examined"
    assert not journal.query("SELECT 1 FROM entries WHERE kind = 'numbering.allocated'")
    signed["now"] = True
    assert flow.register(case_id, DAY).certificate_number == "J110105-2026-000001"


def test_a_correction_after_the_check_needs_a_new_check(journal, province):
    """Editable until registration: a party corrected after 审查 was not what the province
    was asked about, so the answer no longer counts and the check is asked again."""
    from counter_app.workflows.review import CaseReviewer

    case_id, flow = examined(journal, province())
    assert flow.online_check(case_id)["outcome"] == "clear"
    CaseReviewer(journal, OFFICE, "demo").correct_party(case_id, "woman", {"address": "新地址"})
    assert flow.latest_check(case_id) is None
    with pytest.raises(RegistrationError, match="尚未完成联网核对"):
        flow.register(case_id, DAY)
    flow.online_check(case_id)
    assert flow.register(case_id, DAY).certificate_number == "J110105-2026-000001"
    registered = [e for e in journal.entries(case_id=case_id) if e.kind == "case.registered"]
    assert registered[0].payload["parties"][1]["name"] == WOMAN["name"]
