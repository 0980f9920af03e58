"""Every dated pack is in force from its first to its last day at an office of its region, and
not the day before or after (the pilots' boundaries, checked for all packs at once)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.rules.caseinput import Office
from counter_app.rules.evaluator import packs_in_force
from counter_app.rules.packs import FAR_FUTURE, load_packs


def _office_for(pack) -> Office:
    region = (pack.regions[0] + "0101")[:6] if pack.regions else "110105"
    return Office("X", "county", region, False, pack.offices == "popup")


@pytest.mark.parametrize("pack", load_packs(), ids=lambda p: p.id)
def test_pack_first_and_last_day(pack):
    office = _office_for(pack)
    one = timedelta(days=1)

    def ids(day):
        return [p.id for p in packs_in_force(office, day)]

    assert pack.id in ids(pack.effective_from)
    assert pack.id not in ids(pack.effective_from - one)
    if pack.effective_to != FAR_FUTURE:
        assert pack.id in ids(pack.effective_to)
        assert pack.id not in ids(pack.effective_to + one)


@pytest.mark.parametrize("pack", [p for p in load_packs() if p.regions], ids=lambda p: p.id)
def test_regional_pack_not_in_force_elsewhere(pack):
    elsewhere = Office("X", "county", "650102", False, False)  # Urumqi: in no pilot
    assert pack.id not in [p.id for p in packs_in_force(elsewhere, pack.effective_from)]


def test_popup_pack_only_at_popup_offices():
    day = load_packs()[0].effective_from + timedelta(days=7000)
    normal = Office("X", "township", "330281", False, False)
    popup = Office("X", "township", "330281", False, True)
    assert "popup-reissue-points" not in [p.id for p in packs_in_force(normal, day)]
    assert "popup-reissue-points" in [p.id for p in packs_in_force(popup, day)]
