"""Ensure the capture screen runs the liveness challenge on the live preview, lets the
registrar retry or waive it (recorded), and says so when the camera is unplugged and back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter_app.resources import resource_path
from counter_app.vision.liveness import Challenge
from counter_app.workflows.capture import PartyCapture
from drivers.camera.simulator import SimulatedCamera
from helpers.accounts import add_staff


@pytest.fixture
def make_page(qtbot, journal):
    from counter_app.ui.application import create_application
    from counter_app.ui.case.capture_page import CapturePage

    create_application([])
    add_staff(journal)  # the capture is a registrar's step: "demo" is one
    pages = []

    def make(camera, **kwargs):
        page = CapturePage(PartyCapture(journal, "demo"), "c1", lambda: camera,
                           liveness=(Challenge.BLINK,), **kwargs)
        qtbot.addWidget(page)
        page.show()
        page.begin()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.leave()


def photo_entries(journal):
    return [e.payload for e in journal.entries(case_id="c1") if e.kind == "capture.photo"]


def test_a_blink_passes_the_challenge_and_is_recorded_with_the_photo(qtbot, journal, make_page):
    camera = SimulatedCamera([resource_path("demo", "portrait.playlist")], name="portrait")
    page = make_page(camera)
    assert page.prompt.text() == "请眨眨眼"
    assert not page.shoot.isVisible()          # no photo before the person proved alive
    qtbot.waitUntil(lambda: page.shoot.isEnabled() and page.shoot.isVisible(), timeout=30_000)
    assert page.prompt.text() == "活体检测通过"
    qtbot.keyClick(page.shoot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.confirm.isVisible(), timeout=10_000)
    liveness = photo_entries(journal)[0]["liveness"]
    assert liveness == {"status": "passed", "challenges": ["blink"], "reason": ""}


def test_a_still_picture_fails_then_the_registrar_can_retry_or_waive(qtbot, journal, make_page):
    camera = SimulatedCamera([resource_path("demo", "portrait.jpg")], name="portrait")
    page = make_page(camera, liveness_timeout_s=1.0)
    qtbot.waitUntil(lambda: page.retry.isVisible(), timeout=30_000)
    assert page.prompt.text() == "活体检测未通过"
    assert "超时" in page.status.text() and "F12" in page.status.text()
    assert not page.shoot.isVisible()
    qtbot.keyClick(page.retry, Qt.Key.Key_Return)          # retry: the challenge again
    assert page.prompt.text() == "请眨眨眼" and not page.retry.isVisible()
    qtbot.waitUntil(lambda: page.retry.isVisible(), timeout=30_000)
    qtbot.keyClick(page, Qt.Key.Key_F12)                    # waived by the registrar
    qtbot.waitUntil(lambda: page.shoot.isEnabled(), timeout=30_000)
    page.take()
    qtbot.waitUntil(lambda: page.confirm.isVisible(), timeout=10_000)
    liveness = photo_entries(journal)[0]["liveness"]
    assert liveness["status"] == "waived" and "登记员" in liveness["reason"]


def test_an_unplugged_camera_is_shown_and_its_return_too(qtbot, journal, make_page):
    camera = SimulatedCamera([resource_path("demo", "portrait.playlist")], name="portrait")
    page = make_page(camera)
    qtbot.waitUntil(lambda: page.last is not None, timeout=30_000)
    camera.unplug()
    qtbot.waitUntil(lambda: page.status.text().startswith("摄像头连接中断"), timeout=10_000)
    assert "USB" in page.status.text() and not page.shoot.isEnabled()
    camera.replug()
    qtbot.waitUntil(lambda: page.last is not None, timeout=30_000)   # frames flow again
    assert not page.status.text().startswith("摄像头连接中断")


def test_a_face_analyser_that_cannot_start_is_explained(qtbot, journal):
    from counter_app.ui.application import create_application
    from counter_app.ui.case.capture_page import CapturePage
    from counter_app.vision.errors import VisionError

    create_application([])

    def no_model():
        raise VisionError("找不到人脸模型文件 face_landmarker.task")

    camera = SimulatedCamera([resource_path("demo", "portrait.jpg")], name="portrait")
    page = CapturePage(PartyCapture(journal, "demo"), "c1", lambda: camera,
                       pipeline_factory=no_model)
    qtbot.addWidget(page)
    page.begin()
    qtbot.waitUntil(lambda: "人脸模型" in page.status.text(), timeout=10_000)
    assert "Esc" in page.status.text() and "技术人员" in page.status.text()
    assert not page.shoot.isEnabled()
    page.leave()
