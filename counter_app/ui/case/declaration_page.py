"""Each party's 申请结婚登记声明书: read on screen, signed, fingerprinted, witnessed.

The man first, then the woman. The preview is painted by forms.qt.painter, the same code as the
printout, so the party reads exactly the page their signature is bound to. The signature comes
from the on-screen signing area (pen tablet or mouse; in demo mode the signature-tablet
simulator replays a recording into it); the fingerprint pad runs on its own thread
(drivers.fingerprint.session) and is reached through Op, so the window never waits for it.
Every failure says what to do and Esc always returns to the case: what was recorded stays in
the journal and the page resumes there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.errors import CounterAppError
from counter_app.ui.i18n import role_name
from counter_app.ui.ops import Op
from counter_app.ui.style import AMBER, GREEN, error_style, message_style
from counter_app.ui.widgets.form_preview import FormPreviewWidget
from counter_app.ui.widgets.signature_pad_widget import SignaturePadWidget
from counter_app.workflows.declarations import (
    MIN_FINGERPRINT_QUALITY,
    Declarations,
)
from counter_app.workflows.intake import ROLES
from drivers.fingerprint.session import PadSession
from drivers.signature.qt_pad import QtTabletPad

# How long one press of 按指纹 waits for a finger on the pad.
CAPTURE_TIMEOUT_S = 10.0
# The signature-tablet simulator's recording for each party (drivers/signature/recordings).
DEMO_RECORDINGS = {"man": "party_a", "woman": "party_b"}


class DeclarationPage(QWidget):
    """Declarations of both parties of ``case_id``. ``finished(case_id)`` returns to the case."""

    finished = Signal(str)

    def __init__(self, declarations: Declarations, case_id: str,
                 open_pad: Callable[[], object], *, demo: bool = False,
                 replay_speed: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.declarations, self.case_id, self.open_pad = declarations, case_id, open_pad
        self.demo, self.replay_speed = demo, replay_speed
        self.role = ROLES[0]
        self.action = "sign"
        self._session: PadSession | None = None
        self._op: Op | None = None
        self._left = False
        self.setStyleSheet("QPushButton, QLabel, QComboBox, QLineEdit { font-size: 16pt; }")
        self.preview = FormPreviewWidget(self)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.quality = QLabel(self)
        self.marital = QComboBox(self)
        for code, text in (("unmarried", self.tr("未婚")), ("divorced", self.tr("离婚")),
                           ("widowed", self.tr("丧偶"))):
            self.marital.addItem(text, code)
        self.occupation, self.education = QLineEdit(self), QLineEdit(self)
        self.signing = SignaturePadWidget(self)
        self.replay = QPushButton(self.tr("签名板模拟器签名（F6）"), self)
        self.confirm = QPushButton(self.tr("确认签名（回车）"), self)
        self.press = QPushButton(self.tr("按指纹（回车）"), self)
        self.witness = QPushButton(self.tr("登记员见证确认（回车）"), self)
        self.clear = QPushButton(self.tr("清除重签（F4）"), self)
        self.back = QPushButton(self.tr("返回业务（Esc），已完成的会保存"), self)
        self._build_layout()
        self._connect()
        self._refresh_timer = QTimer(self, interval=40, timeout=self.signing.update)

    def _build_layout(self) -> None:
        form = QFormLayout()
        for label, widget in ((self.tr("婚姻状况："), self.marital),
                              (self.tr("职业："), self.occupation),
                              (self.tr("文化程度："), self.education)):
            form.addRow(QLabel(label, self), widget)
        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addLayout(form)
        side.addWidget(QLabel(self.tr("请当事人在下方签名区签名："), self))
        side.addWidget(self.signing)
        for widget in (self.status, self.quality, self.replay, self.confirm, self.press,
                       self.witness, self.clear, self.back):
            side.addWidget(widget)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.preview, 3)
        layout.addLayout(side, 2)

    def _connect(self) -> None:
        for button in (self.replay, self.confirm, self.press, self.witness, self.clear,
                       self.back):
            button.setAutoDefault(True)  # Enter presses the focused button
        self.replay.clicked.connect(self.replay_demo)
        self.confirm.clicked.connect(self.sign)
        self.press.clicked.connect(self.capture)
        self.witness.clicked.connect(self.confirm_witness)
        self.clear.clicked.connect(self.sign_again)
        self.back.clicked.connect(self.leave)
        self.marital.currentIndexChanged.connect(self._show_preview)
        for edit in (self.occupation, self.education):
            edit.editingFinished.connect(self._show_preview)
            edit.returnPressed.connect(self.confirm.setFocus)
        QShortcut(QKeySequence("F4"), self, activated=self.sign_again)
        QShortcut(QKeySequence("F6"), self, activated=self.replay_demo)
        QShortcut(QKeySequence("Escape"), self, activated=self.leave)

    # --- moving through the parties -------------------------------------------------------
    def begin(self) -> None:
        """Resume at the first party and step not yet done; start the pad's thread."""
        session = self._session = PadSession(self.open_pad)
        # Released even when the window drops the page without Esc (locking, a new case).
        self.destroyed.connect(lambda *_: session.release())
        self._resume()

    def _resume(self) -> None:
        try:
            state = self.declarations.state(self.case_id)
        except CounterAppError as err:
            self.say(err.message_zh, error=True)
            return
        pending = [r for r in ROLES if state[r].next_action != "done"]
        if not pending:
            self.leave()
            return
        self.role = pending[0]
        party = state[self.role]
        self.action = party.next_action
        if party.details:
            self.marital.setCurrentIndex(max(0, self.marital.findData(
                party.details["marital_status"])))
            self.occupation.setText(party.details.get("occupation", ""))
            self.education.setText(party.details.get("education", ""))
        else:
            self.marital.setCurrentIndex(0)
            self.occupation.clear()
            self.education.clear()
        self._show_step(party.invalidated)

    def _show_step(self, invalidated: bool = False) -> None:
        who = role_name(self.role)
        self.title.setText(self.tr("{who}：申请结婚登记声明书").format(who=who))
        signing = self.action == "sign"
        for widget in (self.marital, self.occupation, self.education):
            widget.setEnabled(signing)
        self.signing.setEnabled(signing)
        self.replay.setVisible(signing and self.demo)
        self.confirm.setVisible(signing)
        self.press.setVisible(self.action == "fingerprint")
        self.witness.setVisible(self.action == "witness")
        self.clear.setVisible(not signing)
        self.quality.clear()
        text = {"sign": self.tr("请{who}阅读左侧声明书，核对无误后在签名区签名，然后按回车确认。"),
                "fingerprint": self.tr("请{who}将右手食指平放在指纹仪上，然后按回车采集指纹。"),
                "witness": self.tr("{who}已签名并按指纹。登记员确认当事人本人当面签署后，"
                                   "按回车见证确认。")}[self.action].format(who=who)
        self.say((self.tr("签名后声明书内容有改动，原签名已失效，请重新签名。") if invalidated
                  else "") + text, error=invalidated)
        if signing:
            self.signing.clear()
            self.signing.pad = QtTabletPad(self.signing.width(), self.signing.height())
            self.signing.pad.begin()
        self._show_preview()
        {"sign": self.confirm, "fingerprint": self.press, "witness": self.witness}[
            self.action].setFocus()

    def _details(self) -> dict:
        return {"marital_status": self.marital.currentData(),
                "occupation": self.occupation.text(), "education": self.education.text()}

    def _show_preview(self) -> None:
        try:
            details = self._details() if self.action == "sign" else None
            self.preview.show_page(*self.declarations.page(self.case_id, self.role, details))
        except CounterAppError as err:
            self.say(err.message_zh, error=True)

    def say(self, message: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(error_style(error))
        self.status.setText(message)

    def _busy(self) -> bool:
        return self._op is not None and self._op.busy

    # --- signing --------------------------------------------------------------------------
    def replay_demo(self) -> None:
        """Demo mode: the signature-tablet simulator replays the party's recording."""
        if not (self.demo and self.action == "sign") or self._busy():
            return
        from drivers.signature.simulator import SimulatorPad, recording

        try:
            pad = SimulatorPad(recording(DEMO_RECORDINGS[self.role]), speed=self.replay_speed)
        except (OSError, CounterAppError):
            self.say(self.tr("签名板模拟器没有可回放的签名。请用鼠标或手写笔在签名区签名。"),
                     error=True)
            return
        pad.begin()
        self.signing.pad = pad
        self._refresh_timer.start()
        self._op = Op(self, pad.replay).success(self._replayed) \
            .failure(self._replayed).run_in_background()

    def _replayed(self, _result=None) -> None:
        self._refresh_timer.stop()
        if self._left:
            return
        self.signing.update()
        self.confirm.setFocus()

    def sign(self) -> None:
        """Bind the signature in the signing area to the page as previewed."""
        if self.action != "sign" or self._busy():
            return
        details = self._details()
        try:
            signature = self.signing.pad.finish()
            self.declarations.sign(self.case_id, self.role, signature, **details)
        except CounterAppError as err:
            self.signing.pad.begin()  # nothing kept: sign again
            self.signing.update()
            hint = self.tr("签名板没有反应时，请检查签名板的 USB 线，或用鼠标在签名区签名。") \
                if err.code == "signature.invalid" else ""
            self.say(err.message_zh + hint, error=True)
            return
        self._resume()

    def sign_again(self) -> None:
        """清除重签: erase and sign again (the earlier signature stays in the journal, but
        only the newest counts; fingerprint and witness follow it again)."""
        if self._busy():
            return
        self.action = "sign"
        self._show_step()

    # --- fingerprint ----------------------------------------------------------------------
    def capture(self) -> None:
        """Wait for a finger on the pad (off the GUI thread) and keep it."""
        if self.action != "fingerprint" or self._busy() or self._session is None:
            return
        self.say(self.tr("请按住指纹仪……"))
        self.quality.clear()
        session = self._session
        self._op = Op(self, lambda: session.capture(CAPTURE_TIMEOUT_S)) \
            .success(self._captured).failure(self._capture_failed).run_in_background()

    def _captured(self, sample) -> None:
        if self._left:
            return  # the registrar went back before the finger was read: nothing kept
        ok = sample.quality >= MIN_FINGERPRINT_QUALITY
        self.quality.setStyleSheet(message_style(GREEN if ok else AMBER))
        verdict = self.tr("合格") if ok else self.tr("不清晰")
        self.quality.setText(self.tr("指纹质量 {quality}（{verdict}）").format(
            quality=sample.quality, verdict=verdict))
        try:
            self.declarations.add_fingerprint(self.case_id, self.role, sample)
        except CounterAppError as err:
            self.say(err.message_zh, error=True)
            self.press.setFocus()
            return
        quality = self.quality.text()
        self._resume()
        self.quality.setText(quality)

    def _capture_failed(self, exc: BaseException) -> None:
        from drivers.fingerprint import PadUnplugged

        if self._left:
            return
        if isinstance(exc, PadUnplugged) or not isinstance(exc, CounterAppError):
            self._session.reset()  # opened again at the next press
        message = exc.message_zh if isinstance(exc, CounterAppError) else \
            self.tr("指纹仪出错，请重新插拔指纹仪后再按一次；仍不行请联系技术人员。")
        self.say(message + self.tr("（按回车重试，Esc 返回业务）"), error=True)
        self.press.setFocus()

    # --- witness and leaving --------------------------------------------------------------
    def confirm_witness(self) -> None:
        """The registrar confirms, as 监誓人, that the party signed in front of them."""
        if self.action != "witness" or self._busy():
            return
        try:
            self.declarations.witness(self.case_id, self.role)
        except CounterAppError as err:
            self.say(err.message_zh, error=True)
            return
        self._resume()

    def leave(self) -> None:
        """Release the pad and return to the case (everything recorded is kept)."""
        if self._left:
            return
        self._left = True
        self._refresh_timer.stop()
        if self._session is not None:
            self._session.release()
        self.finished.emit(self.case_id)
