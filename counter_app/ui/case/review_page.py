"""The review page: the whole case on one screen before the examination (审查).

Each section has a "修改" button that opens its step again (photos, declarations, scans); the
parties are corrected in place. F8 performs the examination, which ends what can change before
the 联网核对. A registered case is shown read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.party import LONG_TERM
from counter_app.errors import CounterAppError
from counter_app.ui.i18n import role_name
from counter_app.ui.style import error_style
from counter_app.workflows.intake import ROLES
from counter_app.workflows.registration import MarriageRegistration
from counter_app.workflows.review import CORRECTABLE, LABEL_ZH, CaseReview, CaseReviewer

THUMB_PX = 150


class ReviewPage(QWidget):
    """Review, correct, examine. ``finished(case_id)`` returns to the case page;
    ``step_requested(key, case_id)`` opens a step again."""

    finished = Signal(str)
    step_requested = Signal(str, str)

    def __init__(self, reviewer: CaseReviewer, flow: MarriageRegistration, case_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reviewer, self.flow, self.case_id = reviewer, flow, case_id
        self.review: CaseReview | None = None
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 16pt;")
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.examine_button = QPushButton(self.tr("审查完毕，材料齐全（F8）"), self)
        self.examine_button.setStyleSheet("font-size: 18pt; padding: 8px;")
        self.back_button = QPushButton(self.tr("返回业务（Esc）"), self)
        for button in (self.examine_button, self.back_button):
            button.setAutoDefault(True)
        self.correction = self._correction_box()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.correction)
        layout.addWidget(self.message)
        layout.addWidget(self.examine_button)
        layout.addWidget(self.back_button)
        self.examine_button.clicked.connect(self.examine)
        self.back_button.clicked.connect(lambda: self.finished.emit(self.case_id))
        QShortcut(QKeySequence("F8"), self, activated=self.examine)
        QShortcut(QKeySequence("Escape"), self, activated=self._escape)
        self.edit_buttons: dict[str, QPushButton] = {}
        self.refresh()

    # --- building ------------------------------------------------------------------------
    def refresh(self, message: str = "", *, error: bool = False) -> None:
        self.review = self.reviewer.review(self.case_id)
        kind = self.tr("离婚登记") if self.review.case_type == "divorce" else self.tr("结婚登记")
        self.title.setText(self.tr("{item}　{number}：审查全部材料").format(
            item=kind, number=self.case_id[:8]) +
                           ("" if self.review.editable else self.tr("（已登记，只读）")))
        body = QWidget()
        column = QVBoxLayout(body)
        self.edit_buttons = {}
        for section in self.review.sections:
            column.addWidget(self._section_box(section))
        column.addStretch(1)
        self.scroll.setWidget(body)
        examinable = self.review.editable and self.review.state == self.flow.EXAMINE_FROM
        self.examine_button.setVisible(examinable)
        problems = self.review.problems
        self.message.setStyleSheet(
            error_style(bool(error or problems)))
        self.message.setText(message or (self.tr("尚缺：") + self.tr("；").join(problems) if problems else
                                         self.tr("请逐项核对以上材料，无误后按 F8 审查完毕。")
                                         if examinable else
                                         self.tr("已审查。更正当事人信息后须重新联网核对。")
                                         if self.review.editable else ""))
        (self.examine_button if examinable else self.back_button).setFocus()

    def _section_box(self, section) -> QGroupBox:
        box = QGroupBox(section.title)
        box.setStyleSheet("QGroupBox { font-size: 16pt; font-weight: bold; }")
        layout = QVBoxLayout(box)
        for line in section.lines + [f"✗ {p}" for p in section.problems]:
            label = QLabel(line, box)
            label.setWordWrap(True)
            label.setStyleSheet("font-size: 14pt; font-weight: normal;" +
                                (" color: #b00020;" if line.startswith("✗") else ""))
            layout.addWidget(label)
        if section.images:
            layout.addLayout(self._thumbnails(section.images, box))
        if section.edit is not None:
            button = QPushButton(self.tr("修改{title}").format(title=section.title), box)
            button.setStyleSheet("font-size: 14pt;")
            button.clicked.connect(lambda _=False, key=section.edit: self.edit(key))
            layout.addWidget(button)
            self.edit_buttons[section.key] = button
        return box

    def _thumbnails(self, images, parent) -> QGridLayout:
        grid = QGridLayout()
        for i, (caption, sha256) in enumerate(images):
            picture = QPixmap()
            try:
                picture.loadFromData(self.reviewer.journal.get_attachment(sha256))
            except CounterAppError:
                picture = QPixmap()
            thumb = QLabel(parent)
            if picture.isNull():
                thumb.setText(self.tr("（图像无法读取）"))
            else:
                thumb.setPixmap(picture.scaled(THUMB_PX, THUMB_PX,
                                               Qt.AspectRatioMode.KeepAspectRatio))
            text = QLabel(caption, parent)
            text.setStyleSheet("font-size: 12pt; font-weight: normal;")
            cell = QVBoxLayout()
            cell.addWidget(thumb)
            cell.addWidget(text)
            grid.addLayout(cell, i // 5, i % 5)
        return grid

    def _correction_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("更正当事人信息（回车保存，Esc 取消）"), self)
        form = QFormLayout(box)
        self.correct_role = QComboBox(box)
        for role in ROLES:
            self.correct_role.addItem(role_name(role), role)
        self.correct_role.currentIndexChanged.connect(self._fill_correction)
        form.addRow(self.tr("当事人"), self.correct_role)
        self.correct_fields = {key: QLineEdit(box) for key in CORRECTABLE}
        for key, field in self.correct_fields.items():
            form.addRow(LABEL_ZH[key], field)
            field.returnPressed.connect(self.save_correction)
        buttons = QHBoxLayout()
        self.save_correction_button = QPushButton(self.tr("保存更正"), box)
        self.save_correction_button.clicked.connect(self.save_correction)
        buttons.addWidget(self.save_correction_button)
        form.addRow(buttons)
        box.hide()
        return box

    # --- actions -------------------------------------------------------------------------
    def edit(self, key: str) -> None:
        """Open a step again, or the party correction form."""
        if self.review is None or not self.review.editable:
            return
        if key == "party":
            self.correction.show()
            self._fill_correction()
            self.correct_fields["name"].setFocus()
            return
        self.step_requested.emit(key, self.case_id)

    def _fill_correction(self) -> None:
        role = self.correct_role.currentData()
        party = self.flow.intake.state(self.case_id).parties.get(role, {})
        for key, field in self.correct_fields.items():
            value = party.get(key) or ""
            field.setText(self.tr("长期") if value == LONG_TERM else str(value))

    def save_correction(self) -> None:
        role = self.correct_role.currentData()
        party = self.flow.intake.state(self.case_id).parties.get(role, {})
        changes = {k: f.text() for k, f in self.correct_fields.items()
                   if f.text().strip() != str(party.get(k) or "") and
                   not (f.text() == self.tr("长期") and party.get(k) == LONG_TERM)}
        if not changes:
            self.correction.hide()
            self.refresh(self.tr("没有改动。"))
            return
        try:
            self.reviewer.correct_party(self.case_id, role, changes)
        except CounterAppError as err:
            self.message.setStyleSheet("font-size: 16pt; color: #b00020;")
            self.message.setText(err.message_zh)
            return
        self.correction.hide()
        self.refresh(self.tr("{who}信息已更正（{fields}）。登记时将按更正后的信息重新审查。").format(
            who=role_name(role), fields=self.tr("、").join(LABEL_ZH[k] for k in changes)))

    def _escape(self) -> None:
        if self.correction.isVisible():
            self.correction.hide()
            self.examine_button.setFocus()
            return
        self.finished.emit(self.case_id)

    def examine(self) -> None:
        """F8: the registrar has examined everything (审查); back to the case page."""
        if self.review is None or not self.examine_button.isVisible():
            return
        self.review = self.reviewer.review(self.case_id)
        if self.review.problems:
            self.refresh()
            return
        try:
            self.flow.examine(self.case_id)
        except CounterAppError as err:
            self.refresh(err.message_zh, error=True)
            return
        self.finished.emit(self.case_id)
