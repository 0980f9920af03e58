"""Examination, 联网核对 and registration of one accepted marriage case.

One next step at a time: the page shows the single action that can happen now (F8 examined,
F6 online check, F9 register). The online check goes over the network, so it runs in the
background; without a link the case simply waits and the registrar returns home.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.cases import navigator
from counter_app.errors import CounterAppError
from counter_app.ui.i18n import certificate_name, role_name, step_label
from counter_app.ui.ops import Op
from counter_app.ui.style import error_style
from counter_app.workflows.check_refusal import refusal_state
from counter_app.workflows.intake import ROLES
from counter_app.workflows.registration import MarriageRegistration
from counter_app.workflows.steps import CaseStep, next_step

ITEMS = {"marriage": QT_TRANSLATE_NOOP("RegistrationPage", "结婚登记"),
         "divorce": QT_TRANSLATE_NOOP("RegistrationPage", "离婚登记")}
#: The notice an ended divorce application gets, by case state.
NOTICES = {"withdrawn": QT_TRANSLATE_NOOP("RegistrationPage", "撤回离婚登记申请确认单"),
           "deemed_withdrawn": QT_TRANSLATE_NOOP("RegistrationPage", "离婚登记申请视为撤回告知书")}
ACTIONS = {"examine": (QT_TRANSLATE_NOOP("RegistrationPage", "审查完毕，材料齐全（F8）"), "F8"),
           "check": (QT_TRANSLATE_NOOP("RegistrationPage", "联网核对婚姻状况（F6）"), "F6"),
           "register": (QT_TRANSLATE_NOOP("RegistrationPage", "登记（F9）"), "F9"),
           "archive": (QT_TRANSLATE_NOOP("RegistrationPage", "生成电子档案（F12）"), "F12")}
#: This page's action at each stage of the case navigator (a blocked case may be checked again).
STAGE_ACTIONS = {navigator.EXAMINE: "examine", navigator.CHECK: "check",
                 navigator.BLOCKED: "check", navigator.REGISTER: "register",
                 navigator.ARCHIVE: "archive"}


class RegistrationPage(QWidget):
    """The rest of a marriage case after acceptance. ``finished`` returns home."""

    finished = Signal()
    print_certificates = Signal(str)
    #: (step key, case id): open that step's page (MainWindow.open_step).
    step_requested = Signal(str, str)

    def __init__(self, flow: MarriageRegistration, case_id: str, *,
                 today: Callable[[], date] = date.today,
                 steps: Sequence[CaseStep] = (),
                 print_notice: Callable[[str], str] | None = None,
                 archive=None,
                 refuse_blocked: Callable[[str], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow, self.case_id, self._today = flow, case_id, today
        self.steps = list(steps)
        self._print_notice = print_notice
        #: counter_app.workflows.archive_file.ArchiveFile: the file after both booklets.
        self.archive = archive
        # Refuses a case blocked at 联网核对 (if not yet) and prints its 不予办理告知书;
        # returns where it was printed.
        self._refuse_blocked = refuse_blocked
        self.refuse_button = QPushButton(self)
        self.refuse_button.setAutoDefault(True)
        self.refuse_button.clicked.connect(self.refuse)
        QShortcut(QKeySequence("F4"), self, activated=self.refuse)
        self._op: Op | None = None
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.parties = QLabel(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 16pt;")
        self.action = QPushButton(self)
        self.action.setStyleSheet("font-size: 18pt; padding: 8px;")
        self.print_button = QPushButton(self.tr("打印{cert}（回车）").format(
            cert=certificate_name(flow.ITEM)), self)
        # A divorce in its cooling-off period may be withdrawn by either party.
        self.withdraw_buttons = {
            role: QPushButton(self.tr("{who}申请撤回离婚登记申请").format(who=role_name(role)),
                              self) for role in ROLES}
        for role, button in self.withdraw_buttons.items():
            button.clicked.connect(lambda _=False, r=role: self.withdraw(r))
        self.print_button.clicked.connect(lambda: self.print_certificates.emit(self.case_id))
        # A withdrawn or deemed-withdrawn divorce ends with its notice (确认单 / 告知书).
        self.notice_button = QPushButton(self)
        self.notice_button.clicked.connect(self.print_notice)
        # Until registration everything stays open to correction on the review page.
        self.review_button = QPushButton(self.tr("查看或更正材料（F8）"), self)
        self.review_button.clicked.connect(self.open_review)
        self.home = QPushButton(self.tr("返回首页（Esc），业务已保存"), self)
        for button in (self.action, self.print_button, self.notice_button, self.review_button,
                       self.home):
            button.setAutoDefault(True)  # Enter presses the focused button
        layout = QVBoxLayout(self)
        for widget in (self.title, self.parties, self.message, self.action, self.print_button,
                       *self.withdraw_buttons.values(), self.notice_button, self.refuse_button,
                       self.review_button, self.home):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.action.clicked.connect(self.run_action)
        self.home.clicked.connect(self.finished)
        QShortcut(QKeySequence("Escape"), self, activated=self.finished.emit)
        for key in {k for _, k in ACTIONS.values()} | {s.shortcut for s in self.steps}:
            QShortcut(QKeySequence(key), self, activated=lambda k=key: self._on_key(k))
        self.refresh()

    def next_action(self) -> str | None:
        """A preparation step's key, ``examine``, ``check``, ``register``, ``archive`` or None
        (registered, refused, ...): the case navigator's stage as this page's action."""
        nxt = navigator.case_next(self.flow.journal, self.case_id,
                                  pending_step=self._pending_step, check=self._check_outcome)
        if nxt is not None and nxt.stage == navigator.PREPARE:
            return nxt.screen
        if nxt is None or nxt.stage == navigator.ARCHIVE and self.archive is None:
            return None
        return STAGE_ACTIONS.get(nxt.stage)

    def _pending_step(self) -> str | None:
        step = next_step(self.steps, self.flow.ITEM, self.case_id)
        return step.key if step else None

    def _check_outcome(self) -> str | None:
        # The answer that counts here: none once a party was corrected after it.
        answer = self.flow.latest_check(self.case_id)
        return answer.get("outcome") if answer else None

    def refresh(self, message: str = "", *, error: bool = False) -> None:
        parties = self.flow.intake.state(self.case_id).parties
        self.title.setText(self.tr("{item}　{number}").format(item=self.tr(ITEMS[self.flow.ITEM]),
                                                             number=self.case_id[:8]))
        self.parties.setText(self.tr("　").join(
            self.tr("{who}：{name}（{number}）").format(
                who=role_name(r), name=parties[r]["name"], number=parties[r]["id_number"])
            for r in ROLES if r in parties))
        self.message.setStyleSheet(error_style(error))
        self.message.setText(message)
        action = self.next_action()
        self.action.setVisible(action is not None)
        case_state = self.flow.cases.state(self.case_id).state
        registered = case_state == "registered"
        self.print_button.setVisible(registered)
        for button in self.withdraw_buttons.values():
            button.setVisible(self.flow.ITEM == "divorce" and case_state == "cooling_off")
        self.review_button.setVisible(case_state == "examined")
        notice = NOTICES.get(case_state) if self._print_notice is not None else None
        self.notice_button.setVisible(notice is not None)
        if notice is not None:
            self.notice_button.setText(self.tr("打印《{notice}》（回车）").format(
                notice=self.tr(notice)))
            self.notice_button.setFocus()
        refusal = refusal_state(self.flow, self.case_id) if self._refuse_blocked else None
        self.refuse_button.setVisible(refusal is not None)
        if refusal is not None:
            self.refuse_button.setText(self.tr("不予登记，打印《不予办理告知书》（F4）")
                                       if refusal == "can_refuse" else
                                       self.tr("再次打印《不予办理告知书》（F4）"))
        if action:
            self.action.setText(self._action_text(action)[0])
            self.action.setFocus()
        elif registered:
            self.print_button.setFocus()

    def refuse(self) -> None:
        """不予登记 after a blocked 联网核对, and its notice (printed again when refused)."""
        if not self.refuse_button.isVisible() or self._op is not None and self._op.busy:
            return
        try:
            where = self._refuse_blocked(self.case_id)
        except CounterAppError as err:
            self.refresh(err.message_zh, error=True)
            return
        self.refresh(self.tr("已不予登记，《不予办理告知书》已打印：{where}。请交当事人。")
                     .format(where=where))

    def withdraw(self, role: str) -> None:
        """Either party withdraws the divorce application (within 30 days, at this office)."""
        try:
            self.flow.intake.withdraw(self.case_id, role, self._today())
        except CounterAppError as err:
            self.refresh(err.message_zh, error=True)
            return
        self.refresh(self.tr("{who}已撤回离婚登记申请，本案终结。请打印撤回确认单交当事人。")
                     .format(who=role_name(role)))

    def print_notice(self) -> None:
        """Print the case's notice; a printer problem is said and can be retried."""
        if self._print_notice is None or self._op is not None and self._op.busy:
            return
        try:
            where = self._print_notice(self.case_id)
        except CounterAppError as err:
            self.refresh(self.tr("{error}。请检查打印机后再按回车重新打印。").format(
                error=err.message_zh), error=True)
            return
        self.refresh(self.tr("已打印，输出到：{where}").format(where=where))

    def _action_text(self, action: str) -> tuple[str, str]:
        step = next((s for s in self.steps if s.key == action), None)
        if step is not None:
            return step_label(step.label), step.shortcut
        return self.tr(ACTIONS[action][0]), ACTIONS[action][1]

    def open_review(self) -> None:
        """The review page of an examined case (to check or correct before registering)."""
        if self.flow.cases.state(self.case_id).state == "examined":
            self.step_requested.emit("review", self.case_id)

    def _on_key(self, key: str) -> None:
        action = self.next_action()
        if action and self._action_text(action)[1] == key:
            self.run_action()
        elif key == "F8":
            self.open_review()

    def run_action(self) -> None:
        if self._op is not None and self._op.busy:
            return  # a double click while the network answers changes nothing
        action = self.next_action()
        if action not in ACTIONS and action is not None:
            self.step_requested.emit(action, self.case_id)
        elif action == "examine":
            # Everything on one screen first; the review page performs the examination.
            self.step_requested.emit("review", self.case_id)
        elif action == "check":
            self.refresh(self.tr("正在联网核对……"))
            self._op = Op(self, lambda: self.flow.online_check(self.case_id)) \
                .success(self._checked).failure(self._failed).run_in_background()
        elif action == "register":
            self.register()
        elif action == "archive":
            self._build_archive()

    def _build_archive(self) -> None:
        # On the GUI thread: forms paint the PDF with QPainter (0.3 s for a 10-page marriage file).
        self.message.setText(self.tr("正在生成电子档案……"))
        self.message.repaint()
        try:
            entry = self.archive.build(self.case_id)
        except CounterAppError as err:
            self.refresh(err.message_zh, error=True)
            return
        self.refresh(self.tr("电子档案已生成：{count} 件材料，按档案规定顺序排列。"
                             "本业务已办结，按回车返回首页。").format(
                                 count=entry.payload["materials"]))
        self.home.setText(self.tr("办结，返回首页（回车）"))
        self.home.setFocus()

    def register(self) -> None:
        """登记: the legal act; the 字号 is shown with the next step."""
        try:
            result = self.flow.register(self.case_id, self._today())
        except CounterAppError as err:
            self.refresh(err.message_zh, error=True)
            return
        self.refresh(self.tr("登记完成。{cert}字号：{number}。下一步：打印{cert}（男方、女方各一本）。")
                     .format(cert=certificate_name(self.flow.ITEM),
                             number=result.certificate_number)
                     + (f"\n{result.low_numbers_warning}" if result.low_numbers_warning else ""))

    def _checked(self, answer: dict) -> None:
        if answer.get("outcome") == "clear":
            self.refresh(self.tr("联网核对通过：双方均可登记。下一步：登记。"))
        else:
            reasons = self.tr("；").join(p.get("reason") or "" for p in answer.get("parties", [])
                               if not p.get("can_register", True))
            self.refresh(self.tr("联网核对未通过：{reasons}。不能登记，请核实后出具不予登记告知书。")
                         .format(reasons=reasons), error=True)

    def _failed(self, exc: BaseException) -> None:
        if getattr(exc, "retryable", False):
            self.refresh(self.tr("网络不通，联网核对暂时无法进行。业务已保存在首页“等待联网核对”中，"
                                 "网络恢复后点选该业务即可继续。"), error=True)
        elif isinstance(exc, CounterAppError):
            self.refresh(exc.message_zh, error=True)
        else:
            self.refresh(self.tr("联网核对时出现内部错误，请重试；如果反复出现，请联系技术人员。"), error=True)
