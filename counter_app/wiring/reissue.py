"""The reissue item (补领): the archive index of past registrations, the applicant's card,
the photo, a BJ/BL 字号 and the booklet with the original date (docs/reissue.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.operators import Operator
from counter_app.printing.booklets import BookletPrinting
from counter_app.reissue import Archive, ArchiveIndex, ReissueError, ReissueFlow
from counter_app.wiring import devices
from counter_app.wiring.services import Services

log = logging.getLogger(__name__)

#: Demo mode's first card in the tray: the party of a record in the demo archive.
DEMO_REISSUE_CARD = {"reissue": "补领　刘秀英（女）：1986 年结婚登记，档案中是 15 位旧身份证号"}


@dataclass
class ReissueParts:
    """What the reissue page is made of (counter_app.ui.reissue.reissue_page.ReissuePage)."""

    flow: Any
    open_reader: Callable[[], Any]
    open_camera: Callable[[], Any]
    printing: Callable[[str], Any]
    today: Callable[[], date]
    demo_cards: dict[str, str]
    insert_demo_card: Callable[[str], None] | None
    vision: Any       # the session's VisionWorker (counter_app.vision.worker)


class ReissueDesk:
    """Opens the archive index with the window (demo mode imports the demo archive into it
    then, once). An archive that will not open never stops the counter: :meth:`parts` says
    why when the reissue is started."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.index: ArchiveIndex | None = None
        self.problem: CounterAppError | None = None
        try:
            self.index = ArchiveIndex.for_journal(services.journal)
            if services.demo:
                import_demo_archive(Archive(services.journal, self.index, "demo"))
        except CounterAppError as err:
            log.warning("archive index unavailable: %s %s", err.code, err.detail)
            self.problem = err

    def parts(self, operator: Operator) -> ReissueParts:
        """The reissue for the logged-in operator (CounterAppError when the archive is shut)."""
        if self.index is None:
            why = self.problem.message_zh if self.problem is not None else ""
            raise CounterAppError(f"补领档案库无法打开（{why}），请联系技术人员。",
                                  code="archive.unavailable")
        s, ctx = self.services, self.services.ctx
        flow = ReissueFlow(s.journal, Archive(s.journal, self.index, operator.operator_id),
                           s.office(), operator.operator_id,
                           low_water=ctx.config["numbering.low_water"], today=ctx.today)
        cards, insert = devices.card_tray(ctx)
        if ctx.demo:
            cards = {**DEMO_REISSUE_CARD, **cards}
        return ReissueParts(flow, devices.card_reader(ctx), devices.portrait_camera(ctx),
                            lambda case_id: self.printing(flow, operator, case_id), ctx.today,
                            cards, insert, s.vision)

    def printing(self, flow: ReissueFlow, operator: Operator, case_id: str) -> BookletPrinting:
        """The booklet printing of an issued reissue (BookletPrinting)."""
        from counter_app.reissue.certificate import certificate_pages

        s = self.services
        state = flow.state(case_id)
        if state.issued is None:
            raise ReissueError("该补领业务尚未发证，不能打印。", code="reissue.not_issued")
        pages = certificate_pages(s.journal, flow, case_id, s.office_name())
        return BookletPrinting(s.journal, case_id=case_id, operator=operator.operator_id,
                               certificate=state.issued["item"],
                               number=state.issued["certificate_number"], pages=pages,
                               printer=s.certificate_printer(), approve=s.approve)


def import_demo_archive(archive: Archive) -> None:
    """Demo mode's synthetic archive (resources/archive_demo), imported once (a file already
    imported is recognised by its hash). The demo's own set-up, not a user's import: it goes
    in below the permission check (Archive.import_file is the supervisor's way in)."""
    from counter_app.resources import resource_path

    path = resource_path("archive_demo", "archive-demo.csv")
    archive.import_bytes(path.read_bytes(), path.name, "csv")
