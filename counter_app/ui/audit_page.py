"""The supervisor's audit screen (F12 on the home page): who opened which case, looked up or
showed which archive record, printed what, which actions were refused — newest first, filtered
by day and operator.

Keyboard only: the date field has the focus (YYYY-MM-DD, empty for everything), Tab to the
operator (type or pick one; empty for everyone), Enter (or F5) applies the filters, Esc goes
back home. ``load(since, operator)`` is Services.audit for the logged-in operator: the service
refuses (and journals) anyone the permission table does not let read the audit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from counter_app.audit import AuditRow, parse_since
from counter_app.errors import CounterAppError
from counter_app.journal.clock import parse_iso
from counter_app.ui.style import error_style

COLUMNS = (QT_TRANSLATE_NOOP("AuditPage", "时间"), QT_TRANSLATE_NOOP("AuditPage", "操作员"),
           QT_TRANSLATE_NOOP("AuditPage", "操作"), QT_TRANSLATE_NOOP("AuditPage", "业务"),
           QT_TRANSLATE_NOOP("AuditPage", "档案或记录"), QT_TRANSLATE_NOOP("AuditPage", "用途"))


class AuditPage(QWidget):
    """The audit list with its filters; ``finished`` returns home."""

    finished = Signal()

    def __init__(self, load: Callable[[date | None, str | None], list[AuditRow]],
                 operators: Sequence[str], today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load = load
        self.title = QLabel(self.tr("审计记录（查看、打印、被拒绝的操作）"), self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.since = QLineEdit(today.isoformat(), self)
        self.since.setPlaceholderText(self.tr("起始日期，如 2026-05-20；留空为全部"))
        self.operator = QComboBox(self)
        self.operator.setEditable(True)
        self.operator.addItem("")
        self.operator.addItems(list(operators))
        self.operator.lineEdit().setPlaceholderText(self.tr("操作员工号；留空为全部"))
        self.apply_button = QPushButton(self.tr("查询（回车）"), self)
        self.home = QPushButton(self.tr("返回首页（Esc）"), self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._layout()
        self.since.returnPressed.connect(self.apply)
        self.operator.lineEdit().returnPressed.connect(self.apply)
        self.apply_button.clicked.connect(self.apply)
        self.home.clicked.connect(self.finished)
        QShortcut(QKeySequence("F5"), self, activated=self.apply)
        QShortcut(QKeySequence("Escape"), self, activated=self.finished.emit)

    def _layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("自"), self))
        filters.addWidget(self.since)
        filters.addWidget(QLabel(self.tr("操作员"), self))
        filters.addWidget(self.operator, 1)
        filters.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.home)
        self.setTabOrder(self.since, self.operator)
        self.setTabOrder(self.operator, self.apply_button)
        self.setTabOrder(self.apply_button, self.table)

    def begin(self) -> None:
        """Show today's acts with the date field focused."""
        self.apply()
        self.since.setFocus()
        self.since.selectAll()

    def apply(self) -> None:
        """The list again with the filters as typed."""
        try:
            text = self.since.text().strip()
            since = parse_since(text) if text else None
            rows = self._load(since, self.operator.currentText().strip() or None)
        except CounterAppError as err:
            self.message.setStyleSheet(error_style(True))
            self.message.setText(err.message_zh)
            return
        self._fill(rows)
        self.message.setStyleSheet(error_style(False))
        self.message.setText(self.tr("共 {count} 条（最新的在前）").format(count=len(rows)))

    def _fill(self, rows: list[AuditRow]) -> None:
        self.table.setRowCount(len(rows))
        for i, row in enumerate(reversed(rows)):
            cells = (_local(row.at), row.operator, row.description,
                     (row.case_id or "")[:8], row.record or "", row.purpose)
            for column, text in enumerate(cells):
                self.table.setItem(i, column, QTableWidgetItem(text))


def _local(moment: str) -> str:
    """A journal time (UTC) as the counter's local time, to the second."""
    return parse_iso(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S")
