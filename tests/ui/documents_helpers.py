"""Driving the document-camera step and the review page in end-to-end tests (keyboard only).

``keys=False`` presses the buttons instead of the page shortcuts: scripts/screenshots.py runs
under Xvfb without a window manager, where no window becomes active and QShortcut never fires.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

SUMMARY = {"children": "女儿随女方生活，男方每月支付抚养费1500元至十八周岁",
           "property": "住房归女方，存款各半", "debts": "无共同债务"}


def scan_documents(qtbot, window, case_id, *, wait_for_auto: bool = False, shot=None,
                   keys: bool = True):
    """F11 on the case page; each paper captured (Enter, or the auto-capture when
    ``wait_for_auto``), PgDn to the next; a divorce's agreement summary written; back to the
    case page. Returns the document page's journal pages per document. ``shot(name)``, if
    given, is called after the first capture (scripts/screenshots.py)."""
    if keys:
        qtbot.keyClick(window.case_page, Qt.Key.Key_F11)
    else:
        window.case_page.action.click()
    page = window.case_page
    assert page.__class__.__name__ == "DocumentPage"
    for index, document in enumerate(page.documents):
        assert page.current == index
        if not wait_for_auto:
            qtbot.waitUntil(lambda: page._frames > 0, timeout=10_000)
            qtbot.keyClick(page.capture_button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda d=document: bool(page.scanning.pages(case_id).get(d.key)),
                        timeout=20_000)
        if shot is not None and index == 0:
            qtbot.waitUntil(lambda: page.video.pixmap() is not None
                            and not page.video.pixmap().isNull(), timeout=10_000)
            shot("07c-documents")
        if keys:
            qtbot.keyClick(page, Qt.Key.Key_PageDown)
        else:
            page.next_button.click()
    if page.summary_box.isVisible():
        for key, text in SUMMARY.items():
            page.summary_fields[key].setText(text)
        page.both_signed.setChecked(True)
        qtbot.keyClick(page.summary_fields["debts"], Qt.Key.Key_Return)
    pages = page.scanning.pages(case_id)
    assert page.title.text() == "证件材料已拍齐", page.status.text()
    qtbot.keyClick(page.back_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: hasattr(window.case_page, "step_requested")
                    and window.case_page.case_id == case_id
                    and window.case_page.__class__.__name__ == "RegistrationPage",
                    timeout=10_000)
    return pages


def review_and_examine(qtbot, window, case_id, shot=None, keys: bool = True):
    """F8 on the case page opens the review page; F8 there examines; back on the case page."""
    if keys:
        qtbot.keyClick(window.case_page, Qt.Key.Key_F8)
    else:
        window.case_page.action.click()
    review = window.case_page
    assert review.__class__.__name__ == "ReviewPage"
    if shot is not None:
        shot("07d-review")
    assert review.examine_button.isVisible(), review.message.text()
    if keys:
        qtbot.keyClick(review, Qt.Key.Key_F8)
    else:
        review.examine_button.click()
    qtbot.waitUntil(lambda: window.case_page.__class__.__name__ == "RegistrationPage",
                    timeout=10_000)
    assert window.case_page.case_id == case_id
    return window.case_page
