"""Builders for rules-check case files (the public JSON shape of docs/rules.md)."""

from __future__ import annotations

import copy

from counter_app.domain.idnumber import check_digit


def id_number(region: str, birth: str, sex: str) -> str:
    """A valid 18-digit number for a region, a birth date (YYYY-MM-DD) and a sex."""
    first17 = region + birth.replace("-", "") + ("123" if sex == "male" else "124")
    return first17 + check_digit(first17)


def party(role: str, birth: str, hukou: str | None = "110105", **over) -> dict:
    sex = {"man": "male", "woman": "female"}.get(role, over.get("sex", "male"))
    p = {
        "role": role, "sex": sex, "birth_date": birth, "id_type": "resident",
        "id_number": id_number(hukou or "110105", birth, sex), "id_valid_until": "long-term",
        "nationality": "CHN", "hukou_region_code": hukou, "residence_permit_region_code": None,
        "marital_status_check": "unmarried", "serviceman": False, "voluntary": True,
        "kinship_declared_none": True,
    }
    p.update(over)
    return p


def office(region: str = "110105", level: str = "county", code: str | None = None,
           foreign: bool = False, popup: bool = False) -> dict:
    return {"code": code or f"{region}-{'HY' if level == 'county' else 'XZ'}", "level": level,
            "region_code": region, "foreign_designated": foreign, "popup": popup}


def make_case(item: str = "marriage", day: str = "2026-11-23", off: dict | None = None,
              man_hukou: str | None = "110105", woman_hukou: str | None = "110105",
              **extra) -> dict:
    case = {"item": item, "date": day, "office": off or office(),
            "parties": [party("man", "1990-05-01", man_hukou),
                        party("woman", "1992-06-02", woman_hukou)]}
    if item in ("divorce_application", "divorce_completion", "divorce_withdrawal"):
        case.update({"agreement_signed": True, "both_full_capacity": True,
                     "marriage_registered_in_mainland": True, "receipt_date": None,
                     "receiving_office_code": case["office"]["code"]})
    if item == "reissue":
        case.update({"archive_record_found": True, "status_unchanged": True,
                     "original_office_code": case["office"]["code"]})
    case.update(extra)
    return copy.deepcopy(case)



def codes(answer: dict) -> list[str]:
    return [r["code"] for r in answer["reasons"]]
