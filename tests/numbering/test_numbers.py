"""字号 allocation from reserved blocks: order, reuse on reprint, release, low water, zero."""

from __future__ import annotations

import threading

import pytest

from counter_app.journal.verify import verify
from counter_app.numbering import (
    NumbersExhaustedError,
    NumberStateError,
    allocate_number,
    receive_block,
    release_number,
    remaining,
)
from counter_app.numbering.certno import NumberFormatError, format_certno, parse_certno

DIV = "445202"


def _block(j, block_id="b1", first=1, last=5, prefix="J", year=2026):
    return receive_block(j, block_id=block_id, prefix=prefix, division_code=DIV, year=year,
                         first_serial=first, last_serial=last, operator="admin",
                         source="server")


def _alloc(j, case, prefix="J", low_water=2):
    return allocate_number(j, case_id=case, prefix=prefix, division_code=DIV, year=2026,
                           operator="reg01", low_water=low_water)


def test_certno_format_round_trip():
    assert format_certno("J", "110101", 2010, 1) == "J110101-2010-000001"
    assert str(parse_certno("bl110101-2026-000123")) == "BL110101-2026-000123"
    for bad in (("X", "110101", 2010, 1), ("J", "1101", 2010, 1), ("J", "110101", 2010, 0)):
        with pytest.raises(NumberFormatError):
            format_certno(*bad)
    with pytest.raises(NumberFormatError):
        parse_certno("J110101-2010-1")


def test_allocates_lowest_serial_in_order_and_counts_down(journal):
    _block(journal, "b2", 101, 102)
    _block(journal, "b1", 1, 2)
    numbers = [_alloc(journal, f"c{i}").number for i in range(4)]
    assert numbers == [f"J{DIV}-2026-000001", f"J{DIV}-2026-000002",
                       f"J{DIV}-2026-000101", f"J{DIV}-2026-000102"]
    assert remaining(journal, "J", DIV, 2026) == 0


def test_same_case_gets_the_same_number_again(journal):
    _block(journal)
    first = _alloc(journal, "c1")
    again = _alloc(journal, "c1")
    assert again.number == first.number and again.reused and not first.reused
    assert remaining(journal, "J", DIV, 2026) == 4


def test_low_water_warning_then_clean_refusal_at_zero(journal):
    _block(journal, last=4)
    a = _alloc(journal, "c1")
    assert not a.low and a.warning_zh is None and a.remaining == 3
    b = _alloc(journal, "c2")
    assert b.low and "仅剩 2 个" in b.warning_zh
    _alloc(journal, "c3")
    assert _alloc(journal, "c4").remaining == 0
    with pytest.raises(NumbersExhaustedError) as err:
        _alloc(journal, "c5")
    assert "字号已用完" in err.value.message_zh and "申领新号段" in err.value.message_zh


def test_series_are_separate(journal):
    _block(journal)
    with pytest.raises(NumbersExhaustedError):
        _alloc(journal, "c1", prefix="L")
    _block(journal, "bl", prefix="BL")
    assert _alloc(journal, "c1", prefix="BL").number == f"BL{DIV}-2026-000001"


def test_released_number_is_allocated_again_first(journal):
    _block(journal)
    n1 = _alloc(journal, "c1").number
    _alloc(journal, "c2")
    release_number(journal, number=n1, reason="当事人放弃", operator="reg01")
    assert remaining(journal, "J", DIV, 2026) == 4
    assert _alloc(journal, "c3").number == n1
    with pytest.raises(NumberStateError):
        release_number(journal, number=f"J{DIV}-2026-000099", reason="x", operator="reg01")
    assert verify(journal).ok


def test_bad_block_refused(journal):
    with pytest.raises(NumberStateError):
        _block(journal, first=5, last=1)
    with pytest.raises(NumberFormatError):
        receive_block(journal, block_id="x", prefix="Q", division_code=DIV, year=2026,
                      first_serial=1, last_serial=2, operator="admin")


def test_concurrent_allocations_never_duplicate(journal):
    _block(journal, last=40)
    results, errors = [], []

    def work(i):
        try:
            results.append(_alloc(journal, f"case{i}", low_water=0).number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == len(set(results)) == 12
    assert remaining(journal, "J", DIV, 2026) == 28


def test_gap_inside_a_block_is_filled(journal):
    # a number taken out of order (e.g. a block that overlaps another series' history)
    _block(journal, last=5)
    journal.append("numbering.allocated", {
        "number": f"J{DIV}-2026-000003", "prefix": "J", "division_code": DIV, "year": 2026,
        "serial": 3, "block_id": "b1"}, operator="sync", case_id="other")
    got = [_alloc(journal, f"c{i}").number[-6:] for i in range(4)]
    assert got == ["000001", "000002", "000004", "000005"]
