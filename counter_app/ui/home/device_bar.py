"""One light per device kind; a click shows what is wrong and offers a retry."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from counter_app.ui.ops import Op
from counter_app.workflows.devices import KindStatus, summarize
from drivers.base import DeviceInfo

OK_STYLE = "background: #1b7f3b; color: white; font-weight: bold; padding: 4px 10px;"
BAD_STYLE = "background: #b00020; color: white; font-weight: bold; padding: 4px 10px;"


class DeviceStatusWidget(QWidget):
    """The device lights. ``detect`` runs off the GUI thread (it may touch hardware)."""

    refreshed = Signal()

    def __init__(self, detect: Callable[[], list[DeviceInfo]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._detect = detect
        self._op: Op | None = None
        self.statuses: list[KindStatus] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.checking = QLabel(self.tr("正在检查设备……"), self)
        self._layout.addWidget(self.checking)

    def refresh(self) -> None:
        if self._op is not None and self._op.busy:
            return
        self.checking.setText(self.tr("正在检查设备……"))
        self._op = Op(self, self._detect).success(self._show).failure(self._failed) \
            .run_in_background()

    def _show(self, rows: list[DeviceInfo]) -> None:
        self.statuses = summarize(rows)
        while self._layout.count() > 1:
            item = self._layout.takeAt(1)
            if item.widget():
                item.widget().deleteLater()
        self.checking.setText(self.tr("设备："))
        for status in self.statuses:
            button = QPushButton(status.headline, self)
            button.setObjectName(f"device-{status.kind}")
            button.setStyleSheet(OK_STYLE if status.ok else BAD_STYLE)
            button.setToolTip(self.tr("点击查看详情并重试"))
            button.clicked.connect(lambda _=False, s=status: self.show_details(s))
            self._layout.addWidget(button)
        self._layout.addStretch(1)
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.checking.setText(self.tr("设备检查失败，请按 F5 重新检查"))

    def show_details(self, status: KindStatus) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(status.name_zh)
        box.setText(status.headline)
        advice = "" if status.ok else self.tr("\n\n请检查连线和电源，然后点“重试”。仍不行请联系技术人员。")
        box.setInformativeText("\n".join(status.lines) + advice)
        retry = box.addButton(self.tr("重试"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("关闭"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is retry:
            self.refresh()
