"""The business items of this counter, as data: the home page's buttons, F-keys and lists and
the main window's pages are built from ``ITEMS`` and ``CASE_PAGES``.

Adding an item is its own modules (workflow, wiring, pages) plus one line in ``ITEMS``; a new
step of a case is a ``CaseStep`` (counter_app.wiring.services) plus its line in ``CASE_PAGES``.
docs/ARCHITECTURE.md walks through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP

from counter_app.ui import factories
from counter_app.wiring.services import Services


@dataclass(frozen=True)
class HomeList:
    """One list of the home page: its key (the case navigator's ``home_list``), its title
    and what it says when empty (both translated in the HomePage context)."""

    key: str
    title: str
    empty: str


@dataclass(frozen=True)
class BusinessItem:
    """One business item: its key (also the case navigator's screen that continues its
    cases), the home button's text (translated in the HomePage context; it names the
    shortcut), the shortcut on the home page, the case types it owns, its page maker and the
    home lists its cases appear in."""

    key: str
    label: str
    shortcut: str
    case_types: tuple[str, ...]
    pages: Callable[[Services], factories.ItemPage]
    home_lists: tuple[str, ...]


HOME_LISTS = (
    HomeList("awaiting_check", QT_TRANSLATE_NOOP("HomePage", "待审查与联网核对"),
             QT_TRANSLATE_NOOP("HomePage", "没有等待核对的业务")),
    HomeList("divorce_deadlines", QT_TRANSLATE_NOOP("HomePage", "离婚冷静期与期限"),
             QT_TRANSLATE_NOOP("HomePage", "没有需要处理的期限")),
    HomeList("ready_to_issue", QT_TRANSLATE_NOOP("HomePage", "可以登记发证"),
             QT_TRANSLATE_NOOP("HomePage", "没有待发证的业务")),
)

ITEMS = (
    BusinessItem("marriage", QT_TRANSLATE_NOOP("HomePage", "新办结婚登记（F2）"), "F2",
                 ("marriage", "retroactive_marriage"), factories.marriage,
                 ("awaiting_check", "ready_to_issue")),
    BusinessItem("divorce", QT_TRANSLATE_NOOP("HomePage", "新办离婚登记申请（F3）"), "F3",
                 ("divorce",), factories.divorce,
                 ("awaiting_check", "divorce_deadlines", "ready_to_issue")),
    BusinessItem("reissue", QT_TRANSLATE_NOOP("HomePage", "补领婚姻登记证（F4）"), "F4",
                 ("reissue",), factories.reissue, ("awaiting_check", "ready_to_issue")),
    # no cases of its own: the daily closing and the statistics (counter_app.reports)
    BusinessItem("reports", QT_TRANSLATE_NOOP("HomePage", "日结与统计报表（F9）"), "F9",
                 (), factories.reports, ()),
)

#: The pages of an existing case by the case navigator's screen key: the case page, the
#: certificates, and one per preparation step (Services.case_steps) plus the review.
CASE_PAGES: dict[str, Callable[[Services], factories.CasePage]] = {
    "case": factories.case,
    "certificates": factories.certificates,
    "capture": factories.capture,
    "declare": factories.declarations,
    "documents": factories.documents,
    "review": factories.review,
}
