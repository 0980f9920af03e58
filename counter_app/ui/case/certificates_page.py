"""Printing the two marriage certificates: preview, print, check, confirm — or void and reprint.

The preview is painted by the same painter as the printout. A booklet counts as used only when
the registrar confirms it printed right; a jam or misprint voids that blank (with the reason)
and the same holder is printed again on the next blank with the same 字号
(counter_app.printing.booklets does the bookkeeping in the journal). Voiding and printing again
are a supervisor's acts: F4 asks the 负责人 to confirm on the spot (his 工号, password and the
reason, in SupervisorApprovalDialog).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.errors import CounterAppError
from counter_app.printing.booklets import BookletPrinting
from counter_app.ui.i18n import certificate_name, role_name
from counter_app.ui.style import error_style
from counter_app.ui.widgets.approval_dialog import SupervisorApprovalDialog
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
        self.spoil_button = QPushButton(self.tr("作废这本，重新打印（F4，须负责人确认）"), self)
        #: The supervisor's confirmation while it is open (tests drive it).
        self.approval: SupervisorApprovalDialog | None = None
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
            for widget in (self.print_button, self.confirm_button, self.spoil_button):
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
        for widget in (self.confirm_button, self.spoil_button):
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
        try:
            booklet = self.flow.confirm()
        except CounterAppError as err:
            self.refresh(err.message_zh, error=True)
            return
        self.refresh(self.tr("{who}{cert}已确认（印制号 {serial}）。").format(
            who=role_name(booklet.holder), cert=self.cert, serial=booklet.serial))

    def spoil(self) -> None:
        """Jam or misprint: the 负责人 confirms (reason, 工号, password), then the blank is
        voided and the same booklet may be printed on the next one."""
        if not self.flow.awaiting_confirmation or self.approval is not None:
            return
        serial = self.flow.current.serial
        reasons = [(self.tr(r), r) for r in SPOIL_REASONS]
        self.approval = SupervisorApprovalDialog(
            self.tr("作废空白证 {serial} 并重新打印{cert}，须由负责人当场确认。").format(
                serial=serial, cert=self.cert), reasons, self._void, self)
        try:
            accepted = self.approval.exec() == QDialog.DialogCode.Accepted
            reason = self.approval.chosen_reason()
        finally:
            self.approval.deleteLater()
            self.approval = None
            self.window().activateWindow()  # the page's keys again (F9 prints)
        if not accepted:
            self.refresh()
            return
        self.refresh(self.tr("空白证 {serial} 已作废（{reason}），负责人已确认。请放入下一本空白证后"
                             "重新打印。").format(serial=serial, reason=self.tr(reason)))

    def _void(self, supervisor: str, password: str, reason: str):
        return self.flow.void_with_approval(supervisor, password, reason)
