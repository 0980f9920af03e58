"""Certificate booklets: calibration profiles, man-then-woman printing, void and reprint."""

from __future__ import annotations

from pathlib import Path

import pytest

from functools import partial

from helpers.accounts import PASSWORD
from helpers.journals import open_test_journal
from counter_app.numbering import (allocate_number, receive_block, receive_range, reconcile,
                                   void_blank)
from counter_app.operators import LoginRefused, OperatorService, PermissionRefused
from counter_app.operators.approvals import ApprovalError, approve
from counter_app.printing.booklets import BookletFlowError, BookletPrinting
from counter_app.printing.calibration import (
    CalibrationError,
    load_profile,
    profile_from_measurement,
    save_profile,
)
from drivers.printer.base import PrinterOffline, offline_error

DATA = Path(__file__).resolve().parents[1] / "forms" / "data"


def test_profile_undoes_the_measured_shift_and_stretch():
    # The printer put the crosses 2 mm right, 1.5 mm low and stretched x by 1 %.
    measured = ((2 + 20 * 1.01, 1.5 + 20), (2 + 170 * 1.01, 1.5 + 108))
    profile = profile_from_measurement("证书打印机1", measured)
    for nominal in (20.0, 95.0, 170.0):
        drawn = profile.offset_x_mm + profile.scale_x * nominal
        assert 2 + 1.01 * drawn == pytest.approx(nominal, abs=1e-3)
    assert profile.offset_y_mm == pytest.approx(-1.5)
    assert profile.scale_y == pytest.approx(1.0)


def test_implausible_measurements_are_refused():
    with pytest.raises(CalibrationError, match="测量值不合理"):
        profile_from_measurement("p", ((20, 20), (200, 108)))  # 20 % stretch: wrong unit?


class FakeCertificatePrinter:
    """Records what was printed; ``fail_next`` makes the next print fail before paper moves."""

    def __init__(self, name="证书打印机1"):
        self.name = name
        self.pages: list = []
        self.fail_next = False

    def print_page(self, page, calibration):
        if self.fail_next:
            self.fail_next = False
            raise offline_error("test: printer off")
        self.pages.append((page, calibration))


@pytest.fixture
def journal(data_dir):
    with open_test_journal(data_dir, key_store="file", staff=True) as j:
        receive_range(j, range_id="r1", certificate="marriage", first="A0000101",
                      last="A0000110", operator="admin")
        receive_block(j, block_id="b1", prefix="J", division_code="110108", year=2026,
                      first_serial=1, last_serial=100, operator="admin")
        save_profile(j, profile_from_measurement("证书打印机1", ((21, 19), (171, 107))),
                     ((21, 19), (171, 107)), operator="admin")
        yield j


def flow(journal, printer, operator="reg01"):
    number = allocate_number(journal, case_id="c1", prefix="J", division_code="110108",
                             year=2026, operator="reg01").number
    return BookletPrinting(journal, case_id="c1", operator=operator, certificate="marriage",
                           number=number, pages=[("man", "MAN-PAGE"), ("woman", "WOMAN-PAGE")],
                           printer=printer, approve=partial(approve, OperatorService(journal)))


def kinds(journal, *wanted):
    return [(e.kind, e.payload.get("serial"), e.payload.get("holder"))
            for e in journal.entries(case_id="c1") if e.kind in wanted]


def test_calibration_is_journaled_and_applied_to_every_print(journal):
    printer = FakeCertificatePrinter()
    f = flow(journal, printer)
    f.print_current()
    assert printer.pages[0][1] == load_profile(journal, "证书打印机1")
    assert printer.pages[0][1].offset_x_mm == pytest.approx(-1.0)


def test_uncalibrated_printer_is_refused_before_any_blank_is_touched(journal):
    with pytest.raises(CalibrationError, match="尚未校准"):
        flow(journal, FakeCertificatePrinter("新打印机"))


def test_misprint_voids_the_blank_and_reprints_on_the_next(journal):
    printer = FakeCertificatePrinter()
    f = flow(journal, printer)
    assert f.print_current().serial == "A0000101"
    f.void_with_approval("boss", PASSWORD, "卡纸，内页褶皱")  # the 负责人 at the counter
    assert f.print_current().serial == "A0000102"
    f.confirm()
    assert f.current.holder == "woman"
    statuses = {b["serial"]: (b["status"], b["reason"]) for b in reconcile(journal)[0].blanks}
    assert statuses["A0000101"] == ("voided", "卡纸，内页褶皱")
    assert statuses["A0000102"][0] == "issued"
    assert kinds(journal, "certificate.print_sent", "stock.blank_voided",
                 "stock.blank_issued") == [
        ("certificate.print_sent", "A0000101", "man"), ("stock.blank_voided", "A0000101", "man"),
        ("certificate.print_sent", "A0000102", "man"), ("stock.blank_issued", "A0000102", "man")]
    assert [p for p, _ in printer.pages] == ["MAN-PAGE", "MAN-PAGE"]
    # both the registrar and the approving supervisor are on record, and the approval itself
    entries = {e.kind: e for e in journal.entries(case_id="c1")}
    voided, approval = entries["stock.blank_voided"], entries["operator.approval_granted"]
    assert (voided.operator, voided.payload["who"], voided.payload["approved_by"]) == (
        "reg01", "reg01", "boss")
    assert voided.payload["approval"] == approval.entry_id
    assert approval.payload == {"supervisor": "boss", "requested_by": "reg01",
                                "actions": ["blank.void", "certificate.reprint"],
                                "record": "A0000101", "reason": "卡纸，内页褶皱"}
    assert entries["certificate.print_sent"].payload["reprint_approved_by"] == "boss"
    assert "reprint_approved_by" not in entries["stock.blank_issued"].payload


def test_a_registrar_alone_cannot_void_or_reprint(journal):
    f = flow(journal, FakeCertificatePrinter())
    f.print_current()
    with pytest.raises(PermissionRefused, match="作废空白证.*负责人"):
        f.spoiled("卡纸")
    with pytest.raises(LoginRefused):  # a wrong password approves nothing
        f.void_with_approval("boss", "wrong", "卡纸")
    with pytest.raises(PermissionRefused):  # another registrar is no supervisor
        f.void_with_approval("reg02", PASSWORD, "卡纸")
    with pytest.raises(ApprovalError, match="原因"):  # no reason, no approval
        f.void_with_approval("boss", PASSWORD, "  ")
    assert f.awaiting_confirmation and reconcile(journal)[0].counts["voided"] == 0
    refused = [e for e in journal.entries() if e.kind == "operator.action_refused"]
    assert [(e.operator, e.payload["action"]) for e in refused] == [
        ("reg01", "blank.void"), ("reg02", "blank.void")]


def test_an_approval_covers_its_own_blank_only(journal):
    f = flow(journal, FakeCertificatePrinter())
    f.print_current()
    granted = approve(OperatorService(journal), "boss", PASSWORD, actions=("blank.void",),
                      requested_by="reg01", reason="污损", case_id="c1", record="A0000101")
    with pytest.raises(ApprovalError):  # another blank
        void_blank(journal, certificate="marriage", serial="A0000102", reason="污损",
                   operator="reg01", case_id="c1", approval=granted.entry_id)
    with pytest.raises(ApprovalError):  # another registrar
        void_blank(journal, certificate="marriage", serial="A0000101", reason="污损",
                   operator="reg02", case_id="c1", approval=granted.entry_id)
    void_blank(journal, certificate="marriage", serial="A0000101", reason="污损",
               operator="reg01", case_id="c1", approval=granted.entry_id)


def test_the_reprint_after_a_restart_still_needs_the_approving_supervisor(journal):
    f = flow(journal, FakeCertificatePrinter())
    f.print_current()
    f.void_with_approval("boss", PASSWORD, "打印错位")
    # the program restarts: the approval is read back from the void entry
    again = flow(journal, FakeCertificatePrinter())
    assert again.print_current().serial == "A0000102"
    again.spoiled("卡纸", approve(OperatorService(journal), "admin", PASSWORD,
                                 actions=("blank.void", "certificate.reprint"),
                                 requested_by="reg01", reason="卡纸", case_id="c1",
                                 record="A0000102"))
    # admin is no supervisor any more (another supervisor changed his roles): no reprint
    OperatorService(journal).set_roles("admin", ["registrar"], by="boss")
    restarted = flow(journal, FakeCertificatePrinter())
    with pytest.raises(PermissionRefused, match="重新打印"):
        restarted.print_current()
    refused = [e for e in journal.entries() if e.kind == "operator.action_refused"]
    assert [(e.operator, e.payload["action"]) for e in refused] == [
        ("reg01", "certificate.reprint")]  # the registrar at the printer, on his own
    # a supervisor at the printer reprints on his own right
    assert flow(journal, FakeCertificatePrinter(), operator="boss").print_current().serial


def test_printer_failure_consumes_nothing_and_can_be_repeated(journal):
    printer = FakeCertificatePrinter()
    f = flow(journal, printer)
    printer.fail_next = True
    with pytest.raises(PrinterOffline):
        f.print_current()
    assert all(b["status"] == "unused" for b in reconcile(journal)[0].blanks)
    assert f.print_current().serial == "A0000101"  # the same blank again
    assert kinds(journal, "certificate.print_failed") == [
        ("certificate.print_failed", "A0000101", "man")]


def test_steps_out_of_order_are_refused(journal):
    f = flow(journal, FakeCertificatePrinter())
    with pytest.raises(BookletFlowError, match="请先打印"):
        f.confirm()
    f.print_current()
    with pytest.raises(BookletFlowError, match="请先确认"):
        f.print_current()


def test_the_mans_then_the_womans_booklet(journal):
    printer = FakeCertificatePrinter()
    f = flow(journal, printer)
    f.print_current()
    f.confirm()
    f.print_current()
    f.confirm()
    assert f.done and [p for p, _ in printer.pages] == ["MAN-PAGE", "WOMAN-PAGE"]


def test_a_confirmed_booklet_stays_issued_when_printing_is_resumed(journal):
    printer = FakeCertificatePrinter()
    first = flow(journal, printer)
    first.print_current()
    first.confirm()                                # then the page is left (Esc, a restart)
    again = BookletPrinting(journal, case_id="c1", operator="reg01", certificate="marriage",
                            number=first.number, pages=[("man", "MAN-PAGE"),
                                                        ("woman", "WOMAN-PAGE")],
                            printer=printer)
    assert again.current.holder == "woman"
    again.print_current()
    again.confirm()
    assert again.done and [p for p, _ in printer.pages] == ["MAN-PAGE", "WOMAN-PAGE"]
