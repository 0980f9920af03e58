"""Every SW3 status the sources list maps to its typed error with a Chinese message."""

from __future__ import annotations

import re

import pytest

from drivers.base import DeviceError
from drivers.idcard import status

EXPECTED = {
    0x10: status.SamRejectedCommand, 0x11: status.SamRejectedCommand,
    0x21: status.SamRejectedCommand, 0x23: status.SamFault, 0x24: status.SamFault,
    0x31: status.CardReadFailed, 0x32: status.CardReadFailed, 0x33: status.CardReadFailed,
    0x40: status.CardReadFailed, 0x41: status.CardReadFailed, 0x47: status.CardReadFailed,
    0x60: status.SamFault, 0x66: status.SamFault, 0x80: status.NoCard,
    0x81: status.CardSelectFailed, 0x91: status.NoContent,
}


def test_the_table_covers_every_published_code():
    assert set(status.SW3_TABLE) == set(EXPECTED)


@pytest.mark.parametrize("sw3", sorted(EXPECTED))
def test_each_status_raises_its_typed_error(sw3):
    with pytest.raises(EXPECTED[sw3]) as err:
        status.check(sw3, 0x6A, 0x82)
    exc = err.value
    assert isinstance(exc, DeviceError) and exc.sw3 == sw3
    assert re.search(r"[\u4e00-\u9fff]", exc.message_zh), "message must be Chinese"
    assert f"SW3 {sw3:02X}" in exc.detail and "SW1 6A SW2 82" in exc.detail


def test_success_codes_do_not_raise():
    status.check(0x90)
    status.check(0x9F, success=status.FIND_OK)
    with pytest.raises(status.SamStatusError):
        status.check(0x90, success=status.FIND_OK)


def test_unknown_status_is_still_a_typed_error():
    with pytest.raises(status.SamStatusError) as err:
        status.check(0x77)
    assert type(err.value) is status.SamStatusError
    assert "77" in err.value.message_zh
