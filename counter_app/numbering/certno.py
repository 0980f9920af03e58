"""Certificate 字号 and blank 印制号 formats (pure).

字号 (2015 《婚姻登记工作规范》 附则 as reported, reference/law.md §4 [F]): a prefix — ``J``
marriage, ``L`` divorce, ``BJ`` reissued marriage, ``BL`` reissued divorce — then the 6-digit
GB/T 2260 division code of the issuing office, the year of issue and a 6-digit serial within
that year: ``J110101-2010-000001``.

印制号 (the nationally unified print number on each blank booklet, allocated to provinces in
ranges, law.md §4 [V] that it exists): its exact format was NOT found. [M] We assume an optional
prefix of up to 4 capital letters followed by 6 to 12 digits (e.g. ``A0012345``, ``110000123``);
a range shares the prefix and the digit width, and its blanks are the consecutive numbers from
``first`` to ``last``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from counter_app.errors import CounterAppError

PREFIXES = ("J", "L", "BJ", "BL")
PREFIX_ZH = {"J": "结婚证", "L": "离婚证", "BJ": "补发结婚证", "BL": "补发离婚证"}
CERTIFICATES = ("marriage", "divorce")
MAX_RANGE = 100_000  # a 印制号 range larger than this is taken for a typing error

_CERTNO = re.compile(r"(BJ|BL|J|L)([0-9]{6})-([0-9]{4})-([0-9]{6})")
_PRINTNO = re.compile(r"([A-Z]{0,4})([0-9]{6,12})")


class NumberFormatError(CounterAppError):
    code = "numbering.bad_format"


@dataclass(frozen=True)
class CertNo:
    prefix: str
    division_code: str
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.prefix}{self.division_code}-{self.year:04d}-{self.serial:06d}"


def format_certno(prefix: str, division_code: str, year: int, serial: int) -> str:
    """``J110101-2010-000001``; raises NumberFormatError on a bad part."""
    if prefix not in PREFIXES:
        raise NumberFormatError(f"证书字头应为 J、L、BJ 或 BL，实际为 {prefix!r}。")
    if not re.fullmatch(r"[0-9]{6}", division_code or ""):
        raise NumberFormatError(f"行政区划代码应为 6 位数字，实际为 {division_code!r}。")
    if not (1950 <= year <= 9999) or not (1 <= serial <= 999_999):
        raise NumberFormatError(f"年份 {year} 或序号 {serial} 超出范围。")
    return str(CertNo(prefix, division_code, year, serial))


def parse_certno(text: str) -> CertNo:
    match = _CERTNO.fullmatch((text or "").strip().upper())
    if not match:
        raise NumberFormatError(f"证书字号格式不对：{text!r}（应如 J110101-2010-000001）。")
    prefix, division, year, serial = match.groups()
    return CertNo(prefix, division, int(year), int(serial))


@dataclass(frozen=True)
class PrintNo:
    prefix: str
    number: int
    width: int

    def __str__(self) -> str:
        return f"{self.prefix}{self.number:0{self.width}d}"


def parse_printno(text: str) -> PrintNo:
    """A 印制号 (format assumed, see the module docstring)."""
    match = _PRINTNO.fullmatch((text or "").strip().upper())
    if not match:
        raise NumberFormatError(
            f"印制号格式不对：{text!r}（应为至多 4 个大写字母加 6 到 12 位数字）。")
    prefix, digits = match.groups()
    return PrintNo(prefix, int(digits), len(digits))


def printno_range(first: str, last: str) -> tuple[PrintNo, PrintNo]:
    """Validate a range: same prefix and width, first <= last, at most MAX_RANGE blanks."""
    a, b = parse_printno(first), parse_printno(last)
    if (a.prefix, a.width) != (b.prefix, b.width):
        raise NumberFormatError(f"印制号段首尾格式不一致：{first} 与 {last}。")
    if b.number < a.number:
        raise NumberFormatError(f"印制号段结束号 {last} 小于起始号 {first}。")
    if b.number - a.number + 1 > MAX_RANGE:
        raise NumberFormatError(f"印制号段 {first}—{last} 超过 {MAX_RANGE} 张，请核对。")
    return a, b
