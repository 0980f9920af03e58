"""The main window: login, then the home page; the screen locks itself when left idle."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from counter_app.journal import Journal
from counter_app.operators import Operator, OperatorService
from counter_app.ui.idle import IdleWatcher
from counter_app.ui.login import LoginPage

log = logging.getLogger(__name__)


class HomePage(QWidget):
    """Who is working and the journal's state. (The day's work lists come with issue 8.)"""

    def __init__(self, journal: Journal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.greeting = QLabel(self)
        self.greeting.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.status_label = QLabel(self)
        hint = QLabel("Ctrl+L 锁定屏幕", self)
        layout = QVBoxLayout(self)
        for widget in (self.greeting, self.status_label, hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addStretch(1)

    def show_operator(self, operator: Operator) -> None:
        self.greeting.setText(f"{operator.name}，您好")
        self.refresh()

    def refresh(self) -> None:
        seq, _ = self.journal.head()
        self.status_label.setText(f"本机日志：{seq} 条记录，已加密保存")


class MainWindow(QMainWindow):
    """The counter's main window."""

    def __init__(self, journal: Journal, operators: OperatorService, *, demo: bool = False,
                 idle_lock_s: int = 300) -> None:
        super().__init__()
        self.journal, self.operators = journal, operators
        self.operator: Operator | None = None
        title = "婚姻登记窗口客户端" + ("（演示模式）" if demo else "")
        self.setWindowTitle(title)
        self.resize(1280, 800)
        self.stack = QStackedWidget(self)
        self.login_page = LoginPage(operators, self.stack)
        self.home_page = HomePage(journal, self.stack)
        self.stack.addWidget(self.login_page)
        self.stack.addWidget(self.home_page)
        self.setCentralWidget(self.stack)
        if demo:
            self.statusBar().showMessage("演示模式：模拟设备，演示账号 demo / demo")
        self.login_page.logged_in.connect(self.on_logged_in)
        self.idle = IdleWatcher(idle_lock_s, self)
        self.idle.idle.connect(self.lock)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock)
        self.login_page.reset()

    def on_logged_in(self, operator: Operator) -> None:
        if self.operator is not None and operator.operator_id != self.operator.operator_id:
            log.warning("unlock attempted by another operator")
            return
        self.operator = operator
        self.home_page.show_operator(operator)
        self.stack.setCurrentWidget(self.home_page)
        self.idle.start()

    def lock(self) -> None:
        """Hide everything until the same operator enters the password again."""
        if self.operator is None:
            return
        self.idle.stop()
        self.login_page.reset(self.operator.operator_id, "屏幕已锁定，请输入密码解锁")
        self.stack.setCurrentWidget(self.login_page)
