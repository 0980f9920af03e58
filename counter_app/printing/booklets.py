"""Printing the certificate booklets of a case: the man's, then the woman's, each confirmed.

The flow never consumes a blank on its own. For each holder in turn:

1. :meth:`BookletPrinting.print_current` sends the holder's inner page to the printer on the
   blank the registrar loaded (by default the next unused 印制号 from the stock) and journals
   ``certificate.print_sent``. A printer error before paper moves (offline, no paper) is
   journaled as ``certificate.print_failed`` and nothing else happens: print again.
2. The registrar looks at the booklet:
   :meth:`confirm` -> the blank is issued (counter_app.numbering ``issue_blank``) and the
   flow moves to the next holder; :meth:`spoiled` (jam, misprint, smudge) -> the blank is
   voided with the reason (``void_blank``) and the same holder is printed again on the next
   blank, with the same 字号.

Voiding a blank and printing the booklet again are a supervisor's acts (the permission table):
at the counter the registrar asks the 负责人 on the spot (:meth:`void_with_approval`: his 工号,
password and the reason), and the approval covers the void and the reprint of that booklet;
both entries name the registrar and the approving supervisor.

The printer object is handed in by the UI (a QPrinter wrapper) or a test double; this module
imports no Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from counter_app.domain.party import ROLE_ZH
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.numbering.kinds import KIND_STOCK_BLANK_VOIDED
from counter_app.operators import may, require
from counter_app.printing.calibration import CalibrationProfile, load_profile
from counter_app.printing.kinds import KIND_CERTIFICATE_PRINT_FAILED, KIND_CERTIFICATE_PRINT_SENT
from drivers.printer.base import PrinterError

HOLDER_ZH = {h: ROLE_ZH[h] for h in ("man", "woman")}  # a lone applicant's goes unnamed


class BookletFlowError(CounterAppError):
    """A step was asked for out of order (e.g. confirming before printing)."""

    code = "printing.flow"


class CertificatePrinter(Protocol):
    """What the flow needs from a printer: a name and a way to print one page."""

    name: str

    def print_page(self, page: Any, calibration: CalibrationProfile) -> None:
        """Print ``page`` (the UI's page object, e.g. (form, data)) on the loaded blank,
        corrected by ``calibration``; raise a PrinterError if nothing was printed."""


class BlankStock(Protocol):
    """The blank-stock operations the flow uses (counter_app.numbering in production)."""

    def next_blank(self, certificate: str) -> str | None: ...

    def issue(self, *, certificate: str, serial: str, case_id: str, number: str,
              operator: str, holder: str) -> None: ...

    def void(self, *, certificate: str, serial: str, reason: str, case_id: str, number: str,
             operator: str, holder: str, approval: str | None) -> None: ...


class NumberingStock:
    """BlankStock backed by counter_app.numbering.stock (the journal's blank ledger)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def next_blank(self, certificate: str) -> str | None:
        from counter_app.numbering import next_blank

        return next_blank(self.journal, certificate)

    def issue(self, *, certificate, serial, case_id, number, operator, holder) -> None:
        from counter_app.numbering import issue_blank

        issue_blank(self.journal, certificate=certificate, serial=serial, case_id=case_id,
                    certificate_number=number, operator=operator, holder=holder)

    def void(self, *, certificate, serial, reason, case_id, number, operator, holder,
             approval) -> None:
        from counter_app.numbering import void_blank

        void_blank(self.journal, certificate=certificate, serial=serial, reason=reason,
                   operator=operator, case_id=case_id, certificate_number=number,
                   holder=holder, approval=approval)


def _issued_serials(journal: Journal, case_id: str, certificate: str) -> dict[str, str]:
    """holder -> 印制号 of the case's booklets of ``certificate`` already issued."""
    from counter_app.numbering import issued_blanks

    return {r["holder"]: r["serial"] for r in issued_blanks(journal, case_id)
            if r["certificate"] == certificate}


@dataclass
class Booklet:
    """One holder's booklet: who, the page to print, and the blank it is on now."""

    holder: str
    page: Any
    serial: str | None = None
    attempts: int = 0
    issued: bool = False
    #: Who answers for printing it again after a voided blank (the approving supervisor).
    reprint_by: str | None = None


class BookletPrinting:
    """The man's then the woman's booklet for one case, each printed, checked, confirmed."""

    def __init__(self, journal: Journal, *, case_id: str, operator: str, certificate: str,
                 number: str, pages: list[tuple[str, Any]], printer: CertificatePrinter,
                 stock: BlankStock | None = None,
                 describe: Callable[[Any], dict] = lambda page: {},
                 approve: Callable[..., Any] | None = None) -> None:
        self.journal, self.case_id, self.operator = journal, case_id, operator
        #: counter_app.operators.approvals.approve bound to the operator service (a supervisor's
        #: approval on the spot); None where no one can give one.
        self._approve = approve
        self.certificate, self.number, self.printer = certificate, number, printer
        self.stock = stock or NumberingStock(journal)
        # A booklet confirmed earlier (the page was left, the program restarted) stays issued:
        # the journal says so, and printing it again would spend another blank.
        issued = _issued_serials(journal, case_id, certificate)
        self.booklets = [Booklet(holder, page, issued.get(holder), 0, holder in issued)
                         for holder, page in pages]
        self.awaiting_confirmation = False
        self.describe = describe
        self.calibration = load_profile(journal, printer.name)

    @property
    def current(self) -> Booklet | None:
        """The booklet being printed, or None when all are issued."""
        return next((b for b in self.booklets if not b.issued), None)

    @property
    def done(self) -> bool:
        """Every booklet is printed and confirmed."""
        return self.current is None

    def _base(self, booklet: Booklet) -> dict:
        return {"certificate": self.certificate, "certificate_number": self.number,
                "holder": booklet.holder, "serial": booklet.serial, "printer": self.printer.name,
                "attempt": booklet.attempts}

    def print_current(self, serial: str | None = None) -> Booklet:
        """Print the current holder's page on blank ``serial`` (default: the next unused)."""
        require(self.journal, self.operator, "certificate.print", case_id=self.case_id)
        booklet = self._require(awaiting=False)
        reprint_by = self._reprint_by(booklet)
        booklet.serial = serial or self.stock.next_blank(self.certificate)
        if booklet.serial is None:
            raise BookletFlowError("空白证已用完：本机没有可用的空白证印制号。请领取新的空白证并"
                                   "登记号段后再打印。", code="printing.no_blanks")
        booklet.attempts += 1
        payload = self._base(booklet) | self.describe(booklet.page)
        if reprint_by is not None:
            payload["reprint_approved_by"] = reprint_by
        try:
            self.printer.print_page(booklet.page, self.calibration)
        except PrinterError as err:
            self.journal.append(KIND_CERTIFICATE_PRINT_FAILED, payload | {"error": err.code,
                                "message_zh": err.message_zh}, operator=self.operator,
                                case_id=self.case_id)
            raise
        self.journal.append(KIND_CERTIFICATE_PRINT_SENT, payload, operator=self.operator,
                            case_id=self.case_id)
        self.awaiting_confirmation = True
        return booklet

    def confirm(self) -> Booklet:
        """The registrar checked the booklet: it printed right. Its blank is issued."""
        require(self.journal, self.operator, "certificate.print", case_id=self.case_id)
        booklet = self._require(awaiting=True)
        self.stock.issue(certificate=self.certificate, serial=booklet.serial,
                         case_id=self.case_id, number=self.number, operator=self.operator,
                         holder=booklet.holder)
        booklet.issued, self.awaiting_confirmation = True, False
        return booklet

    def void_with_approval(self, supervisor: str, password: str, reason: str) -> Booklet:
        """Jam or misprint at the counter: the 负责人 approves on the spot (his 工号 and
        password, the reason), then the blank is voided and may be printed again."""
        booklet = self._require(awaiting=True)
        if self._approve is None:
            raise BookletFlowError("本机无法请负责人确认作废，请联系技术人员。",
                                   code="printing.no_approval")
        approval = self._approve(supervisor, password, actions=("blank.void",
                                 "certificate.reprint"), requested_by=self.operator,
                                 reason=reason, case_id=self.case_id, record=booklet.serial)
        return self.spoiled(approval.reason, approval)

    def spoiled(self, reason: str, approval: Any = None) -> Booklet:
        """Jam or misprint: the blank is voided with ``reason``; print again on the next one.
        ``approval`` (counter_app.operators.approvals.Approval) is the supervisor's, unless
        the operator is a supervisor himself."""
        booklet = self._require(awaiting=True)
        self.stock.void(certificate=self.certificate, serial=booklet.serial, reason=reason,
                        case_id=self.case_id, number=self.number, operator=self.operator,
                        holder=booklet.holder,
                        approval=approval.entry_id if approval is not None else None)
        booklet.reprint_by = approval.supervisor if approval is not None else self.operator
        booklet.serial, self.awaiting_confirmation = None, False
        return booklet

    def _reprint_by(self, booklet: Booklet) -> str | None:
        """Who answers for printing ``booklet`` again after a voided blank (None: it is its
        first print): the supervisor who approved the void (also after a restart: the void
        entry names him), if he still is one; else the operator on his own right, or refused."""
        voids = [e for e in self.journal.entries(case_id=self.case_id)
                 if e.kind == KIND_STOCK_BLANK_VOIDED and e.payload.get("holder") ==
                 booklet.holder and e.payload.get("certificate") == self.certificate]
        if not voids:
            return None
        approver = booklet.reprint_by or voids[-1].payload.get("approved_by")
        if approver and may(self.journal, approver, "certificate.reprint"):
            return approver
        require(self.journal, self.operator, "certificate.reprint", case_id=self.case_id,
                record=booklet.holder)
        return self.operator

    def _require(self, *, awaiting: bool) -> Booklet:
        booklet = self.current
        if booklet is None:
            raise BookletFlowError("本案的证书都已打印并确认。")
        if self.awaiting_confirmation != awaiting:
            raise BookletFlowError(
                f"请先确认{HOLDER_ZH.get(booklet.holder, '')}证书是否打印正确。" if
                self.awaiting_confirmation else "请先打印证书，再确认或作废。")
        return booklet
