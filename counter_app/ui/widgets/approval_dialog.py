"""负责人确认: a supervisor approves, at the registrar's screen, an act only a supervisor may do
(voiding a blank and printing the booklet again).

Keyboard only: the reason (chosen from the list or typed; there is no default), the
supervisor's 工号 and password, Enter to confirm, Esc to cancel. ``submit(supervisor,
password, reason)`` does the act through the services (which check the password, the
supervisor's role and journal the approval); its CounterAppError is shown in the dialog, which
stays open with the password cleared, so a mistyped password can be typed again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from counter_app.errors import CounterAppError
from counter_app.ui.style import error_style

LIST_SEPARATOR_ZH = "、"  # between the names of the missing fields


class SupervisorApprovalDialog(QDialog):
    """Ask a supervisor to approve on the spot; ``result_value`` is what ``submit`` returned."""

    def __init__(self, what: str, reasons: Sequence[tuple[str, str]],
                 submit: Callable[[str, str, str], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._submit = submit
        self.result_value: Any = None
        self.setWindowTitle(self.tr("负责人确认"))
        self.explain = QLabel(what, self)
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet("font-size: 14pt;")
        self.reason = QComboBox(self)
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # Enter adds no item
        for shown, recorded in reasons:
            self.reason.addItem(shown, recorded)
        self.reason.setCurrentIndex(-1)  # no default: the reason is chosen or typed
        self.reason.lineEdit().setPlaceholderText(self.tr("请选择或输入原因"))
        self.supervisor = QLineEdit(self)
        self.supervisor.setPlaceholderText(self.tr("负责人工号"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("负责人密码"))
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style(True))
        self.confirm_button = QPushButton(self.tr("确认（回车）"), self)
        self.confirm_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消（Esc）"), self)
        self.cancel_button.setAutoDefault(False)
        self._layout()
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        # Enter in any field presses the default button (confirm) once: the dialog's own
        # handling, so no returnPressed connection (that would confirm twice).
        self.reason.setFocus()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("原因："), self.reason)
        form.addRow(self.tr("负责人工号："), self.supervisor)
        form.addRow(self.tr("密码："), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setTabOrder(self.reason, self.supervisor)
        self.setTabOrder(self.supervisor, self.password)
        self.setTabOrder(self.password, self.confirm_button)

    def chosen_reason(self) -> str:
        """The reason as recorded: a listed one in Chinese, or the typed text."""
        text = self.reason.currentText().strip()
        index = self.reason.findText(text)
        return str(self.reason.itemData(index)) if index >= 0 else text

    def confirm(self) -> None:
        reason = self.chosen_reason()
        missing = [what for what, value in ((self.tr("原因"), reason),
                                            (self.tr("负责人工号"), self.supervisor.text().strip()),
                                            (self.tr("密码"), self.password.text()))
                   if not value]
        if missing:
            self._fail(self.tr("请填写：{missing}").format(missing=LIST_SEPARATOR_ZH.join(missing)))
            return
        try:
            self.result_value = self._submit(self.supervisor.text().strip(),
                                             self.password.text(), reason)
        except CounterAppError as err:
            self._fail(err.message_zh)
            return
        self.accept()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.password.clear()
        (self.reason if not self.chosen_reason() else
         self.supervisor if not self.supervisor.text().strip() else self.password).setFocus()
