"""The notices and receipts a case's parties are owed, printed through the printer ports.

- :func:`print_case_notice`: the notice the case's state calls for (不予受理告知书,
  撤回确认单, 视为撤回告知书; counter_app.workflows.certificates.NOTICE_FORMS).
- :func:`refuse_and_print`: a case blocked at 联网核对 is refused (不予登记, with the rules'
  ground) if it is not refused yet, then its 不予办理告知书 is printed.
- :func:`print_divorce_receipt`: a divorce application's 受理回执 on the receipt printer
  (journaled first, so a failed print can be repeated).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from counter_app.cases.service import CaseService
from counter_app.journal import Journal
from counter_app.printing.notices import FormsPrinter, print_notice
from counter_app.printing.receipts import print_receipt
from counter_app.workflows import check_refusal
from counter_app.workflows.certificates import notice_for, notice_pages
from counter_app.workflows.divorce import DivorceApplication
from counter_app.workflows.registration import MarriageRegistration
from drivers.printer.base import ReceiptPrinter
from drivers.printer.receipts import divorce_receipt


def print_case_notice(journal: Journal, printer: FormsPrinter, case_id: str,
                      office: dict[str, Any], office_name: str, *, operator: str) -> str:
    """Print the notice ``case_id``'s state calls for; returns where it went."""
    form_id = (notice_for(journal, case_id) or ("refusal_acceptance",))[0]
    pages = notice_pages(journal, case_id, office, office_name)
    return print_notice(journal, printer, case_id, form_id, pages, operator=operator)


def refuse_and_print(flow: MarriageRegistration, printer: FormsPrinter, case_id: str,
                     on: date, office_name: str) -> str:
    """Refuse a case blocked at 联网核对 unless it is refused already, then print its
    不予办理告知书; returns where it went."""
    if check_refusal.refusal_state(flow, case_id) == "can_refuse":
        check_refusal.refuse_after_check(flow, case_id, on)
    pages = check_refusal.notice_pages(flow, case_id, office_name)
    return print_notice(flow.journal, printer, case_id, check_refusal.NOTICE_FORM, pages,
                        operator=flow.operator)


def print_divorce_receipt(journal: Journal, printer: ReceiptPrinter, case_id: str,
                          office: dict[str, Any], office_name: str, chinese_font: str, *,
                          operator: str) -> None:
    """Print a divorce application's 受理回执 (the job is journaled before it is sent)."""
    parties = DivorceApplication(journal, office, "").state(case_id).parties
    case = CaseService(journal).state(case_id)
    job = divorce_receipt(office_name=office_name,
                          names=[parties[r]["name"] for r in ("man", "woman")],
                          receipt_date=case.receipt_date, receipt_number=case_id[:8],
                          chinese_font=chinese_font)
    print_receipt(journal, printer, job, operator=operator, case_id=case_id)
