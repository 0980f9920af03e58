"""What the demo seed will do, day by day, decided before anything is written (pure and
deterministic for a given ``--seed``): who comes, for what, and how each case ends.

The shares are those a county office sees (PRODUCT.md §1, the seeds): about six marriages
for two divorce applications and one reissue; peak days (5月20日, 2月14日) bring four times
the usual number; nobody comes on a day off (the holiday calendar). Couples from other
counties come in the share the office's rules let it serve (about one in seven, as the
pilots' figures show, seed 002): each candidate couple is judged by the rules in force that
day and replaced by a local couple when the office could not take them; foreign and HMT
couples come only to offices designated for them. Of the divorce applications, most complete
after the cooling-off period, some are withdrawn and some lapse (视为撤回).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from counter_app.domain.party import Applicant, Party
from counter_app.rules.calendar import CalendarError, divorce_periods, is_working_day
from counter_app.rules.caseinput import CaseInput, parse_office
from counter_app.rules.evaluator import evaluate
from counter_app.seed.people import People, hukou_for

#: Business of a usual day, by share.
KINDS = (("marriage", 0.62), ("divorce", 0.24), ("reissue", 0.14))
#: How marriages end (the rest register cleanly).
UNDERAGE, INVOLUNTARY, BLOCKED = 0.02, 0.01, 0.02
CROSS_REGION = 0.15
LEVEL_SHARE = (("州内", 0.5), ("省内", 0.2), ("跨省", 0.3))
FOREIGN, HMT = 0.025, 0.015
WITHDRAW, LAPSE = 0.15, 0.15
SPOIL = 0.04   # a booklet spoiled in the printer (voided, printed again)
SPOIL_REASONS = ("卡纸", "打印错位", "墨迹污损", "内页破损")
PEAK_DAYS = ((5, 20), (2, 14))
LATE = 0.05   # a day whose last couple is served after the closing was signed
MAN_AGES = ((22, 24, 0.16), (25, 29, 0.40), (30, 34, 0.24), (35, 39, 0.10), (40, 49, 0.06),
            (50, 59, 0.03), (60, 70, 0.01))


@dataclass
class Case:
    """One planned case: its kind, the people, and how it goes."""

    kind: str
    operator: str
    parties: list[dict[str, Any]]
    ending: str = "registered"   # registered | underage | involuntary | blocked | withdraw |
    #                              lapse | complete | issued
    then: date | None = None     # a divorce's withdrawal or completion day
    spoil: list[str] = field(default_factory=list)   # reasons, one per spoiled booklet
    late: bool = False           # handled after the day's closing was signed


@dataclass
class Plan:
    """Every day's new cases and the divorces coming back, and who the province must know
    as married (divorcing couples, and the blocked marriages' parties)."""

    days: list[date]
    new: dict[date, list[Case]] = field(default_factory=dict)
    back: dict[date, list[Case]] = field(default_factory=dict)
    married: list[str] = field(default_factory=list)
    archive: list[dict[str, Any]] = field(default_factory=list)


def make_plan(office: dict[str, Any], start: date, days: int, per_day: int,
              seed: int) -> Plan:
    rng = random.Random(seed)
    people = People.seeded(rng)
    plan = Plan([start + timedelta(days=n) for n in range(days)])
    for day in plan.days:
        if not _open(day):
            continue
        count = max(0, round(rng.gauss(per_day, per_day * 0.2)))
        if (day.month, day.day) in PEAK_DAYS:
            count *= 4
        plan.new[day] = [_case(rng, people, office, day, plan) for _ in range(count)]
        if plan.new[day] and rng.random() < LATE:
            plan.new[day][-1].late = True
    return plan


def _open(day: date) -> bool:
    if (day.month, day.day) in PEAK_DAYS:
        return True   # offices open on 520 and Valentine's day even at a weekend
    try:
        return is_working_day(day)
    except CalendarError:
        return day.weekday() < 5


def _weighted(rng: random.Random, choices: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _operator(rng: random.Random) -> str:
    return _weighted(rng, (("demo", 0.7), ("demo2", 0.3)))


def _case(rng: random.Random, people: People, office: dict[str, Any], day: date,
          plan: Plan) -> Case:
    kind = _weighted(rng, KINDS)
    if kind == "marriage":
        return _marriage(rng, people, office, day, plan)
    if kind == "divorce":
        return _divorce(rng, people, office, day, plan)
    return _reissue(rng, people, day, plan)


def _ages(rng: random.Random) -> tuple[int, int]:
    low, high, _ = rng.choices(MAN_AGES, [w for *_, w in MAN_AGES])[0]
    man = rng.randint(low, high)
    return man, max(20, min(75, round(man + rng.gauss(-2, 3))))


def _spoils(rng: random.Random, booklets: int) -> list[str]:
    return [rng.choice(SPOIL_REASONS) for _ in range(booklets) if rng.random() < SPOIL]


def _marriage(rng: random.Random, people: People, office: dict[str, Any], day: date,
              plan: Plan) -> Case:
    man_age, woman_age = _ages(rng)
    roll = rng.random()
    ending = "underage" if roll < UNDERAGE else "involuntary" if roll < UNDERAGE + INVOLUNTARY \
        else "blocked" if roll < UNDERAGE + INVOLUNTARY + BLOCKED else "registered"
    if ending == "underage":
        man_age = rng.choice((20, 21))
    couple = _couple(rng, people, office, day, man_age, woman_age)
    if ending == "blocked":
        plan.married.append(couple[1]["id_number"])
    return Case("marriage", _operator(rng), couple, ending, spoil=_spoils(rng, 2))


def _couple(rng: random.Random, people: People, office: dict[str, Any], day: date,
            man_age: int, woman_age: int) -> list[dict[str, Any]]:
    """A couple from the office's own county, unless chance brings one from elsewhere that
    the office's rules let it serve that day."""
    region = office["region_code"]
    births = (people.birth(man_age, day), people.birth(woman_age, day))
    roll = rng.random()
    candidate = None
    if office.get("foreign_designated") and roll < FOREIGN + HMT:
        foreign_side = rng.choice(("male", "female"))
        make = people.foreigner if roll < FOREIGN else people.hmt
        candidate = [make(sex, birth, day) if sex == foreign_side
                     else people.resident(sex, birth, region, day)
                     for sex, birth in zip(("male", "female"), births)]
    elif rng.random() < CROSS_REGION:
        level = _weighted(rng, LEVEL_SHARE)
        far = ("州内", "省内", "跨省")[rng.randrange(("州内", "省内", "跨省").index(level), 3)]
        hukous = rng.sample([hukou_for(rng, region, level), hukou_for(rng, region, far)], 2)
        candidate = [people.resident(sex, birth, hukou, day)
                     for sex, birth, hukou in zip(("male", "female"), births, hukous)]
    if candidate is not None and _accepted(office, candidate, day):
        return candidate
    return [people.resident(sex, birth, region, day)
            for sex, birth in zip(("male", "female"), births)]


def _accepted(office: dict[str, Any], couple: list[dict[str, Any]], day: date) -> bool:
    """Whether the rules in force on ``day`` let the office take this couple's marriage."""
    applicants = tuple(Applicant(role, Party.from_record(p), voluntary=True,
                                 kinship_declared_none=True)
                       for role, p in zip(("man", "woman"), couple))
    decision = evaluate(CaseInput("marriage", day, parse_office(office), applicants))
    return all(r.outcome == "note" or r.code == "check.marital_status_unchecked"
               for r in decision.reasons)


def _divorce(rng: random.Random, people: People, office: dict[str, Any], day: date,
             plan: Plan) -> Case:
    man_age = rng.randint(27, 58)
    couple = [people.resident(sex, people.birth(age, day), office["region_code"], day)
              for sex, age in (("male", man_age), ("female", max(22, man_age - rng.randint(0, 4))))]
    plan.married.extend(p["id_number"] for p in couple)
    roll = rng.random()
    ending = "withdraw" if roll < WITHDRAW else "lapse" if roll < WITHDRAW + LAPSE else "complete"
    case = Case("divorce", _operator(rng), couple, ending, spoil=_spoils(rng, 2))
    periods = divorce_periods(day)
    if ending == "withdraw":
        case.then = _working_between(rng, day + timedelta(days=3), periods.withdrawal_deadline)
    elif ending == "complete":
        case.then = _working_between(rng, periods.issuance_from,
                                     min(periods.issuance_until,
                                         periods.issuance_from + timedelta(days=12)))
    if case.then is not None:
        plan.back.setdefault(case.then, []).append(case)
    return case


def _working_between(rng: random.Random, first: date, last: date) -> date | None:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    working = [d for d in days if _open(d) and (d.month, d.day) not in PEAK_DAYS]
    return rng.choice(working) if working else None


def _reissue(rng: random.Random, people: People, day: date, plan: Plan) -> Case:
    """A party of an old registration (1985-2004) come for a lost or damaged certificate; the
    registration is put into the archive the seed imports."""
    year = rng.randint(1985, 2004)
    registered = date(year, rng.randint(1, 12), rng.randint(1, 28))
    man_age_then, woman_age_then = _ages(rng)
    hukou = "110105" if rng.random() < 0.7 else rng.choice(("110101", "110102", "110106"))
    couple = [people.resident(sex, people.birth(age, registered), hukou, day)
              for sex, age in (("male", max(22, man_age_then)), ("female", woman_age_then))]
    plan.archive.append({"date": registered, "couple": couple, "serial": len(plan.archive) + 1,
                         "division": hukou})
    applicant = rng.choice(couple)
    case = Case("reissue", _operator(rng), [applicant], "issued", spoil=_spoils(rng, 1))
    case.then = registered   # the original registration's date finds its archive record
    return case
