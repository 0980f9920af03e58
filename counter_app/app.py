"""Composition root: configuration, journal, devices and the main window, wired together.

Nothing else builds these objects; everything below receives what it needs from here.
"""

from __future__ import annotations

import logging
import sys
import threading

from counter_app.journal import Journal
from counter_app.operators import OperatorService
from counter_app.operators.accounts import seed_demo_accounts
from counter_app.wiring.journal import open_journal

log = logging.getLogger(__name__)


def operator_service(ctx, journal: Journal) -> OperatorService:
    return OperatorService(journal, max_failures=ctx.config["auth.max_failures"],
                           lockout_minutes=ctx.config["auth.lockout_minutes"],
                           offline_grace_days=ctx.config["auth.offline_grace_days"])


def device_settings(ctx) -> dict:
    """What the device detectors need from the configuration (by their parameter names)."""
    return {"port": ctx.config["drivers.idcard.port"],
            "document_source": ctx.config["camera.document_source"],
            "receipt_printer": ctx.config["printing.receipt_printer"],
            "fingerprint_device": ctx.config["drivers.fingerprint.device"]}


def detect_devices(ctx):
    """A function that lists the devices (it may touch hardware: call it off the GUI thread)."""
    from drivers.registry import detect_all

    return lambda: detect_all(device_settings(ctx), demo=ctx.demo)


def sync_status(ctx, journal: Journal):
    """A function that reports the outbox (the shape of ``counter-app sync status --json``)."""
    from sync import enrolment, outbox
    from sync.state import SyncState

    def report() -> dict:
        state = SyncState(enrolment.sync_dir(ctx.data_dir) / "state.db")
        try:
            result = outbox.status(journal, state)
        finally:
            state.close()
        result["enrolled"] = (enrolment.sync_dir(ctx.data_dir) / enrolment.ENROLMENT_FILE).exists()
        return result

    return report


def office_profile(ctx) -> dict:
    """This counter's office as the rules' case file wants it (CounterAppError when unset)."""
    from counter_app.errors import CounterAppError
    from counter_app.rules.offices import find_office

    code = ctx.config["office.code"]
    if not code:
        raise CounterAppError("本机还没有设置所属婚姻登记机关（office.code），请联系技术人员。",
                              code="office.not_set")
    office = find_office(code)
    return {"code": office.code, "level": office.level, "region_code": office.region_code,
            "foreign_designated": office.foreign_designated, "popup": office.popup}


def demo_card_tray(ctx) -> tuple[dict[str, str], object]:
    """Demo mode's readers (the SAM simulator at samsim://demo, an emulated passport chip) and
    the scripted people one can put on them, each labelled with what it demonstrates
    (counter_app/demo.py, docs/demo.md); their ages follow the counter's calendar."""
    from counter_app import demo

    return demo.card_tray(ctx.today)


def passport_reading(ctx, journal: Journal, make_page):
    """Wrap an intake page factory so its party step reads foreign parties' chip passports
    (F12): demo mode's emulated chip in process, else the PC/SC reader (pyscard)."""

    def make(operator):
        from counter_app.workflows.passport import PassportDesk, PcscChipPort

        page = make_page(operator)
        if ctx.demo:
            from counter_app import demo

            port = demo.devices().chips
        else:
            port = PcscChipPort()
        page.party.enable_passport(PassportDesk(journal, operator.operator_id, port),
                                   lambda: page.case_id)
        return page

    return make


def office_name(ctx) -> str:
    """This counter's office as printed on forms (北京市朝阳区婚姻登记处 ...)."""
    from counter_app.rules.offices import find_office

    return find_office(office_profile(ctx)["code"]).name


def print_notice_pages(ctx, journal: Journal, case_id: str, form_id: str, pages) -> str:
    """Print a notice's pages on the forms printer (a PDF in demo mode), journal it as
    ``notice.printed`` and return where it went, in words for the registrar."""
    from counter_app.ui.widgets.certificate_printer import print_forms

    if ctx.demo:
        path = ctx.data_dir / "prints" / f"notice-{form_id}-{case_id[:8]}.pdf"
        print_forms(pages, pdf_path=path)
        where = str(path)
    else:
        print_forms(pages, printer_name=ctx.config["printing.forms_printer"])
        where = ctx.config["printing.forms_printer"] or "默认打印机"
    journal.append("notice.printed", {"form": form_id, "printer": where},
                   operator="counter", case_id=case_id)
    return where


def notice_printer(ctx, journal: Journal):
    """A function printing the notice a case's state calls for (不予受理告知书, 撤回确认单,
    视为撤回告知书); it returns where the notice went."""

    def print_notice(case_id: str) -> str:
        from counter_app.workflows.certificates import notice_for, notice_pages

        form_id = (notice_for(journal, case_id) or ("refusal_acceptance",))[0]
        pages = notice_pages(journal, case_id, office_profile(ctx), office_name(ctx))
        return print_notice_pages(ctx, journal, case_id, form_id, pages)

    return print_notice


def check_refusal_printer(ctx, journal: Journal, flow):
    """A function refusing a case blocked at 联网核对 (不予登记, with the rules' ground) if it is
    not refused yet, then printing its 不予办理告知书; it returns where the notice went."""

    def refuse_and_print(case_id: str) -> str:
        from counter_app.workflows import check_refusal

        if check_refusal.refusal_state(flow, case_id) == "can_refuse":
            check_refusal.refuse_after_check(flow, case_id, ctx.today())
        pages = check_refusal.notice_pages(flow, case_id, office_name(ctx))
        return print_notice_pages(ctx, journal, case_id, check_refusal.NOTICE_FORM, pages)

    return refuse_and_print


def divorce_receipt_printer(ctx, journal: Journal):
    """A function printing a divorce application's 受理回执 on the receipt printer (journaled
    first, so a failed print can be repeated); returns the printer's description."""

    def print_it(case_id: str) -> str:
        from counter_app.cases.service import CaseService
        from counter_app.printing.receipts import print_receipt
        from counter_app.workflows.divorce import DivorceApplication
        from drivers.printer.factory import open_receipt_printer
        from drivers.printer.receipts import divorce_receipt

        office = office_profile(ctx)
        parties = DivorceApplication(journal, office, "").state(case_id).parties
        case = CaseService(journal).state(case_id)
        job = divorce_receipt(office_name=office_name(ctx),
                              names=[parties[r]["name"] for r in ("man", "woman")],
                              receipt_date=case.receipt_date, receipt_number=case_id[:8],
                              chinese_font=ctx.config["printing.receipt_chinese_font"])
        printer = open_receipt_printer(ctx.config["printing.receipt_printer"])
        print_receipt(journal, printer, job, operator="counter", case_id=case_id)
        return "模拟小票打印机" if printer.BACKEND == "simulator" else \
            ctx.config["printing.receipt_printer"]

    return print_it


def divorce_page_factory(ctx, journal: Journal):
    """A function making the divorce application page for the logged-in operator."""

    def make(operator):
        from counter_app.ui.case.intake_page import DIVORCE_QUESTIONS, IntakePage
        from counter_app.workflows.divorce import DivorceApplication
        from drivers.idcard.factory import open_reader

        flow = DivorceApplication(journal, office_profile(ctx), operator.operator_id)

        def describe(case_id: str) -> str:
            p = flow.periods(case_id)
            return (f"受理日期 {p.receipt_date}；{p.withdrawal_deadline} 前任何一方可撤回；"
                    f"{p.issuance_from} 至 {p.issuance_until} 双方须共同到本机关申请发给离婚证，"
                    "逾期视为撤回。")

        port = ctx.config["drivers.idcard.port"]
        cards, insert = demo_card_tray(ctx) if ctx.demo else ({}, None)
        return IntakePage(flow, lambda: open_reader(port, ctx.demo), demo_cards=cards,
                                  insert_demo_card=insert, questions=DIVORCE_QUESTIONS,
                                  print_receipt=divorce_receipt_printer(ctx, journal),
                                  describe_acceptance=describe, today=ctx.today)

    return make


def intake_page_factory(ctx, journal: Journal):
    """A function making the marriage intake page for the logged-in operator."""

    def make(operator):
        from counter_app.ui.case.intake_page import IntakePage
        from counter_app.workflows.intake import MarriageIntake
        from drivers.idcard.factory import open_reader

        intake = MarriageIntake(journal, office_profile(ctx), operator.operator_id)
        port = ctx.config["drivers.idcard.port"]
        cards, insert = demo_card_tray(ctx) if ctx.demo else ({}, None)
        return IntakePage(intake, lambda: open_reader(port, ctx.demo),
                                  demo_cards=cards, insert_demo_card=insert,
                                  print_notice=notice_printer(ctx, journal), today=ctx.today)

    return make


def registration_page_factory(ctx, journal: Journal, background: "BackgroundSync | None"):
    """A function making the examination/check/registration page of a case."""

    def make(operator, case_id: str):
        from counter_app.cases.service import CaseService
        from counter_app.ui.case.registration_page import RegistrationPage
        from counter_app.workflows.registration import DivorceRegistration, MarriageRegistration

        case = CaseService(journal).state(case_id)
        kind = DivorceRegistration if case and case.case_type == "divorce" else \
            MarriageRegistration
        flow = kind(journal, office_profile(ctx), operator.operator_id,
                    checker=background.marital_check if background else None,
                    low_water=ctx.config["numbering.low_water"], today=ctx.today,
                    steps=case_steps(journal, operator))
        archive = archive_file_flow(ctx, journal, operator) \
            if case and case.state == "registered" else None
        return RegistrationPage(flow, case_id, steps=case_steps(journal, operator),
                                refuse_blocked=check_refusal_printer(ctx, journal, flow),
                                today=ctx.today, print_notice=notice_printer(ctx, journal),
                                archive=archive)

    return make


def case_steps(journal: Journal, operator) -> list:
    """The preparation steps between acceptance and examination, in order (each opens the page
    of the same key in ``step_pages``)."""
    from counter_app.ui.case.declaration_page import page_signing
    from counter_app.workflows.capture import PartyCapture
    from counter_app.workflows.declarations import Declarations
    from counter_app.workflows.documents import DocumentScanning
    from counter_app.workflows.steps import CaseStep

    return [
        CaseStep("capture", "现场拍照与人证核验（F7）", "F7", ("marriage",),
                 PartyCapture(journal, operator.operator_id).complete),
        CaseStep("declare", "当事人签署声明书（F10）", "F10", ("marriage",),
                 Declarations(journal, operator.operator_id, page_signing()).done),
        # Last preparation step: the papers on the 高拍仪 (for a divorce, on the case page of
        # the cooling-off case, right after the application is accepted).
        CaseStep("documents", "高拍仪拍摄证件材料（F11）", "F11", ("marriage", "divorce"),
                 DocumentScanning(journal, operator.operator_id).done),
    ]


def step_pages(ctx, journal: Journal) -> dict:
    """The page factory of each step in ``case_steps`` (operator, case_id) -> page."""
    return {"capture": capture_page_factory(ctx, journal),
            "declare": declaration_page_factory(ctx, journal),
            "documents": document_page_factory(ctx, journal),
            # Not a preparation step: the case page's examine action opens it.
            "review": review_page_factory(ctx, journal)}


def document_camera(ctx):
    """A function opening the document camera (高拍仪) the settings name; demo mode's
    ``simulator`` shows a page laid on a desk, so the auto-capture has something to find."""

    def open_it():
        from drivers.camera import open_camera, parse_resolution

        source, resolution = ctx.config["camera.document_source"], ctx.config["camera.resolution"]
        if source == "simulator":
            from counter_app.vision.scanner import demo_document_frames
            from drivers.camera.simulator import SimulatedCamera

            return SimulatedCamera(demo_document_frames(*parse_resolution(resolution)), fps=15,
                                   name="document")
        return open_camera(source, resolution, name="document")

    return open_it


def document_page_factory(ctx, journal: Journal):
    """A function making the document-camera page of a case."""

    def make(operator, case_id: str):
        from counter_app.ui.case.document_page import DocumentPage
        from counter_app.workflows.documents import DocumentScanning

        return DocumentPage(DocumentScanning(journal, operator.operator_id), case_id,
                            document_camera(ctx))

    return make


def review_page_factory(ctx, journal: Journal):
    """A function making the review page (everything about a case before 审查)."""

    def make(operator, case_id: str):
        from counter_app.cases.service import CaseService
        from counter_app.ui.case.review_page import ReviewPage
        from counter_app.workflows.registration import DivorceRegistration, MarriageRegistration
        from counter_app.workflows.review import CaseReviewer

        case = CaseService(journal).state(case_id)
        kind = DivorceRegistration if case and case.case_type == "divorce" else \
            MarriageRegistration
        office = office_profile(ctx)
        steps = [s.key for s in case_steps(journal, operator)
                 if case and s.applies_to(case.case_type)]
        reviewer = CaseReviewer(journal, office, operator.operator_id, steps=steps,
                                declarations=declarations_flow(journal, operator))
        return ReviewPage(reviewer, kind(journal, office, operator.operator_id,
                                         today=ctx.today), case_id)

    return make


def declarations_flow(journal: Journal, operator):
    """The declarations flow for reading a case's declarations (the review page, the archive
    file). forms.qt.signing paints with QtGui, so it is handed over from the UI layer."""
    from counter_app.ui.case.declaration_page import page_signing
    from counter_app.workflows.declarations import Declarations

    return Declarations(journal, operator.operator_id, page_signing())


def archive_file_flow(ctx, journal: Journal, operator):
    """The electronic archive file of registered cases (forms render the PDF)."""
    from counter_app.ui.case.declaration_page import page_signing
    from counter_app.ui.case.review_page import render_archive
    from counter_app.workflows.archive_file import ArchiveFile
    from counter_app.workflows.declarations import signed_declaration_pages

    office = office_profile(ctx)

    def pages(case_id):
        return signed_declaration_pages(journal, case_id, page_signing())

    return ArchiveFile(journal, office, office_name(ctx),
                       operator.operator_id, renderer=render_archive,
                       declaration_pages=pages)


DEMO_CERTIFICATE_PRINTER = "演示证书打印机（PDF）"


def certificate_printer(ctx, journal: Journal):
    """The certificate printer: the configured system printer, or PDF files in demo mode
    (calibrated as a perfect printer the first time, as a technician would on a real one)."""
    from counter_app.printing.calibration import (NOMINAL_MARKS, is_calibrated,
                                                  profile_from_measurement, save_profile)
    from counter_app.ui.widgets.certificate_printer import (PdfCertificatePrinter,
                                                            QtCertificatePrinter)

    if not ctx.demo:
        return QtCertificatePrinter(ctx.config["printing.certificate_printer"])
    name = DEMO_CERTIFICATE_PRINTER
    if not is_calibrated(journal, name):
        save_profile(journal, profile_from_measurement(name, NOMINAL_MARKS), NOMINAL_MARKS,
                     operator="demo")
    return PdfCertificatePrinter(name, ctx.data_dir / "prints")


def certificates_page_factory(ctx, journal: Journal):
    """A function making the certificate-printing page of a registered case."""

    def make(operator, case_id: str):
        from counter_app.printing.booklets import BookletPrinting
        from counter_app.ui.case.certificates_page import CertificatesPage
        from counter_app.workflows.certificates import certificate_pages, registration_of

        office = office_profile(ctx)
        pages = certificate_pages(journal, case_id, office, office_name(ctx))
        flow = BookletPrinting(journal, case_id=case_id, operator=operator.operator_id,
                               certificate=registration_of(journal, case_id)["item"],
                               number=registration_of(journal, case_id)["certificate_number"],
                               pages=pages, printer=certificate_printer(ctx, journal))
        return CertificatesPage(flow)

    return make


def declaration_page_factory(ctx, journal: Journal):
    """A function making the declarations page of a case: the 声明书 of each party, signed on
    the signing area (the signature-tablet simulator in demo mode), fingerprinted on the
    configured pad (drivers.fingerprint.device; the simulator in demo mode), witnessed."""

    def make(operator, case_id: str):
        from counter_app.ui.case.declaration_page import DeclarationPage, page_signing
        from counter_app.workflows.declarations import Declarations
        from drivers.fingerprint import open_pad

        office = office_profile(ctx)
        flow = Declarations(journal, operator.operator_id, page_signing(), office,
                            office_name(ctx))
        return DeclarationPage(flow, case_id,
                               lambda: open_pad(ctx.config["drivers.fingerprint.device"],
                                                ctx.demo), demo=ctx.demo)

    return make


def capture_page_factory(ctx, journal: Journal):
    """A function making the photo and identity-check page of a case. A party recorded from a
    chip passport has its chip photo in the journal: the live photo is compared with it by the
    configured matcher (opened on first use, off the GUI thread). The resident card's photo
    cannot be decoded without a vendor library: such a party is checked by the registrar in
    person, and that is what is recorded."""

    def make(operator, case_id: str):
        from counter_app.ui.case.capture_page import CapturePage
        from counter_app.workflows.capture import PartyCapture, liveness_challenges
        from drivers.camera import open_camera

        from counter_app.workflows.passport import OnDemandMatcher, chip_photos

        photos = chip_photos(journal, case_id)
        matcher = OnDemandMatcher(ctx.config["vision.match_backend"],
                                  ctx.config["vision.models_dir"] or None) if photos else None
        return CapturePage(PartyCapture(journal, operator.operator_id, matcher), case_id,
                           chip_photos=photos,
                           open_camera=lambda: open_camera(ctx.config["camera.portrait_source"],
                                               ctx.config["camera.resolution"]),
                           liveness=liveness_challenges(ctx.config["vision.liveness"]))

    return make


def reissue_page_factory(ctx, journal: Journal):
    """A function making the reissue (补领) page for the logged-in operator. The archive index
    is opened with the window; demo mode imports the demo archive into it then (once). An
    archive that will not open never stops the counter: the reissue button says why."""
    from counter_app.errors import CounterAppError
    from counter_app.reissue import Archive, ArchiveIndex

    index, problem = None, None
    try:
        index = ArchiveIndex.for_journal(journal)
        if ctx.demo:
            import_demo_archive(Archive(journal, index, "demo"))
    except CounterAppError as err:
        log.warning("archive index unavailable: %s %s", err.code, err.detail)
        problem = err

    def make(operator):
        if index is None:
            raise CounterAppError(f"补领档案库无法打开（{problem.message_zh}），请联系技术人员。",
                                  code="archive.unavailable")

        from counter_app.printing.booklets import BookletPrinting
        from counter_app.reissue import ReissueFlow
        from counter_app.reissue.certificate import certificate_pages
        from counter_app.ui.reissue.reissue_page import ReissuePage
        from drivers.camera import open_camera
        from drivers.idcard.factory import open_reader

        office = office_profile(ctx)
        flow = ReissueFlow(journal, Archive(journal, index, operator.operator_id),
                           office, operator.operator_id,
                           low_water=ctx.config["numbering.low_water"], today=ctx.today)

        def printing(case_id: str) -> BookletPrinting:
            state = flow.state(case_id)
            pages = certificate_pages(journal, flow, case_id, office_name(ctx))
            return BookletPrinting(journal, case_id=case_id, operator=operator.operator_id,
                                   certificate=state.issued["item"],
                                   number=state.issued["certificate_number"], pages=pages,
                                   printer=certificate_printer(ctx, journal))

        port = ctx.config["drivers.idcard.port"]
        cards, insert = demo_card_tray(ctx) if ctx.demo else ({}, None)
        if ctx.demo:  # first in the tray: the party of a record in the demo archive
            cards = {"reissue": "补领　刘秀英（女）：1986 年结婚登记，档案中是 15 位旧身份证号",
                     **cards}
        return ReissuePage(flow, lambda: open_reader(port, ctx.demo),
                           open_camera=lambda: open_camera(ctx.config["camera.portrait_source"],
                                                           ctx.config["camera.resolution"]),
                           printing=printing, today=ctx.today, demo_cards=cards,
                           insert_demo_card=insert)

    return make


def import_demo_archive(archive) -> None:
    """Demo mode's synthetic archive (resources/archive_demo), imported once (a file already
    imported is recognised by its hash)."""
    from counter_app.resources import resource_path

    archive.import_file(resource_path("archive_demo", "archive-demo.csv"))


def build_main_window(ctx, journal: Journal, background: "BackgroundSync | None" = None):
    """The main window with everything it needs, as the running app and the screenshots use it.

    ``background`` is the sync thread (the 联网核对 goes through it); without one the online
    check says the counter is not connected.
    """
    from counter_app.ui.main_window import MainWindow
    from counter_app.workflows.resume import OpenCase

    operators = operator_service(ctx, journal)
    if ctx.demo:
        seed_demo_accounts(operators)
    window = MainWindow(journal, operators, demo=ctx.demo, idle_lock_s=ctx.config["ui.idle_lock_s"],
                      sync_status=sync_status(ctx, journal), detect_devices=detect_devices(ctx),
                      new_intake_page=passport_reading(ctx, journal,
                                                       intake_page_factory(ctx, journal)),
                      new_registration_page=registration_page_factory(ctx, journal, background),
                      new_certificates_page=certificates_page_factory(ctx, journal),
                      new_divorce_page=divorce_page_factory(ctx, journal),
                      new_reissue_page=reissue_page_factory(ctx, journal),
                      step_pages=step_pages(ctx, journal), today=ctx.today,
                      open_case_marker=OpenCase(ctx.data_dir))

    def on_login(operator) -> None:
        if expire_divorces(ctx, journal, operator):
            window.home_page.refresh()   # the newly expired show up for their notices

    window.login_page.logged_in.connect(on_login)
    return window


def expire_divorces(ctx, journal: Journal, operator) -> list[str]:
    """At each login: divorce applications whose completion window has ended become deemed
    withdrawn (视为撤回), so the home page shows them for the notice. Never blocks a login."""
    from counter_app.errors import CounterAppError
    from counter_app.workflows.divorce import DivorceApplication

    try:
        return DivorceApplication(journal, office_profile(ctx), operator.operator_id).expire(
            ctx.today())
    except CounterAppError as err:
        log.warning("divorce expiry not run: %s", err.code)
        return []


def make_engine(journal: Journal, ctx, server: str | None = None):
    """A SyncEngine configured from the settings (the CLI's and the app's sync thread)."""
    from sync.engine import EngineSettings, SyncEngine

    cfg = ctx.config
    settings = EngineSettings(connect_timeout_s=cfg["sync.connect_timeout_s"],
                              read_timeout_s=cfg["sync.read_timeout_s"],
                              chunk_bytes=cfg["sync.chunk_bytes"])
    return SyncEngine(journal, ctx.data_dir, server_url=server or cfg["sync.server_url"] or None,
                      settings=settings)


class BackgroundSync:
    """The app's sync thread. Demo mode first starts the built-in provincial simulator and
    enrols this machine with it; otherwise it runs only on an enrolled machine."""

    def __init__(self, ctx, journal: Journal) -> None:
        self.ctx, self.journal = ctx, journal
        self.stop_event = threading.Event()
        self.engine = None
        self._demo = None
        self.thread = threading.Thread(target=self._run, name="sync", daemon=True)

    def start(self) -> "BackgroundSync":
        self.thread.start()
        return self

    def _run(self) -> None:
        from sync import enrolment

        try:
            if self.ctx.demo:
                from counter_app.demo import ALREADY_MARRIED
                from sync import demo

                self._demo = demo.start(self.journal, self.ctx.data_dir,
                                        married=ALREADY_MARRIED)
                self.engine = self._demo.engine
            elif (enrolment.sync_dir(self.ctx.data_dir) / enrolment.ENROLMENT_FILE).exists():
                self.engine = make_engine(self.journal, self.ctx)
            else:
                log.info("sync not started: this machine is not enrolled")
                return
            self.engine.run_forever(self.stop_event, self.ctx.config["sync.interval_s"])
        except Exception:  # noqa: BLE001 - sync trouble must never take the counter down
            log.exception("sync thread stopped")

    def marital_check(self, *args, **kwargs) -> dict:
        """联网核对 through the running engine (NetworkError while there is none yet)."""
        from sync.errors import NetworkError

        if self.engine is None:
            raise NetworkError("与省级系统的连接尚未建立，请稍后再试。", detail="no engine yet")
        return self.engine.marital_check(*args, **kwargs)

    def stop(self) -> None:
        self.stop_event.set()
        if self.engine is not None:
            self.engine.wake.set()
        self.thread.join(timeout=30)
        if self._demo is not None:
            self._demo.stop()
        elif self.engine is not None:
            self.engine.close()


def run_gui(ctx) -> int:
    """Start the Qt application and block until the main window closes."""
    from counter_app.ui.application import create_application, run_event_loop

    app = create_application(sys.argv[:1], ctx.config["ui.language"])
    journal = open_journal(ctx)
    log.info("GUI starting (demo=%s)", ctx.demo)
    background = BackgroundSync(ctx, journal).start()
    try:
        window = build_main_window(ctx, journal, background)
        window.show()
        return run_event_loop(app)
    finally:
        background.stop()
        journal.close()
