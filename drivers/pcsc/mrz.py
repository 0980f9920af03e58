"""Machine-readable zones (ICAO Doc 9303 Parts 4-6): TD3 passports (2×44), TD1 cards and the
mainland exit-entry permits 往来港澳/台湾通行证 (3×30, codes CS/CD), TD2 (2×36).

Check digits use the 7-3-1 rule (``counter_app.domain.idnumber.mrz_check_digit``). A failed
check digit is reported in ``problems`` (Chinese) rather than raised: the registrar compares
with the document; only text that is not an MRZ at all raises :class:`MrzError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from counter_app.domain.idnumber import mrz_check_digit
from counter_app.errors import CounterAppError

_ALLOWED = re.compile(r"[A-Z0-9<]+")


class MrzError(CounterAppError):
    """The text is not a machine-readable zone this program knows."""

    code = "pcsc.mrz_invalid"


@dataclass
class Mrz:
    """The fields of a machine-readable zone (dates stay YYMMDD as printed)."""

    format: str
    document_code: str
    issuing_state: str
    document_number: str
    birth_date: str
    sex: str                 # "male" | "female" | "unknown"
    expiry_date: str
    nationality: str
    surname: str
    given_names: str
    optional_data: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when every check digit matched."""
        return not self.problems

    def as_dict(self) -> dict:
        """A JSON-ready dict of the fields."""
        return {k: getattr(self, k) for k in (
            "format", "document_code", "issuing_state", "document_number", "birth_date", "sex",
            "expiry_date", "nationality", "surname", "given_names", "optional_data",
            "problems")}


def parse(text: str) -> Mrz:
    """Parse an MRZ given as lines (newline-separated, or one string of 88/90/72 chars)."""
    lines = [ln.strip().upper() for ln in text.replace("\r", "").split("\n") if ln.strip()]
    if len(lines) == 1:
        line = lines[0]
        size = {88: 44, 90: 30, 72: 36}.get(len(line))
        lines = [line[i: i + size] for i in range(0, len(line), size)] if size else lines
    shape = tuple(len(ln) for ln in lines)
    if any(not _ALLOWED.fullmatch(ln) for ln in lines):
        raise MrzError("机读区只能包含大写字母、数字和“<”，请核对。", detail=f"shape {shape}")
    if shape == (44, 44):
        return _td3(*lines)
    if shape == (30, 30, 30):
        return _td1(*lines)
    if shape == (36, 36):
        return _td2(*lines)
    raise MrzError("无法识别的机读区格式（应为 2×44、3×30 或 2×36 个字符）。",
                   detail=f"line lengths {shape}")


def _names(field_text: str) -> tuple[str, str]:
    surname, _, given = field_text.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _sex(ch: str) -> str:
    return {"M": "male", "F": "female"}.get(ch, "unknown")


def _check(problems: list[str], value: str, digit: str, label: str) -> None:
    if digit == "<" and not value.strip("<"):
        return  # an empty optional field may have a filler check digit
    if mrz_check_digit(value) != digit:
        problems.append(f"机读区{label}的校验位不符，请核对证件。")


def _td3(l1: str, l2: str) -> Mrz:
    surname, given = _names(l1[5:])
    m = Mrz("TD3", l1[0:2].rstrip("<"), l1[2:5].rstrip("<"), l2[0:9].rstrip("<"), l2[13:19],
            _sex(l2[20]), l2[21:27], l2[10:13].rstrip("<"), surname, given,
            l2[28:42].rstrip("<"))
    _check(m.problems, l2[0:9], l2[9], "证件号码")
    _check(m.problems, l2[13:19], l2[19], "出生日期")
    _check(m.problems, l2[21:27], l2[27], "有效期")
    _check(m.problems, l2[28:42], l2[42], "个人号码")
    _check(m.problems, l2[0:10] + l2[13:20] + l2[21:43], l2[43], "综合")
    return m


def _td1(l1: str, l2: str, l3: str) -> Mrz:
    surname, given = _names(l3)
    number, optional, digit = l1[5:14], l1[15:30], l1[14]
    if digit == "<" and optional.strip("<"):
        # Document numbers longer than 9: the rest and its check digit open the optional data.
        rest = optional.split("<", 1)[0]
        number, digit, optional = number + rest[:-1], rest[-1], optional[len(rest):]
    m = Mrz("TD1", l1[0:2].rstrip("<"), l1[2:5].rstrip("<"), number.rstrip("<"), l2[0:6],
            _sex(l2[7]), l2[8:14], l2[15:18].rstrip("<"), surname, given,
            (optional.rstrip("<") + " " + l2[18:29].rstrip("<")).strip())
    _check(m.problems, number, digit, "证件号码")
    _check(m.problems, l2[0:6], l2[6], "出生日期")
    _check(m.problems, l2[8:14], l2[14], "有效期")
    _check(m.problems, l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29], "综合")
    return m


def _td2(l1: str, l2: str) -> Mrz:
    surname, given = _names(l1[5:])
    m = Mrz("TD2", l1[0:2].rstrip("<"), l1[2:5].rstrip("<"), l2[0:9].rstrip("<"), l2[13:19],
            _sex(l2[20]), l2[21:27], l2[10:13].rstrip("<"), surname, given,
            l2[28:35].rstrip("<"))
    _check(m.problems, l2[0:9], l2[9], "证件号码")
    _check(m.problems, l2[13:19], l2[19], "出生日期")
    _check(m.problems, l2[21:27], l2[27], "有效期")
    _check(m.problems, l2[0:10] + l2[13:20] + l2[21:35], l2[35], "综合")
    return m
