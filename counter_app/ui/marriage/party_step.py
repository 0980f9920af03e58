"""One party's identity: read from the ID card, or typed in when the card will not read."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from counter_app.workflows.intake import IntakeError, party_from_card

SEX_ZH = {"male": "男", "female": "女", "unknown": "未知"}


class PartyStep(QWidget):
    """Emits ``confirmed(party, source)`` when the registrar confirms a party."""

    confirmed = Signal(dict, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._party: dict[str, Any] | None = None
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
        self.confirm = QPushButton("确认，下一步（回车）", self)
        self.manual_button = QPushButton("证件读不出？手工录入（F4）", self)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.status, self.details):
            layout.addWidget(widget)
        form = QFormLayout()
        form.addRow("户籍地区划代码（6 位，请核对）：", self.hukou)
        layout.addLayout(form)
        layout.addWidget(self.manual)
        layout.addWidget(self.confirm)
        layout.addWidget(self.manual_button)
        layout.addStretch(1)
        self.confirm.clicked.connect(self.submit)
        self.hukou.returnPressed.connect(self.submit)
        self.manual_button.clicked.connect(self.show_manual)
        QShortcut(QKeySequence("F4"), self, activated=self.show_manual)

    def _manual_form(self) -> QGroupBox:
        box = QGroupBox("手工录入（请与证件逐项核对）", self)
        self.m_name, self.m_birth = QLineEdit(box), QLineEdit(box)
        self.m_number, self.m_valid = QLineEdit(box), QLineEdit(box)
        self.m_sex = QComboBox(box)
        self.m_sex.addItem("男", "male")
        self.m_sex.addItem("女", "female")
        self.m_birth.setPlaceholderText("例如 1990-03-07")
        self.m_valid.setPlaceholderText("例如 2036-05-01，或 长期")
        form = QFormLayout(box)
        for label, widget in (("姓名", self.m_name), ("性别", self.m_sex),
                              ("出生日期", self.m_birth), ("公民身份号码", self.m_number),
                              ("证件有效期至", self.m_valid)):
            form.addRow(label + "：", widget)
        for widget in (self.m_name, self.m_birth, self.m_number, self.m_valid):
            widget.returnPressed.connect(self.submit)
        return box

    def reset(self, title: str) -> None:
        """Wait for a card (or manual entry) for the next party."""
        self._party = None
        self.title.setText(title)
        self.status.setStyleSheet("font-size: 16pt;")
        self.status.setText("请将当事人的身份证放在读卡器上……")
        self.details.clear()
        self.hukou.clear()
        self.manual.hide()
        for widget in (self.m_name, self.m_birth, self.m_number, self.m_valid):
            widget.clear()

    def on_card(self, card: dict[str, Any]) -> None:
        """A card was read: show it and propose the party record."""
        try:
            self._party = party_from_card(card)
        except IntakeError as err:
            self.say(err.message_zh, error=True)
            return
        self.manual.hide()
        self.status.setStyleSheet("font-size: 16pt; color: #1b7f3b;")
        self.status.setText(f"已读取：{card['name']}（{SEX_ZH.get(card['sex'], '')}）")
        valid = card.get("valid_until")
        self.details.setText(
            f"出生 {card.get('birth_date')}　号码 {card.get('id_number')}\n"
            f"住址 {card.get('address') or ''}\n有效期至 {'长期' if valid == 'long-term' else valid}"
            + (f"\n提示：{'；'.join(card['warnings'])}" if card.get("warnings") else ""))
        self.hukou.setText(self._party["hukou_region_code"] or "")
        self.hukou.setFocus()

    def say(self, message: str, *, error: bool = False) -> None:
        colour = "#b00020" if error else "#000"
        self.status.setStyleSheet(f"font-size: 16pt; color: {colour};")
        self.status.setText(message)

    def show_manual(self) -> None:
        self._party = None
        self.details.clear()
        self.manual.show()
        self.say("请按证件手工录入，然后按回车。")
        self.m_name.setFocus()

    def submit(self) -> None:
        party = self._manual_party() if self.manual.isVisible() else self._party
        if party is None:
            self.say("还没有读到身份证。请放好身份证，或按 F4 手工录入。", error=True)
            return
        source = "manual" if self.manual.isVisible() else "card"
        self.confirmed.emit(dict(party, hukou_region_code=self.hukou.text().strip() or None),
                            source)

    def _manual_party(self) -> dict[str, Any]:
        valid = self.m_valid.text().strip()
        return {"name": self.m_name.text().strip(), "sex": self.m_sex.currentData(),
                "birth_date": self.m_birth.text().strip(), "id_type": "resident",
                "id_number": self.m_number.text().strip().upper(),
                "id_valid_until": "long-term" if valid == "长期" else valid,
                "nationality": "CHN", "residence_permit_region_code": None}
