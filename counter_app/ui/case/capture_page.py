"""Live photo and identity check (人证核验) for each party, one after the other.

Frames are analysed on the session's vision thread (PreviewWorker on Services.vision: the face
models stay loaded from one visit to the next) and arrive here as a queued signal. Each party
first does the liveness challenge on screen (blink, turn the head: a photo held up to the
camera cannot); a party who cannot is waived by the registrar with the reason recorded. Then
the registrar presses Enter when the quality line is green, and decides whether the person is
the document's holder, helped by the matcher's advice when a chip photo exists. The camera's
own status (unplugged, reconnecting) is shown as it changes.
"""

from __future__ import annotations

from typing import Callable

import cv2
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app import memory
from counter_app.errors import CounterAppError
from counter_app.ui.i18n import role_name
from counter_app.ui.ops import Op
from counter_app.ui.style import AMBER, GREEN, RED, message_style
from counter_app.vision.liveness import Challenge, LivenessSession, Status
from counter_app.vision.preview import PreviewResult, PreviewWorker
from counter_app.vision.worker import VisionWorker
from counter_app.workflows.capture import PartyCapture, liveness_record
from counter_app.workflows.intake import ROLES
from drivers.camera import CameraStatus

#: Milliseconds after a camera page is left when the memory it freed is given back to the
#: system (the page and its frames are deleted by then; counter_app.memory).
RELEASE_AFTER_MS = 1000
#: Recorded in the journal (Chinese, whatever the screen language).
WAIVE_REASON_ZH = "当事人无法按提示完成动作，登记员当面确认为本人"


class CapturePage(QWidget):
    """Liveness, photo, then identity decision, for the man then the woman.
    ``finished(case_id)`` returns to the case."""

    finished = Signal(str)
    frame_ready = Signal(object)
    camera_status = Signal(object)
    preview_failed = Signal(object)

    def __init__(self, capture: PartyCapture, case_id: str, open_camera: Callable[[], object],
                 chip_photos: dict[str, bytes | None] | None = None,
                 liveness: tuple[Challenge, ...] = (), liveness_timeout_s: float = 15.0,
                 pipeline_factory: Callable[[], object] | None = None,
                 vision: VisionWorker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.capture, self.case_id, self._open_camera = capture, case_id, open_camera
        self.chip_photos = chip_photos or {}
        self.challenges, self.liveness_timeout_s = tuple(liveness), liveness_timeout_s
        self._pipeline_factory = pipeline_factory
        self._vision = vision      # None: a worker of the page's own (tests, one-off pages)
        self.role = ROLES[0]
        self.match = None
        self.last: PreviewResult | None = None
        self.last_good: PreviewResult | None = None
        self.live: dict | None = None          # the liveness record of the current party
        self._session: LivenessSession | None = None
        self._camera = self._worker = None
        self._camera_lost = False
        self._op: Op | None = None
        self._build()
        self.frame_ready.connect(self.on_frame)
        self.camera_status.connect(self.on_camera_status)
        self.preview_failed.connect(self.on_preview_failed)
        self._show_role()

    def _build(self) -> None:
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.video = QLabel(self)
        self.video.setMinimumSize(480, 360)
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt = QLabel(self)       # what the party is asked to do, in big type
        self.prompt.setStyleSheet("font-size: 24pt; font-weight: bold;")
        self.status = QLabel(self.tr("正在打开摄像头……"), self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 16pt;")
        self.shoot = QPushButton(self.tr("拍照（回车）"), self)
        self.retry = QPushButton(self.tr("重新做活体检测（回车）"), self)
        self.waive = QPushButton(self.tr("当事人无法完成动作，登记员确认免做（F12）"), self)
        self.confirm = QPushButton(self.tr("本人与证件一致（回车）"), self)
        self.reject = QPushButton(self.tr("不一致（F4）"), self)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.video, self.prompt, self.status, self.shoot, self.retry,
                       self.waive, self.confirm, self.reject):
            layout.addWidget(widget)
            if isinstance(widget, QPushButton):
                widget.setAutoDefault(True)
                widget.setStyleSheet("font-size: 16pt; padding: 6px;")
        self.shoot.clicked.connect(self.take)
        self.retry.clicked.connect(self.start_liveness)
        self.waive.clicked.connect(self.waive_liveness)
        self.confirm.clicked.connect(lambda: self.decide("confirmed"))
        self.reject.clicked.connect(lambda: self.decide("rejected"))
        QShortcut(QKeySequence("F4"), self, activated=lambda: self.decide("rejected"))
        QShortcut(QKeySequence("F12"), self, activated=self.waive_liveness)
        QShortcut(QKeySequence("Escape"), self, activated=self.leave)

    def begin(self) -> None:
        """Open the camera and start analysing frames (off the GUI thread)."""
        try:
            self._camera = self._open_camera()
            # Called on the camera's capture thread: hand over to the GUI thread.
            self._camera.on_status = self.camera_status.emit
            self._camera.start()
        except CounterAppError as err:
            self._say(self.tr("{error}。请检查摄像头后按 Esc 返回再试。").format(error=err.message_zh), RED)
            return
        extra = {"pipeline_factory": self._pipeline_factory} if self._pipeline_factory else {}
        self._worker = PreviewWorker(self._camera, self.frame_ready.emit,
                                     on_error=self.preview_failed.emit, vision=self._vision,
                                     **extra)
        self._worker.start()
        self.start_liveness()

    def leave(self) -> None:
        """Stop the camera and go back to the case (what was taken is kept); the session's
        vision thread waits for the next page."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        if self._camera is not None:
            self._camera.on_status = None
            self._camera.stop()
            self._camera = None
        # Once the page and its frames are gone, their memory goes back to the system.
        QTimer.singleShot(RELEASE_AFTER_MS, memory.release_free_memory)
        self.finished.emit(self.case_id)

    def _say(self, text: str, colour: str = "#000") -> None:
        self.status.setStyleSheet(message_style(colour))
        self.status.setText(text)

    def _show_role(self) -> None:
        self.title.setText(self.tr("{who}：活体检测、现场拍照与人证核验").format(
            who=role_name(self.role)))
        self.match = self.last_good = None
        self.live = None if self.challenges else liveness_record("off", ())
        for button in (self.shoot, self.retry, self.waive, self.confirm, self.reject):
            button.hide()
        self.shoot.setEnabled(False)
        if self.live is not None:
            self.prompt.clear()
            self.shoot.show()

    # -- liveness -------------------------------------------------------------------------

    def start_liveness(self) -> None:
        """(Re)start the challenge for the current party (Enter after a failure)."""
        if not self.challenges or self._worker is None or self.live is not None:
            return
        self._session = LivenessSession(self.challenges, timeout_s=self.liveness_timeout_s)
        self._worker.start_liveness(self._session)
        self.retry.hide()
        self.waive.show()
        self.prompt.setText(self._session.state.prompt)

    def waive_liveness(self) -> None:
        """The registrar vouches for a party who cannot do the movements (recorded)."""
        if self.live is not None or not self.waive.isVisible():
            return
        self._liveness_done(liveness_record("waived", self.challenges, WAIVE_REASON_ZH))
        self._say(self.tr("已由登记员确认免做活体检测。请当事人正对镜头。"))

    def _liveness_done(self, record: dict) -> None:
        self.live = record
        if self._worker is not None:
            self._worker.start_liveness(None)
        self._session = None
        self.retry.hide()
        self.waive.hide()
        self.prompt.setText(self.tr("活体检测通过") if record["status"] == "passed" else "")
        self.shoot.show()

    def _on_liveness(self, state) -> None:
        if state.status is Status.PASSED:
            self._liveness_done(liveness_record("passed", self.challenges))
        elif state.status is Status.FAILED:
            self._session = None
            self._worker.start_liveness(None)
            self.prompt.setText(self.tr("活体检测未通过"))
            self._say(self.tr("{prompt}。按回车重新检测；当事人确实无法完成时按 F12。").format(
                prompt=state.prompt), RED)
            self.retry.show()
            self.retry.setFocus()
        else:
            self.prompt.setText(state.prompt)

    # -- frames and the camera ----------------------------------------------------------

    def on_camera_status(self, status: CameraStatus) -> None:
        was_lost = self._camera_lost
        self._camera_lost = status is CameraStatus.RECONNECTING or (
            was_lost and status is not CameraStatus.STREAMING)
        if status is CameraStatus.RECONNECTING:
            self.shoot.setEnabled(False)
            self.last = self.last_good = None
            self.video.setText(self.tr("摄像头没有画面"))
            self._say(self.tr("{status}。插好后会自动恢复，不必退出；已拍的照片都已保存。").format(
                status=status.message_zh), RED)
        elif status is CameraStatus.STREAMING and was_lost:
            self._say(self.tr("摄像头已恢复。"))

    def on_preview_failed(self, exc: BaseException) -> None:
        """The face analysis stopped (a model missing, the analyser failing): say so."""
        self.shoot.setEnabled(False)
        what = exc.message_zh if isinstance(exc, CounterAppError) else self.tr("人脸识别组件出错")
        self._say(self.tr("{what}。无法拍照和核验，请按 Esc 返回，并联系技术人员。").format(what=what),
                  RED)

    def on_frame(self, result: PreviewResult) -> None:
        self.last = result
        rgb = cv2.cvtColor(result.image, cv2.COLOR_BGR2RGB)
        image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0],
                       QImage.Format.Format_RGB888).copy()
        self.video.setPixmap(QPixmap.fromImage(image).scaled(
            self.video.size(), Qt.AspectRatioMode.KeepAspectRatio))
        # Only the running session's newest state counts (not a frame queued before a retry).
        if self._session is not None and result.liveness is self._session.state:
            self._on_liveness(result.liveness)
        if self.live is None or not self.shoot.isVisible():
            return
        ok = result.quality.ok
        if ok:
            self.last_good = result
        # A blink between two good frames does not grey the button out again.
        self.shoot.setEnabled(self.last_good is not None)
        self._say(self.tr("照片合格，请按回车拍照。") if ok else
                  self.tr("；").join(p.message for p in result.quality.problems), GREEN if ok else AMBER)
        if self.last_good is not None and not self.shoot.hasFocus():
            self.shoot.setFocus()

    # -- photo and decision -------------------------------------------------------------

    def take(self) -> None:
        good = self.last if self.last is not None and self.last.quality.ok else self.last_good
        if good is None or self.live is None or (self._op and self._op.busy):
            return
        try:
            self.capture.take_photo(self.case_id, self.role, good.image, good.quality,
                                    liveness=self.live)
        except CounterAppError as err:
            self._say(err.message_zh, RED)
            return
        self.shoot.hide()
        self._say(self.tr("正在比对证件照片……"))
        role, chip = self.role, self.chip_photos.get(self.role)
        # The 1:1 comparison takes a few hundred milliseconds: never on the GUI thread.
        self._op = Op(self, lambda: self.capture.compare(self.case_id, role, chip)) \
            .success(self._compared).failure(self._compare_failed).run_in_background()

    def _compared(self, match) -> None:
        self.match = match
        advice = match.advice if match is not None else \
            self.tr("没有可比对的芯片照片（居民身份证照片需厂商解码库），请当面核对本人与证件。")
        self._say(advice)
        self.confirm.show()
        self.reject.show()
        self.confirm.setFocus()

    def _compare_failed(self, exc: BaseException) -> None:
        message = exc.message_zh if isinstance(exc, CounterAppError) else self.tr("比对出错")
        self._compared(None)
        self._say(self.tr("{message}。请当面核对本人与证件。").format(message=message))

    def decide(self, decision: str) -> None:
        if not self.confirm.isVisible():
            return
        if decision == "confirmed" and self.match is None:
            decision = "manual"  # confirmed in person, without a chip photo to compare
        try:
            self.capture.decide(self.case_id, self.role, decision, self.match)
        except CounterAppError as err:
            self._say(err.message_zh, RED)
            return
        self._after_decision(decision)

    def _after_decision(self, decision: str) -> None:
        """Stop at a mismatch; else on to the next party, or back to the case."""
        if decision == "rejected":
            self._say(self.tr("{who}与证件不一致：不能继续办理。请报负责人。").format(
                who=role_name(self.role)), RED)
            self.confirm.hide()
            self.reject.hide()
            return
        if self.role == ROLES[-1]:
            self.leave()
            return
        self.role = ROLES[ROLES.index(self.role) + 1]
        self._show_role()
        self.start_liveness()
