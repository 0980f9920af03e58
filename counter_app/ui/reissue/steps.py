"""The reissue screens' steps: search the archive, the applicant's declaration, issue."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from counter_app.reissue import ArchiveRecord, Hit
from counter_app.reissue.workflow import CAUSES

KINDS = {"marriage": QT_TRANSLATE_NOOP("ReissueSteps", "结婚"),
         "divorce": QT_TRANSLATE_NOOP("ReissueSteps", "离婚")}
TITLE = "font-size: 22pt; font-weight: bold;"
BODY = "font-size: 16pt;"


def describe(record: ArchiveRecord) -> str:
    """A record in two lines, as the registrar reads it to the applicant."""
    translate = QCoreApplication.translate

    def who(party) -> str:
        number = party.id_number or translate("ReissueSteps", "档案无身份证号")
        return translate("ReissueSteps", "{name}（{number}）").format(name=party.name,
                                                                    number=number)

    text = translate("ReissueSteps", "{date} {kind}登记　字号 {number}　{office}\n"
                                     "男方 {man}　女方 {woman}")
    return text.format(date=record.registration_date,
                       kind=translate("ReissueSteps", KINDS[record.item]),
                       number=record.certificate_number,
                       office=record.office_name or record.office_code,
                       man=who(record.man), woman=who(record.woman))


class SearchStep(QWidget):
    """Type an ID number, a name or pinyin, Enter; arrow down to the results, Enter picks."""

    search_requested = Signal(str)
    picked = Signal(str)  # the record's ref

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr("补领婚姻登记证：查询档案"), self)
        title.setStyleSheet(TITLE)
        self.query = QLineEdit(self)
        self.query.setStyleSheet(BODY)
        self.query.setPlaceholderText(self.tr("身份证号、姓名或拼音（如 lxy），可加配偶姓名或登记年份，按回车查询"))
        self.status = QLabel(self.tr("可按身份证号（18 位或 15 位）、姓名、拼音全拼或首字母、配偶姓名、登记年份查询。"),
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
            self.say(self.tr("没有找到相符的档案记录。请核对后换一种方式查询（如只输入姓名或身份证号）；"
                             "确实查不到的，按档案遗失程序报负责人。"), error=True)
            return
        more = self.tr("（结果较多，只显示前 50 条：请加上配偶姓名或登记年份）") if truncated else ""
        self.say(self.tr("找到 {count} 条记录{more}。按 ↓ 选择，回车办理。").format(
            count=len(hits), more=more))
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
        title = QLabel(self.tr("申请人声明（请当面询问）"), self)
        title.setStyleSheet(TITLE)
        self.record = QLabel(self)
        self.record.setStyleSheet(BODY)
        self.applicant = QLabel(self)
        self.applicant.setWordWrap(True)
        self.applicant.setStyleSheet(BODY)
        self.cause = QComboBox(self)
        for key, label in CAUSES.items():
            self.cause.addItem(label, key)
        self.unchanged = QCheckBox(self.tr("当事人声明：登记后婚姻状况没有改变（未离婚、未丧偶、未复婚）"), self)
        self.button = QPushButton(self.tr("提交审查（回车）"), self)
        self.button.setAutoDefault(True)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setStyleSheet(BODY)
        form = QFormLayout()
        form.addRow(self.tr("原证件："), self.cause)
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
        self.title = QLabel(self.tr("发证：补发婚姻登记证"), self)
        self.title.setStyleSheet(TITLE)
        self.body = QLabel(self)
        self.body.setWordWrap(True)
        self.body.setStyleSheet(BODY)
        self.button = QPushButton(self.tr("确认发证，分配补发字号（F9）"), self)
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
