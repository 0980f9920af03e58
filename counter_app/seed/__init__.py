"""``counter-app demo seed``: a month (or any number of days) of realistic training data in a
demo data dir, made through the counter's real workflows and services (plan.py says what
happens, run.py does it). Deterministic for a given ``--seed``: the same options give the same
cases, people, numbers and blanks. It refuses a data dir that is not a demo one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from counter_app.context import Context
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.journal.clock import parse_iso
from counter_app.reports.days import office_time
from counter_app.rules.offices import counter_office, office_profile

MAX_DAYS, MAX_PER_DAY = 400, 200
#: A second training registrar, so that the statistics have more than one per window.
EXTRA_ACCOUNT = ("demo2", "演示登记员乙", ["registrar"], "demo2")


class SeedError(CounterAppError):
    """The seed cannot run here or with these options; the message says why."""

    code = "seed.refused"


@dataclass(frozen=True)
class SeedOptions:
    days: int
    per_day: int
    start: date
    seed: int


def options(days: int, per_day: int, start: date | None, seed: int, today: date) -> SeedOptions:
    """The options checked: a number of days and cases that makes sense, all before today."""
    if not 1 <= days <= MAX_DAYS:
        raise SeedError(f"天数应在 1 到 {MAX_DAYS} 之间，实际为 {days}。")
    if not 1 <= per_day <= MAX_PER_DAY:
        raise SeedError(f"每天的业务量应在 1 到 {MAX_PER_DAY} 之间，实际为 {per_day}。")
    start = start or today - timedelta(days=days)
    if start + timedelta(days=days - 1) >= today:
        raise SeedError(f"演示数据只能生成到昨天为止：从 {start} 起 {days} 天会到 "
                        f"{start + timedelta(days=days - 1)}，请把 --start 提前或减少天数。",
                        detail="seed reaches today")
    return SeedOptions(days, per_day, start, seed)


def check_demo_data_dir(ctx: Context) -> None:
    """Refuse anything but a demo data dir: the seed must never mix invented cases with a
    real counter's records. A demo dir is new, or holds only demo accounts and is enrolled
    (if at all) with the built-in simulator on this machine."""
    if not ctx.demo:
        raise SeedError("演示数据只能生成在演示数据目录中。", detail="not demo mode")
    from sync import enrolment

    enrolled = enrolment.sync_dir(ctx.data_dir) / enrolment.ENROLMENT_FILE
    if enrolled.exists():
        url = str(json.loads(enrolled.read_text(encoding="utf-8")).get("server_url", ""))
        if not url.startswith(("http://127.0.0.1", "http://localhost")):
            raise SeedError(f"数据目录 {ctx.data_dir} 已登记到省级系统（{url}），是真实窗口的数据，"
                            "不能生成演示数据。", detail="enrolled with a real server")


def _check_journal(journal: Journal, ctx: Context, first: date) -> None:
    from counter_app.operators import OperatorService

    real = [a["operator_id"] for a in OperatorService(journal).accounts() if a["source"] != "demo"]
    if real:
        raise SeedError(f"数据目录 {ctx.data_dir} 中有非演示账号（{'、'.join(real[:3])}），"
                        "是真实窗口的数据，不能生成演示数据。", detail="non-demo accounts")
    head, _ = journal.head()
    if head:
        last = next(journal.entries(since_seq=head - 1)).device_time
        if parse_iso(last) >= office_time(first, 8, 0):
            raise SeedError(f"数据目录 {ctx.data_dir} 中已有 {last[:10]} 的记录，演示数据只能接在已有"
                            "记录之后：请用更晚的 --start，或换一个新的演示数据目录（--data-dir）。",
                            detail="journal has later entries")


def seed_demo(ctx: Context, opts: SeedOptions,
              progress: Callable[[str], None] = lambda _: None,
              renderer: Any = None) -> dict[str, int]:
    """Fill the demo data dir; returns how many of each thing were made. ``renderer``
    (forms.qt.render.render_spec_pages) paints the cases' archive files; without it none is
    built."""
    from counter_app.seed.plan import make_plan
    from counter_app.seed.run import SeedClock, Seeder
    from counter_app.wiring.journal import open_journal

    check_demo_data_dir(ctx)
    office = office_profile(counter_office(ctx.config["office.code"]))
    office_name = counter_office(ctx.config["office.code"]).name
    plan = make_plan(office, opts.start, opts.days, opts.per_day, opts.seed)
    clock = SeedClock(office_time(opts.start, 8, 0))
    with open_journal(ctx, clock=clock) as journal:
        _check_journal(journal, ctx, opts.start)
        _accounts(journal)
        with _province(journal, ctx, plan.married) as checker, _archive(journal) as archive:
            seeder = Seeder(journal, clock, office, office_name, plan, checker, archive,
                            _photographer(), _closer(journal, ctx, office, office_name, clock),
                            _filer(journal, office, office_name, renderer))
            return seeder.run(progress).counts


def _accounts(journal: Journal) -> None:
    from counter_app.operators import OperatorService
    from counter_app.operators.accounts import seed_demo_accounts

    service = OperatorService(journal)
    seed_demo_accounts(service)
    operator_id, name, roles, password = EXTRA_ACCOUNT
    if service.record(operator_id) is None:
        service.set_account(operator_id, name, roles, password, source="demo",
                            qualification_valid_until=date(2099, 12, 31))


def _closer(journal: Journal, ctx: Context, office: dict[str, Any], office_name: str,
            clock: Any) -> Callable[[date], None]:
    """Each day's closing signed by the registrar and countersigned by the supervisor."""
    from counter_app.reports.closing import DailyClosing
    from counter_app.reports.service import ReportService

    service = ReportService(journal, office, office_name, str(ctx.config["office.window"]))

    def close(day: date) -> None:
        closing = DailyClosing(service, today=lambda: day)
        closing.sign("demo", day)
        clock.tick(12)   # the supervisor comes by a little later
        closing.countersign("boss", day)

    return close


def _filer(journal: Journal, office: dict[str, Any], office_name: str,
           renderer: Any) -> Callable[[str], None] | None:
    """Builds a registered case's electronic archive file (counter_app.workflows.archive_file),
    as the registrar does after the booklets (F12)."""
    if renderer is None:
        return None
    from counter_app.workflows.archive_file import ArchiveFile

    def file_case(case_id: str) -> None:
        ArchiveFile(journal, office, office_name, "demo", renderer=renderer).build(case_id)

    return file_case


class _province:
    """The built-in provincial simulator (as demo mode starts it), knowing the seed's
    divorcing couples and blocked parties as married; yields its 联网核对."""

    def __init__(self, journal: Journal, ctx: Context, married: list[str]) -> None:
        self.journal, self.ctx, self.married = journal, ctx, married

    def __enter__(self) -> Callable[..., dict]:
        from counter_app.demo import ALREADY_MARRIED
        from sync import demo

        self.demo = demo.start(self.journal, self.ctx.data_dir,
                               married=tuple(ALREADY_MARRIED) + tuple(self.married))
        return self.demo.engine.marital_check

    def __exit__(self, *exc: object) -> None:
        self.demo.stop()


class _archive:
    """The window's archive index (reissues are made from its records)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def __enter__(self) -> Any:
        from counter_app.reissue import Archive, ArchiveIndex

        self.index = ArchiveIndex.for_journal(self.journal)
        return Archive(self.journal, self.index, "demo")

    def __exit__(self, *exc: object) -> None:
        self.index.close()


def _photographer() -> Callable[[Any, str, str], None] | None:
    """Takes a reissue applicant's photo as the demo camera shows it (its picture checked by
    the real quality checks once), and records the registrar's in-person identity check.
    None when the face models cannot run here: the seed then makes no reissues."""
    import cv2
    import numpy as np

    from counter_app.resources import resource_path
    from counter_app.vision.errors import VisionError
    from counter_app.vision.faces import FacePipeline
    from counter_app.vision.native_logs import quiet_native_stderr
    from counter_app.vision.quality import check_photo
    from counter_app.workflows.capture import liveness_record

    path: Path = resource_path("demo", "portrait.jpg")
    frame = cv2.imdecode(np.fromfile(str(path), dtype=np.uint8), cv2.IMREAD_COLOR)
    if frame is None:
        return None
    try:
        with quiet_native_stderr(), FacePipeline() as pipeline:
            report = check_photo(frame, pipeline.analyse(frame))
    except VisionError:
        return None
    if not report.ok:
        return None

    def photograph(capture: Any, case_id: str, role: str) -> None:
        capture.take_photo(case_id, role, frame, report, liveness_record("off", ()))
        capture.decide(case_id, role, "manual", None)

    return photograph
