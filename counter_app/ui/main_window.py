"""The main window: login, then the home page; the screen locks itself when left idle."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from counter_app.cases.navigator import CASE, CERTIFICATES, case_next, read_facts
from counter_app.errors import CounterAppError
from counter_app.operators import Operator
from counter_app.ui.factories import CasePage
from counter_app.ui.home.home_page import HomePage
from counter_app.ui.idle import IdleWatcher
from counter_app.ui.items import CASE_PAGES, ITEMS, BusinessItem
from counter_app.ui.login import LoginPage
from counter_app.wiring.services import Services

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The counter's main window."""

    def __init__(self, services: Services, *, items: Sequence[BusinessItem] = ITEMS,
                 case_pages: Mapping[str, Callable[[Services], CasePage]] = CASE_PAGES
                 ) -> None:
        super().__init__()
        self.services, self.journal, self.operators = services, services.journal, \
            services.operators
        self.operator: Operator | None = None
        title = self.tr("婚姻登记窗口客户端") + (self.tr("（演示模式）") if services.demo else "")
        self.setWindowTitle(title)
        self.resize(1280, 800)
        self.stack = QStackedWidget(self)
        self.login_page = LoginPage(self.operators, self.stack)
        self.home_page = HomePage(self.journal, sync_status=services.sync_status,
                                  today=services.today, detect_devices=services.detect_devices,
                                  items=items, parent=self.stack)
        self.stack.addWidget(self.login_page)
        self.stack.addWidget(self.home_page)
        self.setCentralWidget(self.stack)
        # Each item's page factory, and each page of a case by its key (the case page, the
        # certificates, the preparation steps, the review), made once with the services.
        self.item_pages = {item.key: item.pages(services) for item in items}
        self.case_pages = {key: make(services) for key, make in case_pages.items()}
        # Which case is on screen, so that after a crash the next login reopens it.
        self.open_case_marker = services.open_case_marker
        self.intake_page = None
        self.case_page = None
        self._before_lock = None
        self.home_page.start_item.connect(self.start_item)
        self.home_page.open_case.connect(self.open_case)
        self.home_page.open_audit.connect(self.open_audit)
        if services.demo:
            self.statusBar().showMessage(self.tr("演示模式：模拟设备，演示账号 demo / demo"))
        self.login_page.logged_in.connect(self.on_logged_in)
        self.idle = IdleWatcher(services.ctx.config["ui.idle_lock_s"], self)
        self.idle.idle.connect(self.lock)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock)
        QShortcut(QKeySequence("F5"), self, activated=self.refresh_home)
        self.login_page.reset()

    def on_logged_in(self, operator: Operator) -> None:
        if self.operator is not None and operator.operator_id != self.operator.operator_id:
            log.warning("unlock attempted by another operator")
            return
        returning = self.operator is not None
        self.operator = operator
        self.home_page.show_operator(operator,
                                     audit=self.services.may(operator, "audit.view"))
        # Unlocking returns to the screen that was locked (an intake half-way, say).
        target = self._before_lock if returning and self._before_lock else self.home_page
        self.stack.setCurrentWidget(target)
        self.idle.start()
        if not returning:
            self._reopen_after_crash(operator)
        if self.services.on_login(operator):
            self.home_page.refresh()   # the newly expired show up for their notices

    def _reopen_after_crash(self, operator: Operator) -> None:
        pending = self.open_case_marker.pending(operator.operator_id)
        if pending and case_next(self.journal, pending) is not None:
            log.info("reopening the case left open when the program stopped")
            self.open_case(pending)

    def refresh_home(self) -> None:
        """F5: the lists, the outbox and the device lights again (on the home page only)."""
        if self.stack.currentWidget() is self.home_page:
            self.home_page.refresh()
            self.home_page.devices.refresh()

    def start_item(self, key: str, case_id: str | None = None) -> None:
        """Open the screens of business item ``key`` for a new case, or to go on with
        ``case_id``."""
        self._start_intake(self.item_pages.get(key), case_id)

    def _start_intake(self, factory, case_id: str | None) -> None:
        if self.operator is None or self.stack.currentWidget() is not self.home_page:
            return
        if factory is None:
            self.home_page.notice.setText(self.tr("本机暂不能办理该业务。"))
            return
        try:
            if case_id is not None:
                self.services.case_opened(self.operator, case_id, "intake")
            page = factory(self.operator)
        except CounterAppError as err:
            self.home_page.notice.setText(err.message_zh)
            return
        self.home_page.notice.clear()
        self.intake_page = page
        self._show_page(page)
        page.continue_case.connect(self.open_case)
        try:
            page.begin(case_id)  # a new case is opened here (refused to a technician)
        except CounterAppError as err:
            self.back_home()
            self.home_page.notice.setText(err.message_zh)
            return
        self._remember(getattr(page, "case_id", None))

    def open_case(self, case_id: str) -> None:
        """Continue a case on the screen the case navigator names: its intake page, the
        certificates, or the case page (examination, online check, registration, ...)."""
        nxt = case_next(self.journal, case_id)
        screen = nxt.screen if nxt is not None else CASE
        if screen in self.item_pages:  # the item's own page continues it (an intake ...)
            if self.stack.currentWidget() is not self.home_page:
                self.back_home()
            self.start_item(screen, case_id)
            return
        if screen == CERTIFICATES:
            self.print_certificates(case_id)
            return
        self._open(self.case_pages.get(CASE), case_id)
        if self.case_page is not None and hasattr(self.case_page, "print_certificates"):
            self.case_page.print_certificates.connect(self.print_certificates)
            self.case_page.step_requested.connect(self.open_step)

    def open_audit(self) -> None:
        """F12 on the home page: the audit screen (the service refuses, and journals, anyone
        the permission table does not let read it)."""
        from counter_app.ui.audit_page import AuditPage

        if self.operator is None or self.stack.currentWidget() is not self.home_page:
            return
        operator = self.operator
        try:
            self.services.audit(operator)  # refused here, before anything is shown
        except CounterAppError as err:
            self.home_page.notice.setText(err.message_zh)
            return
        self.home_page.notice.clear()
        page = AuditPage(lambda since, who: self.services.audit(operator, since, who),
                         self.services.audit_operators(), self.services.today())
        self._close_pages()
        self.case_page = page
        self._show_page(page)
        page.begin()

    def open_step(self, key: str, case_id: str) -> None:
        """A case's step page (photos, declarations, scans ...); ``finished(case_id)`` returns
        to the case."""
        factory = self.case_pages.get(key)
        if factory is None:
            self.back_home()
            self.home_page.notice.setText(self.tr("本机暂不能办理这一步，请联系技术人员。"))
            return
        self._open(factory, case_id)
        if self.case_page is None:
            return
        self.case_page.finished.disconnect(self.back_home)
        self.case_page.finished.connect(self.open_case)
        if hasattr(self.case_page, "step_requested"):  # the review page reopens steps
            self.case_page.step_requested.connect(self.open_step)
        if hasattr(self.case_page, "begin"):
            self.case_page.begin()

    def print_certificates(self, case_id: str) -> None:
        """Print a registered case's booklets (from the registration page); once both are
        confirmed, leaving goes on to the case page (the archive file)."""
        self._open(self.case_pages.get("certificates"), case_id)
        if self.case_page is not None:
            self.case_page.finished.disconnect(self.back_home)
            self.case_page.finished.connect(
                lambda: self.open_case(case_id) if self._booklets_confirmed(case_id)
                else self.back_home())

    def _booklets_confirmed(self, case_id: str) -> bool:
        facts = read_facts(self.journal, case_id)
        return facts is not None and facts.booklets_issued

    def _open(self, factory, case_id: str) -> None:
        if self.operator is None or factory is None:
            return
        try:
            self.services.case_opened(self.operator, case_id, "case")
            page = factory(self.operator, case_id)
        except CounterAppError as err:
            self.back_home()
            self.home_page.notice.setText(err.message_zh)
            return
        self._close_pages()
        self.case_page = page
        self._show_page(page)
        self._remember(case_id)

    def _remember(self, case_id: str | None) -> None:
        if case_id and self.operator is not None:
            self.open_case_marker.opened(case_id, self.operator.operator_id)

    def _show_page(self, page) -> None:
        self.stack.addWidget(page)
        page.finished.connect(self.back_home)
        self.stack.setCurrentWidget(page)

    def back_home(self) -> None:
        self.stack.setCurrentWidget(self.home_page)
        self.services.case_closed()
        self._close_pages()
        self.open_case_marker.closed()
        self.home_page.refresh()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """A normal close leaves nothing to reopen (the cases wait on the home page)."""
        self.open_case_marker.closed()
        super().closeEvent(event)

    def _close_pages(self) -> None:
        for name in ("intake_page", "case_page"):
            page = getattr(self, name)
            setattr(self, name, None)
            if page is not None:
                if name == "intake_page" and hasattr(page, "reader"):
                    page.reader.stop()   # the card reader of an intake (reports have none)
                self.stack.removeWidget(page)
                page.deleteLater()

    def lock(self) -> None:
        """Hide everything until the same operator enters the password again."""
        if self.operator is None:
            return
        self.idle.stop()
        if self.stack.currentWidget() is not self.login_page:
            self._before_lock = self.stack.currentWidget()
        self.login_page.reset(self.operator.operator_id, self.tr("屏幕已锁定，请输入密码解锁"))
        self.stack.setCurrentWidget(self.login_page)
