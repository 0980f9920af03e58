"""Intake screens (marriage, divorce application): two parties, the registrar's questions, the
rules' answer.

A view over ``counter_app.workflows.intake.MarriageIntake``: every confirmed step is in the
journal before the next screen shows, so leaving (Esc) loses nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QLabel,
                               QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from counter_app.domain.party import ROLE_OF_SEX
from counter_app.errors import CounterAppError
from counter_app.ui.ops import Op
from counter_app.ui.widgets.demo_tray import demo_card_tray
from counter_app.ui.i18n import role_name, translate
from counter_app.workflows.intake import ROLES, MarriageIntake
from counter_app.ui.case.card_bridge import CardReaderBridge
from counter_app.ui.case.party_step import PartyStep

#: What the registrar sees, by the case's state after the check.
OUTCOMES = {"accepted": (QT_TRANSLATE_NOOP("IntakePage", "已受理"), "#1b7f3b"),
            "initial_review": (QT_TRANSLATE_NOOP("IntakePage", "需要负责人审核"), "#b26a00"),
            "refused": (QT_TRANSLATE_NOOP("IntakePage", "不予受理"), "#b00020"),
            "applied": (QT_TRANSLATE_NOOP("IntakePage", "需要负责人审核"), "#b26a00"),
            "cooling_off": (QT_TRANSLATE_NOOP("IntakePage", "已受理，进入离婚冷静期"), "#1b7f3b")}
#: The registrar's questions per party, by business item.
MARRIAGE_QUESTIONS = (("voluntary", QT_TRANSLATE_NOOP("IntakePage", "本人自愿结婚")),
                      ("kinship_declared_none", QT_TRANSLATE_NOOP(
                          "IntakePage", "声明双方无直系血亲和三代以内旁系血亲关系")))
DIVORCE_QUESTIONS = (("agreement_signed", QT_TRANSLATE_NOOP("IntakePage", "已签署离婚协议书")),
                     ("full_capacity", QT_TRANSLATE_NOOP("IntakePage", "具有完全民事行为能力")),
                     ("certificate_from_mainland", QT_TRANSLATE_NOOP(
                         "IntakePage", "持内地婚姻登记机关颁发的结婚证")))
#: Findings not shown after acceptance: they are dealt with before registration.
LATER = {"check.marital_status_unchecked", "offline.needs_online_check"}


class AnswersStep(QWidget):
    """The initial-review questions, one pair of boxes per party."""

    submitted = Signal(dict)

    def __init__(self, questions=MARRIAGE_QUESTIONS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.questions = questions
        title = QLabel(self.tr("询问当事人（请逐项当面确认）"), self)
        title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.boxes: dict[str, tuple[QCheckBox, ...]] = {}
        self.names: dict[str, QLabel] = {}
        grid = QGridLayout()
        for row, role in enumerate(ROLES):
            self.names[role] = QLabel(self)
            self.boxes[role] = tuple(QCheckBox(translate("IntakePage", label), self)
                                     for _, label in questions)
            grid.addWidget(self.names[role], row, 0)
            for column, box in enumerate(self.boxes[role], start=1):
                grid.addWidget(box, row, column)
        self.button = QPushButton(self.tr("提交审查（回车）"), self)
        self.button.clicked.connect(self.submit)
        QShortcut(QKeySequence("Return"), self, activated=self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(QLabel(self.tr("未勾选表示当事人不同意或未作声明，系统将按规定不予受理。"), self))
        layout.addWidget(self.button)
        layout.addStretch(1)

    def reset(self, parties: dict[str, dict[str, Any]]) -> None:
        for role in ROLES:
            self.names[role].setText(self.tr("{who}：{name}").format(
                who=role_name(role), name=parties[role]["name"]))
            for box in self.boxes[role]:
                box.setChecked(False)
        self.boxes[ROLES[0]][0].setFocus()

    def submit(self) -> None:
        self.submitted.emit({role: {key: box.isChecked()
                                    for (key, _), box in zip(self.questions, boxes)}
                             for role, boxes in self.boxes.items()})


class ResultStep(QWidget):
    """The rules' answer, with every reason and its legal basis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel(self)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.proceed = QPushButton(self.tr("继续：审查与登记（回车）"), self)
        self.notice = QPushButton(self.tr("打印《不予受理告知书》（回车）"), self)
        self.receipt = QPushButton(self.tr("打印《离婚登记申请受理回执》（回车）"), self)
        self.done = QPushButton(self.tr("返回首页（Esc）"), self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.body)
        layout.addWidget(self.proceed)
        layout.addWidget(self.notice)
        layout.addWidget(self.receipt)
        layout.addWidget(self.done)
        for button in (self.proceed, self.notice, self.receipt, self.done):
            button.setAutoDefault(True)  # Enter presses the focused button
        layout.addStretch(1)

    def show_decision(self, decision: dict[str, Any], case_state: str,
                      extra: str = "") -> None:
        text, colour = OUTCOMES[case_state]
        self.headline.setText(translate("IntakePage", text))
        self.headline.setStyleSheet(f"font-size: 26pt; font-weight: bold; color: {colour};")
        reasons = [r for r in decision["reasons"]
                   if case_state != "accepted" or r["code"] not in LATER]
        lines = [self.tr("• {message}\n　依据：{basis}").format(message=r["message_zh"],
                                                               basis=r["basis"])
                 for r in reasons]
        if case_state == "accepted":
            lines.append(self.tr("联网核对将在登记前进行；网络中断时，业务会在首页“等待联网核对”中等候。"))
        if extra:
            lines.append(extra)
        if case_state != "refused" and decision["required_documents"]:
            lines.append(self.tr("应收材料：") + self.tr("、").join(decision["required_documents"]))
        if case_state == "refused":
            lines.append(self.tr("请向当事人出具《不予受理告知书》（载明理由和法律依据）。"))
        self.body.setText("\n".join(lines))
        # A divorce goes on right away too: its agreement and papers are photographed now.
        self.proceed.setVisible(case_state in ("accepted", "cooling_off"))
        if case_state == "cooling_off":
            self.proceed.setText(self.tr("继续：拍摄离婚协议书等材料"))
        self.notice.setVisible(case_state == "refused")
        self.receipt.setVisible(case_state == "cooling_off")
        focus = {"accepted": self.proceed, "refused": self.notice,
                 "cooling_off": self.receipt}.get(case_state, self.done)
        focus.setFocus()


class IntakePage(QWidget):
    """The intake wizard (marriage, or a divorce application with DIVORCE_QUESTIONS).
    ``finished`` returns to the home page; ``continue_case(case_id)``
    goes on to examination and registration."""

    finished = Signal()
    continue_case = Signal(str)

    def __init__(self, intake: MarriageIntake, open_reader: Callable[[], object], *,
                 today: Callable[[], date] = date.today,
                 demo_cards: dict[str, str] | None = None,
                 insert_demo_card: Callable[[str], None] | None = None,
                 print_notice: Callable[[str], str] | None = None,
                 questions=MARRIAGE_QUESTIONS,
                 print_receipt: Callable[[str], str] | None = None,
                 describe_acceptance: Callable[[str], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intake, self._today, self._print_notice = intake, today, print_notice
        self._print_receipt, self._describe = print_receipt, describe_acceptance
        self._receipt_op: Op | None = None
        self.case_id: str | None = None
        self.reader = CardReaderBridge(open_reader, self)
        self.steps = QStackedWidget(self)
        self.party = PartyStep(self.steps)
        self.answers = AnswersStep(questions, self.steps)
        self.result = ResultStep(self.steps)
        for step in (self.party, self.answers, self.result):
            self.steps.addWidget(step)
        layout = QVBoxLayout(self)
        if demo_cards and insert_demo_card:
            layout.addLayout(demo_card_tray(self, demo_cards, insert_demo_card))
        layout.addWidget(self.steps)
        self.reader.card_read.connect(self._on_card)
        self.reader.problem.connect(lambda message: self.party.say(message, error=True))
        self.party.confirmed.connect(self._on_party)
        self.answers.submitted.connect(self._on_answers)
        self.result.done.clicked.connect(self.leave)
        self.result.proceed.clicked.connect(self._proceed)
        self.result.notice.clicked.connect(self._notice)
        self.result.receipt.clicked.connect(self._receipt)
        QShortcut(QKeySequence("Escape"), self, activated=self.leave)

    def begin(self, case_id: str | None = None) -> None:
        """Open a new marriage case (or go on with ``case_id``) at its next step."""
        self.case_id = case_id or self.intake.open()
        self._show_next()
        if self.steps.currentWidget() is self.party:
            self.reader.start()

    def leave(self) -> None:
        self.reader.stop()
        self.finished.emit()

    def _show_next(self) -> None:
        state = self.intake.state(self.case_id)
        if state.next_step.startswith("party_"):
            number = len(state.parties) + 1
            self.party.reset(self.tr("第 {number} 位当事人").format(number=number))
            self.steps.setCurrentWidget(self.party)
        elif state.next_step == "answers":
            self.reader.stop()
            self.answers.reset(state.parties)
            self.steps.setCurrentWidget(self.answers)

    def _on_card(self, card: dict) -> None:
        if self.steps.currentWidget() is self.party:
            self.party.on_card(card)

    def _on_party(self, party: dict, source: str) -> None:
        state = self.intake.state(self.case_id)
        role = ROLE_OF_SEX.get(party.get("sex"))
        if role in state.parties and len(state.parties) == 1:
            other = role_name("woman" if role == "man" else "man")
            self.party.say(self.tr("已经读取了{who}，请换{other}的身份证。").format(
                who=role_name(role), other=other), error=True)
            return
        try:
            self.intake.record_party(self.case_id, party, source)
        except CounterAppError as err:
            self.party.say(err.message_zh, error=True)
            return
        self._show_next()

    def _on_answers(self, answers: dict) -> None:
        try:
            for role, given in answers.items():
                self.intake.record_answers(self.case_id, role, **given)
            decision = self.intake.check(self.case_id, self._today())
        except CounterAppError as err:
            self.answers.button.setText(self.tr("出错：{error}（回车重试）").format(
                error=err.message_zh))
            return
        state = self.intake.state(self.case_id).case_state
        extra = self._describe(self.case_id) if self._describe and state == "cooling_off" else ""
        self.result.show_decision(decision, state, extra)
        self.steps.setCurrentWidget(self.result)

    def _notice(self) -> None:
        if self._print_notice is None:
            return
        try:
            where = self._print_notice(self.case_id)
        except CounterAppError as err:
            self.result.body.setText(self.result.body.text() + "\n" + self.tr(
                "打印失败：{error}").format(error=err.message_zh))
            return
        self.result.notice.setText(self.tr("已打印《不予受理告知书》（{where}）。再次打印请按回车")
                                   .format(where=where))

    def _receipt(self) -> None:
        if self._print_receipt is None or (self._receipt_op and self._receipt_op.busy):
            return
        case_id = self.case_id
        self.result.receipt.setText(self.tr("正在打印受理回执……"))
        # The receipt printer may be a network device: never wait for it on the GUI thread.
        self._receipt_op = Op(self, lambda: self._print_receipt(case_id)) \
            .success(lambda where: self.result.receipt.setText(
                self.tr("已打印受理回执（{where}）。再次打印请按回车").format(where=where))) \
            .failure(self._receipt_failed).run_in_background()

    def _receipt_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, CounterAppError):
            self.result.receipt.setText(self.tr(
                "打印回执时出现内部错误，请按回车重试；如果反复出现，请联系技术人员（回执没有丢失）。"))
            return
        self.result.receipt.setText(self.tr(
            "回执打印失败：{error}。排除故障后按回车重打（回执没有丢失）").format(
                error=exc.message_zh))

    def _proceed(self) -> None:
        self.reader.stop()
        self.continue_case.emit(self.case_id)
