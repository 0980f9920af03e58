"""Ensure a counter started without --demo is wired to what its settings name: the configured
printers (no PDF stand-ins), no demo tray, no demo accounts, no demo archive, its own office."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from counter_app.app import build_main_window
from counter_app.cli import build_parser, make_context
from counter_app.errors import CounterAppError
from counter_app.operators import Operator
from counter_app.reissue.kinds import KIND_ARCHIVE_IMPORTED
from counter_app.ui.application import create_application
from counter_app.ui.widgets.certificate_printer import QtCertificatePrinter, SystemFormsPrinter
from counter_app.wiring.journal import open_journal

REGISTRAR = Operator("reg01", "登记员甲", ("registrar",))


@pytest.fixture
def real_window(qtbot, tmp_path):
    create_application([])
    ctx = make_context(build_parser().parse_args(["--data-dir", str(tmp_path)]))
    ctx.config.values.update({"journal.key_store": "file", "office.code": "110105-HY",
                              "printing.forms_printer": "窗口A4打印机",
                              "printing.certificate_printer": "证书打印机"})
    journal = open_journal(ctx)
    window = build_main_window(ctx, journal)
    qtbot.addWidget(window)
    yield window
    window.close()
    journal.close()


def test_the_printers_are_the_configured_system_printers(real_window):
    assert not real_window.services.demo and "演示" not in real_window.windowTitle()
    ports = real_window.services.ports
    assert isinstance(ports.certificate_printer, QtCertificatePrinter)
    assert ports.certificate_printer.name == "证书打印机"
    assert isinstance(ports.forms_printer, SystemFormsPrinter)
    assert ports.forms_printer.name == "窗口A4打印机"


def test_nothing_of_the_demo_is_there(real_window):
    services = real_window.services
    assert services.operators.record("demo") is None          # no demo accounts
    assert not [e for e in services.journal.entries() if e.kind == KIND_ARCHIVE_IMPORTED]
    page = real_window.item_pages["marriage"](REGISTRAR)
    try:
        assert page.findChild(QComboBox, "demo-card-tray") is None
    finally:
        page.deleteLater()
    assert services.office()["code"] == "110105-HY"
    assert services.office_name() != ""


def test_a_real_certificate_printer_is_never_calibrated_as_a_perfect_one(real_window):
    from counter_app.printing.calibration import is_calibrated

    printer = real_window.services.certificate_printer()
    assert not is_calibrated(real_window.services.journal, printer.name)


def test_an_unset_office_says_who_to_call(real_window):
    real_window.services.ctx.config.values["office.code"] = ""
    with pytest.raises(CounterAppError, match="联系技术人员"):
        real_window.item_pages["divorce"](REGISTRAR)
