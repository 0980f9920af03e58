"""Parties to a registration: who they are and what was recorded about them (pure).

A :class:`Party` is a person as their identity document and hukou describe them. An
:class:`Applicant` is a party in one case: their role there and what the registrar recorded
(the 联网核对 marital-status result, voluntariness, the kinship declaration). A
:class:`PartyRecord` is a party as a historical registration record (the archive) has them.

A party recorded at the counter is journaled as the record it was entered as (the
``intake.party`` payload, docs/rules.md's party fields plus address and ethnicity);
:meth:`Party.from_record` is the one way back to the typed value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from counter_app.domain.idnumber import ID_TYPES

LONG_TERM = "long-term"  # 长期 validity on an ID card
LONG_TERM_ZH = "长期"  # how the card and the forms print it

ROLES = ("man", "woman", "applicant")
SEXES = ("male", "female")
MARITAL_CHECKS = ("unmarried", "married", "divorced", "widowed", "unchecked")

#: Document kinds held by people who are not mainland residents.
HMT_ID_TYPES = ("hmt_residence_permit", "hk_macau_permit", "taiwan_permit")
FOREIGN_ID_TYPES = ("foreign_permanent",)

ROLE_ZH = {"man": "男方", "woman": "女方", "applicant": "申请人"}
#: The sex each of a couple's roles has on its documents (the 男方 is the male party), and back.
SEX_OF_ROLE = {"man": "male", "woman": "female"}
ROLE_OF_SEX = {sex: role for role, sex in SEX_OF_ROLE.items()}
ID_TYPE_ZH = {
    "resident": "居民身份证",
    "hmt_residence_permit": "港澳台居民居住证",
    "foreign_permanent": "外国人永久居留身份证",
    "passport": "护照",
    "hk_macau_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
}


@dataclass(frozen=True)
class Party:
    """A person as their documents describe them."""

    sex: str  # "male" | "female"
    birth_date: date
    id_type: str  # one of counter_app.domain.idnumber.ID_TYPES
    id_number: str
    id_valid_until: date | str  # a date, or LONG_TERM
    nationality: str  # ISO 3166-1 alpha-3, "CHN" for Chinese citizens
    hukou_region_code: str | None = None  # GB/T 2260, 6 digits; None when not a mainland resident
    residence_permit_region_code: str | None = None  # where a 居住证 was issued
    serviceman: bool = False  # 现役军人
    name: str = ""
    ethnicity: str | None = None  # GB/T 3304 code (see counter_app.domain.ethnicity)
    address: str = ""  # 住址 as the ID card gives it

    def __post_init__(self) -> None:
        assert self.sex in SEXES, self.sex
        assert self.id_type in ID_TYPES, self.id_type

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Party:
        """The party of a record written by the intake after validating it (an
        ``intake.party`` or ``reissue.party`` payload's ``party``)."""
        valid = record["id_valid_until"]
        return cls(sex=record["sex"], birth_date=date.fromisoformat(record["birth_date"]),
                   id_type=record.get("id_type") or "resident", id_number=record["id_number"],
                   id_valid_until=valid if valid == LONG_TERM else date.fromisoformat(valid),
                   nationality=record.get("nationality") or "CHN",
                   hukou_region_code=record.get("hukou_region_code") or None,
                   residence_permit_region_code=record.get("residence_permit_region_code"),
                   serviceman=bool(record.get("serviceman", False)),
                   name=record.get("name") or "",
                   ethnicity=ethnicity_code(record.get("ethnicity")),
                   address=record.get("address") or "")

    @property
    def category(self) -> str:
        """``mainland``, ``hmt`` (HK/Macau/Taiwan), ``overseas_chinese`` or ``foreign``."""
        if self.id_type == "resident":
            return "mainland"
        if self.id_type in HMT_ID_TYPES:
            return "hmt"
        if self.id_type == "passport" and self.nationality == "CHN":
            return "overseas_chinese"
        return "foreign"

    @property
    def is_mainland_resident(self) -> bool:
        """True for a holder of a 居民身份证 (内地居民)."""
        return self.category == "mainland"

    def age_on(self, day: date) -> int:
        """Completed years on ``day``; the birthday itself counts."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)

    def document_valid_on(self, day: date) -> bool:
        """True when the identity document is valid on ``day`` (its last day included)."""
        return self.id_valid_until == LONG_TERM or day <= self.id_valid_until  # type: ignore[operator]


@dataclass(frozen=True)
class Applicant:
    """A party in one case, with what the registrar recorded for that case."""

    role: str  # "man" | "woman" | "applicant"
    party: Party
    marital_status_check: str = "unchecked"  # recorded 联网核对 result
    voluntary: bool | None = None  # registrar's record of free will (None: not recorded)
    kinship_declared_none: bool | None = None  # signed declaration of no prohibited kinship

    def __post_init__(self) -> None:
        assert self.role in ROLES, self.role
        assert self.marital_status_check in MARITAL_CHECKS, self.marital_status_check

    @property
    def role_zh(self) -> str:
        """男方, 女方 or 申请人, for messages."""
        return ROLE_ZH[self.role]


@dataclass(frozen=True)
class PartyRecord:
    """One party of a historical registration record (the archive a reissue is made from)."""

    role: str
    name: str
    id_number: str  # 18 digits, or "" when the record has none
    birth_date: str  # ISO date, or "" when unknown (then the ID number gives it)

    @property
    def sex(self) -> str:
        """The sex of the record's column (男方 male, 女方 female)."""
        return SEX_OF_ROLE[self.role]


def ethnicity_code(value: Any) -> str | None:
    """The ethnicity as recorded: a card gives {"code": "01", "name": "汉"}, the rest of the
    app keeps the code (or the name, when a record has no code)."""
    if isinstance(value, dict):
        return value.get("code") or value.get("name") or None
    return value or None
