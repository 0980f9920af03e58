"""Printing a case's notices (不予受理告知书, 撤回确认单, 视为撤回告知书 ...) on the forms printer.

The printer is a port (:class:`FormsPrinter`) the composition root hands in: a QPrinter or PDF
files (counter_app/ui/widgets/certificate_printer.py), or a test double; this module imports no
Qt. Each print is journaled as ``notice.printed`` with where it went, so the home page knows
the parties have their notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.printing.kinds import KIND_NOTICE_PRINTED


class FormsPrinter(Protocol):
    """What printing a notice needs: A4 form pages printed as one job named ``job``; returns
    where they went, in words for the registrar (a printer's name, a PDF's path)."""

    def print_forms(self, pages: Sequence[Any], job: str) -> str: ...


def print_notice(journal: Journal, printer: FormsPrinter, case_id: str, form_id: str,
                 pages: Sequence[Any], *, operator: str) -> str:
    """Print a notice's pages, journal ``notice.printed`` under ``operator`` (who printed it:
    the audit's print record) and return where they went."""
    require(journal, operator, "notice.print", case_id=case_id)
    where = printer.print_forms(pages, f"notice-{form_id}-{case_id[:8]}")
    journal.append(KIND_NOTICE_PRINTED, {"form": form_id, "printer": where},
                   operator=operator, case_id=case_id)
    return where
