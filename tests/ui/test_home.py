"""Ensure the home page shows today's cases, the outbox and the device lights from real data."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QPushButton

from counter_app.cases.service import CaseService
from counter_app.operators import Operator
from counter_app.ui.home.home_page import HomePage, describe_outbox
from drivers.base import DeviceInfo


DEVICES = [DeviceInfo("card_reader", "sam-simulator", "模拟读卡器", "samsim://", "ok"),
           DeviceInfo("printer", "escpos", "小票打印机", "usb:0x0416", "error", "打印机缺纸")]


@pytest.fixture
def page(qtbot, journal):
    outbox = {"enrolled": True, "pending_entries": 3, "pending_attachments": 1,
              "pending_attachment_bytes": 2_500_000, "last_success": None,
              "last_error": {"at": "2026-05-20 09:00", "message": "省级系统暂时无法连接"}}
    home = HomePage(journal, sync_status=lambda: outbox, detect_devices=lambda: DEVICES,
                    today=lambda: date(2026, 5, 20))
    qtbot.addWidget(home)
    return home


def test_cases_appear_in_their_lists(qtbot, page, journal):
    cases = CaseService(journal)
    case = cases.open("marriage", operator="demo")
    for step in ("accepted", "examined"):
        cases.transition(case.case_id, step, operator="demo")
    page.show_operator(Operator("demo", "演示登记员", ("registrar",)))
    assert page.lists["awaiting_check"].count() == 1
    assert "等待联网核对" in page.lists["awaiting_check"].item(0).text()
    assert page.lists["divorce_deadlines"].item(0).text() == "没有需要处理的期限"
    assert "待上传：3 条记录、1 个附件（2.5 MB）" in page.outbox.text()
    assert "省级系统暂时无法连接" in page.outbox.text()


def test_device_lights_come_from_detection_off_the_gui_thread(qtbot, page):
    import threading

    threads = []

    def detect():
        threads.append(threading.current_thread())
        return DEVICES

    page.devices._detect = detect
    with qtbot.waitSignal(page.devices.refreshed, timeout=5000):
        page.devices.refresh()
    assert threads and threads[-1] is not threading.main_thread()
    buttons = {b.objectName(): b for b in page.devices.findChildren(QPushButton)}
    assert buttons["device-card_reader"].text() == "读卡器：正常"
    assert buttons["device-printer"].text() == "打印机：不可用"
    assert "#b00020" in buttons["device-printer"].styleSheet()
    printer = next(s for s in page.devices.statuses if s.kind == "printer")
    assert printer.lines == ("[出错] 小票打印机 — 打印机缺纸",)


def test_outbox_sentences():
    assert "尚未在省级系统登记" in describe_outbox({"enrolled": False})
    text = describe_outbox({"enrolled": True, "pending_entries": 0, "pending_attachments": 0,
                            "all_sent": True, "last_success": "2026-05-20T02:00:00.000Z"})
    assert text.startswith("全部已上传。") and "2026-05-20" in text and "T02" not in text
    # nothing pending locally, but the server has not confirmed the head: never "all sent"
    text = describe_outbox({"enrolled": True, "pending_entries": 0, "pending_attachments": 0,
                            "all_sent": False, "refused_answers": [
                                {"at": "2026-05-20T02:00:00.000Z", "reason": "确认了未发送的记录"}]})
    assert "全部已上传" not in text and "尚未确认" in text
    assert "不可信应答" in text and "确认了未发送的记录" in text


def test_a_device_check_that_fails_says_how_to_retry(qtbot, page):
    def broken():
        raise RuntimeError("USB subsystem gone")

    page.devices._detect = broken
    page.devices.refresh()
    qtbot.waitUntil(lambda: "F5" in page.devices.checking.text(), timeout=5000)
    assert page.devices.checking.text() == "设备检查失败，请按 F5 重新检查"
