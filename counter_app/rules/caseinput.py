"""The rules-check input (the CASE.json of ``counter-app rules check``), parsed strictly.

The shape is a public interface, documented field by field in docs/rules.md. Every malformed
field raises :class:`CaseInputError` naming the field (``parties[1].birth_date``) in Chinese.
:func:`parse_case` is for JSON from outside (a file, the CLI); the workflows build
:class:`CaseInput` from their typed parties directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from counter_app.domain.idnumber import ID_TYPES
from counter_app.domain.party import (LONG_TERM, MARITAL_CHECKS, ROLES, SEX_OF_ROLE, SEXES,
                                      Applicant, Party, ethnicity_code)
from counter_app.errors import CounterAppError

ITEMS = ("marriage", "divorce_application", "divorce_completion", "divorce_withdrawal",
         "reissue", "retroactive_marriage")
MARRIAGE_ITEMS = ("marriage", "retroactive_marriage")
DIVORCE_ITEMS = ("divorce_application", "divorce_completion", "divorce_withdrawal")
ITEM_ZH = {
    "marriage": "结婚登记", "divorce_application": "离婚登记申请",
    "divorce_completion": "离婚登记（发证）", "divorce_withdrawal": "撤回离婚登记申请",
    "reissue": "补领婚姻登记证", "retroactive_marriage": "补办结婚登记",
}

_REGION = re.compile(r"[0-9]{6}")
_ALPHA3 = re.compile(r"[A-Z]{3}")


class CaseInputError(CounterAppError):
    """The case file is malformed; the message names the field."""

    code = "rules.bad_input"


@dataclass(frozen=True)
class Office:
    """An office profile: where the case is handled (selects the rule packs)."""

    code: str
    level: str  # "county" | "township"
    region_code: str  # GB/T 2260, 6 digits
    foreign_designated: bool = False  # designated for foreign/HK/Macau/Taiwan cases
    popup: bool = False  # a pop-up reissue point (临时补证服务点)
    name: str = ""


@dataclass(frozen=True)
class CaseInput:
    """Everything the evaluator needs to judge one step of one case."""

    item: str
    date: date
    office: Office
    parties: tuple[Applicant, ...]
    divorce: dict[str, Any] = field(default_factory=dict)
    reissue: dict[str, Any] = field(default_factory=dict)

    def with_checks(self, statuses: dict[str, str]) -> CaseInput:
        """The same case with the 联网核对 results by role (``unchecked`` where none)."""
        return replace(self, parties=tuple(
            replace(a, marital_status_check=statuses.get(a.role) or "unchecked")
            for a in self.parties))


def _err(path: str, what: str) -> CaseInputError:
    return CaseInputError(f"案件文件字段 {path} 无效：{what}", detail=f"bad field {path}")


def _get(obj: dict, key: str, path: str, *, required: bool = True, default: Any = None) -> Any:
    if not isinstance(obj, dict):
        raise _err(path, "应为 JSON 对象")
    if key not in obj:
        if required:
            raise _err(f"{path}.{key}".lstrip("."), "缺少该字段")
        return default
    return obj[key]


def _str(value: Any, path: str, choices: tuple[str, ...] = (),
         pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str):
        raise _err(path, "应为字符串")
    if choices and value not in choices:
        raise _err(path, f"应为 {' | '.join(choices)} 之一，实际为 {value!r}")
    if pattern is not None and not pattern.fullmatch(value):
        raise _err(path, f"格式不对：{value!r}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _err(path, "应为 true 或 false")
    return value


def _date(value: Any, path: str) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise _err(path, "应为 YYYY-MM-DD 格式的日期")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _err(path, f"{value} 不是有效日期") from None


def parse_case(data: Any) -> CaseInput:
    """Validate and convert a decoded CASE.json object."""
    if not isinstance(data, dict):
        raise _err("(顶层)", "应为 JSON 对象")
    item = _str(_get(data, "item", ""), "item", ITEMS)
    day = _date(_get(data, "date", ""), "date")
    office = parse_office(_get(data, "office", ""), "office")
    raw_parties = _get(data, "parties", "")
    if not isinstance(raw_parties, list) or not raw_parties:
        raise _err("parties", "应为非空数组")
    parties = tuple(_parse_party(p, f"parties[{i}]", item) for i, p in enumerate(raw_parties))
    _check_roles(item, parties)
    divorce = _parse_divorce(data, item) if item in DIVORCE_ITEMS else {}
    reissue = _parse_reissue(data) if item == "reissue" else {}
    return CaseInput(item, day, office, parties, divorce, reissue)


def parse_office(raw: Any, path: str = "office") -> Office:
    """An office profile object (as in the case file)."""
    code = _str(_get(raw, "code", path), f"{path}.code")
    if not code.strip():
        raise _err(f"{path}.code", "不能为空")
    return Office(
        code=code,
        level=_str(_get(raw, "level", path), f"{path}.level", ("county", "township")),
        region_code=_str(_get(raw, "region_code", path), f"{path}.region_code", pattern=_REGION),
        foreign_designated=_bool(_get(raw, "foreign_designated", path),
                                 f"{path}.foreign_designated"),
        popup=_bool(_get(raw, "popup", path), f"{path}.popup"),
        name=str(raw.get("name", "")),
    )


def _optional_bool(raw: dict, key: str, path: str, needed: bool) -> bool | None:
    value = _get(raw, key, path, required=needed)
    return None if value is None and not needed else _bool(value, f"{path}.{key}")


def _parse_party(raw: Any, path: str, item: str) -> Applicant:
    g = lambda key, **kw: _get(raw, key, path, **kw)
    id_type = _str(g("id_type"), f"{path}.id_type", ID_TYPES)
    valid = g("id_valid_until")
    valid_until = LONG_TERM if valid == LONG_TERM else _date(valid, f"{path}.id_valid_until")
    hukou = g("hukou_region_code", required=id_type == "resident")
    if hukou is None and id_type == "resident":
        raise _err(f"{path}.hukou_region_code", "持居民身份证的当事人须填写 6 位户籍地区划代码")
    if hukou is not None:
        hukou = _str(hukou, f"{path}.hukou_region_code", pattern=_REGION)
    permit = g("residence_permit_region_code", required=False)
    if permit is not None:
        permit = _str(permit, f"{path}.residence_permit_region_code", pattern=_REGION)
    party = Party(
        sex=_str(g("sex"), f"{path}.sex", SEXES),
        birth_date=_date(g("birth_date"), f"{path}.birth_date"),
        id_type=id_type,
        id_number=_str(g("id_number"), f"{path}.id_number"),
        id_valid_until=valid_until,
        nationality=_str(g("nationality"), f"{path}.nationality", pattern=_ALPHA3),
        hukou_region_code=hukou,
        residence_permit_region_code=permit,
        serviceman=_bool(g("serviceman", required=False, default=False), f"{path}.serviceman"),
        name=str(raw.get("name", "")),
        ethnicity=ethnicity_code(raw.get("ethnicity")),
        address=str(raw.get("address") or ""),
    )
    marriage = item in MARRIAGE_ITEMS
    return Applicant(
        role=_str(g("role"), f"{path}.role", ROLES),
        party=party,
        marital_status_check=_str(g("marital_status_check", required=False,
                                    default="unchecked"),
                                  f"{path}.marital_status_check", MARITAL_CHECKS),
        voluntary=_optional_bool(raw, "voluntary", path, marriage),
        kinship_declared_none=_optional_bool(raw, "kinship_declared_none", path, marriage),
    )


def _check_roles(item: str, parties: tuple[Applicant, ...]) -> None:
    if item in MARRIAGE_ITEMS or item in ("divorce_application", "divorce_completion"):
        roles = sorted(a.role for a in parties)
        if roles != ["man", "woman"]:
            raise _err("parties", "本事项须男女双方共同到场：应恰好有 role 为 man 和 woman "
                                  "的两方")
    elif len(parties) > 2:
        raise _err("parties", "当事人最多两方")
    for i, a in enumerate(parties):
        expected = SEX_OF_ROLE.get(a.role)
        if expected and a.party.sex != expected:
            raise _err(f"parties[{i}].sex", f"role 为 {a.role} 的当事人性别应为 {expected}")


def _parse_divorce(data: dict, item: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    needs_facts = item != "divorce_withdrawal"
    for key in ("agreement_signed", "both_full_capacity", "marriage_registered_in_mainland"):
        value = _get(data, key, "", required=needs_facts)
        out[key] = None if value is None else _bool(value, key)
    needs_receipt = item != "divorce_application"
    receipt = _get(data, "receipt_date", "", required=needs_receipt)
    out["receipt_date"] = None if receipt is None else _date(receipt, "receipt_date")
    office = _get(data, "receiving_office_code", "", required=needs_receipt)
    out["receiving_office_code"] = None if office is None else _str(office,
                                                                     "receiving_office_code")
    return out


def _parse_reissue(data: dict) -> dict[str, Any]:
    return {
        "archive_record_found": _bool(_get(data, "archive_record_found", ""),
                                      "archive_record_found"),
        "status_unchanged": _bool(_get(data, "status_unchanged", ""), "status_unchanged"),
        "original_office_code": _str(_get(data, "original_office_code", ""),
                                     "original_office_code"),
    }
