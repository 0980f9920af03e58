"""The rules-check input (the CASE.json of ``counter-app rules check``), parsed strictly.

The shape is a public interface, documented field by field in docs/rules.md. Every malformed
field raises :class:`CaseInputError` naming the field (``parties[1].birth_date``) in Chinese.
:func:`parse_case` is for JSON from outside (a file, the CLI); the workflows build
:class:`CaseInput` from their typed parties directly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from counter_app.domain.idnumber import ID_TYPES
from counter_app.domain.party import (LONG_TERM, MARITAL_CHECKS, ROLES, SEX_OF_ROLE, SEXES,
                                      Applicant, Party, ethnicity_code)
from counter_app.domain.text import describe_char, forbidden_char
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
#: The dates a case can happen on (its day, a divorce's receipt, a form's dates): from the
#: first Marriage Law (1950-05-01) to a bound far enough out for any real case, so that date
#: arithmetic (the divorce periods) never runs off the calendar's end (9999-12-31).
EVENT_DATES = (date(1950, 5, 1), date(2199, 12, 31))


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
    bad = forbidden_char(value)
    if bad is not None:
        raise _err(path, f"含有不可打印的控制字符 {describe_char(bad)}")
    if choices and value not in choices:
        raise _err(path, f"应为 {' | '.join(choices)} 之一，实际为 {value!r}")
    if pattern is not None and not pattern.fullmatch(value):
        raise _err(path, f"格式不对：{value!r}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _err(path, "应为 true 或 false")
    return value


def _date(value: Any, path: str, within: tuple[date, date] | None = None) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise _err(path, "应为 YYYY-MM-DD 格式的日期")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _err(path, f"{value} 不是有效日期") from None
    if within is not None and not within[0] <= day <= within[1]:
        raise _err(path, f"{value} 不在 {within[0]} 至 {within[1]} 之间，请核对日期")
    return day


def date_field(value: Any, path: str) -> date:
    """A case-file date of an event (YYYY-MM-DD, within EVENT_DATES), or CaseInputError."""
    return _date(value, path, EVENT_DATES)


def text_field(value: Any, path: str, *, multiline: bool = False) -> str:
    """An optional free-text field: a string (null or absent: ""), without control
    characters (``multiline``: line breaks allowed), or CaseInputError naming the field."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _err(path, "应为字符串")
    bad = forbidden_char(value, allow="\n" if multiline else "")
    if bad is not None:
        raise _err(path, f"含有不可打印的控制字符 {describe_char(bad)}")
    return value


def decode_case_json(text: str, source: str) -> Any:
    """The decoded JSON of a case file, or CaseInputError saying what is wrong with it:
    syntax, nesting deeper than the decoder can follow, numbers longer than Python converts."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseInputError(
            f"案件文件 {source} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}",
            detail=f"json: {exc}") from None
    except RecursionError:
        raise CaseInputError(f"案件文件 {source} 的 JSON 嵌套层数过多，不是案件文件。",
                             detail="json nesting too deep") from None
    except ValueError as exc:  # int("9" * 5000): Python's limit on integer digits
        raise CaseInputError(f"案件文件 {source} 中有位数过多的数字，不是案件文件。",
                             detail=f"json number: {exc}") from None


def read_case_json(path: Path | str) -> Any:
    """Read and decode a case file (UTF-8 JSON), or CaseInputError naming the problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseInputError(f"无法读取案件文件 {path}：找不到该文件", detail="not found") from None
    except OSError as exc:
        raise CaseInputError(f"无法读取案件文件 {path}：{exc.strerror or exc}",
                             detail=f"read {path}: {exc}") from None
    except UnicodeDecodeError:
        raise CaseInputError(f"案件文件 {path} 不是 UTF-8 编码的文本。",
                             detail="not utf-8") from None
    return decode_case_json(text, str(path))


def parse_case(data: Any) -> CaseInput:
    """Validate and convert a decoded CASE.json object."""
    if not isinstance(data, dict):
        raise _err("(顶层)", "应为 JSON 对象")
    item = _str(_get(data, "item", ""), "item", ITEMS)
    day = date_field(_get(data, "date", ""), "date")
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
        name=text_field(raw.get("name"), f"{path}.name"),
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
        name=text_field(raw.get("name"), f"{path}.name"),
        ethnicity=_ethnicity(raw.get("ethnicity"), f"{path}.ethnicity"),
        address=text_field(raw.get("address"), f"{path}.address"),
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


def _ethnicity(raw: Any, path: str) -> str | None:
    """A GB/T 3304 code or name, or a card's {"code", "name"} object."""
    if isinstance(raw, dict):
        for key in ("code", "name"):
            text_field(raw.get(key), f"{path}.{key}")
    elif raw is not None:
        text_field(raw, path)
    return ethnicity_code(raw)


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
    out["receipt_date"] = None if receipt is None else date_field(receipt, "receipt_date")
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
