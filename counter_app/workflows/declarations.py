"""Each party's 申请结婚登记声明书: read, signed (and fingerprinted) in front of the registrar,
who confirms as 监誓人 — every step a journal entry.

The page is the forms package's ``marriage_declaration`` filled from the intake's party record
and the party's own declared details (婚姻状况, 职业, 文化程度, recorded with the date and the
office in a ``declaration.details`` entry). The signature is bound to the SHA-256 of that exact
unsigned page (forms.qt.signing: ``signature.captured`` with the page's PDF attached); the
fingerprint (``declaration.fingerprint``: its PNG and template as encrypted attachments) and the
registrar's confirmation (``declaration.witnessed``) name the same digest. Whenever the page
changes afterwards (a corrected party record, other details), its digest no longer matches and
the declaration must be signed, fingerprinted and witnessed again: :meth:`Declarations.done`
checks the records against the page as it is now, never a stored flag.

Rendering a page (its PDF, hence its digest) paints with QtGui, which this layer may not import:
the caller passes ``forms.qt.signing`` in as ``signing`` (the composition root takes it from the
UI layer, as the archive builder takes its renderer).

The registrar's own 监誓人 signature stays a handwritten one on the printed page (law.md §3:
registrar signatures are never printed); the witness entry is the electronic record of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from types import ModuleType
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.workflows.intake import ROLE_ZH, ROLES, IntakeState, MarriageIntake
from counter_app.workflows.kinds import (KIND_DECLARATION_DETAILS, KIND_DECLARATION_FINGERPRINT,
                                         KIND_DECLARATION_WITNESSED)
from forms.case_data import CaseFile, Particulars, pages_for
from forms.kinds import KIND_SIGNATURE_CAPTURED
from forms.model import FormData, FormDefinition, load_form

FORM_ID = "marriage_declaration"
SLOT = "party.signature"
FINGERPRINT_SLOT = "party.fingerprint"
#: Below this (drivers.fingerprint.quality, 0-100) the print would be a smudge: press again.
MIN_FINGERPRINT_QUALITY = 40
MARITAL_STATUSES = {"unmarried": "未婚", "divorced": "离婚", "widowed": "丧偶"}
#: Case states in which a declaration may still be (re)signed: until registration.
OPEN_STATES = ("accepted", "examined")
_DIGESTS: dict[str, str] = {}


class DeclarationError(CounterAppError):
    """A declaration step cannot be done now; the message says why and what to do."""

    code = "declaration.refused"


@dataclass
class PartyDeclaration:
    """One party's declaration as the journal has it, judged against the page as it is now."""

    role: str
    details: dict[str, Any] | None = None
    signature: Any = None     # forms.qt.signing.SignatureRecord
    signature_seq: int = 0
    fingerprint: dict[str, Any] | None = None
    fingerprint_seq: int = 0
    witness: dict[str, Any] | None = None
    witness_seq: int = 0
    #: SHA-256 of the unsigned page as it is now ("" before the details are recorded).
    digest: str = ""

    @property
    def signed(self) -> bool:
        """Signed on the page as it is now."""
        return bool(self.signature and self.digest
                    and self.signature.document_sha256 == self.digest)

    @property
    def fingerprinted(self) -> bool:
        return self.signed and bool(self.fingerprint) and \
            self.fingerprint["document_sha256"] == self.digest

    @property
    def witnessed(self) -> bool:
        """The registrar confirmed after the signature and the fingerprint, on this page."""
        return self.fingerprinted and bool(self.witness) and \
            self.witness["document_sha256"] == self.digest and \
            self.witness_seq > max(self.signature_seq, self.fingerprint_seq)

    @property
    def invalidated(self) -> bool:
        """Signed once, but the page has changed since: it must be signed again."""
        return self.signature is not None and not self.signed

    @property
    def next_action(self) -> str:
        """``sign``, ``fingerprint``, ``witness`` or ``done``."""
        if not self.signed:
            return "sign"
        if not self.fingerprinted:
            return "fingerprint"
        return "done" if self.witnessed else "witness"


class Declarations:
    """The declarations of one office's marriage cases, journaled under the operator's name.

    ``signing`` is the ``forms.qt.signing`` module. ``office`` (the rules' office profile) and
    ``office_name`` are needed to sign (they are printed on the page and recorded with it);
    reading the state and ``done`` need neither.
    """

    def __init__(self, journal: Journal, operator: str, signing: ModuleType,
                 office: dict[str, Any] | None = None, office_name: str = "",
                 today: Callable[[], date] = date.today) -> None:
        self.journal, self.operator, self.signing = journal, operator, signing
        self.office, self.office_name, self._today = office, office_name, today
        self.form = load_form(FORM_ID)

    # --- reading --------------------------------------------------------------------------
    def state(self, case_id: str) -> dict[str, PartyDeclaration]:
        """Both parties' declarations, each judged against its page as it is now."""
        result = {role: PartyDeclaration(role) for role in ROLES}
        for entry in self.journal.entries(case_id=case_id):
            payload = entry.payload
            if entry.kind == KIND_DECLARATION_DETAILS:
                result[payload["role"]].details = payload
            elif entry.kind == KIND_SIGNATURE_CAPTURED and payload.get("form_id") == FORM_ID \
                    and payload.get("signer") in result:
                party = result[payload["signer"]]
                party.signature = _record(self.signing, payload)
                party.signature_seq = entry.seq
            elif entry.kind == KIND_DECLARATION_FINGERPRINT:
                party = result[payload["role"]]
                party.fingerprint = {**payload, "attachments": entry.attachments}
                party.fingerprint_seq = entry.seq
            elif entry.kind == KIND_DECLARATION_WITNESSED:
                party = result[payload["role"]]
                party.witness = {**payload, "operator": entry.operator}
                party.witness_seq = entry.seq
        intake = self._intake_state(case_id)
        for party in result.values():
            if party.details is not None and intake is not None:
                party.digest = self._digest(self._page(intake, party.details, party.role))
        return result

    def done(self, case_id: str) -> bool:
        """Both parties signed, fingerprinted and witnessed on their pages as they are now."""
        try:
            return all(p.next_action == "done" for p in self.state(case_id).values())
        except CounterAppError:
            return False

    def page(self, case_id: str, role: str, details: dict[str, Any] | None = None
             ) -> tuple[FormDefinition, FormData]:
        """The page to show ``role``: filled with ``details`` (default: the recorded ones, or
        none yet), with the signature and fingerprint in their slots while still valid."""
        _check_role(role)
        intake = self._require_intake(case_id)
        party = self.state(case_id)[role]
        chosen = self._details(details) if details is not None else \
            (party.details or self._details({}))
        data = self._page(intake, chosen, role)
        if details is None and party.signed:
            data = self.signing.check_signatures(self.form, data, [party.signature])
            if party.fingerprinted:
                data = _with_fingerprint(self.journal, data, party.fingerprint)
        return self.form, data

    # --- recording ------------------------------------------------------------------------
    def sign(self, case_id: str, role: str, signature, *, marital_status: str,
             occupation: str = "", education: str = ""):
        """Record the party's details and ``signature`` (drivers.signature Signature) bound to
        the page they make; returns the forms.qt.signing SignatureRecord. Refused when details
        are missing or the case is past registration."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        _check_role(role)
        intake = self._require_open(case_id)
        if marital_status not in MARITAL_STATUSES:
            raise DeclarationError(f"请选择{ROLE_ZH[role]}的婚姻状况（未婚、离婚或丧偶）。")
        details = self._details({"marital_status": marital_status, "occupation": occupation,
                                 "education": education})
        data = self._page(intake, details, role)
        missing = [k for k in data.missing(self.form) if k not in (SLOT, FINGERPRINT_SLOT)]
        if missing:
            raise DeclarationError("声明书缺少必填内容：" + "、".join(
                self.form.label_for(k) for k in missing) + "。请先在业务中补全当事人信息。")
        record = self.signing.sign(self.form, data, SLOT, role, signature)
        recorded = self.state(case_id)[role].details
        if recorded is None or _comparable(recorded) != _comparable(details):
            self.journal.append(KIND_DECLARATION_DETAILS, {"role": role, **details},
                                operator=self.operator, case_id=case_id)
        self.signing.journal_signature(self.journal, record,
                                       self.signing.unsigned_pdf(self.form, data),
                                       case_id=case_id, operator=self.operator)
        return record

    def add_fingerprint(self, case_id: str, role: str, sample) -> int:
        """Keep ``sample`` (drivers.fingerprint FingerprintSample) as the party's fingerprint
        on the signed page; returns its quality. Refused before the signature or when the
        print is too poor to read."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        _check_role(role)
        self._require_open(case_id)
        party = self.state(case_id)[role]
        if not party.signed:
            raise DeclarationError(f"{ROLE_ZH[role]}还没有在声明书上签名，请先签名再按指纹。")
        if sample.quality < MIN_FINGERPRINT_QUALITY:
            raise DeclarationError(
                f"指纹不清晰（质量 {sample.quality}，至少需要 {MIN_FINGERPRINT_QUALITY}）。"
                "请擦干手指，平放在指纹仪上稍用力按住，再按一次。", code="declaration.poor_print")
        refs = [self.journal.put_attachment(sample.png(), "image/png"),
                self.journal.put_attachment(sample.template, "application/octet-stream")]
        self.journal.append(KIND_DECLARATION_FINGERPRINT, {
            "role": role, "document_sha256": party.digest, "quality": sample.quality,
            "width": sample.width, "height": sample.height, "device": sample.device,
            "image_sha256": refs[0].sha256, "template_sha256": refs[1].sha256},
            operator=self.operator, case_id=case_id, attachments=refs)
        return sample.quality

    def witness(self, case_id: str, role: str) -> None:
        """The registrar (this operator) confirms, as 监誓人, that the party read, signed and
        pressed the fingerprint in front of them."""
        require(self.journal, self.operator, "case.prepare", case_id=case_id)
        _check_role(role)
        self._require_open(case_id)
        party = self.state(case_id)[role]
        if party.next_action != "witness":
            raise DeclarationError(
                f"{ROLE_ZH[role]}还没有签名并按指纹，不能见证确认。" if party.next_action in
                ("sign", "fingerprint") else f"{ROLE_ZH[role]}的声明书已经见证确认。")
        self.journal.append(KIND_DECLARATION_WITNESSED, {
            "role": role, "document_sha256": party.digest, "witness": self.operator},
            operator=self.operator, case_id=case_id)

    # --- helpers --------------------------------------------------------------------------
    def _digest(self, data: FormData) -> str:
        """document_digest, remembered by content: the case page asks on every refresh, and
        the unsigned page is a pure function of its values (it has no images here)."""
        if any(k for k in data.images):
            return self.signing.document_digest(self.form, data)
        key = hashlib.sha256(json.dumps([self.form.form_id, self.form.version, data.values],
                                        sort_keys=True, default=str, ensure_ascii=False)
                             .encode()).hexdigest()
        if key not in _DIGESTS:
            if len(_DIGESTS) > 512:
                _DIGESTS.clear()
            _DIGESTS[key] = self.signing.document_digest(self.form, data)
        return _DIGESTS[key]

    def _details(self, given: dict[str, Any]) -> dict[str, Any]:
        if self.office is None:
            raise DeclarationError("本机还没有设置所属婚姻登记机关，不能签署声明书。请联系技术人员。",
                                   code="office.not_set")
        return {"marital_status": given.get("marital_status", ""),
                "occupation": given.get("occupation", "").strip(),
                "education": given.get("education", "").strip(),
                "on": self._today().isoformat(), "office": self.office,
                "office_name": self.office_name}

    def _page(self, intake: IntakeState, details: dict[str, Any], role: str) -> FormData:
        """The unsigned page of ``role``: the intake's parties, the case file's values, the
        party's own details, dated and placed as those details were recorded."""
        flow = MarriageIntake(self.journal, details["office"], "")
        case = flow.case_input(intake, date.fromisoformat(details["on"]))
        own = Particulars(**{k: details.get(k, "") for k in
                             ("marital_status", "occupation", "education")})
        case_file = CaseFile(case, {"office_name": details["office_name"]})
        pages = pages_for(self.form, case_file.with_particulars(role, own))
        return pages[ROLES.index(role)][1]

    def _intake_state(self, case_id: str) -> IntakeState | None:
        intake = MarriageIntake(self.journal, self.office or {}, "")
        state = intake.state(case_id)
        return state if all(r in state.parties and r in state.answers for r in ROLES) else None

    def _require_intake(self, case_id: str) -> IntakeState:
        state = self._intake_state(case_id)
        if state is None:
            raise DeclarationError("该业务还没有受理，不能签署声明书。")
        return state

    def _require_open(self, case_id: str) -> IntakeState:
        state = self._require_intake(case_id)
        if state.case_state not in OPEN_STATES:
            raise DeclarationError("该业务已登记或已结束，不能再签署声明书。",
                                   detail=f"state {state.case_state}")
        return state


def signed_declaration_pages(journal: Journal, case_id: str, signing: ModuleType
                             ) -> list[tuple[str, tuple[FormDefinition, FormData]]]:
    """[("man", (form, data)), ("woman", (form, data))]: both signed declarations with the
    signature strokes and the fingerprint image in their slots, for printing and the archive
    file (``signing`` is the forms.qt.signing module). Raises DeclarationError when a declaration is not complete on its current page
    (the 监誓人 slot is left for the registrar's handwritten signature)."""
    flow = Declarations(journal, "", signing)
    state = flow.state(case_id)
    intake = flow._require_intake(case_id)
    pages = []
    for role in ROLES:
        party = state[role]
        if party.next_action != "done":
            raise DeclarationError(f"{ROLE_ZH[role]}的声明书还没有签名、按指纹并经登记员见证"
                                   + ("（签名后内容有改动，须重新签署）" if party.invalidated
                                      else "") + "。", code="declaration.incomplete")
        data = signing.check_signatures(flow.form, flow._page(intake, party.details, role),
                                [party.signature])
        pages.append((role, (flow.form, _with_fingerprint(journal, data, party.fingerprint))))
    return pages


def _with_fingerprint(journal: Journal, data: FormData, fingerprint: dict[str, Any]) -> FormData:
    image = journal.get_attachment(fingerprint["image_sha256"])
    return replace(data, images={**data.images, FINGERPRINT_SLOT: image})


def _record(signing: ModuleType, payload: dict[str, Any]):
    keys = ("form_id", "form_version", "slot", "signer", "document_sha256", "signature",
            "signature_sha256")
    return signing.SignatureRecord(*(payload[k] for k in keys))


def _comparable(details: dict[str, Any]) -> str:
    keys = ("marital_status", "occupation", "education", "on", "office", "office_name")
    return json.dumps({k: details.get(k) for k in keys}, sort_keys=True, ensure_ascii=False)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise DeclarationError(f"未知的当事人：{role}")
