"""Photographing a case's papers on the document camera (高拍仪), one paper after the other.

The camera loop runs on the session's vision thread (counter_app.vision.scanner.DocumentScanner
on Services.vision): the preview shows the page outline it found, a page is captured when it
lies still (or at once on Enter) and stored here, on the GUI thread, as a journal attachment.
A checklist shows what is left, the current paper highlighted. A retake sets the last page
aside (a superseding entry). For a divorce the registrar also writes a short summary of the
agreement.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.errors import CounterAppError
from counter_app.vision.scanner import DocumentScanner, ScanFrame
from counter_app.vision.worker import VisionWorker
from counter_app.workflows.documents import DocumentScanning, RequiredDocument

#: Seconds without a frame after which the page says the document camera is not delivering.
NO_FRAME_S = 8


class DocumentPage(QWidget):
    """The document-camera step of a case. ``finished(case_id)`` returns to the case."""

    finished = Signal(str)
    frame_ready = Signal(object)

    def __init__(self, scanning: DocumentScanning, case_id: str,
                 open_camera: Callable[[], object], *, vision: VisionWorker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scanning, self.case_id, self._open_camera = scanning, case_id, open_camera
        self._vision = vision      # None: a worker of the page's own (tests)
        self.documents: list[RequiredDocument] = scanning.required(case_id)
        self.current = 0
        self._camera = self._scanner = None
        self._frames = 0
        self.title = QLabel(self.tr("高拍仪拍摄证件材料"), self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.video = QLabel(self)
        self.video.setMinimumSize(480, 320)
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.checklist = QListWidget(self)
        self.checklist.setStyleSheet("font-size: 16pt;")
        self.checklist.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.status = QLabel(self.tr("正在打开高拍仪……"), self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 16pt;")
        self.capture_button = QPushButton(self.tr("拍摄这一页（回车）"), self)
        self.retake_button = QPushButton(self.tr("重拍上一页（F4）"), self)
        self.next_button = QPushButton(self.tr("下一份材料（PgDn）"), self)
        self.back_button = QPushButton(self.tr("返回业务（Esc），已拍的材料已保存"), self)
        for button in (self.capture_button, self.retake_button, self.next_button,
                       self.back_button):
            button.setAutoDefault(True)
            button.setStyleSheet("font-size: 16pt; padding: 6px;")
        self.summary_box = self._summary_box()
        self._layout()
        self.frame_ready.connect(self.on_frame)
        self.capture_button.clicked.connect(self.capture)
        self.retake_button.clicked.connect(self.retake)
        self.next_button.clicked.connect(lambda: self.select(self.current + 1))
        self.back_button.clicked.connect(self.leave)
        QShortcut(QKeySequence("F4"), self, activated=self.retake)
        QShortcut(QKeySequence("PgDown"), self, activated=lambda: self.select(self.current + 1))
        QShortcut(QKeySequence("PgUp"), self, activated=lambda: self.select(self.current - 1))
        QShortcut(QKeySequence("Escape"), self, activated=self.leave)
        self._watchdog = QTimer(self, interval=NO_FRAME_S * 1000, singleShot=True)
        self._watchdog.timeout.connect(self._no_frames)
        self.select(self._first_missing())

    def _summary_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("离婚协议书摘要（如实简要填写，协议未约定的写“无”）"), self)
        form = QFormLayout(box)
        self.summary_fields = {key: QLineEdit(box) for key in ("children", "property", "debts")}
        for key, label in (("children", self.tr("子女抚养（谁抚养哪个子女、抚养费）")),
                           ("property", self.tr("财产分割")), ("debts", self.tr("债务处理"))):
            form.addRow(label, self.summary_fields[key])
            self.summary_fields[key].returnPressed.connect(self.save_summary)
        self.both_signed = QCheckBox(self.tr("协议书有双方签名"), box)
        self.save_summary_button = QPushButton(self.tr("保存协议摘要"), box)
        self.save_summary_button.clicked.connect(self.save_summary)
        form.addRow(self.both_signed, self.save_summary_button)
        saved = self.scanning.summary(self.case_id)
        if saved:
            for key, field in self.summary_fields.items():
                field.setText(saved[key])
            self.both_signed.setChecked(bool(saved.get("both_signed")))
        box.setVisible(self.scanning.needs_summary(self.case_id))
        return box

    def _layout(self) -> None:
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("需要拍摄的材料："), self))
        side.addWidget(self.checklist, 1)
        side.addWidget(self.summary_box)
        row = QHBoxLayout()
        row.addWidget(self.video, 3)
        row.addLayout(side, 2)
        buttons = QHBoxLayout()
        for button in (self.capture_button, self.retake_button, self.next_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(self.back_button)

    # --- camera --------------------------------------------------------------------------
    def begin(self) -> None:
        """Open the document camera and start the scanner thread."""
        if not self.documents:
            self.status.setText(self.tr("本业务没有需要高拍仪拍摄的材料。请按 Esc 返回。"))
            return
        try:
            self._camera = self._open_camera()
            self._camera.start()
        except CounterAppError as err:
            self._camera_failed(err.message_zh)
            return
        except Exception:  # noqa: BLE001 - a driver fault must become a message, not a crash
            self._camera_failed(self.tr("高拍仪无法打开"))
            return
        self._scanner = DocumentScanner(self._camera, self.frame_ready.emit, vision=self._vision)
        self._scanner.start()
        self._watchdog.start()

    def _camera_failed(self, what: str) -> None:
        self.status.setStyleSheet("font-size: 16pt; color: #b00020;")
        self.status.setText(self.tr("{what}。请检查高拍仪的USB线和电源（设置项 camera.document_source），"
                                    "然后按 Esc 返回，再按 F11 重新进入；已拍的材料不会丢失。")
                            .format(what=what))

    def _no_frames(self) -> None:
        self._camera_failed(self.tr("高拍仪没有画面"))

    def leave(self) -> None:
        """Stop the camera and go back to the case (what was scanned is kept)."""
        self._watchdog.stop()
        if self._scanner is not None:
            self._scanner.stop()
            self._scanner = None
        if self._camera is not None:
            self._camera.stop()
            self._camera = None
        self.finished.emit(self.case_id)

    def on_frame(self, frame: ScanFrame) -> None:
        self._frames += 1
        self._watchdog.start()
        self._show(frame)
        if frame.captured is not None and self.current < len(self.documents):
            self._store(frame)

    def _show(self, frame: ScanFrame) -> None:
        image = frame.image
        if frame.corners is not None:
            image = image.copy()
            cv2.polylines(image, [np.round(frame.corners).astype(np.int32)], True,
                          (60, 200, 60), max(2, image.shape[1] // 300))
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        picture = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0],
                         QImage.Format.Format_RGB888).copy()
        self.video.setPixmap(QPixmap.fromImage(picture).scaled(
            self.video.size(), Qt.AspectRatioMode.KeepAspectRatio))
        if frame.captured is None and self.current < len(self.documents) and \
                not self.status.text().startswith(self.tr("已拍")):
            self.status.setStyleSheet("font-size: 16pt;")
            self.status.setText(self.tr("已找到纸张边缘，放稳后自动拍摄；也可按回车拍摄。")
                                if frame.corners is not None else
                                self.tr("请把材料平放在高拍仪下方（深色背景），整页放入画面。"))

    # --- scanning ------------------------------------------------------------------------
    def capture(self) -> None:
        """Enter: capture the next frame now (even without a still page)."""
        if self._scanner is not None and self.current < len(self.documents):
            self._scanner.capture_now()

    def _store(self, frame: ScanFrame) -> None:
        document = self.documents[self.current]
        try:
            page = self.scanning.store(self.case_id, document, frame.captured,
                                       manual=frame.manual)
        except CounterAppError as err:
            self.status.setStyleSheet("font-size: 16pt; color: #b00020;")
            self.status.setText(err.message_zh)
            return
        self.status.setStyleSheet("font-size: 16pt; color: #1b7f3b;")
        self.status.setText(self.tr("已拍{title}第 {page} 页（{dpi} dpi）。有下一页请直接"
                                    "放上；这份材料拍完请按 PgDn 换下一份材料。").format(
                                        title=document.title, page=page.page, dpi=page.dpi))
        self._refresh_list()

    def retake(self) -> None:
        """F4: set the current paper's last page aside; the next capture replaces it."""
        if self.current >= len(self.documents):
            return
        document = self.documents[self.current]
        pages = self.scanning.pages(self.case_id).get(document.key, [])
        if not pages:
            self.status.setText(self.tr("{title}还没有拍摄，无需重拍。").format(title=document.title))
            return
        try:
            self.scanning.retake(self.case_id, pages[-1])
        except CounterAppError as err:
            self.status.setText(err.message_zh)
            return
        self.status.setStyleSheet("font-size: 16pt;")
        self.status.setText(self.tr("{title}第 {page} 页已作废，请重新放好这一页。").format(
            title=document.title, page=pages[-1].page))
        self._refresh_list()

    def select(self, index: int) -> None:
        """Make paper ``index`` the current one (past the last: everything is done)."""
        index = max(0, min(index, len(self.documents)))
        self.current = index
        if self._scanner is not None:
            self._scanner.auto.stillness.reset()  # the page on the glass belongs to the old paper
        self._refresh_list()
        if index < len(self.documents):
            document = self.documents[index]
            self.title.setText(self.tr("高拍仪拍摄：{title}").format(title=document.title))
            self.status.setStyleSheet("font-size: 16pt;")
            self.status.setText(self.tr("请放上{title}").format(title=document.title) +
                                (self.tr("（每一页都要拍）") if document.kind == "divorce_agreement" else "")
                                + self.tr("，放稳后自动拍摄。"))
            self.capture_button.setEnabled(True)
            self.capture_button.setFocus()
            return
        self.capture_button.setEnabled(False)
        missing = self.scanning.missing(self.case_id)
        if missing:
            self.status.setText(self.tr("还没有拍：") + self.tr("、").join(d.title for d in missing) +
                                self.tr("。请按 PgUp 回到该材料。"))
        elif not self.scanning.done(self.case_id):
            self.status.setText(self.tr("材料已拍齐。请填写离婚协议书摘要并保存。"))
            self.summary_fields["children"].setFocus()
        else:
            self.title.setText(self.tr("证件材料已拍齐"))
            self.status.setText(self.tr("全部材料已拍齐。按回车返回业务。"))
            self.back_button.setFocus()

    def _refresh_list(self) -> None:
        pages = self.scanning.pages(self.case_id)
        self.checklist.clear()
        for i, document in enumerate(self.documents):
            count = len(pages.get(document.key, []))
            mark = self.tr("✓ 已拍 {count} 页").format(count=count) if count else self.tr("未拍")
            self.checklist.addItem(("▶ " if i == self.current else "  ") + self.tr(
                "{title}：{mark}").format(title=document.title, mark=mark))
        if self.current < len(self.documents):
            self.checklist.setCurrentRow(self.current)

    def save_summary(self) -> None:
        """Record the agreement summary (refused, with what is missing, when incomplete)."""
        try:
            self.scanning.record_summary(
                self.case_id, both_signed=self.both_signed.isChecked(),
                **{key: field.text() for key, field in self.summary_fields.items()})
        except CounterAppError as err:
            self.status.setStyleSheet("font-size: 16pt; color: #b00020;")
            self.status.setText(err.message_zh)
            return
        self.status.setStyleSheet("font-size: 16pt; color: #1b7f3b;")
        self.status.setText(self.tr("离婚协议书摘要已保存。"))
        if self.current >= len(self.documents):
            self.select(len(self.documents))

    def _first_missing(self) -> int:
        pages = self.scanning.pages(self.case_id)
        return next((i for i, d in enumerate(self.documents) if not pages.get(d.key)),
                    len(self.documents))
