"""Ensure the status bar model groups detection rows into one light per device kind."""

from counter_app.workflows.devices import summarize
from drivers.base import DeviceInfo


def test_a_kind_is_ready_when_one_of_its_devices_is():
    rows = [
        DeviceInfo("card_reader", "sam-serial", "身份证阅读器", "/dev/ttyS0", "absent", "未连接读卡器"),
        DeviceInfo("card_reader", "sam-simulator", "模拟读卡器", "samsim://", "ok"),
        DeviceInfo("printer", "escpos", "小票打印机", "usb", "error", "缺纸"),
    ]
    by_kind = {s.kind: s for s in summarize(rows)}
    assert by_kind["card_reader"].ok and by_kind["card_reader"].headline == "读卡器：正常"
    assert by_kind["card_reader"].lines == ("[未连接] 身份证阅读器 — 未连接读卡器",
                                            "[正常] 模拟读卡器")
    assert not by_kind["printer"].ok and "缺纸" in by_kind["printer"].lines[0]
    assert by_kind["camera"].lines == ("没有检测到这类设备",) and not by_kind["camera"].ok
