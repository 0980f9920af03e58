"""Ensure every row of the permission table (resources/permissions.toml) is enforced by the
service that does it: each action is driven through its real service methods as a registrar,
a supervisor, a technician and the command line; whoever the table leaves out is refused by
that very service (a PermissionRefused naming the action, one ``operator.action_refused``
entry), and whoever it names gets past the guard. The roles are read from the journal; an
action removed from its service, or a service row without a scenario here, fails.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from counter_app.audit import list_entries, record_case_opened
from counter_app.domain.idnumber import check_digit
from counter_app.errors import CounterAppError
from counter_app.numbering import (allocate_number, next_blank, receive_block, receive_range,
                                   void_blank)
from counter_app.operators import (Operator, OperatorService, PermissionRefused, cli_operator,
                                   may, require)
from counter_app.operators.permissions import render_doc, roles_of, table
from counter_app.printing.booklets import BookletPrinting
from counter_app.printing.calibration import NOMINAL_MARKS, calibrate
from counter_app.printing.notices import print_notice
from counter_app.printing.receipts import print_receipt, reprint
from counter_app.reissue import Archive, ArchiveIndex, ReissueFlow
from counter_app.reports.closing import DailyClosing
from counter_app.reports.service import ReportService
from counter_app.resources import resource_path
from counter_app.vision.quality import QualityReport
from counter_app.workflows.archive_file import ArchiveFile
from counter_app.workflows.capture import PartyCapture
from counter_app.workflows.check_refusal import refuse_after_check
from counter_app.workflows.declarations import Declarations
from counter_app.workflows.divorce import DivorceApplication
from counter_app.workflows.documents import DocumentScanning, ScannedPage
from counter_app.workflows.intake import MarriageIntake
from counter_app.workflows.passport import PassportDesk, PassportRead
from counter_app.workflows.registration import MarriageRegistration
from counter_app.workflows.review import CaseReviewer
from drivers.printer.receipts import queue_ticket
from drivers.printer.simulator import SimulatorPrinter
from helpers.accounts import add_accounts, add_staff

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 5, 20)
OFFICE = {"code": "110105-HY", "level": "county", "region_code": "110105",
          "foreign_designated": True, "popup": False}
MAN = {"name": "王䶮", "sex": "male", "birth_date": "1990-03-07", "id_type": "resident",
       "id_number": "11010219900307123" + check_digit("11010219900307123"),
       "id_valid_until": "long-term",
       "nationality": "CHN", "hukou_region_code": "110102"}
WOMAN = {"name": "李梅", "sex": "female", "birth_date": "1996-02-29", "id_type": "resident",
         "id_number": "11010519960229002" + check_digit("11010519960229002"),
         "id_valid_until": "2036-01-01",
         "nationality": "CHN", "hukou_region_code": "110105"}
LIU = {"name": "刘秀英", "sex": "female", "birth_date": "1960-11-02", "id_type": "resident",
       "id_number": "11010519601102042X", "id_valid_until": "long-term", "nationality": "CHN",
       "hukou_region_code": "110105"}
PRINTER = "证书打印机1"

#: One principal per role (the table's refused ones first, so their refusals meet untouched
#: state), and the command line.
PRINCIPALS = {"t": ["technician"], "r": ["registrar"], "s": ["supervisor"]}
CLI = cli_operator()


class FakePrinter:
    """A certificate and forms printer that prints nothing and fails never."""

    name = PRINTER

    def print_page(self, page, calibration):
        pass

    def print_forms(self, pages, job):
        return "测试打印机"


@dataclass
class Env:
    """A journal with accounts and the state the scenarios act on."""

    j: object
    case: str          # an accepted marriage (taken in by reg01)
    fresh: str         # a marriage still in 初审
    reissue: str       # a reissue case opened by reg01
    ref: str           # its archive record
    index: ArchiveIndex
    receipt: str       # a receipt request printed by reg01
    counter: list


def accepted_case(j) -> str:
    intake = MarriageIntake(j, OFFICE, operator="reg01")
    case_id = intake.open()
    for party in (MAN, WOMAN):
        intake.record_party(case_id, party, source="manual")
    for role in ("man", "woman"):
        intake.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
    intake.check(case_id, DAY)
    assert intake.cases.state(case_id).state == "accepted"
    return case_id


@pytest.fixture
def env(journal):
    add_staff(journal)
    add_accounts(journal, PRINCIPALS)
    receive_range(journal, range_id="r1", certificate="marriage", first="A0000101",
                  last="A0000130", operator="admin")
    receive_block(journal, block_id="b1", prefix="J", division_code="110105", year=2026,
                  first_serial=1, last_serial=100, operator="admin")
    for prefix in ("BJ", "BL"):
        receive_block(journal, block_id=prefix, prefix=prefix, division_code="110105",
                      year=2026, first_serial=1, last_serial=100, operator="admin")
    calibrate(journal, PRINTER, NOMINAL_MARKS, operator="tech")
    index = ArchiveIndex.for_journal(journal)
    Archive(journal, index, "admin").import_file(resource_path("archive_demo",
                                                               "archive-demo.csv"))
    registrar_archive = Archive(journal, index, "reg01")
    ref = next(h.record.ref for h in registrar_archive.search("刘秀英").hits)
    reissue = ReissueFlow(journal, registrar_archive, OFFICE, "reg01", today=lambda: DAY)
    receipt = print_receipt(journal, SimulatorPrinter(), queue_ticket("A001", "结婚登记", 1),
                            operator="reg01")
    yield Env(journal, accepted_case(journal), MarriageIntake(journal, OFFICE, "reg01").open(),
              reissue.open(ref), ref, index, receipt, [0])
    index.close()


def booklets(env, who, case_id, holder_pages=(("man", "M"), ("woman", "W"))):
    number = allocate_number(env.j, case_id=case_id, prefix="J", division_code="110105",
                             year=2026, operator="reg01").number
    return BookletPrinting(env.j, case_id=case_id, operator=who, certificate="marriage",
                           number=number, pages=list(holder_pages), printer=FakePrinter())


def unique(env) -> int:
    env.counter[0] += 1
    return env.counter[0]


# --- one scenario per service row: the calls that do the action, as ``who`` ----------------

SCENARIOS: dict = {}


def scenario(action, *, also=()):
    """Register the calls doing ``action``; ``also``: actions an earlier guard on the same
    path may refuse first (the booklet is printed before it is printed again)."""
    def register(fn):
        SCENARIOS[action] = (fn, tuple(also))
        return fn
    return register


@scenario("case.view")
def _view(env, who):
    return [lambda: record_case_opened(env.j, who, env.case, "case")]


@scenario("case.intake")
def _intake(env, who):
    flow = MarriageIntake(env.j, OFFICE, who)
    desk = PassportDesk(env.j, who, port=None)
    chip = PassportRead(dict(MAN), None, "", {})
    return [flow.open, lambda: flow.record_party(env.fresh, dict(MAN), "manual"),
            lambda: flow.record_answers(env.fresh, "man", voluntary=True,
                                        kinship_declared_none=True),
            lambda: flow.check(env.fresh, DAY),
            lambda: desk.keep_photo(env.fresh, chip)]


@scenario("case.prepare")
def _prepare(env, who):
    capture = PartyCapture(env.j, who)
    declarations = Declarations(env.j, who, signing=None, office=OFFICE, office_name="x")
    scanning = DocumentScanning(env.j, who)
    page = ScannedPage("id_card_man", 1, "0" * 64, 300, "none")
    return [lambda: capture.take_photo(env.case, "man", np.full((480, 640, 3), 128, np.uint8),
                                       QualityReport()),
            lambda: capture.decide(env.case, "man", "manual", None),
            lambda: declarations.sign(env.case, "man", None, marital_status="?"),
            lambda: declarations.add_fingerprint(env.case, "man", None),
            lambda: declarations.witness(env.case, "man"),
            lambda: scanning.store(env.case, None, SimpleNamespace(image=None)),
            lambda: scanning.delete(env.case, page),
            lambda: scanning.record_summary(env.case, children="", property="", debts="",
                                            both_signed=True)]


@scenario("case.examine")
def _examine(env, who):
    reviewer = CaseReviewer(env.j, OFFICE, who, steps=[])
    return [lambda: MarriageRegistration(env.j, OFFICE, who).examine(env.fresh),
            lambda: reviewer.correct_party(env.case, "man", {"name": "王五"})]


@scenario("case.online_check")
def _check(env, who):
    return [lambda: MarriageRegistration(env.j, OFFICE, who).online_check(env.case)]


@scenario("case.register")
def _register(env, who):
    return [lambda: MarriageRegistration(env.j, OFFICE, who).register(env.case, DAY)]


@scenario("case.refuse")
def _refuse(env, who):
    return [lambda: refuse_after_check(MarriageRegistration(env.j, OFFICE, who), env.case, DAY)]


@scenario("case.withdraw")
def _withdraw(env, who):
    return [lambda: DivorceApplication(env.j, OFFICE, who).withdraw(env.case, "man", DAY)]


@scenario("case.archive_file")
def _archive_file(env, who):
    return [lambda: ArchiveFile(env.j, OFFICE, "x", who, renderer=None).build(env.case)]


@scenario("certificate.print")
def _print(env, who):
    flow = booklets(env, who, "print-case")
    return [flow.print_current, flow.confirm]


@scenario("certificate.reprint", also=("certificate.print",))
def _reprint(env, who):
    case_id = f"reprint-{unique(env)}"
    flow = booklets(env, who, case_id)
    void_blank(env.j, certificate="marriage", serial=next_blank(env.j, "marriage"),
               reason="卡纸", operator="admin", case_id=case_id, holder="man")
    return [flow.print_current]


@scenario("notice.print")
def _notice(env, who):
    return [lambda: print_notice(env.j, FakePrinter(), env.case, "refusal_acceptance", [],
                                 operator=who),
            lambda: print_receipt(env.j, SimulatorPrinter(),
                                  queue_ticket("A002", "结婚登记", 1), operator=who),
            lambda: reprint(env.j, SimulatorPrinter(), env.receipt, operator=who)]


@scenario("case.reissue")
def _reissue(env, who):
    flow = ReissueFlow(env.j, Archive(env.j, env.index, who), OFFICE, who, today=lambda: DAY)
    return [lambda: flow.open(env.ref), lambda: flow.verify(env.reissue, dict(LIU), "card"),
            lambda: flow.declare(env.reissue, cause="lost", status_unchanged=True),
            lambda: flow.after_capture(env.reissue), lambda: flow.issue(env.reissue)]


@scenario("archive.search")
def _search(env, who):
    return [lambda: Archive(env.j, env.index, who).search("刘秀英")]


@scenario("archive.view")
def _archive_view(env, who):
    return [lambda: Archive(env.j, env.index, who).view(env.ref)]


@scenario("archive.import")
def _import(env, who):
    archive = Archive(env.j, env.index, who)
    return [lambda: archive.import_file(resource_path("archive_demo", "archive-demo.csv"))]


@scenario("blank.void")
def _void(env, who):
    return [lambda: void_blank(env.j, certificate="marriage",
                               serial=next_blank(env.j, "marriage"), reason="污损",
                               operator=who)]


@scenario("numbers.receive")
def _receive(env, who):
    n = unique(env)
    return [lambda: receive_block(env.j, block_id=f"by-hand-{n}", prefix="J",
                                  division_code="110105", year=2027, first_serial=100 * n + 1,
                                  last_serial=100 * n + 50, operator=who),
            lambda: receive_range(env.j, range_id=f"by-hand-{n}", certificate="divorce",
                                  first=f"C{n:03d}0001", last=f"C{n:03d}0009", operator=who)]


@scenario("account.unlock")
def _unlock(env, who):
    # the caller claims the supervisor role: the journal's roles count, not the claim
    return [lambda: OperatorService(env.j).unlock("reg01", by=Operator(who, who,
                                                                       ("supervisor",)))]


@scenario("account.set_roles")
def _set_roles(env, who):
    return [lambda: OperatorService(env.j).set_roles("reg02", ["registrar"], by=who)]


@scenario("audit.view")
def _audit(env, who):
    return [lambda: list_entries(env.j, who)]


def reports(env) -> ReportService:
    return ReportService(env.j, OFFICE, "测试登记处", "1")


def closings(env) -> DailyClosing:
    return DailyClosing(reports(env), today=lambda: DAY)


@scenario("closing.view")
def _closing_view(env, who):
    return [lambda: reports(env).make(who, "daily", {"date": DAY.isoformat()})]


@scenario("reports.view")
def _reports_view(env, who):
    service = reports(env)  # the month, another window's closing, the province's closings
    return [lambda: service.make(who, "monthly", {"month": "2026-05"}),
            lambda: service.make(who, "daily", {"date": DAY.isoformat(), "window": "2"}),
            lambda: service.fetch_closings(who, DAY.isoformat())]


@scenario("reports.cases")
def _report_cases(env, who):
    service = reports(env)
    month = service.make("admin", "monthly", {"month": "2026-05"})
    return [lambda: service.cases(who, month, "结婚")]


@scenario("closing.sign")
def _closing_sign(env, who):
    return [lambda: closings(env).sign(who, DAY - timedelta(days=unique(env)))]


@scenario("closing.countersign")
def _closing_countersign(env, who):
    day = DAY - timedelta(days=unique(env))
    closings(env).sign("reg01", day)   # a signed closing the supervisor can countersign
    return [lambda: closings(env).countersign(who, day)]


@scenario("device.calibrate")
def _calibrate(env, who):
    return [lambda: calibrate(env.j, "新打印机", NOMINAL_MARKS, operator=who)]


# --- the table-driven test -----------------------------------------------------------------

SERVICE_ROWS = [a.key for a in table().actions.values() if a.status == "service"]


def refusals(j) -> list:
    return [e for e in j.entries() if e.kind == "operator.action_refused"]


@pytest.mark.parametrize("action", SERVICE_ROWS)
def test_every_service_row_is_enforced_by_its_service(env, action):
    fn, also = SCENARIOS[action]  # a service row without a scenario fails here
    row = table().action(action)
    refused_here = []
    for who, roles in [*PRINCIPALS.items(), (CLI, ["cli"])]:
        allowed = row.allows(frozenset(roles))
        for call in fn(env, who):
            before = len(refusals(env.j))
            if allowed:
                try:
                    call()
                except PermissionRefused as err:
                    pytest.fail(f"{who} {roles} refused {err.action}, the table allows {action}")
                except CounterAppError:
                    pass  # past the guard: the flow's own checks speak (state, input)
                assert len(refusals(env.j)) == before
                continue
            with pytest.raises(PermissionRefused) as refused:
                call()
            assert refused.value.action in (action, *also)
            new = refusals(env.j)[before:]
            assert [(e.operator, e.payload["action"], e.payload["roles"]) for e in new] == [
                (who, refused.value.action, sorted(roles))]
            if refused.value.action == action:
                refused_here.append(who)
                assert row.label in refused.value.message_zh
    assert refused_here or set(row.roles) >= {"registrar", "supervisor", "technician", "cli"}


def test_the_scenarios_are_the_service_rows():
    assert sorted(SCENARIOS) == sorted(SERVICE_ROWS)


def require_calls() -> dict[str, list[str]]:
    """action -> where production code names it in require(...) or an approval's actions, or
    as a report definition's action (``Definition(action=...)``: ReportService.make requires
    it for the report, counter_app.reports.service.action_for)."""
    found: dict[str, list[str]] = {}
    for package in ("counter_app", "sync", "drivers", "forms"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in ("require", "approve", "_approve", "approver_for", "Definition"):
                    continue
                args = [] if name == "Definition" else node.args[2:3]
                args += [k.value for k in node.keywords if k.arg in ("action", "actions")]
                for arg in args:
                    for const in ast.walk(arg):
                        if isinstance(const, ast.Constant) and isinstance(const.value, str):
                            found.setdefault(const.value, []).append(
                                f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_code_asks_for_the_table_s_actions_and_only_those():
    calls = require_calls()
    actions = table().actions
    assert set(calls) <= set(actions), "require() with an action the table does not have"
    for key, row in actions.items():
        if row.status == "service":
            assert key in calls, f"{key}: a service row no service enforces"
        else:
            assert key not in calls, f"{key} is enforced: its status should be 'service'"


def test_docs_roles_md_is_the_table():
    assert (ROOT / "docs" / "roles.md").read_text(encoding="utf-8") == render_doc(), \
        "run `.venv/bin/python scripts/roles_doc.py`"


def test_the_table_is_well_formed():
    t = table()
    assert set(t.roles) == {"registrar", "supervisor", "technician", "cli"}
    for row in t.actions.values():
        assert row.roles and set(row.roles) <= set(t.roles) and row.label and row.where
        assert row.status in ("service", "command line", "planned")
    # the issue's roles: a technician never does a legal act nor sees a record's personal data
    for key in ("case.view", "case.intake", "case.register", "case.reissue", "archive.search",
                "archive.view", "certificate.print", "blank.void"):
        assert "technician" not in t.action(key).roles
    for key in ("blank.void", "certificate.reprint", "account.unlock", "refusal.sign_off",
                "closing.countersign", "audit.view", "reports.view"):
        assert t.action(key).roles == ("supervisor",) or "registrar" not in t.action(key).roles
    # a supervisor may do everything a registrar may
    for row in t.actions.values():
        assert "registrar" not in row.roles or "supervisor" in row.roles


# --- the guard itself --------------------------------------------------------------------

def test_a_refusal_is_journaled_with_the_case_and_said_in_chinese(journal):
    add_staff(journal)
    with pytest.raises(PermissionRefused) as refused:
        require(journal, "tech", "case.register", case_id="c1")
    assert refused.value.message_zh == (
        "没有权限：“办理登记（分配字号）”只能由登记员、负责人办理（tech 的角色：技术员）。"
        "这次操作已记录。")
    assert refused.value.code == "auth.forbidden"
    [entry] = refusals(journal)
    assert (entry.operator, entry.case_id, entry.payload) == (
        "tech", "c1", {"operator_id": "tech", "action": "case.register",
                       "roles": ["technician"]})


def test_unknown_and_disabled_accounts_hold_no_role(journal):
    OperatorService(journal).set_account("gone", "离岗", ["registrar", "supervisor"], "pw",
                                         disabled=True)
    for who in ("gone", "nobody"):
        assert roles_of(journal, who) == frozenset()
        with pytest.raises(PermissionRefused, match="的角色：无"):
            require(journal, who, "case.intake")


def test_the_command_line_holds_only_its_rows(journal):
    assert roles_of(journal, "cli:someone") == frozenset({"cli"})
    assert may(journal, "cli:someone", "archive.search")
    assert not may(journal, "cli:someone", "case.register")
    with pytest.raises(PermissionRefused, match="命令行"):
        require(journal, "cli:someone", "blank.void")


def test_no_account_may_pass_for_the_command_line(journal):
    with pytest.raises(CounterAppError, match="冒号"):
        OperatorService(journal).set_account("cli:boss", "x", ["supervisor"], "pw")


def test_an_action_not_in_the_table_is_a_programming_error(journal):
    with pytest.raises(ValueError, match="not in resources/permissions.toml"):
        require(journal, "boss", "case.teleport")


def test_nobody_grants_himself_a_role(journal):
    add_staff(journal)
    service = OperatorService(journal)
    with pytest.raises(PermissionRefused):  # a registrar cannot raise his own roles
        service.set_roles("reg01", ["registrar", "supervisor"], by="reg01")
    with pytest.raises(CounterAppError, match="不能修改自己的角色"):  # nor a supervisor his own
        service.set_roles("boss", ["registrar", "supervisor", "technician"], by="boss")
    from datetime import datetime, timezone

    from counter_app.operators import province

    account = province.parse_account({"operator_id": "p01", "name": "省账号",
                                      "roles": ["registrar"], "office_code": "110101",
                                      "qualified_until": "2099-12-31", "active": True}, "p01", 1)
    province.record_account(journal, account, datetime.now(timezone.utc), operator="sync")
    with pytest.raises(CounterAppError, match="省级系统"):
        service.set_roles("p01", ["supervisor"], by="boss")
    with pytest.raises(CounterAppError, match="未知的角色"):
        service.set_roles("reg02", ["king"], by="boss")
    service.set_roles("reg02", ["registrar", "supervisor"], by="boss")
    assert roles_of(journal, "reg02") == {"registrar", "supervisor"}
    assert roles_of(journal, "reg01") == {"registrar"}
    from counter_app.journal.verify import verify

    assert verify(journal).ok  # the operators projection equals a rebuild
