"""Office profiles known to this installation (resources/rules/offices.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from counter_app.errors import CounterAppError
from counter_app.resources import resource_path
from counter_app.rules.caseinput import CaseInputError, Office, parse_office
from counter_app.rules.packs import RulePackError


def load_offices(path: Path | None = None) -> dict[str, Office]:
    """Every office profile in the file, by code."""
    path = path or resource_path("rules", "offices.toml")
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        offices = [parse_office(o, f"office[{i}]") for i, o in enumerate(raw.get("office", []))]
    except (OSError, tomllib.TOMLDecodeError, CaseInputError) as exc:
        raise RulePackError("机关信息文件有误，请重新安装软件。",
                            detail=f"{path}: {exc}") from None
    return {o.code: o for o in offices}


def find_office(code: str, path: Path | None = None) -> Office:
    """The profile of office ``code`` (CaseInputError naming the code when unknown)."""
    offices = load_offices(path)
    try:
        return offices[code]
    except KeyError:
        known = "、".join(sorted(offices))
        raise CaseInputError(
            f"未知的婚姻登记机关代码 {code}。已知：{known}；或用 --level/--region 等参数描述机关。",
            detail=f"unknown office {code}") from None


def counter_office(code: str, path: Path | None = None) -> Office:
    """This counter's office from its ``office.code`` setting (CounterAppError when unset)."""
    if not code:
        raise CounterAppError("本机还没有设置所属婚姻登记机关（office.code），请联系技术人员。",
                              code="office.not_set")
    return find_office(code, path)


def office_profile(office: Office) -> dict:
    """``office`` as the rules' case file wants it (the ``office`` object of docs/rules.md)."""
    return {"code": office.code, "level": office.level, "region_code": office.region_code,
            "foreign_designated": office.foreign_designated, "popup": office.popup}
