"""补领婚姻登记证: from an archive record to a reissued certificate (初审 → 受理 → 审查 → 发证).

Who may apply (reference/law.md §1.4, §7): one party of the registration, in person, with their
own ID card; the office verifies the archive and reissues "if true". So:

1. ``open(ref)``: a reissue case for the record found in the archive (the record is copied into
   the journal, ``reissue.record``, so the case never depends on the index again).
2. ``verify(case_id, party, source)``: the applicant's ID card (or manual entry). The ID number
   must be that of one party of the record; anything else is refused with the reason — a
   changed ID number needs the police's certificate and the supervisor [V law.md §7].
3. ``declare(case_id, cause, status_unchanged)`` and the rules check of the day (date-aware
   jurisdiction; 婚姻状况已改变 refuses [V-old law.md §7]) -> accepted, or refused.
4. The applicant's photo and the registrar's identity decision (workflows.capture.PartyCapture,
   the applicant's role) -> examined.
5. ``issue(case_id, on)``: a ``BJ``/``BL`` 字号 (law.md §4 [F]) from this machine's blocks, the
   legal-act entry ``case.reissued``, -> issued. No 联网核对: reissue may finish offline
   (PRODUCT.md §4; law.md §9 point 3 leaves it to the province).
6. ``certificate_pages``: the holder's booklet, with the original registration date and the
   reissue remark (forms.case_data.reissue_remark, law.md §4 [V]).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from counter_app.cases.service import CaseService
from counter_app.domain.idnumber import validate
from counter_app.domain.party import SEX_OF_ROLE, Applicant, Party
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.numbering import allocate_number, issued_blanks
from counter_app.operators import require
from counter_app.reissue.archive import Archive
from counter_app.reissue.index import SearchResult
from counter_app.reissue.kinds import (KIND_CASE_REISSUED, KIND_REISSUE_CHECKED,
                                       KIND_REISSUE_DECLARED, KIND_REISSUE_PARTY,
                                       KIND_REISSUE_RECORD)
from counter_app.reissue.records import ArchiveRecord
from counter_app.rules.caseinput import CaseInput, parse_office
from counter_app.rules.evaluator import evaluate
from counter_app.workflows.intake import IntakeError, validate_party

PREFIX = {"marriage": "BJ", "divorce": "BL"}
KIND_ZH = {"marriage": "结婚证", "divorce": "离婚证"}
CAUSES = {"lost": "遗失", "damaged": "损毁"}
#: Why the archive is searched and its records shown here (the audit's purpose).
PURPOSE = "补领婚姻登记证"
#: Why a changed status stops a reissue (law.md §7 [V-old]; the rule packs cite the current
#: texts for the declared case).
STATUS_BASIS = ("《婚姻登记工作规范》补领条件：当事人须仍处于该婚姻状态（离婚、丧偶、复婚后不予补领）"
                "[V-old]；档案记录")


class ReissueError(CounterAppError):
    """A reissue step is refused; the message says why and what to do."""

    code = "reissue.refused"


@dataclass
class ReissueState:
    """Where a reissue case stands, read from the journal."""

    case_id: str
    case_state: str
    record: ArchiveRecord
    role: str | None = None
    party: dict[str, Any] | None = None
    #: How the card's name differs from the archive's ("" when it does not).
    name_differs: str = ""
    declaration: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None
    capture: dict[str, Any] = field(default_factory=dict)
    issued: dict[str, Any] | None = None
    printed: int = 0

    @property
    def next_step(self) -> str:
        """verify, declare, photo, issue, print, done or refused."""
        if self.case_state == "refused":
            return "refused"
        if self.party is None:
            return "verify"
        if self.case_state == "initial_review":
            return "declare"
        if self.case_state == "accepted":
            return "photo"
        if self.case_state == "examined":
            return "issue"
        return "print" if self.printed < 1 else "done"


@dataclass(frozen=True)
class Issued:
    """A reissue's 字号 and the low-numbers warning, if any."""

    certificate_number: str
    low_numbers_warning: str


class ReissueFlow:
    """Reissue cases at one office, journaled under the operator's name."""

    def __init__(self, journal: Journal, archive: Archive, office: dict[str, Any], operator: str,
                 *, low_water: int = 50, today: Callable[[], date] = date.today) -> None:
        self.journal, self.archive, self.office, self.operator = journal, archive, office, operator
        self.cases = CaseService(journal)
        # Imported here: it loads OpenCV, which opening a journal (the audit reads this
        # package's kinds) must not pay for.
        from counter_app.workflows.capture import PartyCapture

        self.capture = PartyCapture(journal, operator)
        self.low_water, self._today = low_water, today

    def search(self, query: str) -> SearchResult:
        """Search the archive for the applicant's record (audited, for a reissue)."""
        return self.archive.search(query, purpose=PURPOSE)

    def open(self, ref: str) -> str:
        """Start a reissue case for the archive record ``ref``; returns the case id."""
        require(self.journal, self.operator, "case.reissue")
        record = self.archive.index.get(ref)
        if record is None:
            raise ReissueError("档案记录不存在，请重新查询。", code="archive.no_record")
        case_id = self.cases.open("reissue", operator=self.operator,
                                  data={"item": record.item}).case_id
        self.archive.view(ref, case_id, purpose=PURPOSE)
        self.journal.append(KIND_REISSUE_RECORD, {"record": record.as_json()},
                            operator=self.operator, case_id=case_id)
        return case_id

    def state(self, case_id: str) -> ReissueState:
        case = self.cases.state(case_id)
        if case is None or case.case_type != "reissue":
            raise ReissueError(f"找不到补领业务 {case_id}。")
        state: ReissueState | None = None
        for entry in self.journal.entries(case_id=case_id):
            if entry.kind == KIND_REISSUE_RECORD:
                state = ReissueState(case_id, case.state,
                                     ArchiveRecord.from_json(entry.payload["record"]))
            elif state is None:
                continue
            elif entry.kind == KIND_REISSUE_PARTY:
                state.role, state.party = entry.payload["role"], entry.payload["party"]
                state.name_differs = entry.payload.get("name_differs", "")
            elif entry.kind == KIND_REISSUE_DECLARED:
                state.declaration = entry.payload
            elif entry.kind == KIND_REISSUE_CHECKED:
                state.decision = entry.payload
            elif entry.kind == KIND_CASE_REISSUED:
                state.issued = entry.payload
        if state is None:
            raise ReissueError("该补领业务没有档案记录，无法继续。", detail="no reissue.record")
        state.capture = self.capture.state(case_id).get(state.role or "", {})
        state.printed = len(issued_blanks(self.journal, case_id))
        return state

    # --- 2. who applies --------------------------------------------------------------------

    def verify(self, case_id: str, party: dict[str, Any], source: str) -> str:
        """The applicant's identity: their ID number must be one party's of the record.
        Returns the applicant's role (man / woman)."""
        require(self.journal, self.operator, "case.reissue", case_id=case_id)
        state = self._require(case_id, "initial_review")
        checked = validate(party.get("id_number") or "", party.get("id_type") or "resident")
        if not checked.ok:
            raise ReissueError(f"申请人证件号码有误：{checked.errors[0].message_zh}")
        number = checked.normalized
        record = state.record
        role = next((p.role for p in record.parties if p.id_number == number), None)
        if role is None:
            raise ReissueError(self._mismatch(record), code="reissue.not_a_party",
                               detail="id number matches neither party")
        if party.get("sex") and party["sex"] != SEX_OF_ROLE[role]:
            raise ReissueError("申请人证件的性别与档案记录不符，请核对证件。")
        missing = [k for k in ("name", "birth_date", "id_valid_until") if not party.get(k)]
        if missing or (party.get("id_type", "resident") == "resident"
                       and not party.get("hukou_region_code")):
            raise ReissueError("申请人信息不完整（姓名、出生日期、证件有效期、户籍地区划代码），"
                               "请补充。", detail=f"missing {missing}")
        party = {**party, "id_number": number, "sex": SEX_OF_ROLE[role]}
        try:
            validate_party(party)  # the checks every recorded party passes
        except IntakeError as err:
            raise ReissueError(err.message_zh, detail=err.detail) from None
        archived = record.party(role)
        note = "" if archived.name == party["name"] else \
            f"档案姓名“{archived.name}”，证件姓名“{party['name']}”"
        self.journal.append(KIND_REISSUE_PARTY, {
            "role": role, "source": source, "name_differs": note,
            "party": party},
            operator=self.operator, case_id=case_id)
        return role

    @staticmethod
    def _mismatch(record: ArchiveRecord) -> str:
        if not all(p.id_number for p in record.parties):
            return ("该档案记录没有当事人身份证号（早年登记），无法按身份证核对：请按档案信息不一致"
                    "的程序办理，报负责人审核（需公安机关出具的身份证明）。")
        return ("申请人的身份证号与该档案记录中男方、女方的身份证号都不一致，不能补领。补领须由该登记"
                "的当事人本人申请；如身份证号变更过，请当事人到公安机关开具证明后报负责人审核。")

    # --- 3. declaration and rules ----------------------------------------------------------

    def declare(self, case_id: str, *, cause: str, status_unchanged: bool,
                on: date | None = None) -> dict[str, Any]:
        """The applicant's declaration (cause; marital status unchanged), then the rules check
        of ``on``: accepted, refused (with reasons) or left for the supervisor (refer)."""
        require(self.journal, self.operator, "case.reissue", case_id=case_id)
        state = self._require(case_id, "initial_review")
        if state.party is None:
            raise ReissueError("请先核验申请人身份。")
        if cause not in CAUSES:
            raise ReissueError(f"补领原因应为遗失或损毁，实际为 {cause!r}。")
        changed = self.status_changed(state.record)
        self.journal.append(KIND_REISSUE_DECLARED, {
            "cause": cause, "status_unchanged": status_unchanged, "archive_shows": changed},
            operator=self.operator, case_id=case_id)
        on = on or self._today()
        decision = evaluate(self.case_file(self.state(case_id), on))
        answer = decision.as_json()
        answer["refusals"] = [r.as_json() for r in decision.reasons if r.outcome == "refuse"]
        answer["referrals"] = [r.as_json() for r in decision.reasons if r.outcome == "refer"]
        if changed:
            answer["refusals"].append({"code": "reissue.archive_status_changed",
                                       "message_zh": changed, "basis": STATUS_BASIS})
        self.journal.append(KIND_REISSUE_CHECKED, {"on": on.isoformat(), **answer},
                            operator=self.operator, case_id=case_id)
        if answer["refusals"]:
            self.cases.transition(case_id, "refused", operator=self.operator,
                                  reason="；".join(r["message_zh"] for r in answer["refusals"]))
        elif not answer["referrals"]:
            self.cases.transition(case_id, "accepted", operator=self.operator)
        return answer

    def status_changed(self, record: ArchiveRecord) -> str:
        """Why the archive shows the couple's status changed since ``record`` ("" if not):
        a marriage later dissolved, or a divorce followed by remarriage (复婚)."""
        if not (record.man.id_number and record.woman.id_number):
            return ""
        later = [r for r in self.archive.index.records_of_couple(record.man.id_number,
                                                                 record.woman.id_number)
                 if r.registration_date > record.registration_date and r.item != record.item]
        if not later:
            return ""
        what = "离婚" if later[0].item == "divorce" else "复婚"
        return (f"档案显示双方已于 {later[0].registration_date} {what}（字号 "
                f"{later[0].certificate_number}），婚姻状况已改变，不能补领原{KIND_ZH[record.item]}。")

    def case_file(self, state: ReissueState, on: date) -> CaseInput:
        """The rules-check case (item reissue, the applicant only)."""
        declared = state.declaration or {}
        facts = {"archive_record_found": True,
                 "status_unchanged": bool(declared.get("status_unchanged")) and
                 not declared.get("archive_shows"),
                 "original_office_code": state.record.office_code}
        applicant = Applicant(state.role, Party.from_record(state.party))
        return CaseInput("reissue", on, parse_office(self.office), (applicant,), reissue=facts)

    # --- 4. photo --------------------------------------------------------------------------

    def after_capture(self, case_id: str) -> str:
        """After the photo step: examined when photo and identity are confirmed, refused when
        the registrar found the applicant is not the card's holder. Returns the next step."""
        require(self.journal, self.operator, "case.reissue", case_id=case_id)
        state = self.state(case_id)
        if state.case_state != "accepted":
            return state.next_step
        if state.capture.get("identity") == "rejected":
            self.cases.transition(case_id, "refused", operator=self.operator,
                                  reason="申请人与所持身份证不一致（登记员人证核验）")
        elif state.capture.get("photo") and state.capture.get("identity") in ("confirmed",
                                                                               "manual"):
            self.cases.transition(case_id, "examined", operator=self.operator)
        return self.state(case_id).next_step

    # --- 5. issue --------------------------------------------------------------------------

    def issue(self, case_id: str, on: date | None = None) -> Issued:
        """Issue the reissued certificate's 字号 (a legal act; refused on an untrusted clock).
        Issuing again returns the same number."""
        require(self.journal, self.operator, "case.reissue", case_id=case_id)
        state = self.state(case_id)
        if state.issued is not None:
            if state.case_state == "examined":
                # Issued, but the step to 'issued' was lost (a crash between the two writes):
                # finish it, or the case could never reach printing.
                self.cases.transition(case_id, "issued", operator=self.operator)
            return Issued(state.issued["certificate_number"], "")
        if state.case_state != "examined":
            raise ReissueError("只有审查完毕（已拍照并核验本人）的补领业务才能发证。",
                               detail=f"state {state.case_state}")
        on = on or self._today()
        item = state.record.item
        allocation = allocate_number(self.journal, case_id=case_id, prefix=PREFIX[item],
                                     division_code=self.office["region_code"], year=on.year,
                                     operator=self.operator, low_water=self.low_water)
        declared = state.declaration or {}
        self.journal.append(KIND_CASE_REISSUED, {
            "item": item, "certificate_number": allocation.number,
            "reissue_date": on.isoformat(), "cause": declared.get("cause"),
            "original_registration_date": state.record.registration_date,
            "original_certificate_number": state.record.certificate_number,
            "original_office_code": state.record.office_code,
            "archive_ref": state.record.ref, "office_code": self.office["code"],
            "holder": state.role,
            "parties": [{"role": p.role, "name": p.name, "id_number": p.id_number}
                        for p in state.record.parties]},
            operator=self.operator, case_id=case_id, legal_act=True,
            entry_id=f"case.reissued:{case_id}")
        self.cases.transition(case_id, "issued", operator=self.operator)
        return Issued(allocation.number, allocation.warning_zh or "")

    def _require(self, case_id: str, case_state: str) -> ReissueState:
        state = self.state(case_id)
        if state.case_state != case_state:
            raise ReissueError("该补领业务已经受理、发证或不予受理，这一步不能再做。",
                               detail=f"state {state.case_state}")
        return state

