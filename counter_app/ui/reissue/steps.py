"""The reissue screens' steps: search the archive, the applicant's declaration, issue."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from counter_app.reissue import ArchiveRecord, Hit
from counter_app.reissue.workflow import CAUSES

KIND_ZH = {"marriage": "结婚", "divorce": "离婚"}
TITLE = "font-size: 22pt; font-weight: bold;"
BODY = "font-size: 16pt;"


def describe(record: ArchiveRecord) -> str:
    """A record in two lines, as the registrar reads it to the applicant."""
    def who(party) -> str:
        return f"{party.name}（{party.id_number or '档案无身份证号'}）"

    return (f"{record.registration_date} {KIND_ZH[record.item]}登记　字号 {record.certificate_number}"
            f"　{record.office_name or record.office_code}\n"
            f"男方 {who(record.man)}　女方 {who(record.woman)}")


class SearchStep(QWidget):
    """Type an ID number, a name or pinyin, Enter; arrow down to the results, Enter picks."""

    search_requested = Signal(str)
    picked = Signal(str)  # the record's ref

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("补领婚姻登记证：查询档案", self)
        title.setStyleSheet(TITLE)
        self.query = QLineEdit(self)
        self.query.setStyleSheet(BODY)
        self.query.setPlaceholderText("身份证号、姓名或拼音（如 lxy），可加配偶姓名或登记年份，按回车查询")
        self.status = QLabel("可按身份证号（18 位或 15 位）、姓名、拼音全拼或首字母、配偶姓名、登记年份查询。",
                             self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet(BODY)
        self.results = QListWidget(self)
        self.results.setStyleSheet(BODY)
        layout = QVBoxLayout(self)
        for widget in (title, self.query, self.status):
            layout.addWidget(widget)
        layout.addWidget(self.results, 1)
        self.query.returnPressed.connect(lambda: self.search_requested.emit(self.query.text()))
        self.results.itemActivated.connect(self._activated)
        QShortcut(QKeySequence("Down"), self.query, activated=self._to_results,
                  context=Qt.ShortcutContext.WidgetShortcut)

    def reset(self) -> None:
        self.results.clear()
        self.query.setFocus()
        self.query.selectAll()

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(f"{BODY} color: {'#b00020' if error else '#000'};")
        self.status.setText(text)

    def show_hits(self, hits: list[Hit], truncated: bool) -> None:
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(describe(hit.record))
            item.setData(Qt.ItemDataRole.UserRole, hit.record.ref)
            self.results.addItem(item)
        if not hits:
            self.say("没有找到相符的档案记录。请核对后换一种方式查询（如只输入姓名或身份证号）；"
                     "确实查不到的，按档案遗失程序报负责人。", error=True)
            return
        more = "（结果较多，只显示前 50 条：请加上配偶姓名或登记年份）" if truncated else ""
        self.say(f"找到 {len(hits)} 条记录{more}。按 ↓ 选择，回车办理。")
        self.results.setCurrentRow(0)
        if len(hits) == 1:
            self.results.setFocus()

    def _to_results(self) -> None:
        if self.results.count():
            self.results.setFocus()
            self.results.setCurrentRow(max(self.results.currentRow(), 0))

    def _activated(self, item: QListWidgetItem) -> None:
        ref = item.data(Qt.ItemDataRole.UserRole)
        if ref:
            self.picked.emit(ref)


class DeclareStep(QWidget):
    """The applicant's declaration, asked face to face: why, and status unchanged."""

    submitted = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("申请人声明（请当面询问）", self)
        title.setStyleSheet(TITLE)
        self.record = QLabel(self)
        self.record.setStyleSheet(BODY)
        self.applicant = QLabel(self)
        self.applicant.setWordWrap(True)
        self.applicant.setStyleSheet(BODY)
        self.cause = QComboBox(self)
        for key, label in CAUSES.items():
            self.cause.addItem(label, key)
        self.unchanged = QCheckBox("当事人声明：登记后婚姻状况没有改变（未离婚、未丧偶、未复婚）", self)
        self.button = QPushButton("提交审查（回车）", self)
        self.button.setAutoDefault(True)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setStyleSheet(BODY)
        form = QFormLayout()
        form.addRow("原证件：", self.cause)
        layout = QVBoxLayout(self)
        for widget in (title, self.record, self.applicant):
            layout.addWidget(widget)
        layout.addLayout(form)
        for widget in (self.unchanged, self.button, self.result):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.button.clicked.connect(self.submit)
        QShortcut(QKeySequence("Return"), self, activated=self.submit)

    def reset(self, record_text: str, applicant_text: str) -> None:
        self.record.setText(record_text)
        self.applicant.setText(applicant_text)
        self.unchanged.setChecked(False)
        self.result.clear()
        self.button.setEnabled(True)
        self.cause.setFocus()

    def submit(self) -> None:
        if self.button.isEnabled():
            self.submitted.emit(self.cause.currentData(), self.unchanged.isChecked())


class IssueStep(QWidget):
    """The last check before the legal act: what will be issued, then F9."""

    issue_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("发证：补发婚姻登记证", self)
        self.title.setStyleSheet(TITLE)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setStyleSheet(BODY)
        self.button = QPushButton("确认发证，分配补发字号（F9）", self)
        self.button.setAutoDefault(True)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.body, self.button):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.button.clicked.connect(self.issue_requested)
        QShortcut(QKeySequence("F9"), self, activated=self.issue_requested.emit)

    def reset(self, text: str) -> None:
        self.body.setStyleSheet(BODY)
        self.body.setText(text)
        self.button.setEnabled(True)
        self.button.setFocus()

    def say(self, text: str, *, error: bool = False) -> None:
        self.body.setStyleSheet(f"{BODY} color: {'#b00020' if error else '#000'};")
        self.body.setText(text)
