"""补领婚姻登记证, one step at a time: search the archive -> verify the applicant by ID card ->
declaration and rules check -> photo and identity check -> issue (BJ/BL 字号) -> print.

A view over ``counter_app.reissue.ReissueFlow``: each step is in the journal before the next
screen shows, so Esc (back home) loses nothing and the case resumes from the home page.
Searching runs off the GUI thread (a large archive takes tens of milliseconds); the card reader
and the camera run on their own threads.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from counter_app.errors import CounterAppError
from counter_app.reissue import ReissueFlow
from counter_app.reissue.workflow import CAUSES
from counter_app.ui.i18n import certificate_name, role_name
from counter_app.ui.case.capture_page import CapturePage
from counter_app.ui.case.card_bridge import CardReaderBridge
from counter_app.ui.case.certificates_page import CertificatesPage
from counter_app.ui.case.party_step import PartyStep
from counter_app.ui.ops import Op
from counter_app.ui.reissue.steps import DeclareStep, IssueStep, SearchStep, describe
from counter_app.ui.style import error_style
from counter_app.ui.widgets.demo_tray import demo_card_tray
from counter_app.vision.worker import VisionWorker


class ApplicantCapturePage(CapturePage):
    """CapturePage for the one party who came (the marriage page does the man, then the
    woman)."""

    def __init__(self, *args, role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self._show_role()

    def _after_decision(self, decision: str) -> None:
        self.leave()  # the reissue flow takes it from there (a mismatch refuses the case)


class ReissueCertificatesPage(CertificatesPage):
    """CertificatesPage speaking of the one reissued booklet (结婚证 or 离婚证)."""

    def refresh(self, message: str = "", *, error: bool = False) -> None:
        super().refresh(message, error=error)
        if self.flow.current is None:
            self.title.setText(self.tr("补发的{cert}已打印（字号 {number}）").format(
                cert=self.cert, number=self.flow.number))
            self.message.setText(self.tr("补发的证书已确认。请当事人核对后签收；《申请补领婚姻登记证声明书》"
                                         "由当事人签名并按指纹。按 Esc 返回首页。"))


class _Devices(CardReaderBridge):
    """The card reader, and on stop also the camera step (MainWindow stops ``page.reader``)."""

    def __init__(self, open_reader, on_stop: Callable[[], None], parent) -> None:
        super().__init__(open_reader, parent)
        self._on_stop = on_stop

    def stop(self) -> None:
        super().stop()
        self._on_stop()


class ReissuePage(QWidget):
    """The reissue wizard. ``finished`` returns home (``continue_case`` is never needed: the
    page goes through to printing itself)."""

    finished = Signal()
    continue_case = Signal(str)

    def __init__(self, flow: ReissueFlow, open_reader: Callable[[], object], *,
                 open_camera: Callable[[], object],
                 printing: Callable[[str], object],
                 today: Callable[[], date] = date.today,
                 demo_cards: dict[str, str] | None = None,
                 insert_demo_card: Callable[[str], None] | None = None,
                 vision: VisionWorker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow, self._open_camera, self._printing = flow, open_camera, printing
        self._vision = vision      # the session's vision thread (counter_app.vision.worker)
        self._today = today
        self.case_id: str | None = None
        self._search_op: Op | None = None
        self.capture_page: ApplicantCapturePage | None = None
        self.certificates: ReissueCertificatesPage | None = None
        self.reader = _Devices(open_reader, self._stop_camera, self)
        self.steps = QStackedWidget(self)
        self.search = SearchStep(self.steps)
        self.party = PartyStep(self.steps)
        self.declare = DeclareStep(self.steps)
        self.issue = IssueStep(self.steps)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 16pt;")
        for step in (self.search, self.party, self.declare, self.issue):
            self.steps.addWidget(step)
        layout = QVBoxLayout(self)
        if demo_cards and insert_demo_card:
            layout.addLayout(demo_card_tray(self, demo_cards, insert_demo_card))
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.message)
        self.search.search_requested.connect(self.run_search)
        self.search.picked.connect(self.pick)
        self.reader.card_read.connect(self._on_card)
        self.reader.problem.connect(lambda text: self.party.say(text, error=True))
        self.party.confirmed.connect(self._on_party)
        self.declare.submitted.connect(self._on_declared)
        self.issue.issue_requested.connect(self.issue_now)
        for step in (self.search, self.party, self.declare, self.issue):
            # On the steps, not the page: the camera and printing pages have their own Esc,
            # and two active shortcuts for one key would make Qt fire neither.
            QShortcut(QKeySequence("Escape"), step, activated=self.leave)

    # --- navigation ----------------------------------------------------------------------

    def begin(self, case_id: str | None = None) -> None:
        """Search for a new reissue, or go on with ``case_id`` at its next step."""
        self.case_id = case_id
        if case_id is None:
            self.steps.setCurrentWidget(self.search)
            self.search.reset()
            return
        self.show_next()

    def leave(self) -> None:
        self.reader.stop()
        self.finished.emit()

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(error_style(error))
        self.message.setText(text)

    def show_next(self) -> None:
        """The case's next step, from the journal."""
        try:
            state = self.flow.state(self.case_id)
        except CounterAppError as err:
            self.say(err.message_zh, error=True)
            return
        step = state.next_step
        record = describe(state.record)
        if step == "verify":
            self.party.reset(self.tr("核验申请人身份：请申请人将本人身份证放在读卡器上"))
            self.party.details.setText(record)
            self.steps.setCurrentWidget(self.party)
            self.reader.start()
        elif step == "declare":
            self.reader.stop()
            self.declare.reset(record, self._applicant_text(state))
            self.steps.setCurrentWidget(self.declare)
        elif step == "photo":
            self._start_capture(state.role)
        elif step == "issue":
            self.issue.reset(self._issue_text(state))
            self.steps.setCurrentWidget(self.issue)
        elif step == "print":
            self._show_printing(state)
        else:
            self.say(self.tr("该补领业务已办结。") if step == "done" else
                     self.tr("该补领业务已不予受理：") + self._refusal(), error=step == "refused")
            self.case_id = None  # a new search may start another case
            self.steps.setCurrentWidget(self.search)
            self.search.reset()

    def _applicant_text(self, state) -> str:
        text = self.tr("申请人：{who} {name}（身份证号与档案一致）").format(
            who=role_name(state.role), name=state.party["name"])
        if state.name_differs:
            text += "\n" + self.tr("注意：{what}。请核对（改名的，请当事人提供户籍证明）。").format(
                what=state.name_differs)
        return text

    def _issue_text(self, state) -> str:
        cause = CAUSES.get((state.declaration or {}).get("cause"), "")
        cert = certificate_name(state.record.item)
        return describe(state.record) + "\n" + self.tr(
            "申请人：{who} {name}　原{cert}{cause}\n补发的{cert}登记日期为原登记日期 {date}，"
            "备注栏注明补发。确认后分配补发字号（不需要联网核对）。").format(
                who=role_name(state.role), name=state.party["name"], cert=cert, cause=cause,
                date=state.record.registration_date)

    def _refusal(self) -> str:
        return self.flow.cases.last_reason(self.case_id)

    # --- search --------------------------------------------------------------------------

    def run_search(self, query: str) -> None:
        if self._search_op is not None and self._search_op.busy:
            return
        self.search.say(self.tr("正在查询……"))
        self._search_op = Op(self, lambda: self.flow.search(query)) \
            .success(lambda result: self.search.show_hits(result.hits, result.truncated)) \
            .failure(self._search_failed).run_in_background()

    def _search_failed(self, exc: BaseException) -> None:
        text = exc.message_zh if isinstance(exc, CounterAppError) else self.tr("查询出错，请重试。")
        self.search.say(text, error=True)

    def pick(self, ref: str) -> None:
        if self.case_id is not None:
            return  # a second Enter on the list: the case is already open
        try:
            self.case_id = self.flow.open(ref)
        except CounterAppError as err:
            self.search.say(err.message_zh, error=True)
            return
        self.show_next()

    # --- applicant -----------------------------------------------------------------------

    def _on_card(self, card: dict) -> None:
        if self.steps.currentWidget() is self.party:
            self.party.on_card(card)
            self.party.details.setText(self.party.details.text() + self.tr("\n\n档案：") +
                                       describe(self.flow.state(self.case_id).record))

    def _on_party(self, party: dict, source: str) -> None:
        try:
            self.flow.verify(self.case_id, party, source)
        except CounterAppError as err:
            self.party.say(err.message_zh, error=True)
            return
        self.show_next()

    def _on_declared(self, cause: str, unchanged: bool) -> None:
        self.declare.button.setEnabled(False)  # one submission, even on a double Enter
        try:
            decision = self.flow.declare(self.case_id, cause=cause, status_unchanged=unchanged,
                                         on=self._today())
        except CounterAppError as err:
            self.declare.result.setText(self.tr("出错：{error}").format(error=err.message_zh))
            self.declare.button.setEnabled(True)
            return
        state = self.flow.state(self.case_id)
        if state.case_state == "accepted":
            self.show_next()
            return
        reasons = [self.tr("• {message}\n　依据：{basis}").format(message=r["message_zh"],
                                                                 basis=r["basis"])
                   for r in decision["refusals"] + decision["referrals"]]
        head = self.tr("不予受理：") if state.case_state == "refused" else self.tr("需要负责人审核：")
        self.declare.result.setStyleSheet("font-size: 16pt; color: #b00020;")
        self.declare.result.setText("\n".join([head, *reasons, self.tr("按 Esc 返回首页。")]))

    # --- photo ---------------------------------------------------------------------------

    def _start_capture(self, role: str) -> None:
        self._stop_camera()
        page = ApplicantCapturePage(self.flow.capture, self.case_id, self._open_camera,
                                    role=role, vision=self._vision, parent=self.steps)
        page.title.setText(self.tr("申请人（{who}）：现场拍照与人证核验").format(who=role_name(role)))
        self.capture_page = page
        self.steps.addWidget(page)
        self.steps.setCurrentWidget(page)
        page.finished.connect(lambda case_id, p=page: self._captured(p))
        page.begin()

    def _captured(self, page: ApplicantCapturePage) -> None:
        if page is not self.capture_page:
            return  # the page being closed says so once more
        self._stop_camera()
        try:
            step = self.flow.after_capture(self.case_id)
        except CounterAppError as err:
            self.say(err.message_zh, error=True)
            return
        if step == "photo":
            self.leave()  # Esc on the camera: the case waits on the home page
            return
        self.show_next()

    def _stop_camera(self) -> None:
        page, self.capture_page = self.capture_page, None
        if page is not None:
            page.leave()  # stops its preview worker and the camera
            self.steps.removeWidget(page)
            page.deleteLater()

    # --- issue and print -----------------------------------------------------------------

    def issue_now(self) -> None:
        if self.steps.currentWidget() is not self.issue or not self.issue.button.isEnabled():
            return
        self.issue.button.setEnabled(False)
        try:
            issued = self.flow.issue(self.case_id, self._today())
        except CounterAppError as err:
            self.issue.say(self.tr("不能发证：{error}").format(error=err.message_zh), error=True)
            self.issue.button.setEnabled(True)
            return
        self.say(self.tr("已发证，补发字号 {number}。").format(number=issued.certificate_number)
                 + issued.low_numbers_warning)
        self.show_next()

    def _show_printing(self, state) -> None:
        try:
            flow = self._printing(self.case_id)
        except CounterAppError as err:
            self.say(err.message_zh, error=True)
            return
        page = ReissueCertificatesPage(flow, self.steps)
        page.finished.connect(self.leave)
        self.certificates = page
        self.steps.addWidget(page)
        self.steps.setCurrentWidget(page)
        page.refresh()
