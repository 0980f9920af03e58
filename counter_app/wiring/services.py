"""One counter's services, built once per run from the context, the journal and the ports.

What every business item shares lives here: the office, the operators, the case steps, the
notice and certificate printers, the sync thread's 联网核对. Each item's own pages are wired
in its module (counter_app.wiring.marriage, .divorce, .case, .reissue).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from typing import TYPE_CHECKING, Any

from counter_app.archive_file.build import Renderer
from counter_app.context import Context
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import Operator, OperatorService
from counter_app.operators.approvals import Approval, approve
from counter_app.printing.booklets import CertificatePrinter
from counter_app.printing.notices import FormsPrinter
from counter_app.rules.offices import counter_office, office_profile
from counter_app.wiring import devices
from counter_app.wiring.sync import province_link, sync_status
from counter_app.workflows.resume import OpenCase
from counter_app.workflows.steps import CaseStep

if TYPE_CHECKING:
    from counter_app.audit import AuditRow
    from counter_app.vision.worker import VisionWorker
    from counter_app.workflows.declarations import Declarations

log = logging.getLogger(__name__)

#: How many of the newest audited acts the audit screen shows.
AUDIT_SCREEN_ROWS = 500


@dataclass(frozen=True)
class Ports:
    """What needs Qt, built by the composition root (counter_app.app) and handed down."""

    #: The forms printer (A4 notices): a system printer, or PDF files in demo mode.
    forms_printer: FormsPrinter
    #: The certificate printer (booklets on pre-printed blanks).
    certificate_printer: CertificatePrinter
    #: forms.qt.signing: declaration pages painted and signatures bound to their hash.
    signing: Any
    #: forms.qt.render.render_spec_pages: the archive file's PDF.
    render_archive: Renderer


class Services:
    """The shared services of one run (``ports``: makes the Qt ports; ``background``: the sync
    thread, for 联网核对)."""

    def __init__(self, ctx: Context, journal: Journal, ports: Callable[[], Ports],
                 background: Any = None) -> None:
        self.ctx, self.journal, self.background = ctx, journal, background
        self._make_ports = ports
        cfg = ctx.config
        self.operators = OperatorService(journal, max_failures=cfg["auth.max_failures"],
                                         lockout_minutes=cfg["auth.lockout_minutes"],
                                         offline_grace_days=cfg["auth.offline_grace_days"],
                                         province=province_link(ctx, journal, background))
        #: Which case is on screen, so that after a crash the next login reopens it.
        self.open_case_marker = OpenCase(ctx.data_dir)
        #: (operator, case) on screen now: the audit records a case once per opening.
        self._case_on_screen: tuple[str, str] | None = None
        self.sync_status = sync_status(ctx, journal)
        self.detect_devices = devices.detect_devices(ctx)

    @cached_property
    def ports(self) -> Ports:
        """The Qt ports, made when a page first needs one: QtPrintSupport and the painter
        are not loaded while the window is built."""
        return self._make_ports()

    @cached_property
    def vision(self) -> VisionWorker:
        """The session's one vision thread: the photo and papers pages attach their camera to
        it in turn, and the face models it loads at the first photo page stay loaded until
        :meth:`close` (a thread and models per visit left memory behind each time)."""
        from functools import partial

        from counter_app.vision.faces import FacePipeline
        from counter_app.vision.worker import VisionWorker

        return VisionWorker(partial(FacePipeline, self.ctx.config["vision.models_dir"] or None))

    def close(self) -> None:
        """End the session's threads (the vision thread closes its models on itself)."""
        if "vision" in self.__dict__:
            self.vision.close()

    @property
    def demo(self) -> bool:
        return self.ctx.demo

    def today(self) -> date:
        """The counter's calendar (tests and training move it)."""
        return self.ctx.today()

    def office(self) -> dict:
        """This counter's office as the rules' case file wants it (CounterAppError when
        office.code is not set)."""
        return office_profile(counter_office(self.ctx.config["office.code"]))

    def office_name(self) -> str:
        """This counter's office as printed on forms (北京市朝阳区婚姻登记处 ...)."""
        return counter_office(self.ctx.config["office.code"]).name

    def notice_printer(self, operator: Operator) -> Callable[[str], str]:
        """A function printing the notice a case's state calls for, as ``operator``; it
        returns where the notice went."""
        from counter_app.workflows.notices import print_case_notice

        def print_it(case_id: str) -> str:
            return print_case_notice(self.journal, self.ports.forms_printer, case_id,
                                     self.office(), self.office_name(),
                                     operator=operator.operator_id)

        return print_it

    def certificate_printer(self) -> CertificatePrinter:
        """The certificate printer; demo mode's PDF printer is calibrated as a perfect one the
        first time, as a technician would calibrate a real one."""
        printer = self.ports.certificate_printer
        if self.demo:
            from counter_app.printing.calibration import calibrate_as_perfect

            calibrate_as_perfect(self.journal, printer.name, operator="demo")
        return printer

    def marital_check(self) -> Callable[..., dict] | None:
        """联网核对 through the sync thread, or None without one (the check then says the
        counter is not connected)."""
        return self.background.marital_check if self.background is not None else None

    def case_steps(self, operator: Operator) -> list[CaseStep]:
        """The preparation steps between acceptance and examination, in order (each opens the
        case page of the same key)."""
        from counter_app.workflows.capture import PartyCapture
        from counter_app.workflows.documents import DocumentScanning

        who = operator.operator_id
        return [
            CaseStep("capture", "现场拍照与人证核验（F7）", "F7", ("marriage",),
                     PartyCapture(self.journal, who).complete),
            CaseStep("declare", "当事人签署声明书（F10）", "F10", ("marriage",),
                     self.declarations(operator).done),
            # Last preparation step: the papers on the 高拍仪 (for a divorce, on the case page
            # of the cooling-off case, right after the application is accepted).
            CaseStep("documents", "高拍仪拍摄证件材料（F11）", "F11", ("marriage", "divorce"),
                     DocumentScanning(self.journal, who).done),
        ]

    def declarations(self, operator: Operator, *, for_print: bool = False) -> Declarations:
        """The declarations flow; ``for_print`` adds the office the printed page names."""
        from counter_app.workflows.declarations import Declarations

        if for_print:
            return Declarations(self.journal, operator.operator_id, self.ports.signing,
                                self.office(), self.office_name())
        return Declarations(self.journal, operator.operator_id, self.ports.signing)

    def case_opened(self, operator: Operator, case_id: str, screen: str) -> None:
        """The window opens ``case_id`` for ``operator``: audited once while it stays on
        screen (moving between its pages is not a new opening); PermissionRefused for whoever
        may not see a case's personal data (a technician)."""
        from counter_app.audit import record_case_opened

        if self._case_on_screen == (operator.operator_id, case_id):
            return
        record_case_opened(self.journal, operator.operator_id, case_id, screen)
        self._case_on_screen = (operator.operator_id, case_id)

    def case_closed(self) -> None:
        """Back on the home page: the next case shown is a new opening."""
        self._case_on_screen = None

    def may(self, operator: Operator, action: str) -> bool:
        """Whether the permission table lets ``operator`` do ``action`` (to offer it)."""
        from counter_app.operators import may

        return may(self.journal, operator.operator_id, action)

    def audit(self, viewer: Operator, since: date | None = None,
              operator: str | None = None) -> list[AuditRow]:
        """The audit screen's rows (the newest AUDIT_SCREEN_ROWS): PermissionRefused, and a
        journal entry, for a viewer who may not read the audit."""
        from counter_app.audit import list_entries

        return list_entries(self.journal, viewer.operator_id, since=since, operator=operator,
                            limit=AUDIT_SCREEN_ROWS)

    def audit_operators(self) -> list[str]:
        """Everyone in the audit (the screen's operator filter)."""
        from counter_app.audit import operators_seen

        return operators_seen(self.journal)

    def approve(self, supervisor: str, password: str, **request: Any) -> Approval:
        """A supervisor's approval on the spot (counter_app.operators.approvals.approve)."""
        return approve(self.operators, supervisor, password, **request)

    def on_login(self, operator: Operator) -> list[str]:
        """At each login: divorce applications past their window become deemed withdrawn."""
        from counter_app.workflows.divorce import expire_due

        try:
            office = self.office()
        except CounterAppError as err:  # an unset office never blocks a login
            log.warning("divorce expiry not run: %s", err.code)
            return []
        return expire_due(self.journal, office, operator.operator_id, self.today())
