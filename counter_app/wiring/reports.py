"""The reports service of this counter, from the settings (office, window) and the journal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.context import Context
from counter_app.journal import Journal
from counter_app.reports.service import PdfRenderer, ReportService
from counter_app.rules.offices import counter_office, office_profile


def report_service(ctx: Context, journal: Journal, *,
                   outbox: Callable[[], dict[str, Any]] | None = None,
                   pdf: PdfRenderer | None = None) -> ReportService:
    """Reports over ``journal`` for this counter's office and window (CounterAppError when
    office.code is not set)."""
    office = counter_office(ctx.config["office.code"])
    return ReportService(journal, office_profile(office), office.name,
                         str(ctx.config["office.window"]), outbox=outbox, pdf=pdf)
