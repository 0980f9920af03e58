"""What the reports count, as pure functions: which business item a case's state change is,
how far from the office a couple's hukou is (州内/省内/跨省), foreign-related and HMT parties,
and the age bands.

Business items (issue 17; the words the offices' statistics use):

========  =====================================================================
结婚       a marriage registered (``marriage`` -> registered)
离婚申请   a divorce application accepted (受理, the receipt given)
离婚登记   a divorce registered after the cooling-off period
撤回       a divorce application withdrawn by a party
视为撤回   a divorce application deemed withdrawn (nobody came in time)
补领       a certificate reissued (``reissue`` -> issued)
补办       a marriage registered retroactively (``retroactive_marriage`` -> registered)
撤销       a marriage registration revoked (``revocation`` -> decided)
不予受理   refused before acceptance (from 初审 or a divorce's 申请)
不予登记   refused after acceptance (at examination or after the 联网核对)
========  =====================================================================
"""

from __future__ import annotations

from datetime import date

from counter_app.domain.party import HMT_ID_TYPES

ITEMS = ("结婚", "离婚申请", "离婚登记", "撤回", "视为撤回", "补领", "补办", "撤销",
         "不予受理", "不予登记")
#: The items that are registrations (a certificate of marriage or divorce is issued).
REGISTRATIONS = ("结婚", "补办", "离婚登记")
#: The marriages (age at marriage is counted over them).
MARRIAGES = ("结婚", "补办")
REFUSALS = ("不予受理", "不予登记")
REGISTERED = {"marriage": "结婚", "retroactive_marriage": "补办", "divorce": "离婚登记"}
#: A refusal from one of these states is 不予受理 (the case was never accepted).
BEFORE_ACCEPTANCE = ("initial_review", "applied")
LEVELS = ("州内", "省内", "跨省")
AGE_BANDS = ("20-24", "25-29", "30-34", "35-39", "40-49", "50-59", "60+")
SEX_ZH = {"male": "男", "female": "女"}
CASE_TYPE_ITEM_ZH = {"marriage": "结婚登记", "retroactive_marriage": "补办结婚登记",
                     "divorce": "离婚登记", "reissue": "补领婚姻登记证",
                     "revocation": "撤销婚姻登记"}


def item_of(case_type: str, frm: str | None, to: str) -> str | None:
    """The business item a ``case.transition`` counts as, or None when it counts as none."""
    if to == "registered":
        return REGISTERED.get(case_type)
    if to == "refused":
        return "不予受理" if frm in BEFORE_ACCEPTANCE else "不予登记"
    return {("divorce", "accepted"): "离婚申请", ("divorce", "withdrawn"): "撤回",
            ("divorce", "deemed_withdrawn"): "视为撤回", ("reissue", "issued"): "补领",
            ("revocation", "decided"): "撤销"}.get((case_type, to))


def region_level(office_region: str, hukous: list[str | None]) -> str | None:
    """How a couple is cross-region for an office in ``office_region`` (GB/T 2260, 6 digits),
    as the pilots count it: None when a party's hukou is in the office's own county (the
    office had jurisdiction by hukou) or a party has no hukou (not a mainland resident: the
    foreign-related and HMT counts take them); else the level of the nearest party:
    州内 (same prefecture, 州/市: first 4 digits), 省内 (same province: first 2), 跨省."""
    if not hukous or any(not h for h in hukous) or office_region in hukous:
        return None
    nearest = max(_shared(office_region, str(h)) for h in hukous)
    return {4: "州内", 2: "省内"}.get(nearest, "跨省")


def _shared(office_region: str, hukou: str) -> int:
    """4 when ``hukou`` is in the office's prefecture, 2 in its province, else 0."""
    for digits in (4, 2):
        if hukou[:digits] == office_region[:digits]:
            return digits
    return 0


def age_band(birth: date, on: date) -> str:
    """The age band of a party born on ``birth`` on the registration date ``on`` (the
    birthday counts); ages under 20 fall in the first band."""
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if age >= 60:
        return "60+"
    if age >= 40:
        return "40-49" if age < 50 else "50-59"
    low = max(20, age - age % 5)
    return f"{low}-{low + 4}"


def category(id_type: str | None, nationality: str | None) -> str:
    """``mainland``, ``hmt``, ``overseas_chinese`` or ``foreign`` (as domain.party.Party)."""
    if id_type in (None, "", "resident"):
        return "mainland"
    if id_type in HMT_ID_TYPES:
        return "hmt"
    if id_type == "passport" and (nationality or "CHN") == "CHN":
        return "overseas_chinese"
    return "foreign"
