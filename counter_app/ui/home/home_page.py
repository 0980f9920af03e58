"""The home page: who is working, today's cases by what they need, the outbox, the devices."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from counter_app.journal import Journal
from counter_app.operators import Operator
from counter_app.ui.home.device_bar import DeviceStatusWidget
from counter_app.ui.items import HOME_LISTS, ITEMS, BusinessItem, HomeList
from counter_app.workflows.today import CaseLine, overview

REFRESH_MS = 30_000


class HomePage(QWidget):
    """Today's work. The buttons, their F-keys and the lists come from the business items
    (counter_app.ui.items); ``sync_status`` returns the outbox report (sync.outbox.status
    shape). ``start_item(key)`` starts a new case of an item; ``open_case(case_id)``
    continues one."""

    start_item = Signal(str)
    open_case = Signal(str)
    #: F12: the audit screen (offered to supervisors; the service refuses anyone else).
    open_audit = Signal()

    def __init__(self, journal: Journal, *, sync_status: Callable[[], dict],
                 detect_devices: Callable[[], list], today: Callable[[], date] = date.today,
                 items: Sequence[BusinessItem] = ITEMS,
                 home_lists: Sequence[HomeList] = HOME_LISTS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal, self._sync_status, self._today = journal, sync_status, today
        self.items = tuple(items)
        self.greeting = QLabel(self)
        self.greeting.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.buttons = {item.key: self._button(item) for item in self.items}
        self.notice = QLabel(self)
        self.notice.setStyleSheet("color: #b00020; font-size: 16pt;")
        shown = [h for h in home_lists if any(h.key in i.home_lists for i in self.items)]
        self.home_lists = {h.key: h for h in shown}
        self.lists = {h.key: self._list(self.tr(h.title)) for h in shown}
        self.outbox = QLabel(self)
        self.outbox.setWordWrap(True)
        self.status_label = QLabel(self)
        self.devices = DeviceStatusWidget(detect_devices, self)
        self._layout()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        # Only while the page is seen: the queries would only slow a case page down.
        self._timer.timeout.connect(lambda: self.isVisible() and self.refresh())
        QShortcut(QKeySequence("F12"), self, activated=self.open_audit.emit)

    def _button(self, item: BusinessItem) -> QPushButton:
        button = QPushButton(self.tr(item.label), self)
        button.setStyleSheet("font-size: 18pt; padding: 8px 24px;")
        button.clicked.connect(lambda: self.start_item.emit(item.key))
        # On the home page only, so the F-keys stay free for the pages (manual entry ...).
        QShortcut(QKeySequence(item.shortcut), self,
                  activated=lambda: self.start_item.emit(item.key))
        return button

    def _list(self, title: str) -> QListWidget:
        widget = QListWidget(self)
        widget.setObjectName(title)
        widget.setAccessibleName(title)
        # Enter or a double click on a case continues it.
        widget.itemActivated.connect(self._activated)
        return widget

    def _activated(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        if case_id:
            self.open_case.emit(case_id)

    def _layout(self) -> None:
        grid = QGridLayout()
        for column, (key, widget) in enumerate(self.lists.items()):
            box = QGroupBox(self.tr(self.home_lists[key].title), self)
            QVBoxLayout(box).addWidget(widget)
            grid.addWidget(box, 0, column)
        outbox_box = QGroupBox(self.tr("上传省级系统"), self)
        QVBoxLayout(outbox_box).addWidget(self.outbox)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        actions = QHBoxLayout()
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addWidget(self.notice, 1)
        layout.addLayout(actions)
        layout.addLayout(grid, 1)
        layout.addWidget(outbox_box)
        layout.addWidget(self.status_label)
        layout.addWidget(self.devices)

    def show_operator(self, operator: Operator, *, audit: bool = False) -> None:
        """Greet ``operator``; ``audit``: offer the audit screen (F12, supervisors)."""
        text = self.tr("{name}，您好　　F5 刷新　Ctrl+L 锁定屏幕").format(name=operator.name)
        self.greeting.setText(text + (self.tr("　F12 审计记录") if audit else ""))
        self.refresh()
        self.devices.refresh()
        self._timer.start()

    def refresh(self) -> None:
        today = overview(self.journal, self._today())
        for key, widget in self.lists.items():
            lines = [line for line in getattr(today, key) if line.case_type in
                     self._case_types(key)]
            self._fill(widget, lines, self.tr(self.home_lists[key].empty))
        next(iter(self.lists.values()), self).setFocus()
        self.outbox.setText(describe_outbox(self._sync_status()))
        seq, _ = self.journal.head()
        self.status_label.setText(self.tr("本机日志：{count} 条记录，已加密保存").format(count=seq))

    def _case_types(self, key: str) -> set[str]:
        """The case types whose cases list ``key`` shows: those of the items contributing it."""
        return {t for item in self.items if key in item.home_lists for t in item.case_types}

    @staticmethod
    def _fill(widget: QListWidget, lines: list[CaseLine], empty: str) -> None:
        widget.clear()
        if not lines:
            item = QListWidgetItem(empty)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            widget.addItem(item)
        for line in lines:
            item = QListWidgetItem(f"{line.title}\n{line.note}")
            item.setData(Qt.ItemDataRole.UserRole, line.case_id)
            if line.urgent:
                item.setForeground(QColor("#b00020"))
            widget.addItem(item)
        widget.setProperty("count", len(lines))


def describe_outbox(report: dict) -> str:
    """The outbox in one or two plain sentences."""
    translate = QCoreApplication.translate
    if not report.get("enrolled"):
        return translate("HomePage", "本机尚未在省级系统登记（由技术人员执行 counter-app enroll）；"
                                     "所有业务已安全保存在本机。")
    pending, files = report.get("pending_entries", 0), report.get("pending_attachments", 0)
    if report.get("all_sent"):
        # only when the server's checked position is this journal's head
        text = translate("HomePage", "全部已上传。")
    elif not pending and not files:
        text = translate("HomePage", "省级系统尚未确认本机的全部记录。")
    else:
        text = translate("HomePage", "待上传：{entries} 条记录、{files} 个附件（{mb:.1f} MB）。").format(
            entries=pending, files=files, mb=report.get("pending_attachment_bytes", 0) / 1e6)
    last = _local(report.get("last_success")) or translate("HomePage", "从未")
    text += translate("HomePage", " 上次成功：{when}。").format(when=last)
    error = report.get("last_error")
    if error:
        text += translate("HomePage", " 上次错误（{at}）：{message}").format(
            at=error.get("at", ""), message=error.get("message", ""))
    refused = report.get("refused_answers") or []
    if refused:
        text += translate("HomePage", " 已拒收省级系统的不可信应答（{at}）：{reason}").format(
            at=_local(refused[0].get("at")), reason=refused[0].get("reason", ""))
    return text


def _local(moment: str | None) -> str:
    """An ISO time from the sync bookkeeping as the counter's local time, to the minute."""
    if not moment:
        return ""
    try:
        return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone() \
            .strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return moment
