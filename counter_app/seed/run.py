"""Carrying the plan out through the counter's own workflows and services, day by day, on a
clock set to each day's office hours: the journal gets exactly the entries the screens would
have written (nothing is written to a projection; every figure a report shows comes from
these entries).

The registrar's devices are the demo's: the 联网核对 goes to the built-in provincial
simulator over HTTP (sync.demo, as demo mode does), the reissue photo is the demo camera's
picture judged by the real quality checks, and the certificate printer is a training printer
that uses no paper (it may jam: the booklet is then voided and printed again, as at the
counter). The preparation steps (photos, signed declarations, scanned papers) are not part of
the seed; each registered case's electronic archive file is built (the forms' Qt painting is
handed in by the command), except the last day's.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from counter_app.journal import Journal
from counter_app.numbering import receive_block, receive_range
from counter_app.numbering.stock import reconcile
from counter_app.printing.booklets import BookletPrinting
from counter_app.printing.calibration import CalibrationProfile, calibrate_as_perfect
from counter_app.reports.days import office_time
from counter_app.seed.plan import Case, Plan
from counter_app.workflows.check_refusal import blocked_answer, refuse_after_check
from counter_app.workflows.divorce import DivorceApplication, expire_due
from counter_app.workflows.intake import MarriageIntake
from counter_app.workflows.registration import DivorceRegistration, MarriageRegistration

#: The demo's 负责人 (password = account id, operators.accounts.DEMO_ACCOUNTS): he registers the
#: number blocks and blank ranges by hand and approves voiding a spoiled blank, both
#: supervisor acts in the permission table (numbers.receive, blank.void).
DEMO_SUPERVISOR = "boss"

log = logging.getLogger(__name__)

PRINTER = "演示数据打印机（不出纸）"
RANGE_SIZE = 200
#: The seed's blank booklets: their own 印制号 prefixes, apart from the province's ranges.
BLANK_PREFIX = {"marriage": "SJ", "divorce": "SL"}
#: The seed's 字号 serials: far above the blocks the province (the simulator) reserves.
SEED_SERIALS = (800001, 820000)


class SeedClock:
    """The journal's clock during the seed: the office hours of the day being seeded."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.current = max(self.current, office_time(day, hour, minute))

    def tick(self, minutes: float) -> None:
        self.current += timedelta(minutes=minutes)


class TrainingPrinter:
    """Prints nothing: the booklets of a training month exist only in the journal."""

    name = PRINTER

    def print_page(self, page: Any, calibration: CalibrationProfile) -> None:
        """Nothing to do: no paper is used."""


@dataclass
class Tally:
    """What the seed did, for the command's summary."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1


class Seeder:
    """Runs a plan against a journal (on its SeedClock) for one office."""

    def __init__(self, journal: Journal, clock: SeedClock, office: dict[str, Any],
                 office_name: str, plan: Plan, checker: Callable[..., dict],
                 archive: Any, photo: Callable[[Any, str, str], None] | None,
                 close_day: Callable[[date], None] | None = None,
                 file_case: Callable[[str], None] | None = None) -> None:
        self.journal, self.clock, self.office, self.office_name = journal, clock, office, office_name
        self.plan, self.checker, self.archive, self.photo = plan, checker, archive, photo
        self.close_day, self.file_case = close_day, file_case
        self.tally = Tally()

    def run(self, progress: Callable[[str], None] = lambda _: None) -> Tally:
        self._set_up()
        for day in self.plan.days:
            self.day(day)
            progress(f"{day.isoformat()}：{len(self.plan.new.get(day, []))} 件新业务")
        return self.tally

    def _set_up(self) -> None:
        first = self.plan.days[0]
        self.clock.at(first, 8, 0)
        calibrate_as_perfect(self.journal, PRINTER, operator="tech")
        years = sorted({d.year for d in self.plan.days})
        for year in years:
            for prefix in ("J", "L", "BJ"):
                # the same block again is the same entry (its id is the block's)
                receive_block(self.journal, block_id=f"seed-{prefix}{self.office['region_code']}"
                              f"-{year}", prefix=prefix, division_code=self.office["region_code"],
                              year=year, first_serial=SEED_SERIALS[0], last_serial=SEED_SERIALS[1], operator=DEMO_SUPERVISOR)
        if self.plan.archive:
            self.archive.import_bytes(archive_csv(self.plan.archive), "seed-archive.csv", "csv")

    # --- a day ---------------------------------------------------------------------------
    def day(self, day: date) -> None:
        self.clock.at(day, 8, 30)
        expired = expire_due(self.journal, self.office, "demo", day)
        for _ in expired:
            self.tally.add("视为撤回")
        self._restock(day)
        for case in self.plan.back.get(day, []):
            self.clock.tick(6)
            self._back(case, day)
        cases = self.plan.new.get(day, [])
        for case in (c for c in cases if not c.late):
            self.clock.tick(9)
            getattr(self, f"_{case.kind}")(case, day)
        if self.close_day is not None and day != self.plan.days[-1] and \
                (cases or self.plan.back.get(day)):
            # the day's closing, signed and countersigned; the last day is left to sign
            self.clock.at(day, 17, 30)
            self.close_day(day)
            self.tally.add("日结签字")
        for case in (c for c in cases if c.late):
            self.clock.tick(5)   # a couple seen after the closing: flagged on the next one
            getattr(self, f"_{case.kind}")(case, day)

    def _restock(self, day: date) -> None:
        """Blank booklets received when fewer than a peak day's worth are left."""
        need = max(40, 4 * max((len(v) for v in self.plan.new.values()), default=10))
        for certificate in ("marriage", "divorce"):
            ranges = reconcile(self.journal, certificate)
            if sum(r.counts["unused"] for r in ranges) >= need:
                continue
            prefix = BLANK_PREFIX[certificate]
            first = 1 + max((int(r.last[len(prefix):]) for r in ranges
                             if r.first.startswith(prefix)), default=0)
            receive_range(self.journal, range_id=f"seed-{certificate}-{first:08d}",
                          certificate=certificate, first=f"{prefix}{first:08d}",
                          last=f"{prefix}{first + RANGE_SIZE - 1:08d}", operator=DEMO_SUPERVISOR)
            self.tally.add("空白证入库")

    # --- marriages -----------------------------------------------------------------------
    def _marriage(self, case: Case, day: date) -> None:
        intake = MarriageIntake(self.journal, self.office, case.operator)
        case_id = intake.open()
        for party in case.parties:
            source = "chip" if party["id_type"] == "passport" else \
                "manual" if party["id_type"] != "resident" else "card"
            intake.record_party(case_id, party, source)
        for role in ("man", "woman"):
            intake.record_answers(case_id, role, voluntary=case.ending != "involuntary",
                                  kinship_declared_none=True)
        intake.check(case_id, day)
        state = intake.cases.state(case_id)
        if state is None or state.state != "accepted":
            self.tally.add("不予受理" if state and state.state == "refused" else "待负责人决定")
            return
        self.clock.tick(3)
        flow = MarriageRegistration(self.journal, self.office, case.operator,
                                    checker=self.checker, today=lambda: day)
        self._register(flow, case, case_id, day, "marriage", "结婚")

    def _register(self, flow: MarriageRegistration, case: Case, case_id: str, day: date,
                  certificate: str, what: str) -> None:
        flow.examine(case_id)
        flow.online_check(case_id)
        if blocked_answer(flow, case_id) is not None:
            refuse_after_check(flow, case_id, day)
            self.tally.add("不予登记")
            return
        registered = flow.register(case_id, day)
        self.tally.add(what)
        self._print(case, case_id, certificate, registered.certificate_number,
                    _pages(self.journal, case_id, self.office, self.office_name))
        if self.file_case is not None and day != self.plan.days[-1]:
            # the electronic archive file, the case's last act (the last day's are left to do)
            self.clock.tick(1)
            self.file_case(case_id)
            self.tally.add("电子档案")

    def _print(self, case: Case, case_id: str, certificate: str, number: str,
               pages: list[tuple[str, Any]]) -> None:
        """Each booklet printed and confirmed; a spoiled one voided and printed again."""
        printing = BookletPrinting(self.journal, case_id=case_id, operator=case.operator,
                                   certificate=certificate, number=number, pages=pages,
                                   printer=TrainingPrinter(), approve=self._approve)
        spoils = list(case.spoil)
        while not printing.done:
            self.clock.tick(0.5)
            printing.print_current()
            if spoils:
                # voiding is a supervisor's act: the demo's 负责人 approves on the spot
                printing.void_with_approval(DEMO_SUPERVISOR, DEMO_SUPERVISOR, spoils.pop())
                self.tally.add("空白证作废")
            else:
                printing.confirm()

    def _approve(self, supervisor: str, password: str, **request: Any) -> Any:
        from counter_app.operators import OperatorService
        from counter_app.operators.approvals import approve

        return approve(OperatorService(self.journal), supervisor, password, **request)

    # --- divorces ------------------------------------------------------------------------
    def _divorce(self, case: Case, day: date) -> None:
        application = DivorceApplication(self.journal, self.office, case.operator)
        case_id = application.open()
        for party in case.parties:
            application.record_party(case_id, party, "card")
        for role in ("man", "woman"):
            application.record_answers(case_id, role, agreement_signed=True, full_capacity=True,
                                       certificate_from_mainland=True)
        application.check(case_id, day)
        case.parties = [{**p, "_case_id": case_id} for p in case.parties]
        self.tally.add("离婚申请")

    def _back(self, case: Case, day: date) -> None:
        case_id = case.parties[0].get("_case_id")
        if case_id is None:
            return
        if case.ending == "withdraw":
            DivorceApplication(self.journal, self.office, case.operator).withdraw(
                case_id, "woman" if day.toordinal() % 2 else "man", day)
            self.tally.add("撤回")
            return
        flow = DivorceRegistration(self.journal, self.office, case.operator,
                                   checker=self.checker, today=lambda: day)
        self._register(flow, case, case_id, day, "divorce", "离婚登记")

    # --- reissues ------------------------------------------------------------------------
    def _reissue(self, case: Case, day: date) -> None:
        from counter_app.reissue import ReissueFlow
        from counter_app.reissue.certificate import certificate_pages

        if self.photo is None:
            return
        applicant = case.parties[0]
        archive = type(self.archive)(self.journal, self.archive.index, case.operator)
        hits = archive.search(applicant["id_number"]).hits
        if not hits:
            return
        flow = ReissueFlow(self.journal, archive, self.office, case.operator, today=lambda: day)
        case_id = flow.open(hits[0].record.ref)
        flow.verify(case_id, applicant, "card")
        answer = flow.declare(case_id, cause="lost", status_unchanged=True, on=day)
        if answer["refusals"] or answer["referrals"]:
            self.tally.add("补领未受理")
            return
        role = flow.state(case_id).role
        self.photo(flow.capture, case_id, str(role))
        flow.after_capture(case_id)
        issued = flow.issue(case_id, day)
        self.tally.add("补领")
        item = (flow.state(case_id).issued or {}).get("item", "marriage")
        self._print(case, case_id, item, issued.certificate_number,
                    certificate_pages(self.journal, flow, case_id, self.office_name))


def _pages(journal: Journal, case_id: str, office: dict[str, Any],
           office_name: str) -> list[tuple[str, Any]]:
    from counter_app.workflows.certificates import certificate_pages

    return certificate_pages(journal, case_id, office, office_name)


def archive_csv(records: list[dict[str, Any]]) -> bytes:
    """The planned old registrations as an archive file (the columns of docs/reissue.md)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["事项", "登记日期", "字号", "登记机关代码", "登记机关", "男方姓名", "男方身份证号",
                     "男方出生日期", "女方姓名", "女方身份证号", "女方出生日期"])
    for r in records:
        man, woman = r["couple"]
        day: date = r["date"]
        writer.writerow(["结婚", day.isoformat(),
                         f"J{r['division']}-{day.year}-{r['serial']:06d}", f"{r['division']}-HY",
                         "（演示）婚姻登记处", man["name"], man["id_number"], man["birth_date"],
                         woman["name"], woman["id_number"], woman["birth_date"]])
    return out.getvalue().encode("utf-8")

