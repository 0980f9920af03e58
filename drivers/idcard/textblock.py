"""Parse the 256-byte text block of the four card types a resident-ID reader returns.

Layouts from identity.md §1.7 (resident, GA/T 490) and §2 ('J' HK/Macau/Taiwan residence
permit, 'I' 2017 and 'Y' 2023 foreigner permanent-residence cards). The block is UCS-2/UTF-16LE,
fixed-width, padded with spaces (and sometimes NULs); the card type is the character at byte
248. Always dispatch on that byte first: the layouts differ and a resident parser would read
a 'Y' card's English name as an address.

Nothing is silently dropped: anything odd (bad date, unknown ethnicity code, private-use
characters, an ID number that fails its check) becomes a Chinese warning on the record, and
the raw block stays attached so a registrar can confirm against the card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, overload

from counter_app.domain import ethnicity as ethnicity_table
from counter_app.domain import idnumber
from counter_app.domain.party import LONG_TERM
from counter_app.errors import CounterAppError

CARD_TYPES = {" ": "resident", "J": "hmt_residence_permit", "I": "foreign_2017",
              "Y": "foreign_2023"}
#: card_type -> id_type understood by counter_app.domain.idnumber.validate
ID_TYPE_OF = {"resident": "resident", "hmt_residence_permit": "hmt_residence_permit",
              "foreign_2017": "foreign_permanent", "foreign_2023": "foreign_permanent"}


class CardDataError(CounterAppError):
    """The card data itself cannot be read (wrong size, unknown card type)."""

    code = "idcard.bad_data"


class UnknownCardType(CardDataError):
    """Byte 248 holds a card-type flag this program does not know.

    ``hex_dump`` has the whole block for a technician. It is kept out of ``detail`` because
    ``detail`` goes to the log and the block holds a person's name and number.
    """

    code = "idcard.unknown_card_type"

    def __init__(self, message_zh: str, *, hex_dump: str, detail: str = "") -> None:
        super().__init__(message_zh, detail=detail)
        self.hex_dump = hex_dump


@dataclass
class IdCardRecord:
    """One card's text fields, normalised. ``as_dict()`` is the public JSON shape."""

    card_type: str
    name: str | None = None
    name_en: str | None = None
    sex: str = "unknown"
    ethnicity: ethnicity_table.Ethnicity | None = None
    birth_date: date | None = None
    address: str | None = None
    id_number: str | None = None
    issuer: str | None = None
    valid_from: date | None = None
    valid_until: date | str | None = None
    nationality: str | None = None
    permit_number: str | None = None
    issue_count: int | None = None
    warnings: list[str] = field(default_factory=list)
    #: Fields of the foreigner cards that the JSON does not carry; kept for the record.
    extra: dict[str, str] = field(default_factory=dict)
    raw: bytes = b""

    def as_dict(self) -> dict[str, Any]:
        """The JSON fields of ``counter-app idcard parse --json``, exactly."""
        def iso(d: date | str | None) -> str | None:
            return d.isoformat() if isinstance(d, date) else d
        return {
            "card_type": self.card_type, "name": self.name, "name_en": self.name_en,
            "sex": self.sex,
            "ethnicity": self.ethnicity.as_dict() if self.ethnicity else None,
            "birth_date": iso(self.birth_date), "address": self.address,
            "id_number": self.id_number, "issuer": self.issuer,
            "valid_from": iso(self.valid_from), "valid_until": iso(self.valid_until),
            "nationality": self.nationality, "permit_number": self.permit_number,
            "issue_count": self.issue_count, "warnings": list(self.warnings),
        }


def parse_text_block(block: bytes) -> IdCardRecord:
    """Parse a 256-byte text block into an :class:`IdCardRecord`.

    Raises :class:`CardDataError` for a block of the wrong size and :class:`UnknownCardType`
    (with a hex dump in ``detail``) for an unknown type flag. Never raises anything else.
    """
    if not isinstance(block, (bytes, bytearray)) or len(block) != 256:
        size = len(block) if isinstance(block, (bytes, bytearray)) else type(block).__name__
        raise CardDataError(f"证件文字信息应为 256 字节，实际为 {size}，无法解析。",
                            detail=f"text block size {size}")
    block = bytes(block)
    flag = block[248:250]
    card_type = CARD_TYPES.get(flag.decode("utf-16-le", "replace")) if flag[1] == 0 else None
    if card_type is None:
        raise UnknownCardType(
            f"无法识别的证件类型标志 {flag.hex(' ').upper()}，请确认证件种类或升级软件。",
            detail=f"unknown card-type flag {flag.hex()} at offset 248",
            hex_dump=hex_dump(block))
    record = IdCardRecord(card_type=card_type, raw=block)
    _FILLERS[card_type](_Fields(block, record.warnings), record)
    _check_id_number(record)
    return record


def hex_dump(data: bytes, width: int = 16) -> str:
    """Offset, hex and printable-ASCII columns, one line per ``width`` bytes."""
    lines = []
    for off in range(0, len(data), width):
        chunk = data[off: off + width]
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{off:04x}  {chunk.hex(' '):<{width * 3}} {text}")
    return "\n".join(lines)


class _Fields:
    """Field access on a block, collecting warnings as it goes."""

    def __init__(self, block: bytes, warnings: list[str]) -> None:
        self.block, self.warnings = block, warnings

    def text(self, offset: int, size: int, label: str) -> str | None:
        return self.decode(self.block[offset: offset + size], label)

    def decode(self, raw: bytes, label: str) -> str | None:
        value = raw.decode("utf-16-le", "surrogatepass")
        value = value.rstrip(" \x00").strip(" \x00")
        if not value:
            return None
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            self.warnings.append(f"{label}含有无法识别的字符（不成对的代理码），请与证件核对。")
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        if any(0xE000 <= ord(c) <= 0xF8FF for c in value):
            # Rare characters are sometimes stored in the private-use area: show, never guess.
            self.warnings.append(f"{label}含有造字区（PUA）字符，显示可能不正确，请与证件核对。")
        if any(ord(c) < 0x20 for c in value):
            self.warnings.append(f"{label}含有控制字符，请与证件核对。")
            value = "".join(c if ord(c) >= 0x20 else "\ufffd" for c in value)
        return value

    @overload
    def date(self, offset: int, label: str) -> date | None: ...
    @overload
    def date(self, offset: int, label: str, *, allow_long_term: bool) -> date | str | None: ...

    def date(self, offset: int, label: str, *,
             allow_long_term: bool = False) -> date | str | None:
        value = self.text(offset, 16, label)
        if value is None:
            return None
        # [M] Whether long-term cards store the text "长期" in the end-date field is not in
        # the sources (identity.md §8); we accept it, and any other non-date is shown
        # verbatim in a warning rather than guessed.
        if allow_long_term and value in ("长期", "長期"):
            return LONG_TERM
        if len(value) == 8 and value.isascii() and value.isdigit():
            try:
                return date(int(value[:4]), int(value[4:6]), int(value[6:]))
            except ValueError:
                pass
        self.warnings.append(f"{label}“{value}”不是有效日期，请与证件核对。")
        return None

    def sex(self, offset: int) -> str:
        value = self.text(offset, 2, "性别")
        sex = {"1": "male", "2": "female", "0": "unknown", "9": "unknown"}.get(value or "")
        if sex is None:
            self.warnings.append(f"性别代码“{value or ''}”无法识别，请与证件核对。")
            return "unknown"
        return sex

    def count(self, offset: int, size: int, label: str) -> int | None:
        value = self.text(offset, size, label)
        if value is None:
            return None
        if value.isascii() and value.isdigit():
            return int(value)
        self.warnings.append(f"{label}“{value}”不是数字，请与证件核对。")
        return None


def _fill_resident(f: _Fields, r: IdCardRecord) -> None:
    _fill_citizen_skeleton(f, r)
    code = f.text(32, 4, "民族代码")
    if code is not None:
        r.ethnicity = ethnicity_table.lookup(code)
        if not r.ethnicity.known:
            r.warnings.append(f"民族代码 {code} 不在 GB/T 3304 表中，请与证件核对民族。")
    else:
        r.warnings.append("证件上没有民族代码，请与证件核对民族。")


def _fill_hmt(f: _Fields, r: IdCardRecord) -> None:
    # [M] The 4-byte ethnicity slot of the 'J' card is assumed blank and ignored (identity.md
    # §2.1/§8, not verified).
    _fill_citizen_skeleton(f, r)
    r.permit_number = f.text(220, 18, "通行证号码")
    r.issue_count = f.count(238, 4, "签发次数")


def _fill_citizen_skeleton(f: _Fields, r: IdCardRecord) -> None:
    r.name = f.text(0, 30, "姓名")
    r.sex = f.sex(30)
    r.birth_date = f.date(36, "出生日期")
    r.address = f.text(52, 70, "住址")
    r.id_number = f.text(122, 36, "证件号码")
    r.issuer = f.text(158, 30, "签发机关")
    r.valid_from = f.date(188, "有效期起始日期")
    r.valid_until = f.date(204, "有效期截止日期", allow_long_term=True)


def _fill_foreign_2017(f: _Fields, r: IdCardRecord) -> None:
    r.name_en = f.text(0, 120, "英文姓名")
    r.sex = f.sex(120)
    r.id_number = f.text(122, 30, "永久居留证号码")
    r.nationality = f.text(152, 6, "国籍")
    r.name = f.text(158, 30, "中文姓名")
    r.valid_from = f.date(188, "签发日期")
    r.valid_until = f.date(204, "有效期截止日期", allow_long_term=True)
    r.birth_date = f.date(220, "出生日期")
    for key, off, size, label in (("card_version", 236, 4, "证件版本"),
                                  ("authority_code", 240, 8, "受理机关代码")):
        value = f.text(off, size, label)
        if value:
            r.extra[key] = value


def _fill_foreign_2023(f: _Fields, r: IdCardRecord) -> None:
    r.name = f.text(0, 30, "中文姓名")
    r.sex = f.sex(30)
    r.issue_count = f.count(32, 4, "换证次数")
    r.birth_date = f.date(36, "出生日期")
    # The English name is split over two fixed slots (chars 1-35, then 36-46): join the raw
    # slots before stripping, so a space that falls exactly on the boundary survives.
    r.name_en = f.decode(f.block[52:122] + f.block[220:242], "英文姓名")
    r.id_number = f.text(122, 36, "永久居留证号码")
    r.valid_from = f.date(188, "签发日期")
    r.valid_until = f.date(204, "有效期截止日期", allow_long_term=True)
    r.nationality = f.text(242, 6, "国籍")  # [M] alphabetic or numeric: not verified (§2.3)
    previous = f.text(250, 6, "既往版本号码关联项")
    if previous:
        r.extra["previous_number_link"] = previous


_FILLERS = {"resident": _fill_resident, "hmt_residence_permit": _fill_hmt,
            "foreign_2017": _fill_foreign_2017, "foreign_2023": _fill_foreign_2023}


def warm_up() -> None:
    """Load the ID-number checker's tables now (python-stdnum reads its division table on
    first use, ~60 ms) so the first card of the day fills the form as fast as the rest."""
    idnumber.validate("11010219900307123X", "resident")


def _check_id_number(r: IdCardRecord) -> None:
    """Validate the number by card type and compare it with the printed birth date and sex."""
    if not r.id_number:
        r.warnings.append("证件上没有证件号码，请与证件核对。")
        return
    result = idnumber.validate(r.id_number, ID_TYPE_OF[r.card_type])
    for problem in result.problems:
        r.warnings.append(problem.message_zh)
    if not result.ok:
        return
    if result.birth_date and r.birth_date and result.birth_date != r.birth_date:
        r.warnings.append("证件号码中的出生日期与证件上的出生日期不一致，请核对。")
    if result.sex and r.sex != "unknown" and result.sex != r.sex:
        r.warnings.append("证件号码中的性别与证件上的性别不一致，请核对。")
