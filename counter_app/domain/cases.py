"""Business items (事项) and their state machines (pure).

Procedures (2025 《婚姻登记工作规范》, reference/law.md §3.1; PRODUCT.md §2):

* marriage and retroactive marriage (补办): 初审 → 受理 → 审查 → 登记（发证）
* divorce: 申请 → 受理 (receipt) → 冷静期 → 撤回 | 视为撤回 | 审查 → 登记（发证）
* reissue (补领): 初审 → 受理 → 审查 → 发证
* revocation (撤销婚姻登记): 审查 → 告知 → 决定 → 送达 → 归档
* refusal notice (不予登记/不予受理告知): 起草 → 送达 → 归档

Any step before the final one may end in ``refused`` (不予受理 / 不予登记), with a reason.
``check_transition`` refuses anything else with :class:`IllegalTransitionError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.errors import CounterAppError

CASE_TYPES = ("marriage", "retroactive_marriage", "divorce", "reissue", "revocation", "refusal")

CASE_TYPE_ZH = {
    "marriage": "结婚登记", "retroactive_marriage": "补办结婚登记", "divorce": "离婚登记",
    "reissue": "补领婚姻登记证", "revocation": "撤销婚姻登记", "refusal": "不予登记告知",
}

STATE_ZH = {
    "initial_review": "初审", "accepted": "已受理", "examined": "已审查",
    "registered": "已登记发证", "issued": "已发证", "refused": "不予登记/不予受理",
    "applied": "已申请", "cooling_off": "冷静期", "withdrawn": "已撤回",
    "deemed_withdrawn": "视为撤回", "review": "审查", "notified": "已告知",
    "decided": "已决定", "served": "已送达", "archived": "已归档", "drafted": "已起草",
}


@dataclass(frozen=True)
class Machine:
    """The states of one case type: where it starts, how it moves, where it ends."""

    initial: str
    transitions: dict[str, tuple[str, ...]]

    @property
    def final_states(self) -> frozenset[str]:
        """States with no way out (the procedure has ended)."""
        targets = {t for ts in self.transitions.values() for t in ts}
        return frozenset(targets - set(self.transitions))


_MARRIAGE = Machine("initial_review", {
    "initial_review": ("accepted", "refused"),
    "accepted": ("examined", "refused"),
    "examined": ("registered", "refused"),
})

MACHINES: dict[str, Machine] = {
    "marriage": _MARRIAGE,
    "retroactive_marriage": _MARRIAGE,
    "divorce": Machine("applied", {
        "applied": ("accepted", "refused"),
        "accepted": ("cooling_off", "withdrawn"),
        "cooling_off": ("withdrawn", "deemed_withdrawn", "examined"),
        "examined": ("registered", "refused"),
    }),
    "reissue": Machine("initial_review", {
        "initial_review": ("accepted", "refused"),
        "accepted": ("examined", "refused"),
        "examined": ("issued", "refused"),
    }),
    "revocation": Machine("review", {
        "review": ("notified", "archived"),  # archived directly when the review finds no case
        "notified": ("decided",),
        "decided": ("served",),
        "served": ("archived",),
    }),
    "refusal": Machine("drafted", {
        "drafted": ("served",),
        "served": ("archived",),
    }),
}

#: States whose entry is a legal act (registering or issuing): refused on an untrusted clock.
LEGAL_ACT_STATES = frozenset({"registered", "issued", "decided"})


class IllegalTransitionError(CounterAppError):
    """A case was asked to move to a state its procedure does not allow from where it is."""

    code = "case.illegal_transition"


def machine(case_type: str) -> Machine:
    """The state machine of ``case_type`` (raises IllegalTransitionError for an unknown type)."""
    try:
        return MACHINES[case_type]
    except KeyError:
        raise IllegalTransitionError(f"未知的业务类型：{case_type}",
                                     detail=f"unknown case type {case_type!r}") from None


def allowed_next(case_type: str, state: str | None) -> tuple[str, ...]:
    """States reachable in one step; from ``None`` (no case yet) only the initial state."""
    m = machine(case_type)
    if state is None:
        return (m.initial,)
    return m.transitions.get(state, ())


def check_transition(case_type: str, state: str | None, to: str) -> None:
    """Raise IllegalTransitionError unless ``state -> to`` is a step of the procedure."""
    if to in allowed_next(case_type, state):
        return
    kind = CASE_TYPE_ZH.get(case_type, case_type)
    here = STATE_ZH.get(state, state) if state else "尚未建立"
    there = STATE_ZH.get(to, to)
    options = "、".join(STATE_ZH.get(s, s) for s in allowed_next(case_type, state)) or "无（已办结）"
    raise IllegalTransitionError(
        f"{kind}业务当前状态为“{here}”，不能转为“{there}”。可进行的下一步：{options}。",
        detail=f"{case_type}: {state} -> {to} not allowed")
