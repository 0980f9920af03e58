"""The marriage item: its intake (both parties' cards, the questions, the rules' answer) and
the chip passports of foreign parties (F12)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from counter_app.operators import Operator
from counter_app.wiring import devices
from counter_app.wiring.services import Services


@dataclass
class IntakeParts:
    """What an intake page is made of (counter_app.ui.case.intake_page.IntakePage)."""

    flow: Any
    open_reader: Callable[[], Any]
    today: Callable[[], date]
    demo_cards: dict[str, str]
    insert_demo_card: Callable[[str], None] | None
    print_notice: Callable[[str], str] | None = None
    print_receipt: Callable[[str], str] | None = None
    describe_acceptance: Callable[[str], str] | None = None
    #: Reads foreign parties' chip passports (counter_app.workflows.passport.PassportDesk).
    passport: Any = None


def intake(services: Services, operator: Operator) -> IntakeParts:
    """The marriage intake for the logged-in operator."""
    from counter_app.workflows.intake import MarriageIntake
    from counter_app.workflows.passport import PassportDesk

    ctx, journal = services.ctx, services.journal
    flow = MarriageIntake(journal, services.office(), operator.operator_id)
    cards, insert = devices.card_tray(ctx)
    passport = PassportDesk(journal, operator.operator_id, devices.chip_port(ctx))
    return IntakeParts(flow, devices.card_reader(ctx), ctx.today, cards, insert,
                       print_notice=services.notice_printer(operator), passport=passport)
