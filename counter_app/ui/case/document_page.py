"""Photographing a case's papers on the document camera (高拍仪), one paper after the other.

The camera loop runs on the session's vision thread (counter_app.vision.scanner.DocumentScanner
on Services.vision): the preview shows the page outline it found, a page is captured when a
new page lies still (or at once on Enter) and stored here, on the GUI thread, as a journal
attachment; a page below the effective resolution or one already kept is refused with the
reason. A checklist shows what is left, the current paper highlighted; its pages are shown as
thumbnails, and any of them can be chosen (← →) and retaken (F4: the next capture replaces
it) or deleted (Delete, confirmed). For a divorce the registrar also writes a short summary of
the agreement.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app import memory
from counter_app.errors import CounterAppError
from counter_app.ui.case.capture_page import RELEASE_AFTER_MS
from counter_app.ui.style import BLACK, GREEN, RED, message_style
from counter_app.vision.scanner import DocumentScanner, ScanFrame
from counter_app.vision.worker import VisionWorker
from counter_app.workflows.documents import DocumentScanning, RequiredDocument, ScannedPage

#: Seconds without a frame after which the page says the document camera is not delivering.
NO_FRAME_S = 8
#: Height of a page's thumbnail in the strip of the current paper's pages.
THUMB_PX = 96


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
        self.selected = -1          # the chosen page of the current paper (index), -1: none
        self.replacing: ScannedPage | None = None    # F4: the next capture replaces it
        self._camera = self._scanner = None
        self._frames = 0
        self._thumbs: dict[str, QIcon] = {}
        self.title = QLabel(self.tr("高拍仪拍摄证件材料"), self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.video = QLabel(self)
        self.video.setMinimumSize(480, 320)
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(self)          # what the camera sees now
        self.hint.setStyleSheet("font-size: 14pt;")
        self.hint.setWordWrap(True)
        self.checklist = QListWidget(self)
        self.checklist.setStyleSheet("font-size: 16pt;")
        self.checklist.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page_strip = self._page_strip()
        self.status = QLabel(self.tr("正在打开高拍仪……"), self)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 16pt;")
        self.capture_button = QPushButton(self.tr("拍摄这一页（回车）"), self)
        self.retake_button = QPushButton(self.tr("重拍所选页（F4）"), self)
        self.delete_button = QPushButton(self.tr("删除所选页（Delete）"), self)
        self.next_button = QPushButton(self.tr("下一份材料（PgDn）"), self)
        self.back_button = QPushButton(self.tr("返回业务（Esc），已拍的材料已保存"), self)
        for button in (self.capture_button, self.retake_button, self.delete_button,
                       self.next_button, self.back_button):
            button.setAutoDefault(True)
            button.setStyleSheet("font-size: 16pt; padding: 6px;")
        self.summary_box = self._summary_box()
        self._layout()
        self.frame_ready.connect(self.on_frame)
        self.capture_button.clicked.connect(self.capture)
        self.retake_button.clicked.connect(self.retake)
        self.delete_button.clicked.connect(self.delete)
        self.next_button.clicked.connect(lambda: self.select(self.current + 1))
        self.back_button.clicked.connect(self.leave)
        QShortcut(QKeySequence("F4"), self, activated=self.retake)
        QShortcut(QKeySequence("Delete"), self, activated=self.delete)
        QShortcut(QKeySequence("Left"), self, activated=lambda: self.choose(self.selected - 1))
        QShortcut(QKeySequence("Right"), self, activated=lambda: self.choose(self.selected + 1))
        QShortcut(QKeySequence("PgDown"), self, activated=lambda: self.select(self.current + 1))
        QShortcut(QKeySequence("PgUp"), self, activated=lambda: self.select(self.current - 1))
        QShortcut(QKeySequence("Escape"), self, activated=self.leave)
        self._watchdog = QTimer(self, interval=NO_FRAME_S * 1000, singleShot=True)
        self._watchdog.timeout.connect(self._no_frames)
        self.select(self._first_missing())

    def _page_strip(self) -> QListWidget:
        """The current paper's pages as thumbnails, the chosen one highlighted."""
        strip = QListWidget(self)
        strip.setViewMode(QListView.ViewMode.IconMode)
        strip.setFlow(QListView.Flow.LeftToRight)
        strip.setWrapping(False)
        strip.setIconSize(QSize(THUMB_PX, THUMB_PX))
        strip.setGridSize(QSize(THUMB_PX + 40, THUMB_PX + 44))
        strip.setFixedHeight(THUMB_PX + 64)
        strip.setStyleSheet("font-size: 12pt;")
        strip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        strip.currentRowChanged.connect(self._strip_changed)
        return strip

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
        side.addWidget(QLabel(self.tr("这份材料已拍的页（← → 选择）："), self))
        side.addWidget(self.page_strip)
        side.addWidget(self.summary_box)
        picture = QVBoxLayout()
        picture.addWidget(self.video, 1)
        picture.addWidget(self.hint)
        row = QHBoxLayout()
        row.addLayout(picture, 3)
        row.addLayout(side, 2)
        buttons = QHBoxLayout()
        for button in (self.capture_button, self.retake_button, self.delete_button,
                       self.next_button):
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
        # Once the page and its frames are gone, their memory goes back to the system.
        QTimer.singleShot(RELEASE_AFTER_MS, memory.release_free_memory)
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
        if self.current < len(self.documents):
            self.hint.setText(self.tr("已找到纸张边缘：换上新的一页并放稳后自动拍摄，也可按回车拍摄。")
                              if frame.corners is not None else
                              self.tr("请把材料平放在高拍仪下方（深色背景），整页放入画面。"))

    def _say(self, text: str, colour: str = BLACK) -> None:
        self.status.setStyleSheet(message_style(colour))
        self.status.setText(text)

    # --- scanning ------------------------------------------------------------------------
    def capture(self) -> None:
        """Enter: capture the next frame now (even without a still page)."""
        if self._scanner is not None and self.current < len(self.documents):
            self._scanner.capture_now()

    def _store(self, frame: ScanFrame) -> None:
        document, replacing = self.documents[self.current], self.replacing
        try:
            page = self.scanning.store(self.case_id, document, frame.captured,
                                       manual=frame.manual, replaces=replacing)
        except CounterAppError as err:
            self._say(err.message_zh, RED)
            return
        self.replacing = None
        pages = self._pages()
        position = next(i for i, p in enumerate(pages) if p.entry_id == page.entry_id)
        done = self.tr("已重拍") if replacing is not None else self.tr("已拍")
        self._say(self.tr("{done}{title}第 {page} 页（分辨率：每英寸 {ppi} 像素）。有下一页请直接放上；"
                          "这份材料拍完请按 PgDn 换下一份材料。").format(
                              done=done, title=document.title, page=position + 1,
                              ppi=page.effective_dpi), GREEN)
        self._refresh_list(position)

    def retake(self) -> None:
        """F4: the chosen page of the current paper is replaced by the next capture (it stays
        until the new page is kept)."""
        page = self._chosen()
        if page is None:
            return
        self.replacing = page
        self._say(self.tr("重拍{title}第 {page} 页：请重新放好这一页，放稳后自动拍摄（或按回车）。"
                          "新的一页存好后才替换原页。").format(
                              title=self.documents[self.current].title, page=self.selected + 1))

    def delete(self) -> None:
        """Delete: the chosen page is set aside, after the registrar confirms."""
        page = self._chosen()
        if page is None:
            return
        title = self.documents[self.current].title
        question = self.tr("删除{title}第 {page} 页？删除后不能恢复，需要时可以重新拍摄。").format(
            title=title, page=self.selected + 1)
        if not self._confirm(question):
            self._say(self.tr("没有删除。"))
            return
        try:
            self.scanning.delete(self.case_id, page)
        except CounterAppError as err:
            self._say(err.message_zh, RED)
            return
        if self.replacing is not None and self.replacing.entry_id == page.entry_id:
            self.replacing = None
        self._say(self.tr("已删除{title}第 {page} 页。").format(title=title,
                                                             page=self.selected + 1))
        self._refresh_list(self.selected - 1)

    def _chosen(self) -> ScannedPage | None:
        """The chosen page of the current paper; says so when there is none."""
        if self.current >= len(self.documents):
            return None
        pages = self._pages()
        if not pages:
            self._say(self.tr("{title}还没有拍摄。").format(title=self.documents[self.current].title))
            return None
        return pages[min(max(self.selected, 0), len(pages) - 1)]

    def _confirm(self, question: str) -> bool:
        """Asks, with Enter for yes and Esc for no."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("请确认"), question,
                          QMessageBox.StandardButton.NoButton, self)
        yes = box.addButton(self.tr("删除（回车）"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("不删除（Esc）"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.exec()
        self.window().activateWindow()   # the keys go back to this page
        return box.clickedButton() is yes

    def choose(self, index: int) -> None:
        """← →: choose page ``index`` of the current paper."""
        pages = self._pages()
        if pages:
            self.page_strip.setCurrentRow(max(0, min(index, len(pages) - 1)))

    def _strip_changed(self, row: int) -> None:
        self.selected = row

    def select(self, index: int) -> None:
        """Make paper ``index`` the current one (past the last: everything is done)."""
        index = max(0, min(index, len(self.documents)))
        self.current, self.replacing = index, None
        if self._scanner is not None:
            self._scanner.new_paper()  # the page on the glass belongs to the old paper
        self._refresh_list()
        if index < len(self.documents):
            document = self.documents[index]
            self.title.setText(self.tr("高拍仪拍摄：{title}").format(title=document.title))
            self._say(self.tr("请放上{title}").format(title=document.title) +
                      (self.tr("（每一页都要拍）") if document.kind == "divorce_agreement" else "")
                      + self.tr("，放稳后自动拍摄。"))
            self.capture_button.setEnabled(True)
            self.capture_button.setFocus()
            return
        self.capture_button.setEnabled(False)
        self.hint.clear()
        missing = self.scanning.missing(self.case_id)
        if missing:
            self._say(self.tr("还没有拍：") + self.tr("、").join(d.title for d in missing) +
                      self.tr("。请按 PgUp 回到该材料。"))
        elif not self.scanning.done(self.case_id):
            self._say(self.tr("材料已拍齐。请填写离婚协议书摘要并保存。"))
            self.summary_fields["children"].setFocus()
        else:
            self.title.setText(self.tr("证件材料已拍齐"))
            self._say(self.tr("全部材料已拍齐。按回车返回业务。"))
            self.back_button.setFocus()

    def _pages(self) -> list[ScannedPage]:
        """The kept pages of the current paper, in order."""
        if self.current >= len(self.documents):
            return []
        return self.scanning.pages(self.case_id).get(self.documents[self.current].key, [])

    def _refresh_list(self, chosen: int | None = None) -> None:
        """The checklist, and the current paper's pages with ``chosen`` (default: the last)."""
        pages = self.scanning.pages(self.case_id)
        self.checklist.clear()
        for i, document in enumerate(self.documents):
            count = len(pages.get(document.key, []))
            mark = self.tr("✓ 已拍 {count} 页").format(count=count) if count else self.tr("未拍")
            self.checklist.addItem(("▶ " if i == self.current else "  ") + self.tr(
                "{title}：{mark}").format(title=document.title, mark=mark))
        if self.current < len(self.documents):
            self.checklist.setCurrentRow(self.current)
        self._refresh_strip(self._pages(), chosen)

    def _refresh_strip(self, pages: list[ScannedPage], chosen: int | None) -> None:
        self.page_strip.blockSignals(True)
        self.page_strip.clear()
        for number, page in enumerate(pages, start=1):
            self.page_strip.addItem(QListWidgetItem(self._thumb(page),
                                                    self.tr("第 {n} 页").format(n=number)))
        self.page_strip.blockSignals(False)
        self.selected = -1
        if pages:
            self.choose(len(pages) - 1 if chosen is None or chosen < 0 else chosen)
        has_pages = bool(pages)
        self.retake_button.setEnabled(has_pages)
        self.delete_button.setEnabled(has_pages)

    def _thumb(self, page: ScannedPage) -> QIcon:
        """The page's thumbnail, from its stored JPEG (kept while the page is open)."""
        if page.sha256 not in self._thumbs:
            data = np.frombuffer(self.scanning.journal.get_attachment(page.sha256), np.uint8)
            image = QImage.fromData(data.tobytes(), "JPEG")
            self._thumbs[page.sha256] = QIcon(QPixmap.fromImage(image.scaled(
                THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation)))
        return self._thumbs[page.sha256]

    def save_summary(self) -> None:
        """Record the agreement summary (refused, with what is missing, when incomplete)."""
        try:
            self.scanning.record_summary(
                self.case_id, both_signed=self.both_signed.isChecked(),
                **{key: field.text() for key, field in self.summary_fields.items()})
        except CounterAppError as err:
            self._say(err.message_zh, RED)
            return
        self._say(self.tr("离婚协议书摘要已保存。"), GREEN)
        if self.current >= len(self.documents):
            self.select(len(self.documents))

    def _first_missing(self) -> int:
        pages = self.scanning.pages(self.case_id)
        return next((i for i, d in enumerate(self.documents) if not pages.get(d.key)),
                    len(self.documents))
