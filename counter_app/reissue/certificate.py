"""The reissued certificate's page, built from the journal only (no typing).

The holder's booklet (结婚证 or 离婚证 inner page) shows the new BJ/BL 字号, the ORIGINAL
registration date and the remark "结婚证遗失，补发此证。<reissue date>" (reference/law.md §4
[V]; forms.case_data does the wording). The holder is printed as their current ID card shows
them; the other party as the archive has them. [M] Whether a reissued certificate follows the
current card or the archive when they differ is not in our sources; law.md §7 lists "certificate
information inconsistent with the current ID" as a reason to reissue, which suggests the card.
A 补领结婚证 keeps the empty joint-photo slot: the applicant brings the couple's joint photos
(law.md §4 [V]: 补领结婚证 3 joint photos); a 补领离婚证 carries the photo taken at the counter.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from counter_app.domain.party import SEX_OF_ROLE
from counter_app.journal import Journal
from counter_app.reissue.workflow import ReissueError, ReissueFlow
from counter_app.rules.caseinput import parse_case
from forms.case_data import SEX_ZH, pages_for
from forms.model import load_form


def certificate_case_file(flow: ReissueFlow, case_id: str, office_name: str) -> dict[str, Any]:
    """The forms case file of the reissued certificate of ``case_id``."""
    state = flow.state(case_id)
    if state.issued is None:
        raise ReissueError("该补领业务尚未发证，不能打印。", code="reissue.not_issued")
    issued = state.issued
    raw = flow.case_file(state, date.fromisoformat(issued["reissue_date"]))
    raw["status_unchanged"] = True  # it was, when the certificate was issued
    other = state.record.party("woman" if state.role == "man" else "man")
    raw["forms"] = {
        "office_name": office_name,
        "certificate": {"kind": issued["item"], "number": issued["certificate_number"],
                        "registration_date": issued["original_registration_date"],
                        "original_registration_date": issued["original_registration_date"],
                        "reissue": True, "cause": issued.get("cause") or "",
                        "reissue_date": issued["reissue_date"]},
        other.role: {"name": other.name, "sex": SEX_ZH[SEX_OF_ROLE[other.role]],
                     "birth_date": other.birth_date, "id_number": other.id_number,
                     "nationality": "中国"},
    }
    return raw


def certificate_pages(journal: Journal, flow: ReissueFlow, case_id: str,
                      office_name: str) -> list[tuple[str, Any]]:
    """[(holder role, (form, data))]: the one booklet to print."""
    raw = certificate_case_file(flow, case_id, office_name)
    form = load_form(f"{raw['forms']['certificate']['kind']}_certificate")
    (page,) = pages_for(form, raw, parse_case(raw), Path("."))
    state = flow.state(case_id)
    photo = state.capture.get("photo")
    if photo and state.issued["item"] == "divorce":
        page[1].images["party.photo"] = journal.get_attachment(photo)
    return [(state.role, page)]

