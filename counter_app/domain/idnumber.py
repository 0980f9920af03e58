"""Identity-document numbers: validation, check digits and 15 -> 18 upgrade (pure, no I/O).

Rules (../shared/reference/identity.md §3):

* 18-digit 公民身份号码 (GB 11643-1999): address code (6) + birth date YYYYMMDD (8) +
  sequence (3, odd = male) + check character, ISO 7064 MOD 11-2.
* 15-digit numbers (GB 11643-1989): address (6) + YYMMDD + sequence (3); upgraded by inserting
  "19" and appending the check character (wrong for people born before 1900, who cannot hold one
  of these anyway in practice).
* 港澳台居民居住证 numbers are 18-digit citizen-style numbers with address code 810000 (HK),
  820000 (Macau) or 830000 (Taiwan).
* 2023 外国人永久居留身份证: 18 digits beginning with ``9``: ``9`` + acceptance province (2) +
  ISO 3166 numeric nationality (3) + YYYYMMDD + sequence (3) + MOD 11-2 check. [M: layout per
  CredentialKit / eastcoms, medium confidence.]
* 2017 外国人永久居留身份证: 3 Latin letters + 12 digits; the 15th character is a 7-3-1 (MRZ)
  check over the first 14. [M: CredentialKit, medium confidence; the sex digit's parity is
  assumed to follow the citizen rule.]
* Passports and 通行证 get a format check only; their numbers carry no birth date or sex.

Our own MOD 11-2 and date checks are the hard errors. python-stdnum is consulted only for
resident numbers and only as a *warning*: its division table rejects people whose address code
did not exist in their birth year (identity.md §3.5).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

#: The id_type values accepted (the same strings as the rules-check input).
ID_TYPES = ("resident", "hmt_residence_permit", "foreign_permanent", "passport",
            "hk_macau_permit", "taiwan_permit")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# Compiled once: an archive import checks a million numbers.
_SEPARATORS = re.compile(r"[\s\-]")
_SHAPE_18 = re.compile(r"[0-9]{17}[0-9X]")
_SHAPE_15 = re.compile(r"[0-9]{15}")

#: First two digits of GB/T 2260 province-level codes (incl. 71 Taiwan, 81/82 HK/Macau).
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82"})
_HMT_CODES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}


@dataclass(frozen=True)
class Problem:
    """One finding about a number: a stable code, a Chinese message, and how serious it is."""

    code: str
    message_zh: str
    severity: str = "error"  # "error" makes the number unusable; "warning" is advisory


@dataclass
class IdNumberResult:
    """The verdict on one number. ``ok`` is True when no problem has severity "error"."""

    ok: bool
    normalized: str
    problems: list[Problem] = field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = None  # "male" | "female" | None
    region_code: str | None = None

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the number unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Advisory problems (15-digit upgrade, python-stdnum disagreement)."""
        return [p for p in self.problems if p.severity == "warning"]


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character ("0"-"9" or "X") for the first 17 digits of a number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def upgrade_15_to_18(number15: str) -> str:
    """Convert a 15-digit (1989) number to 18 digits: insert "19" after the address code."""
    if len(number15) != 15 or not number15.isascii() or not number15.isdigit():
        raise ValueError("upgrade_15_to_18 needs exactly 15 ASCII digits")
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_digit(first17)


def normalize(number: str) -> str:
    """Full-width to ASCII, spaces and dashes removed, letters upper-cased."""
    text = unicodedata.normalize("NFKC", number or "")
    return _SEPARATORS.sub("", text).upper()


def validate(number: str, id_type: str, *, advisory: bool = True) -> IdNumberResult:
    """Check ``number`` as a document of ``id_type`` (one of ``ID_TYPES``). ``advisory=False``
    skips python-stdnum's division-table opinion (a warning only, and about 0.2 ms a number):
    for bulk checks such as an archive import, which keeps no warnings but the 15-digit one."""
    norm = normalize(number)
    if id_type not in ID_TYPES:
        return _fail(norm, "idnumber.unknown_type", f"未知的证件类型：{id_type}")
    if not norm:
        return _fail(norm, "idnumber.empty", "证件号码为空，请输入证件号码。")
    if id_type == "resident":
        return _resident(norm, advisory)
    if id_type == "hmt_residence_permit":
        return _hmt_permit(norm)
    if id_type == "foreign_permanent":
        return _foreign_permanent(norm)
    return _travel_document(norm, id_type)


def _fail(norm: str, code: str, message_zh: str) -> IdNumberResult:
    return IdNumberResult(ok=False, normalized=norm, problems=[Problem(code, message_zh)])


def _finish(result: IdNumberResult) -> IdNumberResult:
    result.ok = not result.errors
    return result


def _check_18(norm: str, label: str) -> IdNumberResult:
    """Shape, birth date and MOD 11-2 of an 18-digit citizen-style number."""
    result = IdNumberResult(ok=False, normalized=norm)
    if not _SHAPE_18.fullmatch(norm):
        result.problems.append(Problem(
            "idnumber.format", f"{label}应为18位：前17位为数字，最后一位为数字或X。"))
        return result
    birth = _parse_date(norm[6:14])
    if birth is None:
        result.problems.append(Problem(
            "idnumber.birth_date", f"{label}中的出生日期 {norm[6:14]} 不是有效日期。"))
    elif birth.year < 1880:
        result.problems.append(Problem(
            "idnumber.birth_date", f"{label}中的出生年份 {birth.year} 不合理。"))
    expected = check_digit(norm[:17])
    if norm[17] != expected:
        result.problems.append(Problem(
            "idnumber.check_digit",
            f"{label}校验位错误：最后一位应为 {expected}，实际为 {norm[17]}，请核对号码。"))
    result.birth_date = birth
    result.sex = "male" if int(norm[16]) % 2 else "female"
    result.region_code = norm[:6]
    return result


def _parse_date(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def _resident(norm: str, advisory: bool = True) -> IdNumberResult:
    upgraded = False
    if _SHAPE_15.fullmatch(norm):
        norm, upgraded = upgrade_15_to_18(norm), True
    result = _check_18(norm, "公民身份号码")
    if upgraded:
        result.problems.append(Problem(
            "idnumber.upgraded_15",
            f"15位旧号码已按规则升为18位：{norm}，请与身份证核对。", "warning"))
    if result.region_code and not result.errors:
        if result.region_code in _HMT_CODES or norm.startswith("9"):
            result.problems.append(Problem(
                "idnumber.type_mismatch",
                "该号码是港澳台居民居住证或外国人永久居留身份证号码，请选择对应的证件类型。"))
        elif result.region_code[:2] not in _PROVINCES:
            result.problems.append(Problem(
                "idnumber.region", f"公民身份号码的地址码 {result.region_code} 不属于任何省份。"))
        elif advisory:
            result.problems.extend(_stdnum_cross_check(norm))
    return _finish(result)


def _stdnum_cross_check(norm: str) -> list[Problem]:
    """python-stdnum's opinion, as a warning only (its division table has year ranges)."""
    try:
        from stdnum.cn import ric
        from stdnum.exceptions import ValidationError
    except ImportError:  # the library is optional here: our own checks are the hard ones
        return []
    try:
        ric.validate(norm)
    except (ValidationError, KeyError, ValueError) as exc:
        # KeyError: some stdnum 2.2 table rows lack a county name; still only advisory.
        return [Problem(
            "idnumber.stdnum_disagrees",
            "号码校验通过，但地址码与出生年份在行政区划表中对不上（可能是迁移或区划调整），"
            f"请与证件核对。({type(exc).__name__})", "warning")]
    return []


def _hmt_permit(norm: str) -> IdNumberResult:
    result = _check_18(norm, "港澳台居民居住证号码")
    if result.region_code and result.region_code not in _HMT_CODES:
        result.problems.append(Problem(
            "idnumber.hmt_prefix",
            "港澳台居民居住证号码应以 810000（香港）、820000（澳门）或 830000（台湾）开头。"))
    return _finish(result)


def _foreign_permanent(norm: str) -> IdNumberResult:
    if re.fullmatch(r"9[0-9]{16}[0-9X]", norm):
        return _foreign_2023(norm)
    if re.fullmatch(r"[A-Z]{3}[0-9]{12}", norm):
        return _foreign_2017(norm)
    return _fail(norm, "idnumber.format",
                 "外国人永久居留身份证号码应为以9开头的18位号码（2023版）"
                 "或3个字母加12位数字（2017版）。")


def _foreign_2023(norm: str) -> IdNumberResult:
    # Laid out like a citizen's number (birth date, MOD 11-2, sex digit), with a '9' and the
    # province of the receiving office in front.
    result = _check_18(norm, "永久居留身份证号码")
    if norm[1:3] not in _PROVINCES:
        result.problems.append(Problem(
            "idnumber.region", f"永久居留身份证号码的受理地代码 {norm[1:3]} 不属于任何省份。"))
    result.region_code = norm[1:3] + "0000"
    return _finish(result)


def mrz_check_digit(text: str) -> str:
    """ICAO 9303 7-3-1 check digit (digits as themselves, A-Z as 10-35, '<' as 0)."""
    total = 0
    for i, ch in enumerate(text):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - ord("A") + 10
        elif ch == "<":
            value = 0
        else:
            raise ValueError(f"character {ch!r} not allowed in an MRZ field")
        total += value * (7, 3, 1)[i % 3]
    return str(total % 10)


def _foreign_2017(norm: str) -> IdNumberResult:
    result = IdNumberResult(ok=False, normalized=norm)
    yymmdd = norm[7:13]
    # The 2017 card was issued until 2023-11-30, so a two-digit year above 23 is a 19xx birth.
    # [M] century rule is our inference, not from the issuing rules.
    century = "20" if int(yymmdd[:2]) <= 23 else "19"
    birth = _parse_date(century + yymmdd)
    if birth is None:
        result.problems.append(Problem(
            "idnumber.birth_date", f"永久居留身份证号码中的出生日期 {yymmdd} 无效。"))
    expected = mrz_check_digit(norm[:14])
    if norm[14] != expected:
        result.problems.append(Problem(
            "idnumber.check_digit",
            f"永久居留身份证号码校验位错误：最后一位应为 {expected}，实际为 {norm[14]}。"))
    result.birth_date = birth
    result.sex = "male" if int(norm[13]) % 2 else "female"  # [M] parity convention assumed
    return _finish(result)


# [M] formats from common practice, unverified against the issuing rules:
#   港澳居民来往内地通行证: H or M + 8 digits (card, since 2013), or + 10 digits (old booklet);
#   台湾居民来往大陆通行证: 8 digits (card, since 2015) or 10 digits / letter + digits (old);
#   passports: 5-20 letters and digits (countries differ; ICAO numbers are up to 9 characters).
_TRAVEL_FORMATS = {
    "hk_macau_permit": (r"[HM][0-9]{8}([0-9]{2})?", "港澳居民来往内地通行证号码应为 H 或 M 加 8 位（旧版 10 位）数字。"),
    "taiwan_permit": (r"[0-9]{8}|[0-9]{10}|[A-Z][0-9]{9}|[0-9]{8}[A-Z]", "台湾居民来往大陆通行证号码应为 8 位数字（旧版 10 位）。"),
    "passport": (r"[A-Z0-9]{5,20}", "护照号码应为 5 到 20 位字母或数字。"),
}


def _travel_document(norm: str, id_type: str) -> IdNumberResult:
    pattern, message = _TRAVEL_FORMATS[id_type]
    if not re.fullmatch(pattern, norm):
        return _fail(norm, "idnumber.format", message)
    return IdNumberResult(ok=True, normalized=norm)
