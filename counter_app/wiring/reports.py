"""The reports service of this counter, from the settings (office, window) and the journal,
with the province's closings through the running sync engine (or the enrolment's server)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.context import Context
from counter_app.journal import Journal
from counter_app.reports.service import PdfRenderer, ProvinceClosings, ReportService
from counter_app.rules.offices import counter_office, office_profile
from counter_app.wiring.sync import link_settings

if TYPE_CHECKING:
    from counter_app.reports.closing import DailyClosing
    from counter_app.wiring.services import Services
    from sync.background import BackgroundSync


def report_service(ctx: Context, journal: Journal, *,
                   outbox: Callable[[], dict[str, Any]] | None = None,
                   pdf: PdfRenderer | None = None,
                   background: BackgroundSync | None = None) -> ReportService:
    """Reports over ``journal`` for this counter's office and window (CounterAppError when
    office.code is not set)."""
    office = counter_office(ctx.config["office.code"])
    return ReportService(journal, office_profile(office), office.name,
                         str(ctx.config["office.window"]), outbox=outbox, pdf=pdf,
                         province=province_closings(ctx, journal, background))


def province_closings(ctx: Context, journal: Journal,
                      background: BackgroundSync | None = None) -> ProvinceClosings:
    """The office's windows' closings of a day from the province (docs/sync-protocol.md §14):
    through the running engine's server and clock offset when there is one (demo mode's
    simulator moves to a new port at each start), else the enrolment's server."""

    def fetch(day: str, operator_id: str) -> list:
        from sync.closings import fetch_closings

        return fetch_closings(ctx.data_dir, journal, day, operator_id,
                              read_timeout_s=ctx.config["sync.read_timeout_s"],
                              **link_settings(ctx, background))

    return fetch


@dataclass
class ReportsParts:
    """What the supervisors' reports page is made of (counter_app.ui.reports)."""

    service: ReportService
    closing: DailyClosing
    today: Callable[[], date]
    export_dir: Path


def reports(services: Services, pdf: PdfRenderer | None) -> ReportsParts:
    """The reports of this counter for its screen: the outbox from the sync status, the
    other windows' closings through the sync thread, exports into the data dir's exports/
    folder by default."""
    from counter_app.reports.closing import DailyClosing

    service = report_service(services.ctx, services.journal, outbox=services.sync_status,
                             pdf=pdf, background=services.background)
    return ReportsParts(service, DailyClosing(service, today=services.today), services.today,
                        services.ctx.data_dir / "exports")
