"""Printing the two marriage certificates: preview, print, check, confirm — or void and reprint.

The preview is painted by the same painter as the printout. A booklet counts as used only when
the registrar confirms it printed right; a jam or misprint voids that blank (with the reason)
and the same holder is printed again on the next blank with the same 字号
(counter_app.printing.booklets does the bookkeeping in the journal).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.errors import CounterAppError
from counter_app.printing.booklets import BookletPrinting
from counter_app.ui.i18n import certificate_name, role_name
from counter_app.ui.style import error_style
from counter_app.ui.widgets.form_preview import FormPreviewWidget

#: Why a blank was voided; recorded in the journal in Chinese, shown in the screen's language.
SPOIL_REASONS = (QT_TRANSLATE_NOOP("CertificatesPage", "卡纸"),
                 QT_TRANSLATE_NOOP("CertificatesPage", "打印错位"),
                 QT_TRANSLATE_NOOP("CertificatesPage", "污损"),
                 QT_TRANSLATE_NOOP("CertificatesPage", "其他打印错误"))


class CertificatesPage(QWidget):
    """The booklets of one case, man's then woman's. ``finished`` returns home."""

    finished = Signal()

    def __init__(self, flow: BookletPrinting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self.cert = certificate_name(flow.certificate)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 16pt;")
        self.preview = FormPreviewWidget(self)
        self.print_button = QPushButton(self)
        self.confirm_button = QPushButton(self.tr("打印正确，确认（回车）"), self)
        self.reason = QComboBox(self)
        for reason in SPOIL_REASONS:
            self.reason.addItem(self.tr(reason), reason)
        self.spoil_button = QPushButton(self.tr("作废这本，重新打印（F4）"), self)
        self.home = QPushButton(self.tr("返回首页（Esc）"), self)
        for button in (self.print_button, self.confirm_button, self.spoil_button, self.home):
            button.setAutoDefault(True)
        self._layout()
        self.print_button.clicked.connect(self.print_current)
        self.confirm_button.clicked.connect(self.confirm)
        self.spoil_button.clicked.connect(self.spoil)
        self.home.clicked.connect(self.finished)
        QShortcut(QKeySequence("F9"), self, activated=self.print_current)
        QShortcut(QKeySequence("F4"), self, activated=self.spoil)
        QShortcut(QKeySequence("Escape"), self, activated=self.finished.emit)
        self.refresh()

    def _layout(self) -> None:
        checks = QHBoxLayout()
        checks.addWidget(self.confirm_button, 2)
        checks.addWidget(QLabel(self.tr("作废原因："), self))
        checks.addWidget(self.reason)
        checks.addWidget(self.spoil_button, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.print_button)
        layout.addLayout(checks)
        layout.addWidget(self.home)

    def refresh(self, message: str = "", *, error: bool = False) -> None:
        booklet = self.flow.current
        self.message.setStyleSheet(error_style(error))
        if booklet is None:
            self.title.setText(self.tr("{cert}已全部打印（字号 {number}）").format(
                cert=self.cert, number=self.flow.number))
            self.message.setText(message or self.tr(
                "男方、女方{cert}均已确认。请当事人核对后签收。").format(cert=self.cert))
            for widget in (self.print_button, self.confirm_button, self.reason,
                           self.spoil_button):
                widget.hide()
            self.home.setFocus()
            return
        who, cert = role_name(booklet.holder), self.cert
        self.title.setText(self.tr("打印{who}{cert}（字号 {number}）").format(
            who=who, cert=cert, number=self.flow.number))
        self.preview.show_page(*booklet.page)
        waiting = self.flow.awaiting_confirmation
        self.print_button.setVisible(not waiting)
        self.print_button.setText(self.tr("放入空白证后打印{who}{cert}（F9）").format(
            who=who, cert=cert))
        for widget in (self.confirm_button, self.reason, self.spoil_button):
            widget.setVisible(waiting)
        self.message.setText(message or (
            self.tr("请检查刚打印的{who}{cert}（印制号 {serial}）：内容、位置是否正确。").format(
                who=who, cert=cert, serial=booklet.serial) if waiting
            else self.tr("请在打印机中放入一本空白{cert}（{who}）。").format(cert=cert, who=who)))
        (self.confirm_button if waiting else self.print_button).setFocus()

    def print_current(self) -> None:
        if self.flow.current is None or self.flow.awaiting_confirmation:
            return  # a second F9 while the registrar checks the booklet does nothing
        try:
            # On the GUI thread on purpose: QPainter on a QPrinter belongs to the GUI thread
            # (Windows drivers), and handing a page to the spooler takes milliseconds.
            self.flow.print_current()
        except CounterAppError as err:
            self.refresh(err.message_zh, error=True)
            return
        self.refresh()

    def confirm(self) -> None:
        if not self.flow.awaiting_confirmation:
            return
        booklet = self.flow.confirm()
        self.refresh(self.tr("{who}{cert}已确认（印制号 {serial}）。").format(
            who=role_name(booklet.holder), cert=self.cert, serial=booklet.serial))

    def spoil(self) -> None:
        if not self.flow.awaiting_confirmation:
            return
        serial = self.flow.current.serial
        self.flow.spoiled(self.reason.currentData())
        self.refresh(self.tr("空白证 {serial} 已作废（{reason}）。请放入下一本空白证后重新打印。")
                     .format(serial=serial, reason=self.reason.currentText()))
