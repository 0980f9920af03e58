"""The monthly statistics (月报): per business item, per day, window and operator; the
cross-region cases as the pilots count them (州内/省内/跨省); foreign-related and HMT cases;
the age at marriage by band; the grounds of the refusals; and last month beside this one.

The JSON (docs/reports.md): {"month", "office", "items": {item: count}, "by_day":
{"YYYY-MM-DD": {item: count}}, "cross_region": {"州内", "省内", "跨省"}, "foreign_related",
"age_bands": {band: {"男", "女"}}} and, besides, "office_name", "hmt", "overseas_chinese",
"by_window", "by_operator", "refusal_grounds" and "previous" (last month's items and daily
totals, for the trend).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from counter_app.reports import facts
from counter_app.reports.days import month_days, parse_month, previous_month
from counter_app.reports.items import (AGE_BANDS, ITEMS, LEVELS, MARRIAGES, REFUSALS,
                                       REGISTRATIONS, SEX_ZH, age_band, category, region_level)
from counter_app.reports.model import Column, Definition, Source, Table
from forms.charts import ChartSpec, Series

CATEGORY_KEYS = {"foreign": "foreign_related", "hmt": "hmt",
                 "overseas_chinese": "overseas_chinese"}


def parse(params: dict[str, Any]) -> dict[str, Any]:
    """{"month": "YYYY-MM"} -> {"month": date of its first day}."""
    return {"month": parse_month(str(params.get("month", "")))}


def query(source: Source, params: dict[str, Any]) -> dict[str, Any]:
    first: date = params["month"]
    days = month_days(first)
    d0, d1 = days[0].isoformat(), days[-1].isoformat()
    counted = _counts(source, d0, d1, [d.isoformat() for d in days])
    data: dict[str, Any] = {"month": first.strftime("%Y-%m"), "office": source.office["code"],
                            "office_name": source.office_name, **counted}
    data.update(_registrations(source, d0, d1))
    data["refusal_grounds"] = _grounds(facts.events(source.journal, d0, d1, REFUSALS))
    data["by_window"] = _by_window(source, d0, d1, counted["items"])
    data["previous"] = _previous(source, first)
    return data


def _counts(source: Source, d0: str, d1: str, days: list[str]) -> dict[str, Any]:
    items = dict.fromkeys(ITEMS, 0)
    by_day = {d: dict.fromkeys(ITEMS, 0) for d in days}
    by_operator: dict[str, dict[str, int]] = {}
    for row in facts.item_counts(source.journal, d0, d1):
        items[row["item"]] += row["n"]
        by_day[row["day"]][row["item"]] += row["n"]
        by_operator.setdefault(row["operator"], dict.fromkeys(ITEMS, 0))[row["item"]] += row["n"]
    return {"items": items, "by_day": by_day, "by_operator": dict(sorted(by_operator.items()))}


def _registrations(source: Source, d0: str, d1: str) -> dict[str, Any]:
    """Cross-region, foreign-related/HMT and age counts over the month's registrations."""
    region = str(source.office.get("region_code", ""))
    events = facts.events(source.journal, d0, d1, REGISTRATIONS)
    parties = facts.parties(source.journal, (e.case_id for e in events))
    cross = dict.fromkeys(LEVELS, 0)
    kinds: Counter[str] = Counter()
    ages = {band: {"男": 0, "女": 0} for band in AGE_BANDS}
    for event in events:
        people = parties.get(event.case_id, [])
        level = region_level(region, [p["hukou"] for p in people])
        if level:
            cross[level] += 1
        for kind in {category(p["id_type"], p["nationality"]) for p in people} - {"mainland"}:
            kinds[kind] += 1
        if event.item in MARRIAGES:
            _ages(ages, people, date.fromisoformat(event.day))
    return {"cross_region": cross, **{key: kinds[kind] for kind, key in CATEGORY_KEYS.items()},
            "age_bands": ages}


def _ages(ages: dict[str, dict[str, int]], people: list[dict[str, Any]], on: date) -> None:
    for person in people:
        if person["birth_date"] and person["sex"] in SEX_ZH:
            band = age_band(date.fromisoformat(person["birth_date"]), on)
            ages[band][SEX_ZH[person["sex"]]] += 1


def _grounds(events: list[facts.Event]) -> list[dict[str, Any]]:
    """Each refusal ground with its legal basis and how often it was given, most often first
    (a refusal with two grounds counts for each). A ground is named by the rule's message up
    to its first colon: "男方未到法定婚龄：登记日 … 为 21 周岁 …" counts as 男方未到法定婚龄."""
    counted: Counter[tuple[str, str, str, str]] = Counter()
    for event in events:
        for ground in event.grounds or [{"message_zh": "", "basis": ""}]:
            text = (ground.get("message_zh") or "（未写明）").split("：")[0]
            counted[(event.item, ground.get("code") or "", text, ground.get("basis") or "")] += 1
    return [{"item": item, "code": code, "ground": ground, "basis": basis, "count": n}
            for (item, code, ground, basis), n in counted.most_common()]


def _by_window(source: Source, d0: str, d1: str, own: dict[str, int]) -> dict[str, Any]:
    """This window's counts, and the other windows' from their signed daily closings as the
    province returned them to this counter (a window never reads another's journal)."""
    windows: dict[str, dict[str, int]] = {source.window: dict(own)}
    for copy in facts.province_copies_between(source.journal, d0, d1):
        if copy["window"] == source.window:
            continue
        into = windows.setdefault(copy["window"], dict.fromkeys(ITEMS, 0))
        for item, n in (copy["closing"].get("items") or {}).items():
            if item in into:
                into[item] += int(n)
    return dict(sorted(windows.items(), key=lambda kv: (len(kv[0]), kv[0])))


def _previous(source: Source, first: date) -> dict[str, Any]:
    before = previous_month(first)
    days = month_days(before)
    items = dict.fromkeys(ITEMS, 0)
    totals = {str(d.day): 0 for d in days}
    for row in facts.item_counts(source.journal, days[0].isoformat(), days[-1].isoformat()):
        items[row["item"]] += row["n"]
        totals[str(int(row["day"][8:]))] += row["n"]
    return {"month": before.strftime("%Y-%m"), "items": items, "daily_totals": totals}


# --- layout: tables and charts from the data -----------------------------------------------

def tables(data: dict[str, Any]) -> list[Table]:
    return [_summary(data), _daily(data), _cross(data), _age_table(data),
            _per("by_window", "按窗口统计", "窗口", data),
            _per("by_operator", "按登记员统计", "工号", data), _refusals(data)]


def _summary(data: dict[str, Any]) -> Table:
    before = data["previous"]["items"]
    rows = tuple((item, n, before[item], n - before[item]) for item, n in data["items"].items())
    total = sum(data["items"].values())
    rows += (("合计", total, sum(before.values()), total - sum(before.values())),)
    return Table("summary", "业务量汇总", (
        Column("item", "事项", "text", 1.6), Column("count", f"本月（{data['month']}）"),
        Column("previous", f"上月（{data['previous']['month']}）"),
        Column("change", "增减")), rows)


def _daily(data: dict[str, Any]) -> Table:
    columns = (Column("day", "日期", "date", 1.5),
               *(Column(item, item) for item in data["items"]), Column("total", "合计"))
    rows = tuple((date.fromisoformat(day), *counts.values(), sum(counts.values()))
                 for day, counts in data["by_day"].items())
    totals = ("合计", *data["items"].values(), sum(data["items"].values()))
    return Table("by_day", "每日业务量", columns, rows + (totals,))


def _cross(data: dict[str, Any]) -> Table:
    rows = tuple((f"跨区域·{level}", n) for level, n in data["cross_region"].items())
    rows += (("涉外", data["foreign_related"]), ("涉港澳台", data["hmt"]),
             ("华侨", data["overseas_chinese"]))
    return Table("cross_region", "跨区域与涉外登记", (Column("kind", "类别", "text", 2.0),
                                               Column("count", "件数")), rows,
                 note="统计本月结婚、补办和离婚登记；双方户籍都不在本机关所在县（区）的为跨区域，"
                      "按离本机关最近的一方分为州内（同一州、市）、省内、跨省。")


def _age_table(data: dict[str, Any]) -> Table:
    rows = tuple((band, c["男"], c["女"], c["男"] + c["女"])
                 for band, c in data["age_bands"].items())
    return Table("age_bands", "结婚登记当事人年龄", (
        Column("band", "年龄（岁）", "text"), Column("man", "男"), Column("woman", "女"),
        Column("total", "合计")), rows)


def _per(key: str, title: str, who: str, data: dict[str, Any]) -> Table:
    columns = (Column("who", who, "text", 1.4), *(Column(i, i) for i in ITEMS),
               Column("total", "合计"))
    rows = tuple((name, *counts.values(), sum(counts.values()))
                 for name, counts in data[key].items())
    return Table(key, title, columns, rows)


def _refusals(data: dict[str, Any]) -> Table:
    rows = tuple((g["item"], g["ground"], g["basis"], g["count"])
                 for g in data["refusal_grounds"])
    return Table("refusal_grounds", "不予受理、不予登记的理由", (
        Column("item", "事项", "text", 1.0), Column("ground", "理由", "text", 3.0),
        Column("basis", "法律依据", "text", 2.5), Column("count", "件数", "int", 0.6)), rows)


def charts(data: dict[str, Any]) -> list[ChartSpec]:
    shown = [i for i, n in data["items"].items() if n] or list(ITEMS[:1])
    days = list(data["by_day"])
    per_day = ChartSpec("per_day", "每日各事项业务量", "stacked",
                        tuple(str(int(d[8:])) for d in days),
                        tuple(Series(i, tuple(float(data["by_day"][d][i]) for d in days))
                              for i in shown))
    split = ChartSpec("split", "本月各事项构成", "pie", tuple(shown),
                      (Series("件数", tuple(float(data["items"][i]) for i in shown)),))
    return [per_day, split, _trend(data)]


def _trend(data: dict[str, Any]) -> ChartSpec:
    this = {str(int(d[8:])): sum(c.values()) for d, c in data["by_day"].items()}
    last = data["previous"]["daily_totals"]
    length = max(len(this), len(last))
    categories = tuple(str(n) for n in range(1, length + 1))
    return ChartSpec("trend", "与上月对比（每日合计）", "line", categories, (
        Series(f"本月 {data['month']}", tuple(float(this.get(c, 0)) for c in categories)),
        Series(f"上月 {data['previous']['month']}",
               tuple(float(last.get(c, 0)) for c in categories))))


MONTHLY = Definition(
    key="monthly", title="婚姻登记业务月报", action="reports.view", parse=parse, query=query,
    tables=tables, charts=charts,
    subtitle=lambda d: f"{d['office_name']}　{d['month'][:4]}年{d['month'][5:]}月",
    file_stem=lambda d: f"monthly-{d['month']}")
