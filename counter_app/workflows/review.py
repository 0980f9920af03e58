"""Everything about a case on one screen before the examination (审查): parties, answers, the
rules result with its legal bases, photos with the identity decisions, declarations (when that
step exists), scanned papers and the divorce agreement summary — read from the journal.

Each section names the step that changes it, so the review page can open that step again
(retake a photo, rescan a page, sign again). Party details are corrected here: a correction is
a new ``intake.party`` entry (source ``correction``) through the intake flow, so registration
judges the rules again with it. Until registration everything may change; after it, nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, ClassVar

from counter_app.cases.service import CaseService
from counter_app.domain.party import LONG_TERM, LONG_TERM_ZH
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.workflows.capture import PartyCapture
from counter_app.workflows.divorce import DivorceApplication
from counter_app.workflows.documents import SUMMARY_FIELDS, DocumentScanning
from counter_app.workflows.intake import (
    FIELD_ZH,
    ROLE_ZH,
    ROLES,
    SETTLED_LATER,
    IntakeError,
    MarriageIntake,
)
from counter_app.workflows.kinds import KIND_INTAKE_PARTY

ANSWER_ZH = {"voluntary": "本人自愿结婚", "kinship_declared_none": "声明双方无禁止结婚的亲属关系",
             "agreement_signed": "已签署离婚协议书", "full_capacity": "具有完全民事行为能力",
             "certificate_from_mainland": "持内地婚姻登记机关颁发的结婚证"}
DECISION_ZH = {"accept": "符合条件，予以受理", "refuse": "不予受理", "refer": "须报负责人决定"}
IDENTITY_ZH = {"confirmed": "人证一致（系统比对并经登记员确认）", "manual": "人证一致（登记员当面核对）",
               "rejected": "人证不一致"}
SOURCE_ZH = {"card": "读卡", "chip": "读芯片", "manual": "手工录入", "correction": "审查时更正"}
#: Party fields shown and correctable on the review page, in order.
SHOWN_FIELDS = ("name", "sex", "birth_date", "id_type", "id_number", "id_valid_until",
                "nationality", "hukou_region_code", "address")
CORRECTABLE = ("name", "birth_date", "id_number", "id_valid_until", "hukou_region_code",
               "address")
LABEL_ZH = {**FIELD_ZH, "address": "住址"}
SEX_ZH = {"male": "男", "female": "女"}
#: Findings settled after the examination (the intake page hides them after acceptance too).
LATER = SETTLED_LATER | {"offline.needs_online_check"}
#: Sections whose step may not be run by every counter (see CaseReviewer.steps).
STEP_SECTIONS = ("capture", "declare")
#: States after which the case's materials are final.
CLOSED = ("registered", "refused", "withdrawn", "deemed_withdrawn")


class ReviewError(CounterAppError):
    """A correction cannot be made; the message says why."""

    code = "review.refused"


@dataclass
class Section:
    """One part of the review: lines of text, images (caption, attachment SHA-256), the step
    that changes it (``party`` = correct here, None = cannot change), and what is missing."""

    key: str
    title: str
    lines: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    edit: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class CaseReview:
    """The whole case as the review page shows it."""

    case_id: str
    case_type: str
    state: str
    editable: bool
    sections: list[Section]

    @property
    def problems(self) -> list[str]:
        return [p for s in self.sections for p in s.problems]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


def intake_class(case_type: str) -> type[MarriageIntake]:
    return DivorceApplication if case_type == "divorce" else MarriageIntake


class CaseReviewer:
    """Builds the review of a case and takes party corrections, under the operator's name."""

    def __init__(self, journal: Journal, office: dict[str, Any], operator: str, *,
                 steps: Collection[str] | None = None, declarations: Any = None) -> None:
        """``steps``: the keys of the preparation steps this counter runs (Services.case_steps);
        a step's section blocks the examination only when the step is one of them.
        ``declarations``: the declarations flow (counter_app.workflows.declarations, built by
        the wiring with the forms.qt.signing port), or None without that step."""
        self.journal, self.office, self.operator = journal, office, operator
        self.declarations = declarations
        self.steps = None if steps is None else set(steps)
        self.cases = CaseService(journal)
        self.scanning = DocumentScanning(journal, operator)

    def review(self, case_id: str) -> CaseReview:
        case = self.cases.state(case_id)
        if case is None:
            raise ReviewError(f"找不到业务 {case_id}。")
        intake = intake_class(case.case_type)(self.journal, self.office, self.operator)
        state = intake.state(case_id)
        editable = case.state not in CLOSED
        sections = [self._parties(case_id, state), self._answers(state), self._rules(state)]
        if case.case_type != "divorce":
            sections.append(self._photos(case_id))
        if self.declarations is not None and case.case_type != "divorce":
            sections.append(self._declarations(case_id))
        sections.append(self._documents(case_id))
        if self.scanning.needs_summary(case_id):
            sections.append(self._agreement(case_id))
        for section in sections:
            if section.edit in STEP_SECTIONS and self.steps is not None \
                    and section.edit not in self.steps:
                # A step this counter does not run: shown, but it holds nothing back.
                section.lines.extend(f"（未完成：{p}）" for p in section.problems)
                section.problems, section.edit = [], None
            if not editable:
                section.edit = None
        return CaseReview(case_id, case.case_type, case.state, editable, sections)

    def _parties(self, case_id: str, state) -> Section:
        section = Section("parties", "当事人", edit="party")
        sources = {e.payload["role"]: e.payload["source"]
                   for e in self.journal.entries(case_id=case_id) if e.kind == KIND_INTAKE_PARTY}
        for role in ROLES:
            party = state.parties.get(role)
            if party is None:
                section.problems.append(f"缺少{ROLE_ZH[role]}信息")
                continue
            shown = [f"{LABEL_ZH[k]}：{_shown(k, party.get(k))}" for k in SHOWN_FIELDS
                     if party.get(k)]
            section.lines.append(f"{ROLE_ZH[role]}（{SOURCE_ZH.get(sources.get(role), '')}）："
                                 + "；".join(shown))
        return section

    def _answers(self, state) -> Section:
        section = Section("answers", "初审询问（受理时当面确认）")
        for role in ROLES:
            answers = state.answers.get(role, {})
            section.lines.append(f"{ROLE_ZH[role]}：" + "；".join(
                f"{ANSWER_ZH.get(k, k)}：{'是' if v else '否'}" for k, v in answers.items()))
        return section

    def _rules(self, state) -> Section:
        section = Section("rules", "受理审查结论与法律依据")
        decision = state.decision
        if decision is None:
            section.problems.append("没有受理审查记录")
            return section
        accepted = state.case_state not in (state.open_state, "refused")
        outcome = "予以受理" if accepted else \
            DECISION_ZH.get(decision["decision"], decision["decision"])
        section.lines.append(f"结论：{outcome}（{state.checked_on}）")
        for reason in decision.get("reasons", []):
            if accepted and reason["code"] in LATER:
                continue  # the 联网核对 comes after the examination, before registration
            section.lines.append(f"· {reason['message_zh']}（依据：{reason['basis']}）")
        if accepted:
            section.lines.append("联网核对婚姻状况在审查后、登记前进行；登记时按最新信息重新审查。")
        if decision.get("required_documents"):
            section.lines.append("应收材料：" + "、".join(decision["required_documents"]))
        return section

    def _photos(self, case_id: str) -> Section:
        section = Section("photos", "现场照片与人证核验", edit="capture")
        captured = PartyCapture(self.journal, self.operator).state(case_id)
        for role in ROLES:
            got = captured.get(role, {})
            if got.get("photo"):
                section.images.append((f"{ROLE_ZH[role]}照片", got["photo"]))
            identity = got.get("identity")
            section.lines.append(f"{ROLE_ZH[role]}：{IDENTITY_ZH.get(identity, '未核验')}")
            if not got.get("photo") or identity not in ("confirmed", "manual"):
                section.problems.append(f"{ROLE_ZH[role]}照片或人证核验未完成")
        return section

    def _declarations(self, case_id: str) -> Section:
        """Each party's 申请结婚登记声明书, judged against the page as it is now (a party
        correction after signing means signing again)."""
        section = Section("declarations", "申请结婚登记声明书", edit="declare")
        for role, party in self.declarations.state(case_id).items():
            if party.next_action == "done":
                section.lines.append(f"{ROLE_ZH[role]}：已签名、按指纹，登记员已见证")
            else:
                why = "签署后内容有改动，须重新签署" if party.invalidated else "尚未签署完成"
                section.problems.append(f"{ROLE_ZH[role]}声明书{why}")
        return section

    def _documents(self, case_id: str) -> Section:
        section = Section("documents", "高拍仪拍摄的证件材料", edit="documents")
        pages = self.scanning.pages(case_id)
        for document in self.scanning.required(case_id):
            got = pages.get(document.key, [])
            section.lines.append(f"{document.title}：{len(got)} 页" if got
                                 else f"{document.title}：未拍")
            section.images.extend((f"{document.title} 第{p.page}页", p.sha256) for p in got)
            if not got:
                section.problems.append(f"{document.title}未拍摄")
        return section

    def _agreement(self, case_id: str) -> Section:
        section = Section("agreement", "离婚协议书摘要", edit="documents")
        summary = self.scanning.summary(case_id)
        if summary is None:
            section.problems.append("离婚协议书摘要未填写")
            return section
        section.lines.extend(f"{zh}：{summary[key]}" for key, zh in SUMMARY_FIELDS)
        section.lines.append("双方签名：" + ("有" if summary.get("both_signed") else "无"))
        return section

    def correct_party(self, case_id: str, role: str, changes: dict[str, str]) -> None:
        """Append a corrected party record, until registration. After the examination a
        correction voids the 联网核对 answer (it asked about the old details: see
        MarriageRegistration.latest_check) and any declaration signed on the old page."""
        require(self.journal, self.operator, "case.examine", case_id=case_id)
        case = self.cases.state(case_id)
        if case is None or role not in ROLES:
            raise ReviewError("找不到要更正的当事人。")
        flow = _Correcting.of(case.case_type)(self.journal, self.office, self.operator)
        if case.state not in (flow.CORRECTABLE_STATE, "examined"):
            raise ReviewError("该业务已经登记或已终结，不能再更正当事人信息。如确有错误，请报负责人。",
                              detail=f"state {case.state}")
        party = dict(flow.state(case_id).parties[role])
        unknown = set(changes) - set(CORRECTABLE)
        if unknown:
            raise ReviewError("这些信息不能在审查时更正：" + "、".join(sorted(unknown)))
        party.update({k: v.strip() for k, v in changes.items()})
        if party.get("id_valid_until") in (LONG_TERM_ZH, "长期有效"):
            party["id_valid_until"] = LONG_TERM
        try:
            got = flow.record_party(case_id, party, source="correction")
        except IntakeError as err:
            raise ReviewError(err.message_zh, detail=err.detail) from None
        if got != role:
            raise ReviewError("更正后的性别与原当事人不一致。")


class _Correcting:
    """Intake flows that accept a party record while the case waits for examination (the
    intake flows themselves accept parties only until acceptance)."""

    _made: ClassVar[dict[str, type]] = {}

    @classmethod
    def of(cls, case_type: str) -> type:
        if case_type not in cls._made:
            base = intake_class(case_type)
            correctable = "cooling_off" if case_type == "divorce" else "accepted"

            def _require_open(self, case_id: str) -> None:
                state = self.cases.state(case_id)
                if state is None or state.state not in (correctable, "examined"):
                    raise IntakeError("该业务当前不能更正当事人信息。")

            cls._made[case_type] = type(f"Correcting{base.__name__}", (base,), {
                "_require_open": _require_open, "CORRECTABLE_STATE": correctable})
        return cls._made[case_type]


def _shown(key: str, value: Any) -> str:
    if key == "sex":
        return SEX_ZH.get(value, value)
    if key == "id_valid_until" and value == LONG_TERM:
        return LONG_TERM_ZH
    if key == "id_type" and value == "resident":
        return "居民身份证"
    return str(value)
