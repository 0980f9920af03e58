"""统计报表与日结: the daily closing of this window (signed by the registrar, countersigned by a
supervisor), the other windows' closings as the province returns them, and the monthly
statistics, with their charts and tables; exported as Excel or PDF.

Everything shown comes from the reports service (counter_app.reports): the same data the
exports write, drawn by the same chart code as the PDF. Roles are the service's business: a
registrar asking for the monthly statistics is told that only a supervisor may. Keyboard
only: F2 daily closing, F3 monthly statistics, Enter makes the report for the date typed,
F7 Excel, F8 PDF, F9 sign, F10 countersign, F11 fetch the other windows' closings, Enter on a
count of the tables lists its cases (supervisors), Esc goes back.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QListWidget, QMessageBox,
                               QPushButton, QScrollArea, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from counter_app.errors import CounterAppError
from counter_app.reports.model import Report, cell_text
from counter_app.ui.ops import Op
from counter_app.ui.reports.chart_view import ChartView
from forms.qt import fonts

# Tables whose rows name an item in their first column (and a day, for the daily table).
DRILL_TABLES = ("summary", "by_day", "items")
BUTTONS = (
    ("daily", QT_TRANSLATE_NOOP("ReportsPage", "窗口日结（F2）")),
    ("monthly", QT_TRANSLATE_NOOP("ReportsPage", "月报（F3）")),
    ("xlsx", QT_TRANSLATE_NOOP("ReportsPage", "导出 Excel（F7）")),
    ("pdf", QT_TRANSLATE_NOOP("ReportsPage", "导出 PDF（F8）")),
    ("sign", QT_TRANSLATE_NOOP("ReportsPage", "日结签字（F9）")),
    ("countersign", QT_TRANSLATE_NOOP("ReportsPage", "复核签字（F10）")),
    ("fetch", QT_TRANSLATE_NOOP("ReportsPage", "取回各窗口日结（F11）")),
    ("back", QT_TRANSLATE_NOOP("ReportsPage", "返回（Esc）")),
)


class ReportsPage(QWidget):
    """The reports screen of one operator."""

    finished = Signal()
    continue_case = Signal(str)

    def __init__(self, parts, operator_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts, self.service, self.operator_id = parts, parts.service, operator_id
        self.kind = "daily"
        self.report: Report | None = None
        self.op: Op | None = None
        # Asked before signing (tests answer it); returns True to go on.
        self.confirm = self._ask
        # Where an export goes (tests and the default put it in the exports folder).
        self.choose_path = lambda name: self.parts.export_dir / name
        self._build()
        self._keys()

    # --- building ----------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.when = QLineEdit(self)
        self.when.setAccessibleName(self.tr("日期或月份"))
        self.when.returnPressed.connect(self.make)
        self.window_edit = QLineEdit(self)
        self.window_edit.setAccessibleName(self.tr("窗口号"))
        self.window_edit.setPlaceholderText(self.tr("本窗口"))
        self.window_edit.returnPressed.connect(self.make)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 13pt;")
        self.tabs = QTabWidget(self)
        self.cases = QListWidget(self)
        self.buttons = {key: QPushButton(self.tr(text), self) for key, text in BUTTONS}
        actions = {"daily": lambda: self.switch("daily"), "monthly": lambda: self.switch("monthly"),
                   "xlsx": lambda: self.export("xlsx"), "pdf": lambda: self.export("pdf"),
                   "sign": self.sign, "countersign": self.countersign, "fetch": self.fetch,
                   "back": self.finished.emit}
        for key, button in self.buttons.items():
            button.clicked.connect(actions[key])
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        for key in ("daily", "monthly"):
            top.addWidget(self.buttons[key])
        self.when_label = QLabel(self)
        top.addWidget(self.when_label)
        top.addWidget(self.when)
        self.window_label = QLabel(self.tr("窗口："), self)
        top.addWidget(self.window_label)
        top.addWidget(self.window_edit)
        actions = QHBoxLayout()
        for key in ("xlsx", "pdf", "sign", "countersign", "fetch", "back"):
            actions.addWidget(self.buttons[key])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    def _keys(self) -> None:
        for key, sequence in (("daily", "F2"), ("monthly", "F3"), ("xlsx", "F7"), ("pdf", "F8"),
                              ("sign", "F9"), ("countersign", "F10"), ("fetch", "F11"),
                              ("back", "Esc")):
            QShortcut(QKeySequence(sequence), self, activated=self.buttons[key].click)

    # --- what the main window calls ----------------------------------------------------
    def begin(self, case_id: str | None = None) -> None:
        """Open on today's closing of this window."""
        self.switch("daily")

    def switch(self, kind: str) -> None:
        """Daily closing or monthly statistics, for today or this month."""
        self.kind = kind
        today = self.parts.today()
        daily = kind == "daily"
        self.title.setText(self.tr("窗口日结") if daily else self.tr("统计月报"))
        self.when_label.setText(self.tr("日期：") if daily else self.tr("月份："))
        self.when.setText(today.isoformat() if daily else today.strftime("%Y-%m"))
        for widget in (self.window_label, self.window_edit, self.buttons["sign"],
                       self.buttons["countersign"], self.buttons["fetch"]):
            widget.setVisible(daily)
        self.when.setFocus()
        self.make()

    def params(self) -> dict:
        text = self.when.text().strip()
        if self.kind == "monthly":
            return {"month": text}
        window = self.window_edit.text().strip()
        return {"date": text, **({"window": window} if window else {})}

    def make(self) -> None:
        """Make the report for what is typed; a refusal or bad input is said in Chinese."""
        try:
            self.report = self.service.make(self.operator_id, self.kind, self.params())
        except CounterAppError as err:
            self.report = None
            self._show_error(err.message_zh)
            self._clear_tabs()
            return
        self._show(self.report)

    def _clear_tabs(self) -> None:
        """Drop the tabs of the report shown before (the case list is kept for reuse)."""
        widgets = [self.tabs.widget(i) for i in range(self.tabs.count())]
        self.tabs.clear()
        for widget in widgets:
            if widget is not self.cases:
                widget.setParent(None)
                widget.deleteLater()

    # --- showing -----------------------------------------------------------------------
    def _show(self, report: Report) -> None:
        self.message.setStyleSheet("font-size: 13pt;")
        self.message.setText(report.subtitle + self._signed_note(report))
        self._clear_tabs()
        charts = QWidget(self)
        column = QVBoxLayout(charts)
        for spec in report.charts:
            column.addWidget(ChartView(spec, charts))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)
        self.tabs.addTab(scroll, self.tr("图表"))
        for table in report.tables:
            self.tabs.addTab(self._table(table), table.title)
        self.tabs.addTab(self.cases, self.tr("业务明细"))

    def _signed_note(self, report: Report) -> str:
        if report.key != "daily":
            return ""
        signers = report.data.get("signed_off_by") or []
        if not signers:
            return self.tr("　（尚未签字）")
        return self.tr("　（已签字：%1）").replace(
            "%1", self.tr("、").join(s["operator_id"] for s in signers))

    def _table(self, table) -> QTableWidget:
        widget = QTableWidget(len(table.rows), len(table.columns), self)
        widget.setHorizontalHeaderLabels([c.title for c in table.columns])
        widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        widget.setObjectName(table.key)
        for r, row in enumerate(table.rows):
            for c, (value, column) in enumerate(zip(row, table.columns)):
                item = QTableWidgetItem(cell_text(value, column))
                if column.kind in ("int", "percent"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                widget.setItem(r, c, item)
        widget.resizeColumnsToContents()
        if table.key in DRILL_TABLES:
            widget.cellActivated.connect(lambda r, c, t=table: self.drill(t, r, c))
        return widget

    def _show_error(self, text: str) -> None:
        self.message.setStyleSheet("color: #b00020; font-size: 13pt;")
        self.message.setText(text)

    def _say(self, text: str) -> None:
        self.message.setStyleSheet("color: #1b5e20; font-size: 13pt;")
        self.message.setText(text)

    # --- acting ------------------------------------------------------------------------
    def drill(self, table, row: int, column: int) -> None:
        """The cases behind a count: an item's row (and day), for supervisors only."""
        if self.report is None:
            return
        values = table.rows[row]
        columns = [c.key for c in table.columns]
        if table.key == "by_day":
            item, day = columns[column], values[0]
            day = day.isoformat() if isinstance(day, date) else None
        else:
            item, day = values[0], None
        try:
            found = self.service.cases(self.operator_id, self.report, str(item), day)
        except CounterAppError as err:
            self._show_error(err.message_zh)
            return
        self.cases.clear()
        for case in found:
            self.cases.addItem(f"{case['day']}  {case['item']}  {case['case_id'][:8]}  "
                               f"{case['operator']}  {case['grounds']}")
        self.tabs.setCurrentWidget(self.cases)
        self._say(self.tr("%1：%2 件").replace("%1", str(item)).replace("%2", str(len(found))))

    def export(self, fmt: str) -> None:
        """Write the report shown as Excel or PDF (off the GUI thread); the export is audited."""
        if self.report is None or (self.op is not None and self.op.busy):
            return
        path = Path(self.choose_path(f"{self.report.file_stem}.{fmt}"))
        path.parent.mkdir(parents=True, exist_ok=True)
        report, who = self.report, self.operator_id
        fonts.families()   # the bundled fonts are registered on the GUI thread, then painted with
        self._say(self.tr("正在导出……"))
        self.op = Op(self, lambda: self.service.export(who, report, fmt, path)) \
            .success(lambda result: self._say(self.tr("已导出：%1").replace("%1",
                                                                        result[1].output))) \
            .failure(self._failed).run_in_background()

    def sign(self) -> None:
        """The registrar signs the closing shown (his window's), after confirming."""
        day = self._day()
        if day is None or not self.confirm(self.tr("确认签字 %1 的日结？签字后当日的数字不再改变，之后记入的记录"
                                                   "会在下一次日结中列出。").replace("%1", day.isoformat())):
            return
        try:
            self.parts.closing.sign(self.operator_id, day)
        except CounterAppError as err:
            self._show_error(err.message_zh)
            return
        self.make()
        self._say(self.tr("日结已签字。"))

    def countersign(self) -> None:
        """A supervisor countersigns the signed closing shown, after confirming."""
        day = self._day()
        if day is None or not self.confirm(self.tr("确认复核签字 %1 的日结？").replace(
                "%1", day.isoformat())):
            return
        try:
            self.parts.closing.countersign(self.operator_id, day)
        except CounterAppError as err:
            self._show_error(err.message_zh)
            return
        self.make()
        self._say(self.tr("日结已复核签字。"))

    def fetch(self) -> None:
        """Ask the province for the office's windows' closings of the day (off the GUI
        thread), then show the window typed."""
        day = self._day(own=False)
        if day is None or (self.op is not None and self.op.busy):
            return
        who = self.operator_id
        self._say(self.tr("正在从省级系统取回各窗口日结……"))
        self.op = Op(self, lambda: self.service.fetch_closings(who, day.isoformat())) \
            .success(self._fetched).failure(self._failed).run_in_background()

    def _fetched(self, copies: list) -> None:
        windows = self.tr("、").join(c["window"] for c in copies) or self.tr("无")
        if copies and not self.window_edit.text().strip():
            others = [c["window"] for c in copies if c["window"] != self.service.window]
            if others:
                self.window_edit.setText(others[0])
        self.make()
        self._say(self.tr("已取回各窗口日结：%1 号窗口").replace("%1", windows))

    def _failed(self, exc: BaseException) -> None:
        self._show_error(exc.message_zh if isinstance(exc, CounterAppError)
                         else self.tr("操作失败，请联系技术人员。"))

    def _day(self, own: bool = True) -> date | None:
        if self.kind != "daily" or (own and self.window_edit.text().strip() not in
                                    ("", self.service.window)):
            self._show_error(self.tr("只能在本窗口的日结上签字。") if own else
                             self.tr("请先切换到日结（F2）。"))
            return None
        try:
            return date.fromisoformat(self.when.text().strip())
        except ValueError:
            self._show_error(self.tr("日期不对，请写成 年-月-日，例如 2026-05-20。"))
            return None

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, self.tr("请确认"), text)
        return answer == QMessageBox.StandardButton.Yes

