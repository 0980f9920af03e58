"""Ensure the daily closing names what does not reconcile: a blank sent to the printer but
neither confirmed nor voided, a blank skipped below a used one, a 字号 skipped between two
used ones; and that a void followed by a reprint counts as one reprint."""

from __future__ import annotations

from helpers.accounts import add_staff

from counter_app.numbering import allocate_number, issue_blank, receive_block, receive_range
from counter_app.printing.booklets import BookletPrinting
from counter_app.printing.calibration import calibrate_as_perfect
from counter_app.reports.service import ReportService
from counter_app.rules.offices import counter_office, office_profile
from counter_app.seed.run import TrainingPrinter


def closing(journal) -> dict:
    office = counter_office("110105-HY")
    service = ReportService(journal, office_profile(office), office.name, "1")
    return service.make("cli:test", "daily", {"date": "2026-05-20"}).data


def number(journal, case_id: str) -> str:
    return allocate_number(journal, case_id=case_id, prefix="J", division_code="110105",
                           year=2026, operator="boss").number


def test_unsettled_and_skipped_blanks_and_a_skipped_number_are_named(journal):
    add_staff(journal)   # boss: a registrar who is the supervisor too (receives, voids)
    receive_range(journal, range_id="r1", certificate="marriage", first="SJ00000001",
                  last="SJ00000010", operator="boss")
    receive_block(journal, block_id="b1", prefix="J", division_code="110105", year=2026,
                  first_serial=1, last_serial=100, operator="boss")
    first = number(journal, "case-a")
    for serial, holder in (("SJ00000001", "man"), ("SJ00000002", "woman")):
        issue_blank(journal, certificate="marriage", serial=serial, case_id="case-a",
                    certificate_number=first, operator="boss", holder=holder)
    number(journal, "case-d")                       # allocated, never printed: a gap
    calibrate_as_perfect(journal, TrainingPrinter.name, operator="boss")
    jammed = BookletPrinting(journal, case_id="case-b", operator="boss", certificate="marriage",
                             number=number(journal, "case-b"), pages=[("man", None)],
                             printer=TrainingPrinter())
    jammed.print_current()                          # SJ00000003 went through, never settled
    third = number(journal, "case-c")
    issue_blank(journal, certificate="marriage", serial="SJ00000005", case_id="case-c",
                certificate_number=third, operator="boss", holder="man")   # SJ00000004 skipped
    data = closing(journal)
    assert [(u["serial"], u["reason"][:4]) for u in data["blanks"]["unaccounted"]] == \
        [("SJ00000003", "已送打印"), ("SJ00000004", "比已用印")]
    b = data["blanks"]
    assert (b["opening"], b["received"], b["issued"], b["voided"], b["left"]) == (0, 10, 3, 0, 7)
    assert data["numbers"]["first"] == "J110105-2026-000001"
    assert data["numbers"]["gaps"] == ["J110105-2026-000002", "J110105-2026-000003"]


def test_a_void_and_its_reprint_count_once(journal):
    add_staff(journal)
    receive_range(journal, range_id="r1", certificate="marriage", first="SJ00000001",
                  last="SJ00000010", operator="boss")
    receive_block(journal, block_id="b1", prefix="J", division_code="110105", year=2026,
                  first_serial=1, last_serial=100, operator="boss")
    calibrate_as_perfect(journal, TrainingPrinter.name, operator="boss")
    printing = BookletPrinting(journal, case_id="case-a", operator="boss",
                               certificate="marriage", number=number(journal, "case-a"),
                               pages=[("man", None), ("woman", None)], printer=TrainingPrinter())
    printing.print_current()
    printing.spoiled("卡纸")
    for _ in range(3):
        if not printing.done:
            printing.print_current()
            printing.confirm()
    b = closing(journal)["blanks"]
    assert (b["issued"], b["voided"], b["reprinted"], b["left"], b["unaccounted"]) == \
        (2, 1, 1, 7, [])
    assert b["void_reasons"][0]["reason"] == "卡纸"
