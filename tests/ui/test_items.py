"""Ensure the business items are data: the home page's buttons, F-keys and lists come from the
registry (counter_app.ui.items), and every item and case page the window can open is there."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut

from counter_app.cases.service import CaseService
from counter_app.operators import Operator
from counter_app.ui.home.home_page import HomePage
from counter_app.ui.items import HOME_LISTS, ITEMS, BusinessItem, HomeList

#: A made-up item with a list of its own, as a new item would be added.
EXTRA = BusinessItem("retro", "补办结婚登记（F6）", "F6", ("retroactive_marriage",),
                     lambda services: None, ("awaiting_check", "extra"))


def home(qtbot, journal, items, lists=HOME_LISTS) -> HomePage:
    page = HomePage(journal, sync_status=lambda: {}, detect_devices=lambda: [],
                    today=lambda: date(2026, 5, 20), items=items, home_lists=lists)
    qtbot.addWidget(page)
    page.show()
    return page


def test_each_item_label_names_its_shortcut_and_keys_are_unique():
    assert len({i.key for i in ITEMS}) == len({i.shortcut for i in ITEMS}) == len(ITEMS)
    for item in ITEMS:
        assert f"（{item.shortcut}）" in item.label
        assert set(item.home_lists) <= {h.key for h in HOME_LISTS}


def test_the_home_page_is_built_from_the_registry(qtbot, journal):
    page = home(qtbot, journal, (*ITEMS, EXTRA),
                (*HOME_LISTS, HomeList("extra", "补办业务", "没有补办业务")))
    assert [b.text() for b in page.buttons.values()] == [i.label for i in (*ITEMS, EXTRA)]
    assert list(page.lists) == ["awaiting_check", "divorce_deadlines", "ready_to_issue",
                                "extra"]
    keys = {s.key().toString(): s for s in page.findChildren(QShortcut)}
    assert set(keys) == {"F2", "F3", "F4", "F6", "F9", "F12"}  # F9 reports, F12 the audit screen
    with qtbot.waitSignal(page.start_item) as started:
        keys["F6"].activated.emit()
    assert started.args == ["retro"]
    with qtbot.waitSignal(page.start_item) as started:
        page.buttons["divorce"].click()
    assert started.args == ["divorce"]


def test_a_list_shows_only_the_cases_of_the_items_that_contribute_it(qtbot, journal):
    cases = CaseService(journal)
    marriage = cases.open("marriage", operator="demo")
    cases.transition(marriage.case_id, "accepted", operator="demo")
    cases.open("divorce", operator="demo")  # an application not finished: awaiting too
    only_marriage = home(qtbot, journal, ITEMS[:1])
    only_marriage.show_operator(Operator("demo", "演示登记员", ("registrar",)))
    awaiting = only_marriage.lists["awaiting_check"]
    assert awaiting.count() == 1 and "结婚登记" in awaiting.item(0).text()
    assert list(only_marriage.lists) == ["awaiting_check", "ready_to_issue"]
    every_item = home(qtbot, journal, ITEMS)
    every_item.show_operator(Operator("demo", "演示登记员", ("registrar",)))
    assert every_item.lists["awaiting_check"].count() == 2  # the divorce is listed there


def test_every_screen_the_navigator_names_has_a_page(demo_window):
    from counter_app.cases import navigator

    window = demo_window()
    steps = {s.key for s in window.services.case_steps(window.operator)}
    assert steps and steps <= set(window.case_pages)          # each step opens its page
    assert {navigator.CASE, navigator.CERTIFICATES, "review"} <= set(window.case_pages)
    intake_screens = {*navigator.INTAKE_SCREEN.values(), "marriage"}
    assert intake_screens <= set(window.item_pages)           # each intake is an item's page


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.key)
def test_each_item_s_key_opens_its_page_in_the_main_window(qtbot, demo_window, item):
    window = demo_window()
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{item.shortcut}"))
    assert window.intake_page is not None
    assert window.stack.currentWidget() is window.intake_page
    window.back_home()
