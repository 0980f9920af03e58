"""The login page, also used to unlock the screen after the idle lock."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from counter_app.errors import CounterAppError
from counter_app.operators import Operator, OperatorService
from counter_app.ui.ops import Op


class LoginPage(QWidget):
    """Operator id and password; Enter logs in. Emits ``logged_in(Operator)``."""

    logged_in = Signal(object)

    def __init__(self, operators: OperatorService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.operators = operators
        self._op: Op | None = None
        self.title = QLabel(self.tr("请登录"), self)
        self.title.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.operator_id = QLineEdit(self)
        self.operator_id.setPlaceholderText(self.tr("工号"))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.message = QLabel("", self)
        self.message.setStyleSheet("color: #b00020; font-size: 16pt;")
        self.message.setWordWrap(True)
        self.button = QPushButton(self.tr("登录（回车）"), self)
        self.button.setDefault(True)
        self._layout()
        for widget in (self.operator_id, self.password):
            widget.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("工号："), self.operator_id)
        form.addRow(self.tr("密码："), self.password)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addLayout(form)
        box.addWidget(self.message)
        box.addWidget(self.button)
        box.addStretch(2)
        box.setContentsMargins(320, 40, 320, 40)

    def reset(self, operator_id: str = "", title: str = "") -> None:
        """Show the page fresh; with ``operator_id`` the id is fixed (unlocking)."""
        self.title.setText(title or self.tr("请登录"))
        self.operator_id.setText(operator_id)
        self.operator_id.setReadOnly(bool(operator_id))
        self.password.clear()
        self.message.clear()
        (self.password if operator_id else self.operator_id).setFocus()

    def submit(self) -> None:
        if self._op is not None and self._op.busy:
            return  # a second Enter or click while checking changes nothing
        user, password = self.operator_id.text(), self.password.text()
        if not user.strip() or not password:
            self.message.setText(self.tr("请输入工号和密码。"))
            return
        self.message.setText(self.tr("正在连接省级系统核验密码（该账号首次在本机登录）……")
                             if self.operators.asks_province(user) else self.tr("正在验证……"))
        self._op = Op(self, lambda: self.operators.authenticate(user, password)) \
            .success(self._on_success).failure(self._on_failure).run_in_background()

    def _on_success(self, operator: Operator) -> None:
        self.password.clear()
        self.message.clear()
        self.logged_in.emit(operator)

    def _on_failure(self, exc: BaseException) -> None:
        self.password.clear()
        self.password.setFocus()
        if isinstance(exc, CounterAppError):
            self.message.setText(exc.message_zh)
        else:
            self.message.setText(self.tr("登录时出现内部错误，请重试；如果反复出现，请联系技术人员。"))
