"""The divorce item: the application (both parties, three questions each, the 受理回执 on the
receipt printer) that starts the cooling-off period; completion is a case page
(counter_app.wiring.case)."""

from __future__ import annotations

from collections.abc import Callable

from counter_app.operators import Operator
from counter_app.wiring import devices
from counter_app.wiring.marriage import IntakeParts
from counter_app.wiring.services import Services

#: How the receipt printer is named to the registrar in demo mode.
DEMO_RECEIPT_PRINTER = "模拟小票打印机"


def intake(services: Services, operator: Operator) -> IntakeParts:
    """The divorce application for the logged-in operator."""
    from counter_app.workflows.divorce import DivorceApplication

    ctx = services.ctx
    flow = DivorceApplication(services.journal, services.office(), operator.operator_id)

    def describe(case_id: str) -> str:
        p = flow.periods(case_id)
        return (f"受理日期 {p.receipt_date}；{p.withdrawal_deadline} 前任何一方可撤回；"
                f"{p.issuance_from} 至 {p.issuance_until} 双方须共同到本机关申请发给离婚证，"
                "逾期视为撤回。")

    cards, insert = devices.card_tray(ctx)
    return IntakeParts(flow, devices.card_reader(ctx), ctx.today, cards, insert,
                       print_receipt=receipt_printer(services, operator),
                       describe_acceptance=describe)


def receipt_printer(services: Services, operator: Operator) -> Callable[[str], str]:
    """A function printing a divorce application's 受理回执 on the receipt printer as
    ``operator`` (journaled first, so a failed print can be repeated); returns the printer's
    description."""

    def print_it(case_id: str) -> str:
        from counter_app.workflows.notices import print_divorce_receipt
        from drivers.printer.factory import open_receipt_printer

        cfg = services.ctx.config
        printer = open_receipt_printer(cfg["printing.receipt_printer"])
        print_divorce_receipt(services.journal, printer, case_id, services.office(),
                              services.office_name(), cfg["printing.receipt_chinese_font"],
                              operator=operator.operator_id)
        return DEMO_RECEIPT_PRINTER if printer.BACKEND == "simulator" else \
            cfg["printing.receipt_printer"]

    return print_it
