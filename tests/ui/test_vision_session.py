"""Ensure the photo and papers pages share the session's one vision thread: entering and
leaving the photo page again and again makes no new thread and loads the face models once,
and the thread pauses (not dies) while no camera page is open."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from test_marriage_intake import accept_a_couple


def vision_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("vision")]


def visit_photo_page(qtbot, window) -> None:
    """F7 on the case page, a few analysed frames, Esc back to the case page."""
    qtbot.keyClick(window.case_page, Qt.Key.Key_F7)
    page = window.case_page
    assert type(page).__name__ == "CapturePage"
    seen = []
    page.frame_ready.connect(lambda result: seen.append(threading.current_thread().name))
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=30_000)
    qtbot.keyClick(page, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: type(window.case_page).__name__ == "RegistrationPage",
                    timeout=10_000)


def test_the_photo_page_reuses_one_vision_thread_and_one_pipeline(qtbot, demo_window):
    window = demo_window()
    vision = window.services.vision
    made = []
    real_factory = vision.pipeline_factory

    def counting_factory():
        made.append(threading.current_thread().name)
        return real_factory()

    vision.pipeline_factory = counting_factory
    result = accept_a_couple(qtbot, window)
    case_id = window.intake_page.case_id
    qtbot.keyClick(result.proceed, Qt.Key.Key_Return)
    assert not vision.alive                     # nothing started before the first camera page
    for _ in range(3):
        visit_photo_page(qtbot, window)
        assert vision.alive and vision_threads() == ["vision"]
    assert made == ["vision"]
    # The papers page's document camera is analysed on the same thread.
    window.case_page.step_requested.emit("documents", case_id)
    papers = window.case_page
    assert type(papers).__name__ == "DocumentPage"
    qtbot.waitUntil(lambda: papers._frames >= 3, timeout=20_000)
    assert papers._scanner.vision is vision and vision_threads() == ["vision"]
    qtbot.keyClick(papers, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: type(window.case_page).__name__ == "RegistrationPage",
                    timeout=10_000)
    assert vision.alive and made == ["vision"]
    window.services.close()
    assert not vision.alive and vision_threads() == []
