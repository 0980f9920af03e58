"""Historical registration records (the archive a reissue is made from), read from CSV or JSON.

A file is read whole and every row is checked before anything is kept: a file with one bad row
is refused with every bad row listed (row number and the reason in Chinese), so an import is all
or nothing. The columns (docs/reissue.md) are, in English or in Chinese:

    item             结婚 / 离婚 (or marriage / divorce)                       事项
    registration_date  YYYY-MM-DD (also YYYY/MM/DD, YYYY年MM月DD日)            登记日期
    certificate_number  字号, e.g. J110105-1998-000123 (old free-form 字号 kept as written)
    office_code      the registering office's code (optional)                登记机关代码
    office_name      the registering office's name                           登记机关
    man_name, man_id_number, man_birth_date                                  男方姓名 ...
    woman_name, woman_id_number, woman_birth_date                            女方姓名 ...

The sex of each party is the column's (男方 = male, 女方 = female) and must agree with the sex
digit of an ID number. ID numbers may be 18 or 15 digits (15-digit numbers are converted to 18,
GB 11643) or empty (pre-1985 certificates carry none, reference/law.md §7); a birth date is
then required. Birth date and ID number, when both given, must agree.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from counter_app.domain.idnumber import validate
from counter_app.domain.party import ROLE_ZH, SEX_OF_ROLE, PartyRecord
from counter_app.errors import CounterAppError

ITEMS = {"结婚": "marriage", "marriage": "marriage", "结婚登记": "marriage",
         "离婚": "divorce", "divorce": "divorce", "离婚登记": "divorce"}
ITEM_ZH = {"marriage": "结婚", "divorce": "离婚"}

#: Chinese header -> column name (English headers are used as they are).
HEADERS_ZH = {
    "事项": "item", "登记日期": "registration_date", "字号": "certificate_number",
    "证书字号": "certificate_number", "登记机关代码": "office_code", "登记机关": "office_name",
    "男方姓名": "man_name", "男方身份证号": "man_id_number", "男方身份证件号": "man_id_number",
    "男方出生日期": "man_birth_date", "女方姓名": "woman_name",
    "女方身份证号": "woman_id_number", "女方身份证件号": "woman_id_number",
    "女方出生日期": "woman_birth_date",
}
COLUMNS = ("item", "registration_date", "certificate_number", "office_code", "office_name",
           "man_name", "man_id_number", "man_birth_date",
           "woman_name", "woman_id_number", "woman_birth_date")
REQUIRED = ("item", "registration_date", "certificate_number", "man_name", "woman_name")
COLUMN_ZH = {"item": "事项", "registration_date": "登记日期", "certificate_number": "字号",
             "man_name": "男方姓名", "woman_name": "女方姓名"}
MAX_NAME = 40


class ArchiveFileError(CounterAppError):
    """The archive file cannot be read at all (encoding, JSON syntax, missing columns)."""

    code = "archive.bad_file"


@dataclass(frozen=True)
class ArchiveRecord:
    """One registration as the archive (or this counter's journal) has it."""

    item: str  # marriage | divorce
    registration_date: str  # ISO date
    certificate_number: str
    office_code: str
    office_name: str
    man: PartyRecord
    woman: PartyRecord
    source: str = ""  # "import:<file sha256 prefix>" or "journal"
    ref: str = ""  # stable id of the record in the index ("imp:<sha8>:<row>", "case:<id>")
    id_upgraded: tuple[str, ...] = ()  # roles whose 15-digit number was converted

    @property
    def parties(self) -> tuple[PartyRecord, PartyRecord]:
        """The man and the woman, in that order."""
        return (self.man, self.woman)

    def party(self, role: str) -> PartyRecord:
        return self.man if role == "man" else self.woman

    def as_json(self) -> dict[str, Any]:
        """The record as plain JSON (the CLI's and the journal's shape)."""
        out = asdict(self)
        out["id_upgraded"] = list(self.id_upgraded)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ArchiveRecord":
        return cls(**{**data, "man": PartyRecord(**data["man"]),
                      "woman": PartyRecord(**data["woman"]),
                      "id_upgraded": tuple(data.get("id_upgraded", ()))})


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be imported: its number in the file and why."""

    row: int
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "reason": self.reason}


def read_rows(data: bytes, fmt: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, columns) of a CSV (row number = line in the file, header is line 1) or a
    JSON file (a list of objects, or {"records": [...]}; row number = position from 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchiveFileError("档案文件不是 UTF-8 编码。请用 UTF-8 另存后再导入"
                               "（Excel：另存为“CSV UTF-8”）。", detail="not utf-8") from None
    if fmt == "json":
        return _json_rows(text)
    return _csv_rows(text)


def _csv_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ArchiveFileError("档案文件是空的。", detail="empty csv") from None
    names = [HEADERS_ZH.get(h.strip(), h.strip()) for h in header]
    _check_header(names)
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        if len(cells) != len(names):
            rows.append((line, {"__error__": f"列数为 {len(cells)}，表头为 {len(names)} 列"}))
            continue
        rows.append((line, dict(zip(names, (c.strip() for c in cells)))))
    return rows


def _json_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ArchiveFileError(f"档案文件不是有效的 JSON（第 {err.lineno} 行附近）。",
                               detail="json syntax") from None
    if isinstance(data, dict):
        data = data.get("records")
    if not isinstance(data, list):
        raise ArchiveFileError("JSON 档案文件应为记录数组，或包含 records 数组的对象。",
                               detail="json shape")
    rows = []
    for number, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            rows.append((number, {"__error__": "应为 JSON 对象"}))
            continue
        rows.append((number, {HEADERS_ZH.get(k, k): "" if v is None else str(v).strip()
                              for k, v in obj.items()}))
    return rows


def _check_header(names: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ArchiveFileError("档案文件缺少列：" + "、".join(
            f"{COLUMN_ZH[c]}（{c}）" for c in missing) + "。请按 docs/reissue.md 的格式准备文件。",
            detail=f"missing columns {missing}")


def parse_row(row: dict[str, str]) -> ArchiveRecord:
    """One row as a record; ArchiveFileError with the reason in Chinese when it is bad."""
    if "__error__" in row:
        raise ArchiveFileError(row["__error__"])
    for column in REQUIRED:
        if not row.get(column):
            raise ArchiveFileError(f"{COLUMN_ZH[column]}为空")
    item = ITEMS.get(row["item"].strip().lower())
    if item is None:
        raise ArchiveFileError(f"事项“{row['item']}”不认识，应为 结婚 或 离婚")
    registered = parse_date(row["registration_date"], "登记日期")
    if not date(1950, 5, 1) <= registered <= date.today():
        # 1950-05-01: the first Marriage Law came into force; nothing is registered before it.
        raise ArchiveFileError(f"登记日期 {registered} 不在 1950-05-01 至今天之间")
    upgraded, parties = [], []
    for role in ("man", "woman"):
        party, was_15 = _party(role, row)
        parties.append(party)
        if was_15:
            upgraded.append(role)
    return ArchiveRecord(item, registered.isoformat(), row["certificate_number"].strip(),
                         row.get("office_code", "").strip(), row.get("office_name", "").strip(),
                         parties[0], parties[1], id_upgraded=tuple(upgraded))


def _party(role: str, row: dict[str, str]) -> tuple[PartyRecord, bool]:
    who = ROLE_ZH[role]
    name = re.sub(r"\s+", "", row.get(f"{role}_name", ""))
    if len(name) > MAX_NAME:
        raise ArchiveFileError(f"{who}姓名超过 {MAX_NAME} 个字")
    raw_id = row.get(f"{role}_id_number", "").strip()
    raw_birth = row.get(f"{role}_birth_date", "").strip()
    birth = parse_date(raw_birth, f"{who}出生日期") if raw_birth else None
    if not raw_id:
        if birth is None:
            raise ArchiveFileError(f"{who}既无身份证号也无出生日期，无法核对当事人")
        return PartyRecord(role, name, "", birth.isoformat()), False
    result = validate(raw_id, "resident")
    if not result.ok:
        raise ArchiveFileError(f"{who}身份证号有误：{result.errors[0].message_zh}")
    if result.sex != SEX_OF_ROLE[role]:
        raise ArchiveFileError(f"{who}身份证号的性别码为{'男' if result.sex == 'male' else '女'}，"
                               f"与{who}不符")
    if birth is not None and birth != result.birth_date:
        raise ArchiveFileError(f"{who}出生日期 {birth} 与身份证号中的 {result.birth_date} 不一致")
    # The validator says when it upgraded a 15-digit number (whatever separators were typed).
    was_15 = any(p.code == "idnumber.upgraded_15" for p in result.problems)
    return PartyRecord(role, name, result.normalized, result.birth_date.isoformat()), was_15


def parse_date(text: str, what: str) -> date:
    """YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年MM月DD日."""
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?",
                         text.strip())
    try:
        if match is None:
            raise ValueError
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ArchiveFileError(f"{what}“{text}”不是有效日期，应写成 1998-06-18") from None


def parse_file(data: bytes, fmt: str) -> tuple[list[tuple[int, ArchiveRecord]], list[BadRow]]:
    """Every row of the file: the good records (with their row numbers) and the bad rows."""
    good, bad = [], []
    for number, row in read_rows(data, fmt):
        try:
            good.append((number, parse_row(row)))
        except ArchiveFileError as err:
            bad.append(BadRow(number, err.message_zh))
    return good, bad
