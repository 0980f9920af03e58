"""Each party's registration photo and identity check (人证核验), kept in the journal.

A photo is taken only when the quality checks pass (one face, frontal, eyes open, sharp, lit,
centred); it is stored as an encrypted JPEG attachment with its quality report. The identity
check compares the live photo with the document's chip photo when there is one (chip passports
and permits; a resident card's WLT photo needs a licensed vendor decoder) and always ends with
the registrar's own decision, which is the recorded fact; the score is the advice it was made
with (counter_app.vision.matcher).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.vision.liveness import Challenge
from counter_app.vision.matcher import FaceMatcher, MatchResult
from counter_app.vision.quality import QualityReport
from counter_app.workflows.intake import ROLE_ZH, ROLES
from counter_app.workflows.kinds import KIND_CAPTURE_IDENTITY, KIND_CAPTURE_PHOTO

JPEG_QUALITY = 92


class CaptureError(CounterAppError):
    """The photo cannot be used or the step is out of order; the message says what to do."""

    code = "capture.refused"


class PartyCapture:
    """Photos and identity decisions for the parties of one office's cases."""

    def __init__(self, journal: Journal, operator: str, matcher: FaceMatcher | None = None):
        self.journal, self.operator, self.matcher = journal, operator, matcher

    def take_photo(self, case_id: str, role: str, frame: np.ndarray,
                   quality: QualityReport, liveness: dict[str, Any] | None = None) -> str:
        """Keep ``frame`` (BGR) as the party's photo; returns its SHA-256. Refused, with the
        problems in words, when the quality checks did not pass. ``liveness`` records how the
        live-person check went (see :func:`liveness_record`)."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        _check_role(role)
        if not quality.ok:
            raise CaptureError(f"{ROLE_ZH[role]}照片不合格：" +
                               "；".join(p.message for p in quality.problems))
        ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise CaptureError("照片无法保存，请重拍。", detail="imencode failed")
        ref = self.journal.put_attachment(encoded.tobytes(), "image/jpeg")
        self.journal.append(KIND_CAPTURE_PHOTO, {
            "role": role, "width": int(frame.shape[1]), "height": int(frame.shape[0]),
            "quality": quality.as_dict(), "liveness": liveness},
            operator=self.operator, case_id=case_id,
            attachments=[ref])
        return ref.sha256

    def compare(self, case_id: str, role: str, chip_photo: bytes | None) -> MatchResult | None:
        """The system's advice: live photo against the chip photo (None when there is no chip
        photo or no matcher: the registrar checks by other means)."""
        photo = self.state(case_id).get(role, {}).get("photo")
        if photo is None:
            raise CaptureError(f"请先为{ROLE_ZH[role]}拍照。")
        if chip_photo is None or self.matcher is None:
            return None
        live = _decode(self.journal.get_attachment(photo))
        reference = _decode(chip_photo)
        if reference is None:
            raise CaptureError("证件芯片照片无法读取，请由登记员当面核对。")
        return self.matcher.compare(live, reference)

    def decide(self, case_id: str, role: str, decision: str, match: MatchResult | None,
               reason: str = "") -> None:
        """Record the registrar's decision (confirmed / rejected / manual) with the advice."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        _check_role(role)
        if match is not None:
            payload = match.record(decision, reason)
        elif decision in ("confirmed", "rejected", "manual"):
            payload = {"decision": decision, "reason": reason or "无芯片照片，登记员当面核对",
                       "advice": None}
        else:
            raise CaptureError(f"未知的核验结论：{decision}")
        self.journal.append(KIND_CAPTURE_IDENTITY, {"role": role, **payload},
                            operator=self.operator, case_id=case_id)

    def state(self, case_id: str) -> dict[str, dict[str, Any]]:
        """Per role: the latest photo (SHA-256) and identity decision."""
        result: dict[str, dict[str, Any]] = {}
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_CAPTURE_PHOTO:
                result.setdefault(entry.payload["role"], {})["photo"] = \
                    entry.attachments[0]["sha256"]
            elif entry.kind == KIND_CAPTURE_IDENTITY:
                result.setdefault(entry.payload["role"], {})["identity"] = \
                    entry.payload["decision"]
        return result

    def complete(self, case_id: str) -> bool:
        """Both parties photographed and confirmed as the documents' holders (by the matcher's
        advice and the registrar, or by the registrar in person)."""
        state = self.state(case_id)
        return all(state.get(r, {}).get("photo") and state.get(r, {}).get("identity") in
                   ("confirmed", "manual") for r in ROLES)


def liveness_challenges(setting: str) -> tuple[Challenge, ...]:
    """The ``vision.liveness`` setting ("blink,turn_left") as challenges; CaptureError names
    an unknown one."""
    names = [n.strip() for n in setting.split(",") if n.strip()]
    try:
        return tuple(Challenge(n) for n in names)
    except ValueError as exc:
        raise CaptureError("活体检测设置（vision.liveness）有误，请联系技术人员。",
                           detail=str(exc)) from exc


def liveness_record(status: str, challenges: tuple[Challenge, ...], reason: str = ""
                    ) -> dict[str, Any]:
    """What a photo's entry says of the liveness check: ``passed`` (the challenges were
    done on cue), ``waived`` (the registrar decided, ``reason`` says why) or ``off``."""
    return {"status": status, "challenges": [c.value for c in challenges], "reason": reason}


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise CaptureError(f"未知的当事人：{role}")


def _decode(data: bytes) -> np.ndarray | None:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
