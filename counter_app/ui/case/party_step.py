"""One party's identity: read from the ID card, from a foreign party's chip passport (F12,
when the page enables it), or typed in when the card will not read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.party import LONG_TERM, LONG_TERM_ZH
from counter_app.errors import CounterAppError
from counter_app.ui.case.passport_widget import PassportWidget
from counter_app.ui.style import message_style
from counter_app.workflows.intake import IntakeError, party_from_card
from counter_app.workflows.passport import CHIP_SOURCE, PassportDesk, PassportRead, describe

SEX_ZH = {"male": "男", "female": "女", "unknown": "未知"}
LIST_SEP_ZH = "；"


class PartyStep(QWidget):
    """Emits ``confirmed(party, source)`` when the registrar confirms a party."""

    confirmed = Signal(dict, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._party: dict[str, Any] | None = None
        self._chip: PassportRead | None = None
        self._case_id: Callable[[], str | None] = lambda: None
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 16pt;")
        self.details = QLabel(self)
        self.hukou = QLineEdit(self)
        self.hukou.setMaxLength(6)
        self.manual = self._manual_form()
        self.manual.hide()
        self.passport = PassportWidget(self)
        self.passport.hide()
        self.confirm = QPushButton(self.tr("确认，下一步（回车）"), self)
        self.confirm.setAutoDefault(True)  # Enter presses it when it has the focus
        self.manual_button = QPushButton(self.tr("证件读不出？手工录入（F4）"), self)
        self.passport_button = QPushButton(self.tr("外国人持护照？读取护照芯片（F12）"), self)
        self.passport_button.hide()
        layout = QVBoxLayout(self)
        for widget in (self.title, self.status, self.details):
            layout.addWidget(widget)
        form = QFormLayout()
        form.addRow(self.tr("户籍地区划代码（6 位，请核对）："), self.hukou)
        layout.addLayout(form)
        layout.addWidget(self.manual)
        layout.addWidget(self.passport)
        layout.addWidget(self.confirm)
        layout.addWidget(self.manual_button)
        layout.addWidget(self.passport_button)
        layout.addStretch(1)
        self.confirm.clicked.connect(self.submit)
        self.hukou.returnPressed.connect(self.submit)
        self.manual_button.clicked.connect(self.show_manual)
        QShortcut(QKeySequence("F4"), self, activated=self.show_manual)
        self.passport_button.clicked.connect(self.show_passport)
        QShortcut(QKeySequence("F12"), self, activated=self.show_passport)
        self.passport.read_done.connect(self.on_passport)
        self.passport.problem.connect(lambda message: self.say(message, error=True))
        self.passport.progress.connect(self.say)

    def enable_passport(self, desk: PassportDesk, case_id: Callable[[], str | None]) -> None:
        """Offer chip passports (F12): ``desk`` reads them, ``case_id()`` is the case their
        chip photos are kept in."""
        self.passport.desk, self._case_id = desk, case_id
        self.passport_button.show()

    def _manual_form(self) -> QGroupBox:
        box = QGroupBox(self.tr("手工录入（请与证件逐项核对）"), self)
        self.m_name, self.m_birth = QLineEdit(box), QLineEdit(box)
        self.m_number, self.m_valid = QLineEdit(box), QLineEdit(box)
        self.m_sex = QComboBox(box)
        self.m_sex.addItem(self.tr("男"), "male")
        self.m_sex.addItem(self.tr("女"), "female")
        self.m_birth.setPlaceholderText(self.tr("例如 1990-03-07"))
        self.m_valid.setPlaceholderText(self.tr("例如 2036-05-01，或 长期"))
        form = QFormLayout(box)
        for label, widget in ((self.tr("姓名："), self.m_name), (self.tr("性别："), self.m_sex),
                              (self.tr("出生日期："), self.m_birth),
                              (self.tr("公民身份号码："), self.m_number),
                              (self.tr("证件有效期至："), self.m_valid)):
            form.addRow(label, widget)
        for widget in (self.m_name, self.m_birth, self.m_number, self.m_valid):
            widget.returnPressed.connect(self.submit)
        return box

    def reset(self, title: str) -> None:
        """Wait for a card (or manual entry) for the next party."""
        self._party = self._chip = None
        self.title.setText(title)
        self.status.setStyleSheet("font-size: 16pt;")
        self.status.setText(self.tr("请将当事人的身份证放在读卡器上……"))
        self.details.clear()
        self.hukou.clear()
        self.hukou.setEnabled(True)
        self.manual.hide()
        self.passport.hide()
        self.passport.clear()
        for widget in (self.m_name, self.m_birth, self.m_number, self.m_valid):
            widget.clear()

    def on_card(self, card: dict[str, Any]) -> None:
        """A card was read: show it and propose the party record."""
        try:
            self._party = party_from_card(card)
        except IntakeError as err:
            self.say(err.message_zh, error=True)
            return
        self._chip = None
        self.hukou.setEnabled(True)
        self.manual.hide()
        self.passport.hide()
        self.status.setStyleSheet("font-size: 16pt; color: #1b7f3b;")
        self.status.setText(self.tr("已读取：{name}（{sex}）").format(
            name=card["name"], sex=SEX_ZH.get(card["sex"], "")))
        valid = card.get("valid_until")
        self.details.setText(
            self.tr("出生 {birth}　号码 {number}\n住址 {address}\n有效期至 {valid}").format(
                birth=card.get("birth_date"), number=card.get("id_number"),
                address=card.get("address") or "",
                valid=self.tr("长期") if valid == LONG_TERM else valid)
            + (self.tr("\n提示：{warnings}").format(warnings=LIST_SEP_ZH.join(card["warnings"]))
               if card.get("warnings") else ""))
        self.hukou.setText(self._party["hukou_region_code"] or "")
        self.hukou.setFocus()

    def say(self, message: str, *, error: bool = False) -> None:
        colour = "#b00020" if error else "#000"
        self.status.setStyleSheet(message_style(colour))
        self.status.setText(message)

    def show_manual(self) -> None:
        self._party = self._chip = None
        self.details.clear()
        self.hukou.setEnabled(True)
        self.passport.hide()
        self.manual.show()
        self.say(self.tr("请按证件手工录入，然后按回车。"))
        self.m_name.setFocus()

    def show_passport(self) -> None:
        """Read a chip passport instead of an ID card (a foreign party)."""
        if self.passport.desk is None:
            return
        self._party = self._chip = None
        self.details.clear()
        self.manual.hide()
        self.hukou.clear()
        self.hukou.setEnabled(False)  # a foreign party has no hukou
        self.passport.start()
        self.say(self.tr("请把护照资料页放在电子证件读卡器上，扫描机读区（或输入护照号码、出生日期、"
                         "有效期），然后按回车读取芯片。"))

    def on_passport(self, read: PassportRead) -> None:
        """The chip was read: show what it holds; Enter confirms."""
        self._party, self._chip = read.party, read
        self.status.setStyleSheet("font-size: 16pt; color: #1b7f3b;")
        self.status.setText(self.tr("已读取护照芯片：{name}").format(name=read.party["name"]))
        self.details.setText(describe(read))
        self.confirm.setFocus()

    def submit(self) -> None:
        if self.passport.isVisible():
            self._submit_passport()
            return
        party = self._manual_party() if self.manual.isVisible() else self._party
        if party is None:
            self.say(self.tr("还没有读到身份证。请放好身份证，或按 F4 手工录入。"), error=True)
            return
        source = "manual" if self.manual.isVisible() else "card"
        self.confirmed.emit(dict(party, hukou_region_code=self.hukou.text().strip() or None),
                            source)

    def _submit_passport(self) -> None:
        if self._chip is None:
            self.passport.read_chip()  # Enter before the chip was read: read it
            return
        case_id = self._case_id()
        try:
            if case_id is not None:
                # Kept before the party is recorded: the capture step compares with it.
                self.passport.desk.keep_photo(case_id, self._chip)
        except CounterAppError as err:
            self.say(err.message_zh, error=True)
            return
        self.confirmed.emit(dict(self._chip.party), CHIP_SOURCE)

    def _manual_party(self) -> dict[str, Any]:
        valid = self.m_valid.text().strip()
        return {"name": self.m_name.text().strip(), "sex": self.m_sex.currentData(),
                "birth_date": self.m_birth.text().strip(), "id_type": "resident",
                "id_number": self.m_number.text().strip().upper(),
                "id_valid_until": LONG_TERM if valid in (LONG_TERM_ZH, self.tr("长期")) else valid,
                "nationality": "CHN", "residence_permit_region_code": None}
