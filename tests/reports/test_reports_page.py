"""Ensure the supervisors' reports screen shows what the reports service makes, by keyboard:
the closing and the month with their charts and tables, the cases behind a count (for a
supervisor only), Excel and PDF exports, the signature after a confirmation; a registrar
asking for the month is told only a supervisor may."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from counter_app.reports.closing import DailyClosing
from counter_app.reports.service import ReportService
from counter_app.rules.offices import counter_office, office_profile
from counter_app.ui.reports.chart_view import ChartView
from counter_app.ui.reports.reports_page import ReportsPage
from counter_app.wiring.reports import ReportsParts
from forms.qt.pdf import render_pdf
from helpers.journals import open_test_journal

DAY = date(2026, 11, 20)


@pytest.fixture
def page(qtbot, seeded, tmp_path):
    made = []

    def make(operator: str) -> ReportsPage:
        journal = open_test_journal(seeded)
        office = counter_office("110105-HY")
        service = ReportService(journal, office_profile(office), office.name, "1",
                                pdf=render_pdf)
        parts = ReportsParts(service, DailyClosing(service, today=lambda: DAY), lambda: DAY,
                             tmp_path / "exports")
        shown = ReportsPage(parts, operator)
        qtbot.addWidget(shown)
        with qtbot.waitActive(shown):   # its shortcuts work in the active window
            shown.show()
            shown.activateWindow()
        shown.begin()
        made.append(journal)
        return shown

    yield make
    for journal in made:
        journal.close()


def tables(page: ReportsPage) -> dict[str, QTableWidget]:
    return {t.objectName(): t for t in page.findChildren(QTableWidget)}


def test_the_supervisor_sees_the_closing_then_the_month_and_its_cases(qtbot, page):
    shown = page("boss")
    assert "2026年11月20日" in shown.message.text() and "已签字" in shown.message.text()
    assert {"items", "blanks", "numbers"} <= set(tables(shown))
    qtbot.keyClick(shown, Qt.Key.Key_F3)
    assert shown.kind == "monthly" and shown.when.text() == "2026-11"
    charts = shown.findChildren(ChartView)
    assert [c.spec.key for c in charts] == ["per_day", "split", "trend"]
    for chart in charts:
        assert not chart.grab().toImage().isNull()
    summary = tables(shown)["summary"]
    assert summary.item(0, 0).text() == "结婚"
    married = int(summary.item(0, 1).text())
    summary.cellActivated.emit(0, 1)
    assert shown.cases.count() == married > 0
    assert f"结婚：{married} 件" in shown.message.text()


def test_exports_go_where_asked_and_say_so(qtbot, page, tmp_path):
    shown = page("boss")
    qtbot.keyClick(shown, Qt.Key.Key_F3)
    shown.choose_path = lambda name: tmp_path / "out" / name
    qtbot.keyClick(shown, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: "已导出" in shown.message.text(), timeout=20000)
    assert (tmp_path / "out" / "monthly-2026-11.xlsx").stat().st_size > 0
    qtbot.keyClick(shown, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: (tmp_path / "out" / "monthly-2026-11.pdf").exists(), timeout=30000)


def test_a_registrar_may_see_his_closing_but_not_the_month(qtbot, page):
    shown = page("demo2")
    assert "items" in tables(shown)
    tables(shown)["items"].cellActivated.emit(0, 1)   # the cases behind a count: no
    assert "只能由负责人" in shown.message.text() and shown.cases.count() == 0
    qtbot.keyClick(shown, Qt.Key.Key_F3)
    assert "只能由负责人" in shown.message.text() and shown.tabs.count() == 0


def test_signing_asks_first_and_a_signed_day_says_so(qtbot, page):
    shown = page("demo2")
    asked = []
    shown.confirm = lambda text: asked.append(text) or False
    qtbot.keyClick(shown, Qt.Key.Key_F9)
    assert asked and "确认签字" in asked[0]          # declined: nothing signed
    shown.confirm = lambda text: True
    qtbot.keyClick(shown, Qt.Key.Key_F9)              # 2026-11-20 was signed by the seed
    assert "已经签字" in shown.message.text()


def test_without_a_province_link_fetching_says_so(qtbot, page):
    shown = page("boss")
    qtbot.keyClick(shown, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: "省级系统" in shown.message.text() and "正在" not in
                    shown.message.text(), timeout=10000)
