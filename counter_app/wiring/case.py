"""The pages of a case after its intake: examination, 联网核对 and registration (the case
page), the preparation steps (photos, declarations, papers), the review, the certificates and
the electronic archive file. Shared by marriage and divorce (and the steps any later item
adds to ``Services.case_steps``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from counter_app.operators import Operator
from counter_app.printing.booklets import BookletPrinting
from counter_app.vision.matcher import FaceMatcher
from counter_app.wiring import devices
from counter_app.wiring.services import Services
from counter_app.workflows.archive_file import ArchiveFile
from counter_app.workflows.registration import MarriageRegistration
from counter_app.workflows.steps import CaseStep


@dataclass
class CaseParts:
    """What the case page is made of (counter_app.ui.case.registration_page)."""

    flow: Any
    steps: Sequence[CaseStep]
    today: Callable[[], date]
    print_notice: Callable[[str], str]
    refuse_blocked: Callable[[str], str]
    archive: Any


def registration_flow(services: Services, operator: Operator, case_id: str,
                      **extra: Any) -> MarriageRegistration:
    """The marriage or divorce registration flow of ``case_id`` (by its case type)."""
    from counter_app.cases.service import CaseService
    from counter_app.workflows.registration import DivorceRegistration

    case = CaseService(services.journal).state(case_id)
    kind: type[MarriageRegistration] = DivorceRegistration if case and case.case_type == "divorce" else MarriageRegistration
    return kind(services.journal, services.office(), operator.operator_id,
                today=services.ctx.today, **extra)


def case_page(services: Services, operator: Operator, case_id: str) -> CaseParts:
    """The examination / 联网核对 / registration page of ``case_id``."""
    from counter_app.cases.service import CaseService
    from counter_app.workflows.notices import refuse_and_print

    steps = services.case_steps(operator)
    flow = registration_flow(services, operator, case_id, checker=services.marital_check(),
                             low_water=services.ctx.config["numbering.low_water"], steps=steps)
    case = CaseService(services.journal).state(case_id)
    archive = archive_file(services, operator) if case and case.state == "registered" else None

    def refuse_blocked(blocked: str) -> str:
        return refuse_and_print(flow, services.ports.forms_printer, blocked, services.today(),
                                services.office_name())

    return CaseParts(flow, steps, services.ctx.today, services.notice_printer(operator),
                     refuse_blocked, archive)


def archive_file(services: Services, operator: Operator) -> ArchiveFile:
    """The electronic archive file of registered cases (forms.qt.render paints the PDF)."""
    from counter_app.workflows.declarations import signed_declaration_pages

    def pages(case_id: str) -> list:
        return signed_declaration_pages(services.journal, case_id, services.ports.signing)

    return ArchiveFile(services.journal, services.office(), services.office_name(),
                       operator.operator_id, renderer=services.ports.render_archive,
                       declaration_pages=pages)


def review(services: Services, operator: Operator, case_id: str) -> tuple[Any, Any]:
    """(the reviewer, the registration flow) of the review page (everything before 审查)."""
    from counter_app.cases.service import CaseService
    from counter_app.workflows.review import CaseReviewer

    case = CaseService(services.journal).state(case_id)
    steps = [s.key for s in services.case_steps(operator)
             if case and s.applies_to(case.case_type)]
    reviewer = CaseReviewer(services.journal, services.office(), operator.operator_id,
                            steps=steps, declarations=services.declarations(operator))
    return reviewer, registration_flow(services, operator, case_id)


@dataclass
class CaptureParts:
    """What the photo and identity-check page is made of (ui.case.capture_page)."""

    capture: Any
    open_camera: Callable[[], Any]
    chip_photos: dict[str, bytes]
    liveness: tuple
    vision: Any       # the session's VisionWorker (counter_app.vision.worker)


def capture(services: Services, operator: Operator, case_id: str) -> CaptureParts:
    """The photo and identity-check step. A party recorded from a chip passport has its chip
    photo in the journal: the live photo is compared with it by the configured matcher (opened
    on first use, off the GUI thread). The resident card's photo cannot be decoded without a
    vendor library: such a party is checked by the registrar in person, and that is what is
    recorded."""
    from counter_app.workflows.capture import PartyCapture, liveness_challenges
    from counter_app.workflows.passport import OnDemandMatcher, chip_photos

    cfg = services.ctx.config
    photos = chip_photos(services.journal, case_id)
    # The on-demand matcher answers as a FaceMatcher does (compare), opening the models first.
    matcher = cast(FaceMatcher, OnDemandMatcher(cfg["vision.match_backend"],
                                                cfg["vision.models_dir"] or None)) \
        if photos else None
    return CaptureParts(PartyCapture(services.journal, operator.operator_id, matcher),
                        devices.portrait_camera(services.ctx), photos,
                        liveness_challenges(cfg["vision.liveness"]), services.vision)


def declarations(services: Services, operator: Operator) -> tuple[Any, Callable[[], Any]]:
    """(the declarations flow, the fingerprint pad's opener) of the declarations step: each
    party's 声明书 signed on the signing area (the signature-tablet simulator in demo mode),
    fingerprinted on the configured pad, witnessed."""
    return (services.declarations(operator, for_print=True),
            devices.fingerprint_pad(services.ctx))


def documents(services: Services,
              operator: Operator) -> tuple[Any, Callable[[], Any], Any]:
    """(the scanning flow, the document camera's opener, the session's vision thread) of the
    papers step."""
    from counter_app.workflows.documents import DocumentScanning

    return (DocumentScanning(services.journal, operator.operator_id,
                             min_dpi=services.ctx.config["documents.min_dpi"]),
            devices.document_camera(services.ctx), services.vision)


def certificates(services: Services, operator: Operator, case_id: str) -> BookletPrinting:
    """The booklet printing of a registered case (BookletPrinting)."""
    from counter_app.workflows.certificates import certificate_pages, registration_of

    pages = certificate_pages(services.journal, case_id, services.office(),
                              services.office_name())
    registration = registration_of(services.journal, case_id)
    return BookletPrinting(services.journal, case_id=case_id, operator=operator.operator_id,
                           certificate=registration["item"],
                           number=registration["certificate_number"], pages=pages,
                           printer=services.certificate_printer(), approve=services.approve)
