"""Reading a foreign party's chip passport: the MRZ data for BAC, then the chip, off the GUI
thread (``counter_app.workflows.passport.PassportDesk``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.errors import CounterAppError
from counter_app.ui.ops import Op
from counter_app.workflows.passport import (
    BacEntry,
    PassportDesk,
    PassportError,
    PassportRead,
    bac_entry,
    bac_entry_from_mrz,
)

# Lengths of an MRZ's first line(s): a scanner has typed part of it and Enter; wait for more.
_PARTIAL = {44: 88, 30: 90, 60: 90, 36: 72}


class PassportWidget(QGroupBox):
    """The BAC fields and the chip's answer. ``read_done(PassportRead)`` when the chip was
    read; ``problem(str)`` with a Chinese message when it was not; ``progress(str)`` while
    it is read."""

    read_done = Signal(object)
    problem = Signal(str)
    progress = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("外国人护照（电子芯片）：扫描或输入机读区，读取芯片"))
        self.desk: PassportDesk | None = None
        self._op: Op | None = None
        self.mrz = QLineEdit(self)
        self.mrz.setPlaceholderText(self.tr("用机读区扫描器扫描护照底部两行，或在下面三栏输入"))
        self.number, self.birth, self.expiry = QLineEdit(self), QLineEdit(self), QLineEdit(self)
        self.birth.setPlaceholderText(self.tr("例如 1986-08-12"))
        self.expiry.setPlaceholderText(self.tr("例如 2031-04-15"))
        self.read_button = QPushButton(self.tr("读取护照芯片（回车）"), self)
        self.photo = QLabel(self)
        self.photo.setFixedSize(156, 200)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form = QFormLayout()
        for label, widget in ((self.tr("机读区（两行）："), self.mrz),
                              (self.tr("护照号码："), self.number),
                              (self.tr("出生日期："), self.birth),
                              (self.tr("有效期至："), self.expiry)):
            form.addRow(label, widget)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.read_button)
        row = QHBoxLayout(self)
        row.addLayout(left, 1)
        row.addWidget(self.photo)
        self.mrz.returnPressed.connect(self._mrz_entered)
        for widget in (self.number, self.birth, self.expiry):
            widget.returnPressed.connect(self.read_chip)
        self.read_button.clicked.connect(self.read_chip)

    @property
    def busy(self) -> bool:
        return self._op is not None and self._op.busy

    def clear(self) -> None:
        for widget in (self.mrz, self.number, self.birth, self.expiry):
            widget.clear()
        self.photo.clear()

    def start(self) -> None:
        """Show the fields, the MRZ line first (where a scanner types)."""
        self.show()
        self.mrz.setFocus()

    def _mrz_entered(self) -> None:
        text = self.mrz.text().strip().replace(" ", "")
        if len(text) in _PARTIAL:
            return  # the scanner's Enter after the first line: the next line follows
        self.read_chip()

    def entry(self) -> BacEntry:
        """The BAC fields: from the MRZ line when there is one, else from the three fields."""
        text = self.mrz.text().strip()
        if text:
            return bac_entry_from_mrz(text)
        if not (self.number.text().strip() and self.birth.text().strip()
                and self.expiry.text().strip()):
            raise PassportError("请扫描机读区，或填写护照号码、出生日期和有效期后再读取芯片。")
        return bac_entry(self.number.text(), self.birth.text(), self.expiry.text())

    def read_chip(self) -> None:
        if self.desk is None or self.busy:
            return  # a second Enter while the chip is read changes nothing
        try:
            entry = self.entry()
        except CounterAppError as err:
            self.problem.emit(err.message_zh)
            return
        self.progress.emit(self.tr("正在读取护照芯片，请不要移动护照……"))
        desk = self.desk
        # BAC and secure messaging take dozens of APDUs: never on the GUI thread.
        self._op = Op(self, lambda: desk.read(entry)).success(self._read) \
            .failure(self._failed).run_in_background()

    def _read(self, read: PassportRead) -> None:
        pixmap = QPixmap()
        if read.face and pixmap.loadFromData(read.face):
            self.photo.setPixmap(pixmap.scaled(self.photo.size(),
                                               Qt.AspectRatioMode.KeepAspectRatio))
        else:
            self.photo.setText(self.tr("（照片无法显示）") if read.face else self.tr("（芯片中无照片）"))
        self.read_done.emit(read)

    def _failed(self, exc: BaseException) -> None:
        message = exc.message_zh if isinstance(exc, CounterAppError) else \
            self.tr("读取护照芯片时出现内部错误，请重新放置护照后再试；如果反复出现，请联系技术人员。")
        self.problem.emit(message)
