"""Blank stock by 印制号: issue, void, reprint, never reuse a voided blank, reconcile."""

from __future__ import annotations

import pytest

from counter_app.journal.verify import verify
from counter_app.numbering import (
    BlankStateError,
    allocate_number,
    issue_blank,
    issued_blanks,
    issued_counts,
    next_blank,
    receive_block,
    receive_range,
    reconcile,
    void_blank,
)
from counter_app.numbering.certno import NumberFormatError, parse_printno, printno_range


@pytest.fixture
def stocked(journal):
    receive_range(journal, range_id="r1", certificate="marriage", first="A0000101",
                  last="A0000105", operator="admin", source="server")
    receive_block(journal, block_id="b1", prefix="J", division_code="445202", year=2026,
                  first_serial=1, last_serial=10, operator="admin", source="server")
    return journal


def _number(j, case):
    return allocate_number(j, case_id=case, prefix="J", division_code="445202", year=2026,
                           operator="reg01").number


def test_printno_format():
    assert str(parse_printno("a0000101")) == "A0000101"
    assert printno_range("0000001", "0000003")[1].number == 3
    for first, last in (("A0000105", "A0000101"), ("A0000101", "B0000105"),
                        ("A01", "A02"), ("A000000", "A999999")):
        with pytest.raises(NumberFormatError):
            printno_range(first, last)


def test_print_ok_issues_blank_and_uses_number(stocked):
    j = stocked
    number = _number(j, "c1")
    serial = next_blank(j, "marriage")
    assert serial == "A0000101"
    issue_blank(j, certificate="marriage", serial=serial, case_id="c1",
                certificate_number=number, operator="reg01")
    assert next_blank(j, "marriage") == "A0000102"
    row = j.query("SELECT status FROM cert_numbers WHERE number = ?", [number])[0]
    assert row["status"] == "used"


def test_misprint_voids_blank_and_reprint_keeps_the_number(stocked):
    j = stocked
    number = _number(j, "c1")
    void_blank(j, certificate="marriage", serial="A0000101", reason="打印错位",
               operator="admin", case_id="c1", certificate_number=number)
    assert _number(j, "c1") == number  # the reprint gets the same 字号
    serial = next_blank(j, "marriage")
    assert serial == "A0000102"  # the voided blank is skipped
    issue_blank(j, certificate="marriage", serial=serial, case_id="c1",
                certificate_number=number, operator="reg01")
    with pytest.raises(BlankStateError):  # a voided blank is never reused
        issue_blank(j, certificate="marriage", serial="A0000101", case_id="c2",
                    certificate_number=_number(j, "c2"), operator="reg01")


@pytest.mark.parametrize("serial, needle", [
    ("A0000999", "不在本机已登记"), ("B0000101", "不在本机已登记"), ("A01", "格式不对")])
def test_unknown_blank_refused(stocked, serial, needle):
    with pytest.raises((BlankStateError, NumberFormatError)) as err:
        issue_blank(stocked, certificate="marriage", serial=serial, case_id="c1",
                    certificate_number=_number(stocked, "c1"), operator="reg01")
    assert needle in err.value.message_zh


def test_double_issue_refused_and_two_booklets_per_number(stocked):
    j = stocked
    n1 = _number(j, "c1")
    issue_blank(j, certificate="marriage", serial="A0000101", case_id="c1",
                certificate_number=n1, operator="reg01", holder="man")
    with pytest.raises(BlankStateError):  # the same blank twice
        issue_blank(j, certificate="marriage", serial="A0000101", case_id="c2",
                    certificate_number=_number(j, "c2"), operator="reg01")
    with pytest.raises(BlankStateError) as err:  # the man's booklet twice
        issue_blank(j, certificate="marriage", serial="A0000102", case_id="c1",
                    certificate_number=n1, operator="reg01", holder="man")
    assert "请先将该证作废" in err.value.message_zh
    issue_blank(j, certificate="marriage", serial="A0000102", case_id="c1",
                certificate_number=n1, operator="reg01", holder="woman")
    with pytest.raises(BlankStateError) as err:  # a third booklet under one 字号
        issue_blank(j, certificate="marriage", serial="A0000103", case_id="c1",
                    certificate_number=n1, operator="reg01")
    assert "A0000101、A0000102" in err.value.message_zh


def test_void_needs_a_reason_and_is_final(stocked):
    with pytest.raises(BlankStateError):
        void_blank(stocked, certificate="marriage", serial="A0000101", reason=" ",
                   operator="admin")
    void_blank(stocked, certificate="marriage", serial="A0000101", reason="污损",
               operator="admin")
    with pytest.raises(BlankStateError):
        void_blank(stocked, certificate="marriage", serial="A0000101", reason="again",
                   operator="admin")


def test_overlapping_range_refused(stocked):
    with pytest.raises(BlankStateError) as err:
        receive_range(stocked, range_id="r2", certificate="marriage", first="A0000105",
                      last="A0000110", operator="admin")
    assert "重叠" in err.value.message_zh
    receive_range(stocked, range_id="r3", certificate="divorce", first="A0000101",
                  last="A0000102", operator="admin")  # other certificate kind: fine


def test_reconciliation_shows_every_blank(stocked):
    j = stocked
    n1 = _number(j, "c1")
    void_blank(j, certificate="marriage", serial="A0000101", reason="卡纸", operator="admin",
               case_id="c1", certificate_number=n1, when="2026-11-22T09:00:00+00:00")
    issue_blank(j, certificate="marriage", serial="A0000102", case_id="c1",
                certificate_number=n1, operator="reg01")
    [report] = reconcile(j, "marriage")
    assert [b["serial"] for b in report.blanks] == [f"A000010{i}" for i in range(1, 6)]
    assert report.counts == {"unused": 3, "issued": 1, "voided": 1}
    voided = report.blanks[0]
    assert (voided["status"], voided["reason"], voided["who"], voided["when"]) == (
        "voided", "卡纸", "admin", "2026-11-22T09:00:00+00:00")
    assert report.blanks[1]["certificate_number"] == n1
    assert verify(j).ok  # projections equal a rebuild from the entries


def test_projections_survive_a_rebuild(stocked):
    j = stocked
    issue_blank(j, certificate="marriage", serial="A0000101", case_id="c1",
                certificate_number=_number(j, "c1"), operator="reg01")
    before = j.query("SELECT * FROM stock_blanks")
    j.rebuild_projections()
    assert j.query("SELECT * FROM stock_blanks") == before


def test_the_blanks_issued_to_a_case_are_read_through_numbering(stocked):
    j = stocked
    number = _number(j, "c1")
    issue_blank(j, certificate="marriage", serial="A0000101", case_id="c1",
                certificate_number=number, operator="reg01", holder="man")
    void_blank(j, certificate="marriage", serial="A0000102", reason="卡纸", operator="admin",
               case_id="c1", certificate_number=number)
    issue_blank(j, certificate="marriage", serial="A0000103", case_id="c1",
                certificate_number=number, operator="reg01", holder="woman")
    assert [(b["holder"], b["serial"]) for b in issued_blanks(j, "c1")] == [
        ("man", "A0000101"), ("woman", "A0000103")]
    assert issued_blanks(j, "c2") == []
    assert issued_counts(j) == {"c1": 2}
