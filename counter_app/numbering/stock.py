"""Blank certificate stock by 印制号 (journal-backed): receive, issue, void, reconcile.

Printing protocol for the forms/printing code (keep to it and no blank or number is lost):

1. ``alloc = blocks.allocate_number(j, case_id=..., prefix="J", division_code=..., year=...,
   operator=...)`` — the case's 字号 (the same one again on a reprint).
2. ``serial = next_blank(j, "marriage")`` — the 印制号 expected in the printer (the registrar
   may type the one actually loaded instead).
3. Print. Nothing is recorded if the print fails before paper is used: no blank and no number
   is consumed.
4. The registrar looks at the result and confirms:
   - printed right → ``issue_blank(j, certificate="marriage", serial=serial, case_id=...,
     certificate_number=alloc.number, operator=...)``; the number becomes ``used``;
   - spoiled (misprint, jam, smudge) → ``void_blank(j, certificate="marriage", serial=serial,
     reason="打印错位", operator=..., case_id=..., certificate_number=alloc.number)``; then
     reprint from step 2 — step 1 returns the same 字号.
5. A voided blank is never issued again; ``reconcile(j)`` shows every blank of every range as
   unused, issued or voided (with who, when and why) for the 作废证书上交 report.

Each blank has one entry id for both issue and void (``stock.blank:{certificate}:{serial}``),
so two racing writers cannot both issue, or issue and void, the same blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from counter_app.journal import Entry, Journal
from counter_app.journal.errors import EntryIdConflictError
from counter_app.numbering.certno import CERTIFICATES, PrintNo, parse_printno, printno_range
from counter_app.numbering.errors import BlankStateError
from counter_app.numbering.kinds import (KIND_STOCK_BLANK_ISSUED, KIND_STOCK_BLANK_VOIDED,
                                         KIND_STOCK_RANGE_RECEIVED)
from counter_app.operators import require
from counter_app.operators.approvals import approver_for

CERT_ZH = {"marriage": "结婚证", "divorce": "离婚证"}


def _cert(certificate: str) -> str:
    if certificate not in CERTIFICATES:
        raise BlankStateError(f"证书类别应为 marriage 或 divorce，实际为 {certificate!r}。")
    return certificate


def receive_range(journal: Journal, *, range_id: str, certificate: str, first: str, last: str,
                  operator: str, source: str = "manual") -> Entry:
    """Record a range of blank booklets received by hand (a supervisor's act; the sync
    service writes the province's ranges as the same entry kind)."""
    require(journal, operator, "numbers.receive", record=range_id)
    a, b = printno_range(first, last)
    if source not in ("server", "manual"):
        raise BlankStateError(f"来源应为 server 或 manual，实际为 {source!r}。")
    _check_overlap(journal, _cert(certificate), a, b, range_id)
    payload = {"range_id": range_id, "certificate": certificate, "first": str(a),
               "last": str(b), "source": source}
    return journal.append(KIND_STOCK_RANGE_RECEIVED, payload, operator=operator,
                          entry_id=f"stock.range_received:{range_id}")


def _check_overlap(journal: Journal, certificate: str, a: PrintNo, b: PrintNo,
                   range_id: str) -> None:
    rows = journal.query(
        "SELECT range_id, first, last FROM stock_ranges WHERE certificate = ? AND prefix = ? "
        "AND width = ? AND first_n <= ? AND last_n >= ? AND range_id != ?",
        [certificate, a.prefix, a.width, b.number, a.number, range_id])
    if rows:
        r = rows[0]
        raise BlankStateError(f"印制号段 {a}—{b} 与已登记的号段 {r['first']}—{r['last']} 重叠。",
                              detail=f"overlaps range {r['range_id']}")


def _range_of(journal: Journal, certificate: str, serial: PrintNo) -> dict:
    rows = journal.query(
        "SELECT * FROM stock_ranges WHERE certificate = ? AND prefix = ? AND width = ? "
        "AND first_n <= ? AND last_n >= ? ORDER BY seq LIMIT 1",
        [certificate, serial.prefix, serial.width, serial.number, serial.number])
    if not rows:
        raise BlankStateError(
            f"印制号 {serial} 不在本机已登记的{CERT_ZH[certificate]}空白证号段内，请核对证书内页的印制号。",
            detail=f"{certificate} {serial} not in any range")
    return rows[0]


def blank_state(journal: Journal, certificate: str, serial: str) -> dict | None:
    """The recorded row of a blank (``None`` when unused)."""
    rows = journal.query("SELECT * FROM stock_blanks WHERE certificate = ? AND serial = ?",
                         [certificate, str(parse_printno(serial))])
    return rows[0] if rows else None


def issued_blanks(journal: Journal, case_id: str) -> list[dict]:
    """The blanks issued to ``case_id`` (holder, serial, certificate, certificate_number), in
    the order they were issued: the read API of the stock_blanks projection for cases."""
    return journal.query("SELECT holder, serial, certificate, certificate_number FROM "
                         "stock_blanks WHERE case_id = ? AND status = 'issued' ORDER BY seq",
                         [case_id])


def issued_counts(journal: Journal) -> dict[str, int]:
    """How many blanks are issued to each case that has one (case_id -> count), for lists of
    cases that would otherwise ask :func:`issued_blanks` once per case."""
    return {r["case_id"]: r["n"] for r in journal.query(
        "SELECT case_id, count(*) AS n FROM stock_blanks WHERE status = 'issued' "
        "AND case_id IS NOT NULL GROUP BY case_id")}


def unused_counts(journal: Journal) -> dict[str, int]:
    """Blanks never issued nor voided in the ranges received, per certificate kind that has a
    range (certificate -> count), for `counter-app doctor`."""
    totals = {r["certificate"]: int(r["n"]) for r in journal.query(
        "SELECT certificate, SUM(last_n - first_n + 1) AS n FROM stock_ranges "
        "GROUP BY certificate")}
    used = {r["certificate"]: int(r["n"]) for r in journal.query(
        "SELECT b.certificate, COUNT(*) AS n FROM stock_blanks b JOIN stock_ranges r "
        "ON b.range_id = r.range_id GROUP BY b.certificate")}
    return {cert: total - used.get(cert, 0) for cert, total in totals.items()}


def next_blank(journal: Journal, certificate: str) -> str | None:
    """The lowest unused 印制号 of the oldest range that has one, or None when none is left."""
    for r in journal.query("SELECT * FROM stock_ranges WHERE certificate = ? ORDER BY seq",
                           [_cert(certificate)]):
        used = {row["serial"] for row in journal.query(
            "SELECT serial FROM stock_blanks WHERE certificate = ? AND range_id = ?",
            [certificate, r["range_id"]])}
        for n in range(r["first_n"], r["last_n"] + 1):
            serial = str(PrintNo(r["prefix"], n, r["width"]))
            if serial not in used:
                return serial
    return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record(journal: Journal, kind: str, certificate: str, serial: str, operator: str,
            case_id: str | None, extra: dict) -> Entry:
    serial_no = parse_printno(serial)
    rng = _range_of(journal, _cert(certificate), serial_no)
    state = blank_state(journal, certificate, serial)
    if state is not None:
        what = "已作废" if state["status"] == "voided" else "已使用"
        raise BlankStateError(f"{CERT_ZH[certificate]}空白证 {serial_no} {what}，不能再次使用或作废。",
                              detail=f"{certificate} {serial_no} already {state['status']}")
    payload = {"certificate": certificate, "serial": str(serial_no), "range_id": rng["range_id"],
               "who": operator, "when": extra.pop("when", None) or _now()} | extra
    try:
        return journal.append(kind, payload, operator=operator, case_id=case_id,
                              entry_id=f"stock.blank:{certificate}:{serial_no}")
    except EntryIdConflictError:
        raise BlankStateError(f"{CERT_ZH[certificate]}空白证 {serial_no} 刚被另一操作使用或作废。",
                              detail=f"race on {certificate} {serial_no}") from None


#: A couple's certificate is printed twice (one booklet each) under the same 字号.
BOOKLETS_PER_NUMBER = 2


def issue_blank(journal: Journal, *, certificate: str, serial: str, case_id: str,
                certificate_number: str, operator: str, when: str | None = None,
                holder: str | None = None) -> Entry:
    """Record that the certificate was printed right on blank ``serial`` (registrar confirmed).

    A 字号 may be on at most two issued blanks (the man's and the woman's booklet); with
    ``holder`` ("man" | "woman" | "applicant") also at most one per holder.
    """
    printed = journal.query(
        "SELECT serial, holder FROM stock_blanks WHERE certificate_number = ? AND "
        "status = 'issued' ORDER BY seq", [certificate_number])
    same_holder = [r for r in printed if holder is not None and r["holder"] == holder]
    if same_holder or len(printed) >= BOOKLETS_PER_NUMBER:
        on = "、".join(r["serial"] for r in (same_holder or printed))
        raise BlankStateError(
            f"字号 {certificate_number} 已打印在空白证 {on} 上并已发出；"
            "如需重印，请先将该证作废。", detail=f"{certificate_number} already issued")
    extra = {"certificate_number": certificate_number, "when": when}
    if holder is not None:
        extra["holder"] = holder
    return _record(journal, KIND_STOCK_BLANK_ISSUED, certificate, serial, operator, case_id, extra)


def void_blank(journal: Journal, *, certificate: str, serial: str, reason: str, operator: str,
               case_id: str | None = None, certificate_number: str | None = None,
               when: str | None = None, holder: str | None = None,
               approval: str | None = None) -> Entry:
    """Record a spoiled blank (报废): it is never used again; its 字号 stays with the case.

    Voiding is a supervisor's act: ``operator`` is one, or ``approval`` is the entry id of a
    supervisor's approval for this operator, case and blank (counter_app.operators.approvals);
    the entry records both (``who`` and ``approved_by``).
    """
    approver = approver_for(journal, approval, action="blank.void", operator=operator,
                            case_id=case_id, record=serial)
    require(journal, approver, "blank.void", case_id=case_id, record=serial)
    if not (reason or "").strip():
        raise BlankStateError("作废空白证必须填写原因。", detail="void without reason")
    extra = {"reason": reason.strip(), "when": when}
    if certificate_number:
        extra["certificate_number"] = certificate_number
    if holder is not None:
        extra["holder"] = holder
    if approval is not None:
        extra |= {"approved_by": approver, "approval": approval}
    return _record(journal, KIND_STOCK_BLANK_VOIDED, certificate, serial, operator, case_id, extra)


@dataclass
class RangeReport:
    """Every blank of one range with its state (the reconciliation report)."""

    range_id: str
    certificate: str
    first: str
    last: str
    blanks: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = {"unused": 0, "issued": 0, "voided": 0}
        for b in self.blanks:
            out[b["status"]] += 1
        return out


def reconcile(journal: Journal, certificate: str | None = None) -> list[RangeReport]:
    """Per range, every 印制号 as unused, issued (case, 字号) or voided (reason, who, when)."""
    where, params = ("WHERE certificate = ?", [_cert(certificate)]) if certificate else ("", [])
    reports = []
    for r in journal.query(f"SELECT * FROM stock_ranges {where} ORDER BY seq", params):
        rows = {row["serial"]: row for row in journal.query(
            "SELECT * FROM stock_blanks WHERE certificate = ? AND range_id = ?",
            [r["certificate"], r["range_id"]])}
        report = RangeReport(r["range_id"], r["certificate"], r["first"], r["last"])
        for n in range(r["first_n"], r["last_n"] + 1):
            serial = str(PrintNo(r["prefix"], n, r["width"]))
            row = rows.get(serial)
            report.blanks.append({
                "serial": serial, "status": row["status"] if row else "unused",
                "case_id": row and row["case_id"], "certificate_number": row and
                row["certificate_number"], "reason": row and row["reason"],
                "who": row and row["who"], "when": row and row["at"]})
        reports.append(report)
    return reports
