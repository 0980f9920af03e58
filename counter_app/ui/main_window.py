"""The main window. For now: who we are, the journal's state and the demo badge."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from counter_app.journal import Journal


class MainWindow(QMainWindow):
    """The counter's main window."""

    def __init__(self, journal: Journal, demo: bool = False) -> None:
        super().__init__()
        self.journal = journal
        title = "婚姻登记窗口客户端" + ("（演示模式）" if demo else "")
        self.setWindowTitle(title)
        self.resize(1280, 800)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        heading = QLabel(title, central)
        heading.setObjectName("heading")
        heading.setStyleSheet("font-size: 28pt; font-weight: bold;")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label = QLabel(central)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        layout.addWidget(heading)
        layout.addWidget(self.status_label)
        layout.addStretch(2)
        self.setCentralWidget(central)
        self.refresh_status()

    def refresh_status(self) -> None:
        seq, _ = self.journal.head()
        self.status_label.setText(f"本机日志：{seq} 条记录，已加密保存")
