"""The evaluator: judge one case step against the packs in force at its office on its date.

Pure and small on purpose: the law is in the packs (resources/rules/*.toml); this module only
runs the checks they name and combines the findings:

* ``check`` rules add a reason per finding (outcome refuse, refer or note);
* ``grant`` rules decide jurisdiction: when at least one grant in force covers the item, the
  case is within jurisdiction if any of them grants it; otherwise every such grant's message
  becomes a refusal reason (so the registrar sees each route and why it does not apply);
* ``documents`` rules add required documents; one with ``only_when_granted_by`` (grant rule
  ids) applies only when jurisdiction rests on those grants alone (a pilot's 居住证 is not
  asked for when a party's hukou or a city-wide grant already covers the case);
  ``offline`` rules clear ``offline_allowed``.

The decision is ``refuse`` if any reason refuses, else ``refer`` if any refers, else
``accept``. Notes never change the decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from counter_app.rules.caseinput import CaseInput, Office
from counter_app.rules.checks import CHECKS, NOT_APPLICABLE, Ctx
from counter_app.rules.packs import Pack, Rule, load_packs, select_packs


@dataclass(frozen=True)
class Reason:
    """One finding: stable code, Chinese message, legal basis, and its weight."""

    code: str
    message_zh: str
    basis: str
    outcome: str = "refuse"  # "refuse" | "refer" | "note"
    rule_id: str = ""

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "basis": self.basis}


@dataclass
class Decision:
    """The answer of ``rules check`` (``as_json`` is the public JSON shape)."""

    decision: str
    item: str
    reasons: list[Reason] = field(default_factory=list)
    required_documents: list[str] = field(default_factory=list)
    offline_allowed: bool = True
    packs: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"decision": self.decision, "item": self.item,
                "reasons": [r.as_json() for r in self.reasons],
                "required_documents": list(self.required_documents),
                "offline_allowed": self.offline_allowed, "packs": list(self.packs)}


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _message(rule: Rule, finding: dict[str, Any]) -> str:
    values = _SafeDict({k: v for k, v in rule.params.items() if not isinstance(v, (list, dict))})
    values.update(finding)
    return rule.message_zh.format_map(values)


def packs_in_force(office: Office, day: date, packs: tuple[Pack, ...] | None = None) -> list[Pack]:
    """The packs that apply at ``office`` on ``day``."""
    return select_packs(packs if packs is not None else load_packs(), office.region_code,
                        office.popup, day)


def evaluate(case: CaseInput, packs: tuple[Pack, ...] | None = None) -> Decision:
    """Judge ``case`` (see the module docstring for how findings combine)."""
    active = packs_in_force(case.office, case.date, packs)
    result = Decision(decision="accept", item=case.item, packs=[p.id for p in active])
    if not active:
        result.reasons.append(Reason(
            "rules.no_pack", f"{case.date} 在本机关没有生效的规则包，无法判断，请联系上级民政部门。",
            "—", "refer"))
        result.decision, result.offline_allowed = "refer", False
        return result
    ctx = Ctx(flags=_merge_flags(active))
    rules = [r for p in active for r in p.rules if case.item in r.items]
    granted_by = _apply_grants([r for r in rules if r.kind == "grant"], case, ctx, result)
    grant_reasons = result.reasons
    result.reasons = []
    for rule in rules:
        if rule.kind == "offline" and rule.params.get("waived_by_emergency") and ctx.emergency:
            continue
        if rule.kind in ("check", "offline"):
            _apply_check(rule, case, ctx, result)
        elif rule.kind == "documents" and _documents_apply(rule, granted_by):
            _apply_documents(rule, case, ctx, result)
    result.reasons.extend(grant_reasons)
    outcomes = {r.outcome for r in result.reasons}
    result.decision = "refuse" if "refuse" in outcomes else "refer" if "refer" in outcomes \
        else "accept"
    return result


def _merge_flags(active: list[Pack]) -> dict[str, Any]:
    """A flag set by any pack in force wins (a province enables, the nation never disables)."""
    flags: dict[str, Any] = {}
    for pack in active:
        for key, value in pack.flags.items():
            if value or key not in flags:
                flags[key] = value
    return flags


def _run(rule: Rule, case: CaseInput, ctx: Ctx) -> list[dict[str, Any]]:
    return CHECKS[rule.check](case, rule.params, ctx)


def _apply_check(rule: Rule, case: CaseInput, ctx: Ctx, result: Decision) -> None:
    for finding in _run(rule, case, ctx):
        outcome = finding.pop("_outcome", rule.outcome)
        if rule.kind == "offline":
            result.offline_allowed = False
            outcome = "note"
        result.reasons.append(Reason(rule.code, _message(rule, finding), rule.basis, outcome,
                                     rule.id))


def _apply_documents(rule: Rule, case: CaseInput, ctx: Ctx, result: Decision) -> None:
    for finding in _run(rule, case, ctx):
        who = finding.get("role_zh")
        for doc in rule.documents:
            text = _message(Rule(rule.id, "documents", "", (), message_zh=doc), finding)
            entry = f"{text}（{who}）" if who else text
            if entry not in result.required_documents:
                result.required_documents.append(entry)


def _documents_apply(rule: Rule, granted_by: set[str]) -> bool:
    only = rule.params.get("only_when_granted_by")
    return not only or (bool(granted_by) and granted_by <= set(only))


def _apply_grants(grants: list[Rule], case: CaseInput, ctx: Ctx, result: Decision) -> set[str]:
    """Add the jurisdiction findings; return the ids of the grants that cover the case."""
    if not grants:
        return set()
    answers = [(g, _run(g, case, ctx)) for g in grants]
    granted = {g.id for g, found in answers if found and found != NOT_APPLICABLE}
    if granted:
        return granted
    denials = [g for g, found in answers if not found]
    for g in denials:
        result.reasons.append(Reason(g.code, _message(g, {}), g.basis, g.outcome, g.id))
    if not denials:
        result.reasons.append(Reason(
            "jurisdiction.not_covered", "本机关在该日期没有可办理此类当事人该事项的规定，请报上级民政部门。",
            "《婚姻登记条例》第二条（婚姻登记机关）", "refer", "evaluator"))
    return set()


def explain(office: Office, day: date, packs: tuple[Pack, ...] | None = None) -> dict[str, Any]:
    """The packs and rules in force at ``office`` on ``day`` (the ``rules explain`` JSON)."""
    active = packs_in_force(office, day, packs)
    return {
        "office": {"code": office.code, "level": office.level,
                   "region_code": office.region_code,
                   "foreign_designated": office.foreign_designated, "popup": office.popup},
        "date": day.isoformat(),
        "packs": [{
            "id": p.id, "title": p.title, "effective_from": p.effective_from.isoformat(),
            "effective_to": p.effective_to.isoformat(), "regions": list(p.regions),
            "offices": p.offices, "flags": dict(p.flags), "sources": list(p.sources),
            "rules": [{"id": r.id, "kind": r.kind, "items": list(r.items), "code": r.code,
                       "outcome": r.outcome, "message_zh": r.message_zh or "、".join(r.documents),
                       "basis": r.basis} for r in p.rules],
        } for p in active],
    }
