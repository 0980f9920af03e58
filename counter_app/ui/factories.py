"""The page makers: for each business item and each page of a case, a function that takes the
run's services (counter_app.wiring.services.Services) once, when the window is built, and
returns the factory the main window calls for the logged-in operator (and the case).

Each factory only turns what the item's wiring module builds into its page; which page a case
needs next is the case navigator's answer (counter_app.cases.navigator). The pages and their
wiring are imported when a page is first made, not while the window is built (start-up time).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from counter_app.operators import Operator
from counter_app.wiring.services import Services

#: A new-case page: (operator) -> page, its ``begin(case_id | None)`` starts or continues.
ItemPage = Callable[[Operator], QWidget]
#: A page of an existing case: (operator, case_id) -> page.
CasePage = Callable[[Operator, str], QWidget]


def _intake_page(parts, **extra) -> QWidget:
    from counter_app.ui.case.intake_page import IntakePage

    return IntakePage(parts.flow, parts.open_reader, today=parts.today,
                      demo_cards=parts.demo_cards, insert_demo_card=parts.insert_demo_card,
                      print_notice=parts.print_notice, print_receipt=parts.print_receipt,
                      describe_acceptance=parts.describe_acceptance, **extra)


def marriage(services: Services) -> ItemPage:
    """The marriage intake; its party step reads foreign parties' chip passports (F12)."""

    def make(operator: Operator) -> QWidget:
        from counter_app.wiring import marriage as wiring

        parts = wiring.intake(services, operator)
        page = _intake_page(parts)
        page.party.enable_passport(parts.passport, lambda: page.case_id)
        return page

    return make


def divorce(services: Services) -> ItemPage:
    """The divorce application (three questions per party, the receipt)."""

    def make(operator: Operator) -> QWidget:
        from counter_app.ui.case.intake_page import DIVORCE_QUESTIONS
        from counter_app.wiring import divorce as wiring

        return _intake_page(wiring.intake(services, operator), questions=DIVORCE_QUESTIONS)

    return make


def reissue(services: Services) -> ItemPage:
    """The reissue wizard; the archive index is opened now, with the window."""
    from counter_app.wiring.reissue import ReissueDesk

    desk = ReissueDesk(services)

    def make(operator: Operator) -> QWidget:
        from counter_app.ui.reissue.reissue_page import ReissuePage

        p = desk.parts(operator)
        return ReissuePage(p.flow, p.open_reader, open_camera=p.open_camera,
                           printing=p.printing, today=p.today, demo_cards=p.demo_cards,
                           insert_demo_card=p.insert_demo_card, vision=p.vision)

    return make


def reports(services: Services) -> ItemPage:
    """The reports screen: daily closings, the province's copies of the other windows', the
    monthly statistics, charts and exports (PDF painted by forms.qt)."""

    def make(operator: Operator) -> QWidget:
        from counter_app.ui.reports.reports_page import ReportsPage
        from counter_app.wiring import reports as wiring
        from forms.qt.pdf import render_pdf

        return ReportsPage(wiring.reports(services, render_pdf), operator.operator_id)

    return make


def case(services: Services) -> CasePage:
    """The case page: examination, 联网核对, registration, then the archive file."""

    def make(operator: Operator, case_id: str) -> QWidget:
        from counter_app.ui.case.registration_page import RegistrationPage
        from counter_app.wiring import case as wiring

        p = wiring.case_page(services, operator, case_id)
        return RegistrationPage(p.flow, case_id, steps=p.steps, today=p.today,
                                print_notice=p.print_notice, refuse_blocked=p.refuse_blocked,
                                archive=p.archive)

    return make


def certificates(services: Services) -> CasePage:
    """The certificate printing of a registered case."""

    def make(operator: Operator, case_id: str) -> QWidget:
        from counter_app.ui.case.certificates_page import CertificatesPage
        from counter_app.wiring import case as wiring

        return CertificatesPage(wiring.certificates(services, operator, case_id))

    return make


def capture(services: Services) -> CasePage:
    """The photo and identity-check step."""

    def make(operator: Operator, case_id: str) -> QWidget:
        from counter_app.ui.case.capture_page import CapturePage
        from counter_app.wiring import case as wiring

        p = wiring.capture(services, operator, case_id)
        return CapturePage(p.capture, case_id, open_camera=p.open_camera,
                           chip_photos=p.chip_photos, liveness=p.liveness, vision=p.vision)

    return make


def declarations(services: Services) -> CasePage:
    """The declarations step (signature, fingerprint, the registrar's witness)."""

    def make(operator: Operator, case_id: str) -> QWidget:
        from counter_app.ui.case.declaration_page import DeclarationPage
        from counter_app.wiring import case as wiring

        flow, open_pad = wiring.declarations(services, operator)
        return DeclarationPage(flow, case_id, open_pad, demo=services.demo)

    return make


def documents(services: Services) -> CasePage:
    """The papers step on the document camera (高拍仪)."""

    def make(operator: Operator, case_id: str) -> QWidget:
        from counter_app.ui.case.document_page import DocumentPage
        from counter_app.wiring import case as wiring

        scanning, open_camera, vision = wiring.documents(services, operator)
        return DocumentPage(scanning, case_id, open_camera, vision=vision)

    return make


def review(services: Services) -> CasePage:
    """The review page (everything about a case before 审查)."""

    def make(operator: Operator, case_id: str) -> QWidget:
        from counter_app.ui.case.review_page import ReviewPage
        from counter_app.wiring import case as wiring

        reviewer, flow = wiring.review(services, operator, case_id)
        return ReviewPage(reviewer, flow, case_id)

    return make
