"""Live photo and identity check (人证核验) for each party, one after the other.

Frames are analysed on the vision worker thread (PreviewWorker) and arrive here as a queued
signal; the registrar presses Enter when the quality line turns green, then decides whether
the person is the document's holder, helped by the matcher's advice when a chip photo exists.
"""

from __future__ import annotations

from typing import Callable

import cv2
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.errors import CounterAppError
from counter_app.ui.ops import Op
from counter_app.vision.preview import PreviewResult, PreviewWorker
from counter_app.workflows.capture import PartyCapture
from counter_app.workflows.intake import ROLE_ZH, ROLES


class CapturePage(QWidget):
    """Photo, then identity decision, for the man then the woman. ``finished(case_id)``."""

    finished = Signal(str)
    frame_ready = Signal(object)

    def __init__(self, capture: PartyCapture, case_id: str, open_camera: Callable[[], object],
                 chip_photos: dict[str, bytes | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.capture, self.case_id, self._open_camera = capture, case_id, open_camera
        self.chip_photos = chip_photos or {}
        self.role = ROLES[0]
        self.match = None
        self.last: PreviewResult | None = None
        self._camera = self._worker = None
        self._op: Op | None = None
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.video = QLabel(self)
        self.video.setMinimumSize(480, 360)
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel("正在打开摄像头……", self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 16pt;")
        self.shoot = QPushButton("拍照（回车）", self)
        self.confirm = QPushButton("本人与证件一致（回车）", self)
        self.reject = QPushButton("不一致（F4）", self)
        for button in (self.shoot, self.confirm, self.reject):
            button.setAutoDefault(True)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.video, self.status, self.shoot, self.confirm,
                       self.reject):
            layout.addWidget(widget)
        self.frame_ready.connect(self.on_frame)
        self.shoot.clicked.connect(self.take)
        self.confirm.clicked.connect(lambda: self.decide("confirmed"))
        self.reject.clicked.connect(lambda: self.decide("rejected"))
        QShortcut(QKeySequence("F4"), self, activated=lambda: self.decide("rejected"))
        QShortcut(QKeySequence("Escape"), self, activated=self.leave)
        self._show_role()

    def begin(self) -> None:
        """Open the camera and start analysing frames (off the GUI thread)."""
        try:
            self._camera = self._open_camera()
            self._camera.start()
        except CounterAppError as err:
            self.status.setText(f"{err.message_zh}。请检查摄像头后按 Esc 返回再试。")
            return
        self._worker = PreviewWorker(self._camera, self.frame_ready.emit)
        self._worker.start()

    def leave(self) -> None:
        """Stop the camera and go back to the case (what was taken is kept)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        if self._camera is not None:
            self._camera.stop()
            self._camera = None
        self.finished.emit(self.case_id)

    def _show_role(self) -> None:
        who = ROLE_ZH[self.role]
        self.title.setText(f"{who}：现场拍照与人证核验")
        self.match = None
        self.shoot.show()
        self.shoot.setEnabled(False)
        self.confirm.hide()
        self.reject.hide()

    def on_frame(self, result: PreviewResult) -> None:
        self.last = result
        rgb = cv2.cvtColor(result.image, cv2.COLOR_BGR2RGB)
        image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0],
                       QImage.Format.Format_RGB888).copy()
        self.video.setPixmap(QPixmap.fromImage(image).scaled(
            self.video.size(), Qt.AspectRatioMode.KeepAspectRatio))
        if not self.shoot.isVisible():
            return
        ok = result.quality.ok
        self.shoot.setEnabled(ok)
        self.status.setStyleSheet(f"font-size: 16pt; color: {'#1b7f3b' if ok else '#b26a00'};")
        self.status.setText("照片合格，请按回车拍照。" if ok else
                            "；".join(p.message for p in result.quality.problems))
        if ok:
            self.shoot.setFocus()

    def take(self) -> None:
        if self.last is None or not self.last.quality.ok or (self._op and self._op.busy):
            return
        try:
            self.capture.take_photo(self.case_id, self.role, self.last.image, self.last.quality)
        except CounterAppError as err:
            self.status.setText(err.message_zh)
            return
        self.shoot.hide()
        self.status.setText("正在比对证件照片……")
        role, chip = self.role, self.chip_photos.get(self.role)
        # The 1:1 comparison takes a few hundred milliseconds: never on the GUI thread.
        self._op = Op(self, lambda: self.capture.compare(self.case_id, role, chip)) \
            .success(self._compared).failure(self._compare_failed).run_in_background()

    def _compared(self, match) -> None:
        self.match = match
        advice = match.advice if match is not None else \
            "没有可比对的芯片照片（居民身份证照片需厂商解码库），请当面核对本人与证件。"
        self.status.setStyleSheet("font-size: 16pt;")
        self.status.setText(advice)
        self.confirm.show()
        self.reject.show()
        self.confirm.setFocus()

    def _compare_failed(self, exc: BaseException) -> None:
        message = exc.message_zh if isinstance(exc, CounterAppError) else "比对出错"
        self._compared(None)
        self.status.setText(f"{message}。请当面核对本人与证件。")

    def decide(self, decision: str) -> None:
        if not self.confirm.isVisible():
            return
        if decision == "confirmed" and self.match is None:
            decision = "manual"  # confirmed in person, without a chip photo to compare
        self.capture.decide(self.case_id, self.role, decision, self.match)
        if decision == "rejected":
            self.status.setText(f"{ROLE_ZH[self.role]}与证件不一致：不能继续办理。请报负责人。")
            self.confirm.hide()
            self.reject.hide()
            return
        if self.role == ROLES[-1]:
            self.leave()
            return
        self.role = ROLES[ROLES.index(self.role) + 1]
        self._show_role()
