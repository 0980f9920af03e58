"""The monthly report over a journal of 1,000,000 entries, against a naive full replay of the
journal in the same run.

    ./dev bench report_monthly [--entries N] [--dir DIR] [--month YYYY-MM] [--runs R]

Builds (once: ``--dir`` keeps it for later runs) a window's journal of N entries through
``Journal.append`` with every projection of the app maintained: years of synthetic cases,
each written as the workflows write them (case transitions, parties, answers, the rules check,
the 联网核对 answer, the 字号, the registration, two printed and issued booklets, a spoiled one
now and then, divorce applications and their endings, reissues, refusals), about 60 cases a
working day. Building uses ``PRAGMA synchronous=OFF`` on the writer connection (not durable,
bench only: the journal itself always commits with synchronous=FULL) so it takes minutes,
not hours.

Then measures, for one month in the middle:
  * counter-app: ReportService.make("monthly") — GROUP BY over the reports projection;
  * baseline: a naive full replay — read every entry of the journal in seq order, decode its
    JSON and count the month's items, days and cross-region couples (the same figures, checked
    equal to the report's);
  * and the daily closing of the month's first working day (blanks reconciled against all the
    stock ever received).
Target (issue 17): the monthly report in under 5 s on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("COUNTER_APP_JOURNAL_KEY_STORE", "file")

from counter_app.cases.kinds import KIND_CASE_TRANSITION  # noqa: E402
from counter_app.journal import Journal  # noqa: E402
from counter_app.numbering.kinds import (KIND_NUMBERING_ALLOCATED,  # noqa: E402
                                         KIND_STOCK_BLANK_ISSUED, KIND_STOCK_BLANK_VOIDED)
from counter_app.printing.kinds import KIND_CERTIFICATE_PRINT_SENT  # noqa: E402
from counter_app.reports.service import ReportService  # noqa: E402
from counter_app.rules.offices import counter_office, office_profile  # noqa: E402
from counter_app.wiring.journal import PROJECTION_MODULES  # noqa: E402
from counter_app.workflows.kinds import (KIND_INTAKE_ANSWERS, KIND_INTAKE_PARTY,  # noqa: E402
                                         KIND_INTAKE_RULES_CHECKED)
from sync.kinds import KIND_CASE_REGISTERED, KIND_MARITAL_CHECK  # noqa: E402

OFFICE = "110105-HY"
REGION = "110105"
HUKOUS = ("110105",) * 8 + ("110101", "110108", "320102", "510104", "440103")
START = date(2021, 1, 4)


class BenchClock:
    def __init__(self) -> None:
        self.current = datetime(2021, 1, 4, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


def _party(rng: random.Random, sex: str, on: date) -> dict:
    birth = date(on.year - rng.randint(22, 45), rng.randint(1, 12), rng.randint(1, 28))
    return {"name": "张三", "sex": sex, "birth_date": birth.isoformat(), "id_type": "resident",
            "id_number": f"{rng.randrange(10**17):018d}", "id_valid_until": "long-term",
            "nationality": "CHN", "hukou_region_code": rng.choice(HUKOUS)}


class Builder:
    """Appends a synthetic window's entries day by day until ``target`` entries."""

    def __init__(self, journal: Journal, clock: BenchClock, target: int) -> None:
        self.journal, self.clock, self.target = journal, clock, target
        self.rng = random.Random(17)
        self.serial, self.blank, self.case = 0, 0, 0

    def put(self, kind: str, payload: dict, case_id: str | None = None) -> None:
        self.clock.current += timedelta(seconds=7)
        self.journal.append(kind, payload, operator=self.rng.choice(("demo", "demo2")),
                            case_id=case_id)

    def transition(self, case_id: str, case_type: str, frm: str | None, to: str,
                   **extra) -> None:
        self.put(KIND_CASE_TRANSITION, {"case_type": case_type, "from": frm, "to": to, **extra},
                 case_id)

    def run(self) -> None:
        day = START
        while self.journal.head()[0] < self.target:
            if day.weekday() < 5:
                self.clock.current = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
                for _ in range(self.rng.randint(45, 75)):
                    self.one(day)
                    if self.journal.head()[0] >= self.target:
                        return
            day += timedelta(days=1)

    def one(self, day: date) -> None:
        self.case += 1
        case_id = f"bench-{self.case:07d}"
        roll = self.rng.random()
        case_type = "divorce" if roll < 0.25 else "marriage"
        first = "applied" if case_type == "divorce" else "initial_review"
        self.transition(case_id, case_type, None, first)
        for role, sex in (("man", "male"), ("woman", "female")):
            self.put(KIND_INTAKE_PARTY, {"role": role, "source": "card",
                                         "party": _party(self.rng, sex, day)}, case_id)
            self.put(KIND_INTAKE_ANSWERS, {"role": role, "voluntary": True,
                                           "kinship_declared_none": True}, case_id)
        refused = self.rng.random() < 0.04
        refusals = [{"code": "check.age", "message_zh": "男方未到法定婚龄", "basis": "《民法典》第一千零四十七条"}] \
            if refused else []
        self.put(KIND_INTAKE_RULES_CHECKED, {"on": day.isoformat(), "refusals": refusals,
                                             "decision": {"decision": "refuse" if refused else
                                                          "accept"}}, case_id)
        if refused:
            self.transition(case_id, case_type, first, "refused", reason="男方未到法定婚龄")
        elif case_type == "divorce":
            self.transition(case_id, case_type, first, "accepted",
                            data={"receipt_date": day.isoformat(), "receiving_office_code": OFFICE})
            end = self.rng.choice(("cooling_off", "withdrawn", "examined", "examined"))
            self.transition(case_id, case_type, "accepted", end)
        else:
            self.register(case_id, day)

    def register(self, case_id: str, day: date) -> None:
        self.transition(case_id, "marriage", "initial_review", "accepted")
        self.transition(case_id, "marriage", "accepted", "examined")
        self.put(KIND_MARITAL_CHECK, {"request_id": case_id, "answer": {
            "outcome": "clear", "checked_at": self.clock.current.isoformat()},
                                      "signature": "x", "key_id": "k"}, case_id)
        self.serial += 1
        number = f"J{REGION}-{day.year}-{self.serial % 999999 + 1:06d}"
        self.put(KIND_NUMBERING_ALLOCATED, {"number": number, "prefix": "J",
                                            "division_code": REGION, "year": day.year,
                                            "serial": self.serial % 999999 + 1,
                                            "block_id": None}, case_id)
        self.put(KIND_CASE_REGISTERED, {"item": "marriage", "registration_date": day.isoformat(),
                                        "certificate_number": number, "office_code": OFFICE,
                                        "parties": []}, case_id)
        self.transition(case_id, "marriage", "examined", "registered")
        for holder in ("man", "woman"):
            self.booklet(case_id, number, holder, spoil=self.rng.random() < 0.03)

    def booklet(self, case_id: str, number: str, holder: str, spoil: bool) -> None:
        self.blank += 1
        serial = f"BJ{self.blank:09d}"
        base = {"certificate": "marriage", "serial": serial, "certificate_number": number}
        self.put(KIND_CERTIFICATE_PRINT_SENT, {**base, "holder": holder}, case_id)
        if spoil:
            self.put(KIND_STOCK_BLANK_VOIDED, {**base, "reason": "卡纸"}, case_id)
            return self.booklet(case_id, number, holder, spoil=False)
        self.put(KIND_STOCK_BLANK_ISSUED, {**base, "holder": holder}, case_id)


def build(directory: Path, entries: int) -> None:
    clock = BenchClock()
    with Journal.open(directory, "file", projections=PROJECTION_MODULES, clock=clock) as journal:
        have = journal.head()[0]
        if have >= entries:
            return
        if have:
            raise SystemExit(f"{directory} holds {have} entries, fewer than {entries}: "
                             "use a new --dir")
        # bench only: not durable while building (the journal commits with FULL otherwise)
        journal._on_writer(lambda: journal._wdb.execute("PRAGMA synchronous=OFF"))
        started = time.perf_counter()
        Builder(journal, clock, entries).run()
        print(f"built {journal.head()[0]} entries in {time.perf_counter() - started:.0f} s "
              f"({journal.head()[0] / (time.perf_counter() - started):.0f} entries/s)")


# --- the naive baseline: every entry read and decoded ----------------------------------------

ITEM = {("marriage", "registered"): "结婚", ("divorce", "accepted"): "离婚申请",
        ("divorce", "registered"): "离婚登记", ("divorce", "withdrawn"): "撤回",
        ("divorce", "deemed_withdrawn"): "视为撤回", ("reissue", "issued"): "补领"}


def beijing_day(device_time: str) -> str:
    moment = datetime.fromisoformat(device_time.replace("Z", "+00:00"))
    return (moment + timedelta(hours=8)).date().isoformat()


def replay(journal: Journal, month: str) -> dict:
    """The month's items by day and its cross-region registrations, from every entry."""
    by_day: dict[str, Counter] = defaultdict(Counter)
    parties: dict[str, list] = defaultdict(list)
    cross: Counter = Counter()
    last = 0
    while True:
        rows = journal.query("SELECT seq, case_id, kind, payload, device_time FROM entries "
                             "WHERE seq > ? ORDER BY seq LIMIT 20000", [last])
        if not rows:
            break
        last = rows[-1]["seq"]
        for row in rows:
            payload = json.loads(row["payload"])
            if row["kind"] == KIND_INTAKE_PARTY:
                parties[row["case_id"]].append(payload["party"].get("hukou_region_code"))
            elif row["kind"] == KIND_CASE_TRANSITION:
                day = beijing_day(row["device_time"])
                if not day.startswith(month):
                    continue
                if payload["to"] == "refused":
                    item = "不予受理" if payload["from"] in ("initial_review", "applied") else "不予登记"
                else:
                    item = ITEM.get((payload["case_type"], payload["to"]))
                if item:
                    by_day[day][item] += 1
                if item in ("结婚", "离婚登记"):
                    hukous = parties[row["case_id"]]
                    if REGION not in hukous:
                        nearest = max((4 if h[:4] == REGION[:4] else 2 if h[:2] == REGION[:2]
                                       else 0) for h in hukous)
                        cross[{4: "州内", 2: "省内"}.get(nearest, "跨省")] += 1
    return {"by_day": {d: dict(c) for d, c in by_day.items()}, "cross_region": dict(cross)}


def same(report: dict, naive: dict) -> bool:
    days = {d: {i: n for i, n in c.items() if n} for d, c in report["by_day"].items()}
    return {d: c for d, c in days.items() if c} == naive["by_day"] and \
        {k: v for k, v in report["cross_region"].items() if v} == naive["cross_region"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="keep the built journal here (default: a temp dir under .cache/)")
    parser.add_argument("--month", default=None, help="the month measured (default: the middle)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1] / ".cache"
    root.mkdir(exist_ok=True)
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
        return measure(args.dir, args)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        return measure(Path(tmp), args)


def measure(directory: Path, args: argparse.Namespace) -> int:
    build(directory, args.entries)
    office = counter_office(OFFICE)
    with Journal.open(directory, "file", projections=PROJECTION_MODULES) as journal:
        head = journal.head()[0]
        first, last = (journal.query(f"SELECT device_time FROM entries WHERE seq = {s}")[0]
                       ["device_time"][:7] for s in (1, head))
        month = args.month or _middle(first, last)
        service = ReportService(journal, office_profile(office), office.name, "1")
        print(f"journal of {head} entries ({first} to {last}), month {month}, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        report = None
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            report = service.make("cli:bench", "monthly", {"month": month})
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        naive = replay(journal, month)
        naive_s = time.perf_counter() - started
        assert report is not None
        total = sum(report.data["items"].values())
        print(f"counter-app monthly report (projection)   first {times[0]:7.3f} s  "
              f"best {min(times):7.3f} s  ({total} cases counted)")
        print(f"baseline naive full replay of the journal       {naive_s:7.3f} s")
        print(f"figures equal: {same(report.data, naive)}")
        day = next(d for d, c in report.data["by_day"].items() if sum(c.values()))
        daily = []
        for _ in range(args.runs):
            started = time.perf_counter()
            closing = service.make("cli:bench", "daily", {"date": day})
            daily.append(time.perf_counter() - started)
        print(f"counter-app daily closing of {day}        first {daily[0]:7.3f} s  "
              f"best {min(daily):7.3f} s  ({closing.data['blanks']['issued']} blanks issued)")
    return 0


def _middle(first: str, last: str) -> str:
    a, b = date.fromisoformat(first + "-01"), date.fromisoformat(last + "-01")
    middle = a + (b - a) / 2
    return f"{middle.year:04d}-{middle.month:02d}"


if __name__ == "__main__":
    sys.exit(main())
