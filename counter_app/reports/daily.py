"""The daily closing (日结) of a window: the day's cases by item and state, registrations and
refusals with their grounds, the 字号 used (first to last, any skipped one named), the blank
booklets received, issued, voided (with reasons), reprinted and left, reconciled so that every
印制号 is accounted for and any gap is named, and the outbox.

A closing is signed off by a registrar and countersigned by a supervisor (closing.py); a
signed closing is shown as it was signed, with the entries dated that day but written after
the signature listed beside it (``after_sign_off``), and those entries are flagged on the next
closing (``flagged``) until a signed closing has listed them. Another window's closing is the
one the province returned to this counter (``--window N``): a window never reads another
window's journal.

JSON (docs/reports.md): {"date", "office", "items": {item: count}, "registrations",
"refusals", "numbers": {"first", "last", "count", "gaps": []}, "blanks": {"received",
"issued", "voided", "reprinted", "left", "unaccounted": []}, "signed_off_by": []} and,
besides, "window", "office_name", "states", "outbox", "flagged", "after_sign_off".
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from counter_app.cases.service import CaseService
from counter_app.domain.cases import STATE_ZH
from counter_app.numbering.certno import PREFIX_ZH, PrintNo, parse_certno, parse_printno
from counter_app.reports import facts
from counter_app.reports.days import ReportInputError, parse_day
from counter_app.reports.items import CASE_TYPE_ITEM_ZH, ITEMS, REFUSALS, REGISTRATIONS
from counter_app.reports.model import Column, Definition, Source, Table
from counter_app.reports.monthly import _grounds
from forms.charts import ChartSpec, Series

CERTIFICATE_ZH = {"marriage": "结婚证", "divorce": "离婚证"}
ROLE_ZH = {"registrar": "登记员", "supervisor": "负责人"}
SENT_UNSETTLED = "已送打印机，但没有确认发出也没有作废"
SKIPPED = "比已用印制号小却未使用（漏用或遗失），请清点实物"
_WINDOW = re.compile(r"[0-9A-Za-z-]{1,12}")


def parse(params: dict[str, Any]) -> dict[str, Any]:
    """{"date": "YYYY-MM-DD", "window": N (optional)}."""
    window = params.get("window")
    if window is not None and not _WINDOW.fullmatch(str(window).strip()):
        raise ReportInputError(f"窗口号“{window}”不对，请写窗口的编号，例如 2。",
                               detail=f"bad window {window!r}")
    return {"date": parse_day(str(params.get("date", ""))),
            "window": None if window is None else str(window).strip()}


def query(source: Source, params: dict[str, Any]) -> dict[str, Any]:
    day: date = params["date"]
    window = params.get("window") or source.window
    if window != source.window:
        return province_copy(source, day.isoformat(), window)
    return own_closing(source, day.isoformat())


def own_closing(source: Source, day: str) -> dict[str, Any]:
    """This window's closing of ``day``: as signed, or as the journal has it now."""
    rows = facts.signoffs(source.journal, day, source.window)
    signed = next((r for r in rows if r["role"] == "registrar"), None)
    if signed is not None:
        data = dict(signed["closing"])
        data["after_sign_off"] = [_flag(r) for r in facts.later_rows(
            source.journal, day, signed["through_seq"])]
    else:
        data = compute(source, day)
        data["after_sign_off"] = []
    data["signed_off_by"] = _signers(source, rows)
    return data


def province_copy(source: Source, day: str, window: str) -> dict[str, Any]:
    """Window ``window``'s signed closing of ``day`` as the province returned it."""
    for copy in facts.province_copies(source.journal, day):
        if copy["window"] == window:
            return {**copy["closing"], "signed_off_by": copy["signed_off_by"],
                    "after_sign_off": []}
    raise ReportInputError(f"没有 {window} 号窗口 {day} 的日结：该窗口尚未签字上报，或本机还没有从省级"
                           "系统取回（请联网后在报表页面按“取回各窗口日结”）。",
                           code="reports.no_closing", detail=f"no copy {window} {day}")


def compute(source: Source, day: str) -> dict[str, Any]:
    """The closing of ``day`` from the journal as it is now (what a registrar signs)."""
    events = facts.events(source.journal, day, day)
    items = dict.fromkeys(ITEMS, 0)
    for event in events:
        items[event.item] += 1
    refusals = [e for e in events if e.item in REFUSALS]
    return {"date": day, "office": source.office["code"], "office_name": source.office_name,
            "window": source.window, "items": items, "states": _states(source, events),
            "registrations": sum(1 for e in events if e.item in REGISTRATIONS),
            "refusals": {"count": len(refusals), "grounds": _grounds(refusals)},
            "numbers": numbers(source, day), "blanks": blanks(source, day),
            "outbox": _outbox(source), "flagged": flagged(source, day)}


def _states(source: Source, events: list[facts.Event]) -> dict[str, dict[str, int]]:
    """The cases that moved that day, by business and where they stand now."""
    cases = CaseService(source.journal)
    counted: dict[str, Counter[str]] = {}
    for case_id in dict.fromkeys(e.case_id for e in events):
        case = cases.state(case_id)
        if case is not None:
            kind = CASE_TYPE_ITEM_ZH.get(case.case_type, case.case_type)
            counted.setdefault(kind, Counter())[STATE_ZH.get(case.state, case.state)] += 1
    return {kind: dict(sorted(c.items())) for kind, c in sorted(counted.items())}


def numbers(source: Source, day: str) -> dict[str, Any]:
    """The 字号 on the blanks issued that day: first and last in order of use, per series
    (prefix, region, year) the lowest and highest, and every number between them of the
    series not used on or before that day (a gap)."""
    issued = [r for r in facts.blank_events(source.journal, day, day)
              if r["event"] == "issued" and r["number"]]
    used = list(dict.fromkeys(r["number"] for r in issued))
    by_series: dict[tuple[str, str, int], list[int]] = {}
    for number in used:
        cert = parse_certno(number)
        by_series.setdefault((cert.prefix, cert.division_code, cert.year), []).append(cert.serial)
    series, gaps = [], []
    for (prefix, division, year), serials in sorted(by_series.items()):
        low, high = min(serials), max(serials)
        name = f"{prefix}{division}-{year}"
        known = facts.numbers_used_between(source.journal, f"{name}-{low:06d}",
                                           f"{name}-{high:06d}", day)
        missing = [f"{name}-{s:06d}" for s in range(low, high + 1)
                   if f"{name}-{s:06d}" not in known]
        series.append({"series": name, "kind": PREFIX_ZH[prefix], "first": f"{name}-{low:06d}",
                       "last": f"{name}-{high:06d}", "count": len(serials), "gaps": missing})
        gaps += missing
    return {"first": used[0] if used else None, "last": used[-1] if used else None,
            "count": len(used), "gaps": gaps, "series": series}


def blanks(source: Source, day: str) -> dict[str, Any]:
    """The blank booklets of the day, reconciled: opening + received = issued + voided +
    left, per certificate and in all; every 印制号 not accounted for is named."""
    rows = facts.blank_events(source.journal, day, day)
    voided_numbers = _voids_by_number(source, rows)
    per: dict[str, dict[str, int]] = {}
    for certificate in ("marriage", "divorce"):
        mine = [r for r in rows if r["certificate"] == certificate]
        per[certificate] = _balance(mine, facts.blank_totals_before(
            source.journal, day, certificate), voided_numbers)
    total = {k: sum(p[k] for p in per.values()) for k in per["marriage"]}
    voids = [{"certificate": r["certificate"], "serial": r["serial"], "reason": r["reason"],
              "case_id": r["case_id"], "operator": r["operator"]}
             for r in rows if r["event"] == "voided"]
    return {**total, "unaccounted": unaccounted(source, day), "void_reasons": voids,
            "by_certificate": per}


def _voids_by_number(source: Source, rows: list[dict[str, Any]]) -> dict[tuple, int]:
    """(case, 字号, holder) -> the seq of the first blank voided for it: a later issue of the
    same holder's booklet is a reprint."""
    wanted = {r["number"] for r in rows if r["event"] == "issued" and r["number"]}
    return facts.first_voids(source.journal, wanted)


def _balance(rows: list[dict[str, Any]], before: dict[str, int],
             voids: dict[tuple, int]) -> dict[str, int]:
    opening = before.get("received", 0) - before.get("issued", 0) - before.get("voided", 0)
    received = sum(r["count"] for r in rows if r["event"] == "received")
    issued = [r for r in rows if r["event"] == "issued"]
    voided = sum(1 for r in rows if r["event"] == "voided")
    reprinted = sum(1 for r in issued
                    if voids.get((r["case_id"], r["number"], r["holder"]), r["seq"]) < r["seq"])
    return {"opening": opening, "received": received, "issued": len(issued), "voided": voided,
            "reprinted": reprinted, "left": opening + received - len(issued) - voided}


def unaccounted(source: Source, day: str) -> list[dict[str, str]]:
    """Every 印制号 whose whereabouts the ledger cannot say at the end of ``day``: sent to the
    printer but neither confirmed nor voided (as the ledger stands now: a signed closing keeps
    what it said when signed), or left unused below a used one of its range."""
    found = [{"certificate": r["certificate"], "serial": r["serial"], "reason": SENT_UNSETTLED}
             for r in facts.unsettled_sent(source.journal, day)]
    sent = {(f["certificate"], f["serial"]) for f in found}
    for rng in facts.ranges_through(source.journal, day):
        for serial in _skipped(source, rng, day):
            if (rng["certificate"], serial) not in sent:
                found.append({"certificate": rng["certificate"], "serial": serial,
                              "reason": SKIPPED})
    return found


def _skipped(source: Source, rng: dict[str, Any], day: str) -> list[str]:
    """The unused 印制号 of a range below its highest used one (none in the usual case, where
    the range is used from its start without a hole: checked by a count, not a scan)."""
    first = parse_printno(rng["first"])
    count, top = facts.settled_in(source.journal, rng["certificate"], rng["first"],
                                  rng["last"], day)
    if top is None or count == parse_printno(top).number - first.number + 1:
        return []
    taken = facts.settled_serials_in(source.journal, rng["certificate"], rng["first"], top, day)
    serials = (str(PrintNo(first.prefix, n, first.width))
               for n in range(first.number, parse_printno(top).number))
    return [s for s in serials if s not in taken]


def flagged(source: Source, day: str) -> list[dict[str, Any]]:
    """Entries dated a signed-off day before ``day`` but written after its signature, that no
    signed closing has listed yet."""
    signed = facts.signed_days(source.journal, source.window, day)
    listed = {f["seq"] for s in signed for f in (s["closing"] or {}).get("flagged", [])}
    return [_flag(r) for s in signed
            for r in facts.later_rows(source.journal, s["day"], s["through_seq"])
            if r["seq"] not in listed]


def _flag(row: dict[str, Any]) -> dict[str, Any]:
    return {"seq": row["seq"], "day": row["day"], "what": row["what"],
            "case_id": row["case_id"], "operator": row["operator"]}


def _outbox(source: Source) -> dict[str, Any] | None:
    status = source.outbox()
    if status is None:
        return None
    keys = ("enrolled", "pending_entries", "pending_attachments", "pending_attachment_bytes",
            "last_success", "last_error")
    return {k: status.get(k) for k in keys}


def _signers(source: Source, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = source.operator_names()
    return [{"operator_id": r["operator"], "name": names.get(r["operator"], ""),
             "role": r["role"], "at": r["at"], "sha256": r["sha256"]} for r in rows]


# --- layout --------------------------------------------------------------------------------

def tables(data: dict[str, Any]) -> list[Table]:
    return [t for t in (_items(data), _state_table(data), _refusal_table(data),
                        _number_table(data), _blank_table(data), _void_table(data),
                        _unaccounted_table(data), _signature_table(data),
                        _flag_table("flagged", "以前日结签字后补记的记录（须说明）", data["flagged"]),
                        _flag_table("after_sign_off", "本日签字后又记入的记录",
                                    data.get("after_sign_off", [])))
            if t is not None]


def _items(data: dict[str, Any]) -> Table:
    rows = tuple((item, n) for item, n in data["items"].items())
    rows += (("登记合计（结婚、补办、离婚登记）", data["registrations"]),
             ("不予受理、不予登记合计", data["refusals"]["count"]))
    return Table("items", "业务量", (Column("item", "事项", "text", 2.5), Column("count", "件数")),
                 rows)


def _state_table(data: dict[str, Any]) -> Table:
    rows = tuple((kind, state, n) for kind, states in data["states"].items()
                 for state, n in states.items())
    return Table("states", "当日办理的业务目前所处状态", (
        Column("kind", "业务", "text", 1.5), Column("state", "状态", "text", 1.5),
        Column("count", "件数")), rows)


def _refusal_table(data: dict[str, Any]) -> Table:
    rows = tuple((g["item"], g["ground"], g["basis"], g["count"])
                 for g in data["refusals"]["grounds"])
    return Table("refusals", "不予受理、不予登记的理由", (
        Column("item", "事项", "text", 1.0), Column("ground", "理由", "text", 3.0),
        Column("basis", "法律依据", "text", 2.5), Column("count", "件数", "int", 0.6)), rows)


def _number_table(data: dict[str, Any]) -> Table:
    rows = tuple((s["kind"], s["first"], s["last"], s["count"], "、".join(s["gaps"]) or "无")
                 for s in data["numbers"]["series"])
    return Table("numbers", "使用的证书字号", (
        Column("kind", "证书", "text", 1.0), Column("first", "起号", "text", 2.0),
        Column("last", "止号", "text", 2.0), Column("count", "件数", "int", 0.6),
        Column("gaps", "跳号", "text", 2.0)), rows,
        note=f"当日首号 {data['numbers']['first'] or '无'}，末号 {data['numbers']['last'] or '无'}。")


def _blank_table(data: dict[str, Any]) -> Table:
    keys = ("opening", "received", "issued", "voided", "reprinted", "left")
    per = data["blanks"]["by_certificate"]
    rows = tuple((CERTIFICATE_ZH[c], *(per[c][k] for k in keys)) for c in per)
    rows += (("合计", *(data["blanks"][k] for k in keys)),)
    return Table("blanks", "空白证核对", (
        Column("certificate", "证书", "text"), Column("opening", "上日结存"),
        Column("received", "本日入库"), Column("issued", "本日发出"), Column("voided", "本日作废"),
        Column("reprinted", "其中重印"), Column("left", "本日结存")), rows,
        note="上日结存 + 本日入库 = 本日发出 + 本日作废 + 本日结存；重印为作废后重新打印的证书，已计入发出。")


def _void_table(data: dict[str, Any]) -> Table:
    rows = tuple((CERTIFICATE_ZH.get(v["certificate"], v["certificate"]), v["serial"],
                  v["reason"], v["operator"]) for v in data["blanks"]["void_reasons"])
    return Table("voided", "作废的空白证", (
        Column("certificate", "证书", "text"), Column("serial", "印制号", "text", 1.5),
        Column("reason", "作废原因", "text", 2.0), Column("operator", "操作员", "text")), rows)


def _unaccounted_table(data: dict[str, Any]) -> Table:
    rows = tuple((CERTIFICATE_ZH.get(u["certificate"], u["certificate"]), u["serial"],
                  u["reason"]) for u in data["blanks"]["unaccounted"])
    return Table("unaccounted", "未核清的印制号", (
        Column("certificate", "证书", "text"), Column("serial", "印制号", "text", 1.5),
        Column("reason", "说明", "text", 3.5)), rows,
        note="没有未核清的印制号。" if not rows else "以上印制号须清点实物并说明。")


def _signature_table(data: dict[str, Any]) -> Table:
    rows = tuple((ROLE_ZH.get(s["role"], s["role"]), s["operator_id"], s.get("name", ""),
                  s["at"]) for s in data["signed_off_by"])
    return Table("signed_off_by", "签字", (
        Column("role", "签字人", "text"), Column("operator", "工号", "text"),
        Column("name", "姓名", "text"), Column("at", "时间（UTC）", "text", 2.0)), rows,
        note="尚未签字。" if not rows else "")


def _flag_table(key: str, title: str, rows_in: list[dict[str, Any]]) -> Table | None:
    if not rows_in:
        return None
    rows = tuple((date.fromisoformat(r["day"]), r["seq"], r["what"], r["case_id"] or "",
                  r["operator"]) for r in rows_in)
    return Table(key, title, (
        Column("day", "所属日期", "date"), Column("seq", "记录序号"),
        Column("what", "事项", "text"), Column("case", "业务编号", "text", 2.0),
        Column("operator", "操作员", "text")), rows)


def charts(data: dict[str, Any]) -> list[ChartSpec]:
    items = tuple(data["items"])
    return [ChartSpec("items", "当日各事项业务量", "bars", items,
                      (Series("件数", tuple(float(data["items"][i]) for i in items)),))]


DAILY = Definition(
    key="daily", title="婚姻登记窗口日结", action="closing.view", parse=parse, query=query,
    tables=tables, charts=charts,
    subtitle=lambda d: f"{d.get('office_name', d['office'])}　{d.get('window', '')}号窗口　"
                       f"{d['date'][:4]}年{d['date'][5:7]}月{d['date'][8:]}日",
    file_stem=lambda d: f"daily-{d['date']}-w{d.get('window', '')}")
