"""The receipts and tickets the counter prints: divorce acceptance receipt and queue tickets.

The divorce receipt shows the receipt date, the withdrawal deadline and the issuance window
from the rules engine's calendar (counter_app.rules.calendar), never a second calculation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from counter_app.errors import CounterAppError
from drivers.printer.base import PrintJob
from drivers.printer.escpos_text import ReceiptBuilder, UnprintableText


class ReceiptError(CounterAppError):
    """The receipt cannot be made from the given case."""

    code = "printer.receipt_invalid"


def zh_date(day: date) -> str:
    """2026年11月22日."""
    return f"{day.year}年{day.month}月{day.day}日"


def divorce_receipt(*, office_name: str, names: list[str], receipt_date: date,
                    receipt_number: str = "", chinese_font: bool = True,
                    native_qr: bool = True) -> PrintJob:
    """The 离婚登记申请受理回执 slip for the receipt printer."""
    from counter_app.rules.calendar import divorce_periods

    periods = divorce_periods(receipt_date)
    b = ReceiptBuilder(chinese_font=chinese_font)
    try:
        b.align("center").size(True).line("离婚登记申请受理回执").size(False)
        b.line(office_name).align("left").feed()
        if receipt_number:
            b.line(f"回执编号：{receipt_number}")
        b.line(f"申请人：{'、'.join(names)}")
        b.line(f"受理日期：{zh_date(periods.receipt_date)}")
        b.line(f"撤回申请截止：{zh_date(periods.withdrawal_deadline)}")
        b.line(f"申请发证期间：{zh_date(periods.issuance_from)}")
        b.line(f"　　　　　至　{zh_date(periods.issuance_until)}")
        b.line("期间届满未共同申请发证的，视为撤回申请。")
        b.line("办理时请携带本回执和身份证件。").feed()
        b.align("center").qr(f"RCPT:{receipt_number or receipt_date.isoformat()}",
                             native=native_qr).feed().cut()
    except UnprintableText as err:
        raise ReceiptError(f"小票中有打印机无法打印的字：{err}。") from None
    return PrintJob("divorce_receipt", "离婚登记申请受理回执", b.bytes())


def queue_ticket(number: str, item_zh: str, waiting: int, *, chinese_font: bool = True,
                 native_qr: bool = True) -> PrintJob:
    """A queue ticket: the number, the business item and how many are waiting."""
    b = ReceiptBuilder(chinese_font=chinese_font)
    b.align("center").line("婚姻登记排队号").size(True).line(number).size(False)
    b.line(f"办理事项：{item_zh}").line(f"前面还有 {waiting} 人").feed()
    b.qr(f"QUEUE:{number}", native=native_qr).feed().cut()
    return PrintJob("queue_ticket", f"排队号 {number}", b.bytes())


def receipt_for_case_file(path: Path, *, chinese_font: bool = True) -> PrintJob:
    """The receipt for a case file (`counter-app print receipt`): a divorce case's receipt.
    The file is read by the forms' case-file parser, so every field it prints is checked."""
    from forms.case_data import load_case

    case_file = load_case(path)
    case, forms = case_file.case, case_file.forms
    receipt = case.divorce.get("receipt_date")
    if receipt is None:
        raise ReceiptError("只有离婚登记案件（带 receipt_date）才打印受理回执；"
                           "该案件没有受理日期。")
    names = [a.party.name for a in case.parties if a.party.name]
    return divorce_receipt(office_name=forms.get("office_name") or case.office.name,
                           names=names, receipt_date=receipt,
                           receipt_number=forms.get("receipt_number", ""),
                           chinese_font=chinese_font)
