"""Historical registration records (the archive a reissue is made from), read from CSV or JSON.

A file is read as a stream, a row at a time (a provincial pack of a million rows never sits in
memory): CSV through the csv module, JSON (an array, or {"records": [...]}) through ijson's
event parser, nesting bounded. Every row is checked; the index keeps none of them unless all are
good (counter_app/reissue/index.py, one transaction), so an import is all or nothing and a
refused file names its bad rows (row number and the reason in Chinese). The columns
(docs/reissue.md) are, in English or in Chinese:

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
import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from typing import IO, Any, Iterable, Iterator

from counter_app.domain.idnumber import validate
from counter_app.domain.party import ROLE_ZH, SEX_OF_ROLE, PartyRecord
from counter_app.domain.text import describe_char, forbidden_char
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
             "office_code": "登记机关代码", "office_name": "登记机关", "man_name": "男方姓名",
             "man_id_number": "男方身份证号", "man_birth_date": "男方出生日期",
             "woman_name": "女方姓名", "woman_id_number": "女方身份证号",
             "woman_birth_date": "女方出生日期"}
MAX_NAME = 40
#: Longest cell of any other column: office names and old free-form 字号 are far shorter.
MAX_CELL = 200
#: A physical line this long (characters) is not an archive row; reading stops there.
MAX_LINE = 1 << 20
#: JSON nesting an archive file needs: {"records": [ {"key": value} ]} is three levels.
MAX_JSON_DEPTH = 4
#: csv's own limit on one field (csv.field_size_limit()); a longer one is a bad row.
CSV_FIELD_LIMIT = 131_072
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


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


#: One row as read: its columns, or why it could not be split into columns (Chinese).
Row = dict[str, str] | str


def read_rows(stream: IO[bytes], fmt: str) -> Iterator[tuple[int, Row]]:
    """(row number, columns) of each record of a CSV file (row number = line in the file,
    header is line 1) or a JSON file (row number = position from 1), read from ``stream`` as
    it comes. A row that cannot be split into cells comes as the reason (a str); a file that
    cannot be read on raises ArchiveFileError."""
    if fmt == "json":
        return _json_rows(stream)
    return _csv_rows(stream)


def _not_utf8(where: str) -> ArchiveFileError:
    return ArchiveFileError(f"档案文件不是 UTF-8 编码（{where}）。请用 UTF-8 另存后再导入"
                            "（Excel：另存为“CSV UTF-8”）。", detail="not utf-8")


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, Row]]:
    # Lines end at LF only, so a bare CR inside a cell stays in its line and csv names it.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="\n")
    reader = csv.reader(_lines(text), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ArchiveFileError("档案文件是空的。", detail="empty csv") from None
    except (csv.Error, UnicodeDecodeError):
        raise ArchiveFileError("档案文件的表头（第 1 行）无法读取：不是 UTF-8 编码的 CSV。"
                               "请用 Excel 另存为“CSV UTF-8”后再导入。", detail="header") from None
    names = [HEADERS_ZH.get(h.strip(), h.strip()) for h in header]
    _check_header(names)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield reader.line_num, _csv_problem(str(err))
            continue
        except UnicodeDecodeError:
            raise _not_utf8(f"第 {reader.line_num + 1} 行附近") from None
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            yield reader.line_num, f"列数为 {len(cells)}，表头为 {len(names)} 列"
            continue
        yield reader.line_num, dict(zip(names, (c.strip() for c in cells)))


def _lines(text: IO[str]) -> Iterator[str]:
    """The file's lines, none longer than MAX_LINE characters (a file without line breaks
    would otherwise be read whole into memory)."""
    number = 0
    while True:
        line = text.readline(MAX_LINE)
        if not line:
            return
        number += 1
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            raise ArchiveFileError(f"档案文件第 {number} 行超过 {MAX_LINE:,} 个字符，"
                                   "不是档案记录；请检查文件。", detail="line too long")
        yield line


def _csv_problem(message: str) -> str:
    """csv's complaint about a row, in words a registrar acts on."""
    if "new-line character" in message:
        return ("有一格含单独的回车符（CR），不在引号内：请用 Excel 打开后另存为“CSV UTF-8”，"
                "或删去该回车符")
    if "field larger than field limit" in message:
        return f"有一格超过 {CSV_FIELD_LIMIT:,} 个字符，不是档案内容"
    return f"CSV 格式有误（{message}）：请检查引号是否成对"


def _json_rows(stream: IO[bytes]) -> Iterator[tuple[int, Row]]:
    events = _json_events(stream)
    first = next(events, ("", None))[0]
    if first == "start_map":
        _find_records(events)
    elif first != "start_array":
        raise ArchiveFileError("JSON 档案文件应为记录数组，或包含 records 数组的对象。",
                               detail="json shape")
    number = 0
    for event, _ in events:
        if event == "end_array":
            break
        number += 1
        if event == "start_map":
            yield number, _json_object(events)
        else:
            _skip(event, events)
            yield number, "应为 JSON 对象"
    for _ in events:  # the rest of the file must still be JSON (and is hashed)
        pass


def _json_events(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """ijson's events (no prefixes: building them costs memory quadratic in the nesting),
    nesting bounded by MAX_JSON_DEPTH, every failure an ArchiveFileError."""
    import ijson

    if hasattr(stream, "peek") and stream.peek(3)[:3] == b"\xef\xbb\xbf":
        stream.read(3)  # a UTF-8 byte-order mark, as Windows tools write it
    depth = 0
    try:
        for event, value in ijson.basic_parse(_DigitGuard(stream)):
            depth += event in ("start_map", "start_array")
            depth -= event in ("end_map", "end_array")
            if depth > MAX_JSON_DEPTH:
                raise ArchiveFileError("JSON 档案文件嵌套层数过多：记录应为一层对象（键为列名，"
                                       "值为文字）。", detail="json nesting")
            yield event, value
    except ijson.JSONError as err:
        raise ArchiveFileError(f"档案文件不是有效的 JSON 或不是 UTF-8 编码（{_json_where(err)}）。",
                               detail="json syntax") from None
    except SystemError as err:  # ijson's C backend wraps int("9" * 5000)'s ValueError
        if not isinstance(err.__cause__, ValueError):
            raise
        raise ArchiveFileError("JSON 档案文件中有位数过多的数字。", detail="json number") from None
    except ValueError:
        raise ArchiveFileError("JSON 档案文件中有位数过多的数字。", detail="json number") from None


class _DigitGuard:
    """The bytes ijson reads, refused at the first run of more than MAX_DIGITS digits.

    ijson's C backend turns a JSON integer past Python's int-to-string limit (4300 digits)
    into a SystemError with an exception still set, and the interpreter crashes later. No
    archive value is that long, so such a run is refused before ijson sees it (one regex scan
    per chunk; runs across chunks are carried)."""

    MAX_DIGITS = 4000
    _DIGITS = b"0123456789"

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.run = stream, 0
        self.too_long = re.compile(rb"[0-9]{%d}" % (self.MAX_DIGITS + 1))

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        lead = len(data) - len(data.lstrip(self._DIGITS))
        if self.run + lead > self.MAX_DIGITS or self.too_long.search(data):
            raise ArchiveFileError("JSON 档案文件中有位数过多的数字（超过 "
                                   f"{self.MAX_DIGITS} 位），不是档案记录。", detail="json digits")
        self.run = self.run + lead if lead == len(data) else (
            len(data) - len(data.rstrip(self._DIGITS)))
        return data


def _json_where(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    return text[:80] or "格式错误"


def _find_records(events: Iterator[tuple[str, Any]]) -> None:
    """Advance past ``"records": [`` of the top-level object (other keys are skipped)."""
    for event, value in events:
        if event == "end_map":
            break
        if event == "map_key" and value == "records":
            if next(events, ("", None))[0] == "start_array":
                return
            break
        _skip(event, events)
    raise ArchiveFileError("JSON 档案文件应为记录数组，或包含 records 数组的对象。",
                           detail="json shape")


def _json_object(events: Iterator[tuple[str, Any]]) -> Row:
    """One record object: keys to text (a number as written, null empty)."""
    row: dict[str, str] = {}
    problem = ""
    for event, value in events:
        if event == "end_map":
            return problem or row
        if event != "map_key":
            continue
        name = HEADERS_ZH.get(value, value)
        kind, scalar = next(events)
        if kind in ("start_map", "start_array"):
            _skip(kind, events)
            problem = problem or f"字段 {value} 应为文字，不能是对象或数组"
        else:
            row[name] = "" if scalar is None else str(scalar).strip()
    return row


def _skip(event: str, events: Iterator[tuple[str, Any]]) -> None:
    """Consume the rest of a value that began with ``event``."""
    depth = event in ("start_map", "start_array")
    while depth:
        kind, _ = next(events)
        depth += kind in ("start_map", "start_array")
        depth -= kind in ("end_map", "end_array")


def _check_header(names: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ArchiveFileError("档案文件缺少列：" + "、".join(
            f"{COLUMN_ZH[c]}（{c}）" for c in missing) + "。请按 docs/reissue.md 的格式准备文件。",
            detail=f"missing columns {missing}")


def parse_row(row: dict[str, str]) -> ArchiveRecord:
    """One row as a record; ArchiveFileError with the reason in Chinese when it is bad."""
    _check_cells(row)
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


def _check_cells(row: dict[str, str]) -> None:
    """No cell carries a control character (a CR, ESC, a bidi override ...) or is too long."""
    values = row.values()
    if forbidden_char("".join(values)) is None and max(map(len, values), default=0) <= MAX_CELL:
        return  # the common case: one scan of the whole row
    for column, value in row.items():
        if column not in COLUMN_ZH:  # a column the archive does not keep
            continue
        bad = forbidden_char(value)
        if bad is not None:
            raise ArchiveFileError(f"{COLUMN_ZH[column]}（{column}）含有控制字符 "
                                   f"{describe_char(bad)}")
        if len(value) > MAX_CELL:
            raise ArchiveFileError(f"{COLUMN_ZH[column]}（{column}）超过 {MAX_CELL} 个字")


def _party(role: str, row: dict[str, str]) -> tuple[PartyRecord, bool]:
    who = ROLE_ZH[role]
    name = _SPACES.sub("", row.get(f"{role}_name", ""))
    if len(name) > MAX_NAME:
        raise ArchiveFileError(f"{who}姓名超过 {MAX_NAME} 个字")
    raw_id = row.get(f"{role}_id_number", "").strip()
    raw_birth = row.get(f"{role}_birth_date", "").strip()
    birth = parse_date(raw_birth, f"{who}出生日期") if raw_birth else None
    if not raw_id:
        if birth is None:
            raise ArchiveFileError(f"{who}既无身份证号也无出生日期，无法核对当事人")
        return PartyRecord(role, name, "", birth.isoformat()), False
    result = validate(raw_id, "resident", advisory=False)
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
    day = _date_of(text)
    if day is None:
        raise ArchiveFileError(f"{what}“{text}”不是有效日期，应写成 1998-06-18")
    return day


@lru_cache(maxsize=65_536)
def _date_of(text: str) -> date | None:
    """The date ``text`` spells, or None (cached: a register's dates repeat thousands of times)."""
    match = _DATE.fullmatch(text.strip())
    try:
        return date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        return None


def parse_rows(rows: Iterable[tuple[int, Row]]) -> Iterator[tuple[int, ArchiveRecord | str]]:
    """Each row as a record, or as the reason (Chinese) it cannot be one."""
    for number, row in rows:
        if isinstance(row, str):
            yield number, row
            continue
        try:
            yield number, parse_row(row)
        except ArchiveFileError as err:
            yield number, err.message_zh
