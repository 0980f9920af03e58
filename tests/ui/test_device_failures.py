"""Ensure the capture and certificate screens say what went wrong when a device fails, and
that nothing is consumed."""

from __future__ import annotations

from counter_app.numbering import receive_block, receive_range
from counter_app.printing.booklets import BookletPrinting
from counter_app.printing.calibration import NOMINAL_MARKS, profile_from_measurement, save_profile
from counter_app.workflows.capture import PartyCapture
from drivers.base import DeviceNotFound
from drivers.printer.base import PrinterOffline
from helpers.accounts import add_staff


def test_a_camera_that_will_not_open_is_explained(qtbot, journal):
    from counter_app.ui.application import create_application
    from counter_app.ui.case.capture_page import CapturePage

    create_application([])

    def unplugged():
        raise DeviceNotFound("未检测到摄像头，请检查USB线是否插好")

    page = CapturePage(PartyCapture(journal, "demo"), "c1", unplugged)
    qtbot.addWidget(page)
    page.begin()
    assert page.status.text().startswith("未检测到摄像头，请检查USB线是否插好")
    assert "Esc" in page.status.text()
    assert not page.shoot.isEnabled()
    with qtbot.waitSignal(page.finished, timeout=2000):
        page.leave()


class OfflinePrinter:
    name = "证书打印机1"

    def print_page(self, page, calibration):
        raise PrinterOffline("证书打印机未连接或未开机，请检查后重新打印；空白证未被使用。")


def test_a_certificate_printer_that_is_off_consumes_no_blank(qtbot, journal):
    from counter_app.ui.application import create_application
    from counter_app.ui.case.certificates_page import CertificatesPage
    from forms.model import FormData, load_form

    create_application([])
    add_staff(journal)
    receive_range(journal, range_id="r1", certificate="marriage", first="A0000101",
                  last="A0000110", operator="admin")
    receive_block(journal, block_id="b1", prefix="J", division_code="110105", year=2026,
                  first_serial=1, last_serial=10, operator="admin")
    save_profile(journal, profile_from_measurement("证书打印机1", NOMINAL_MARKS), NOMINAL_MARKS,
                 operator="tech")
    form = load_form("marriage_certificate")
    page_data = FormData({"party.name": "王䶮", "certificate.number": "J110105-2026-000001",
                          "certificate.registration_date": "2026-05-20",
                          "office.name": "北京市朝阳区婚姻登记处"}, {}, {})
    flow = BookletPrinting(journal, case_id="c1", operator="demo", certificate="marriage",
                           number="J110105-2026-000001",
                           pages=[("man", (form, page_data)), ("woman", (form, page_data))],
                           printer=OfflinePrinter())
    page = CertificatesPage(flow)
    qtbot.addWidget(page)
    page.print_current()
    assert "未连接或未开机" in page.message.text() and "b00020" in page.message.styleSheet()
    assert not flow.awaiting_confirmation and not page.print_button.isHidden()
    assert journal.query("SELECT count(*) AS n FROM stock_blanks WHERE status != 'unused'"
                         )[0]["n"] == 0
    kinds = [e.kind for e in journal.entries(case_id="c1")]
    assert kinds == ["certificate.print_failed"]
