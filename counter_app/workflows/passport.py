"""A foreign party's chip passport at intake: BAC from the MRZ, DG1 -> party, DG2 -> chip photo.

The registrar types what BAC needs (passport number, date of birth, expiry) or scans the two
MRZ lines with a keyboard-wedge MRZ reader; :func:`bac_entry` / :func:`bac_entry_from_mrz`
check them and say in Chinese what is wrong. :class:`PassportDesk` reads the chip through a
``ChipPort`` (the PC/SC reader, or demo mode's emulated chip) with
``drivers.pcsc.chip_reader.IcaoChipReader`` — call :meth:`PassportDesk.read` off the GUI
thread — and keeps the chip photo as an encrypted journal attachment in an
``intake.chip_photo`` entry, which :func:`chip_photos` hands to the capture step's 1:1 check.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Protocol

from counter_app.domain.idnumber import mrz_check_digit
from counter_app.domain.party import ROLE_OF_SEX
from counter_app.errors import CounterAppError
from counter_app.journal import Journal
from counter_app.operators import require
from counter_app.workflows.intake import ROLE_ZH
from counter_app.workflows.kinds import KIND_INTAKE_CHIP_PHOTO, KIND_INTAKE_PARTY
from drivers.base import DeviceError, DeviceNotFound, DriverUnavailable
from drivers.pcsc import bac
from drivers.pcsc.chip_reader import IcaoChipReader
from drivers.pcsc.mrz import Mrz, MrzError
from drivers.pcsc.mrz import parse as parse_mrz

#: The ``source`` of a party recorded from a chip (``MarriageIntake.record_party``).
CHIP_SOURCE = "chip"
#: ICAO nationality codes shorter than three letters (Doc 9303 Part 3: Germany is "D").
_SHORT_CODES = {"D": "DEU"}


class PassportError(CounterAppError):
    """What the registrar entered, or what the chip holds, cannot be used; says what to fix."""

    code = "passport.invalid"


@dataclass(frozen=True)
class BacEntry:
    """The MRZ fields BAC keys derive from (dates YYMMDD, as printed in the MRZ)."""

    document_number: str
    birth_date: str
    expiry_date: str

    @property
    def key_input(self) -> str:
        """The MRZ information string of Doc 9303 Part 11 §4.3.2."""
        return bac.mrz_information(self.document_number, self.birth_date, self.expiry_date)


def _yymmdd(text: str, what: str) -> str:
    """``1990-03-07``, ``19900307`` or ``900307`` -> ``900307`` (a real calendar date)."""
    digits = re.sub(r"[-./年月日\s]", "", text.strip())
    if not re.fullmatch(r"[0-9]{6}|[0-9]{8}", digits):
        raise PassportError(f"{what}格式不对，请写成 年-月-日（例如 1986-08-12），"
                            "或机读区里的 6 位数字（例如 860812）。", detail=f"bad {what}")
    full = digits if len(digits) == 8 else ("20" if digits[:2] <= "50" else "19") + digits
    try:
        date(int(full[:4]), int(full[4:6]), int(full[6:8]))
    except ValueError:
        raise PassportError(f"{what} {text.strip()} 不是有效日期，请核对护照。",
                            detail=f"bad {what}") from None
    return full[2:]


def bac_entry(document_number: str, birth_date: str, expiry_date: str) -> BacEntry:
    """The BAC fields typed by the registrar, checked."""
    number = document_number.strip().upper().replace(" ", "")
    if not re.fullmatch(r"[A-Z0-9]{1,20}", number):
        raise PassportError("护照号码只能包含字母和数字，请按护照资料页核对。",
                            detail="bad document number")
    return BacEntry(number, _yymmdd(birth_date, "出生日期"), _yymmdd(expiry_date, "有效期"))


def bac_entry_from_mrz(text: str) -> BacEntry:
    """The BAC fields from the MRZ lines (typed, or from an MRZ scanner). A check digit that
    does not match means a misread or a typo: the registrar fixes it before the chip is tried."""
    try:
        mrz = parse_mrz(text)
    except MrzError as err:
        raise PassportError(err.message_zh, detail=err.detail) from None
    if mrz.problems:
        raise PassportError("机读区有误：" + "".join(mrz.problems) + "请重新扫描，或手工输入护照号码、"
                            "出生日期和有效期。", detail="mrz check digits")
    return BacEntry(mrz.document_number, mrz.birth_date, mrz.expiry_date)


def _iso(yymmdd: str, *, past: bool, today: date) -> str:
    """A YYMMDD date of the MRZ as YYYY-MM-DD: a birth date is never in the future; an expiry
    date is read as 20YY (Doc 9303 gives no century; passports run at most ten years)."""
    century = 2000 if not past or int(yymmdd[:2]) <= today.year % 100 else 1900
    try:
        return date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])).isoformat()
    except ValueError:
        raise PassportError(f"芯片中的日期 {yymmdd} 无效，请核对护照。", detail="bad chip date") from None


def party_from_mrz(mrz: Mrz, today: date) -> dict[str, Any]:
    """A rules-check party (docs/rules.md) from the MRZ read out of DG1."""
    if not mrz.document_code.startswith("P"):
        raise PassportError("这不是护照芯片。目前只能从护照芯片读取外国当事人信息，其他证件请手工录入。",
                            detail=f"document code {mrz.document_code}")
    if mrz.sex not in ("male", "female"):
        raise PassportError("护照上没有标明性别，无法确定当事人身份，请报负责人。",
                            detail=f"sex {mrz.sex}")
    nationality = _SHORT_CODES.get(mrz.nationality, mrz.nationality)
    name = f"{mrz.surname}, {mrz.given_names}" if mrz.given_names else mrz.surname
    return {"name": name, "sex": mrz.sex, "birth_date": _iso(mrz.birth_date, past=True, today=today),
            "id_type": "passport", "id_number": mrz.document_number,
            "id_valid_until": _iso(mrz.expiry_date, past=False, today=today),
            "nationality": nationality, "hukou_region_code": None,
            "residence_permit_region_code": None, "issuing_state": mrz.issuing_state}


class ChipConnection(Protocol):
    """One session with the chip on a reader."""

    def transmit(self, apdu: bytes) -> bytes: ...

    def close(self) -> None: ...


class ChipPort(Protocol):
    """A contactless reader: ``connect()`` to the document lying on it."""

    def connect(self) -> ChipConnection: ...


class PcscChipPort:
    """The counter's PC/SC reader (pyscard): the named one, or the first with a card on it."""

    def __init__(self, reader_name: str = "") -> None:
        self.reader_name = reader_name

    def connect(self) -> ChipConnection:
        """Connect to the chip; Chinese errors for no service, no reader, no document."""
        from drivers.pcsc import monitor

        reason = monitor.unusable_reason()
        if reason:
            raise DriverUnavailable(f"无法使用电子证件读卡器：{reason}。请联系技术人员。",
                                    detail=reason)
        names = monitor.reader_names()
        if not names:
            raise DeviceNotFound("没有发现电子证件读卡器（PC/SC）。请检查读卡器的 USB 连接，"
                                 "插好后再按回车读取。", detail="no PC/SC reader")
        errors = []
        for name in [self.reader_name] if self.reader_name else names:
            try:
                return monitor.PcscConnection(name)
            except DeviceError as exc:
                errors.append(exc.detail or exc.code)
        raise DeviceError("读卡器上没有护照，或护照芯片无法连接。请把护照资料页（带芯片标志的一面）"
                          "平放在读卡器上，再按回车读取。", detail="; ".join(errors))


@dataclass(frozen=True)
class PassportRead:
    """What the chip said: the party to record, the face from DG2, the MRZ of DG1."""

    party: dict[str, Any]
    face: bytes | None
    face_mime: str
    mrz: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def role(self) -> str:
        return ROLE_OF_SEX[self.party["sex"]]


class PassportDesk:
    """Chip passports for one operator's intake: read, then keep the chip photo."""

    def __init__(self, journal: Journal, operator: str, port: ChipPort,
                 today: Callable[[], date] = date.today) -> None:
        self.journal, self.operator, self.port, self._today = journal, operator, port, today
        self._lock = threading.Lock()  # one chip session at a time (a double Enter waits)

    def read(self, entry: BacEntry) -> PassportRead:
        """BAC, then DG1 and DG2 under secure messaging (device I/O: never on the GUI thread).
        A wrong MRZ entry raises the BAC error telling the registrar to check it."""
        require(self.journal, self.operator, "case.intake")
        with self._lock:
            connection = self.port.connect()
            try:
                document = IcaoChipReader(connection.transmit).read_document(entry.key_input)
            except bac.BacError as err:
                raise bac.BacError("护照芯片认证失败：请核对输入的护照号码、出生日期和有效期是否与"
                                   "护照机读区完全一致，改正后按回车重读。", detail=err.detail) from None
            finally:
                connection.close()
        if document.mrz.document_number != entry.document_number:
            raise PassportError("芯片中的护照号码与输入的不一致，请核对是否放错了护照。",
                                detail="DG1 document number differs")
        warnings = list(document.mrz.problems)
        if document.face is None:
            warnings.append("护照芯片中没有人像照片，拍照后请登记员当面核对本人。")
        face = document.face
        return PassportRead(party_from_mrz(document.mrz, self._today()),
                            face.data if face else None, face.mime if face else "",
                            document.mrz.as_dict(), warnings)

    def keep_photo(self, case_id: str, read: PassportRead) -> str | None:
        """Keep the chip photo (encrypted attachment) for the party's role; its SHA-256."""
        require(self.journal, self.operator, "case.intake", case_id=case_id)
        if read.face is None:
            return None
        ref = self.journal.put_attachment(read.face, read.face_mime or "image/jpeg")
        self.journal.append(KIND_INTAKE_CHIP_PHOTO, {
            "role": read.role, "document_type": read.party["id_type"],
            "document_number": read.party["id_number"], "mime": read.face_mime},
            operator=self.operator, case_id=case_id, attachments=[ref])
        return ref.sha256


def chip_photos(journal: Journal, case_id: str) -> dict[str, bytes]:
    """Per role, the chip photo of the document the party was recorded from — only when the
    role's latest party record came from that chip (a re-read by hand drops the photo)."""
    parties: dict[str, dict] = {}
    photos: dict[str, tuple[str, str]] = {}
    for entry in journal.entries(case_id=case_id):
        if entry.kind == KIND_INTAKE_PARTY:
            parties[entry.payload["role"]] = entry.payload
        elif entry.kind == KIND_INTAKE_CHIP_PHOTO and entry.attachments:
            photos[entry.payload["role"]] = (entry.payload["document_number"],
                                             entry.attachments[0]["sha256"])
    result = {}
    for role, (number, sha256) in photos.items():
        recorded = parties.get(role)
        if recorded and recorded.get("source") == CHIP_SOURCE and \
                recorded["party"].get("id_number") == number:
            result[role] = journal.get_attachment(sha256)
    return result


def describe(read: PassportRead) -> str:
    """The chip's data as the registrar checks it against the passport."""
    p = read.party
    sex = {"male": "男", "female": "女"}[p["sex"]]
    lines = [f"已读取护照芯片：{p['name']}（{sex}，{ROLE_ZH[read.role]}）",
             f"国籍 {p['nationality']}　护照号码 {p['id_number']}",
             f"出生 {p['birth_date']}　有效期至 {p['id_valid_until']}",
             "芯片照片已读取，拍照时将与本人比对。" if read.face else "芯片中没有照片。"]
    return "\n".join(lines + [f"提示：{w}" for w in read.warnings])


def td3_mrz(*, surname: str, given_names: str, document_number: str, nationality: str,
            birth_date: str, sex: str, expiry_date: str, issuing_state: str = "",
            document_code: str = "P") -> str:
    """The two 44-character lines of a passport MRZ with their check digits (Doc 9303 Part 4):
    what demo and test passports carry. Dates YYMMDD, sex "M"/"F"/"<"."""
    def field_(text: str, size: int) -> str:
        return text.upper().replace(" ", "<").replace(",", "").ljust(size, "<")[:size]

    names = field_(surname, 39) if not given_names else \
        field_(f"{surname}<<{given_names}", 39)
    line1 = field_(document_code, 2) + field_(issuing_state or nationality, 3) + names
    number = field_(document_number, 9)
    personal = "<" * 14
    body = (number + mrz_check_digit(number) + field_(nationality, 3) + birth_date
            + mrz_check_digit(birth_date) + sex + expiry_date + mrz_check_digit(expiry_date)
            + personal + "<")
    composite = body[0:10] + body[13:20] + body[21:43]
    return line1 + "\n" + body + mrz_check_digit(composite)


class OnDemandMatcher:
    """The 1:1 face matcher, opened at the first comparison (loading the models takes a second:
    never while a page is built on the GUI thread) and kept for the process. The models live
    on one thread of their own, which opens them and runs every comparison: dlib and mediapipe
    objects were seen to hang when a later comparison came from another worker thread (Qt's
    pool hands each background task to any of its threads). Stands in for a ``FaceMatcher``."""

    _threads: ClassVar[dict[tuple, ThreadPoolExecutor]] = {}
    _matchers: ClassVar[dict[tuple, Any]] = {}
    _lock = threading.Lock()

    def __init__(self, backend: str = "dlib", models_dir: str | None = None) -> None:
        self.key = (backend, models_dir or None)

    def compare(self, live_bgr, reference_bgr):
        """``FaceMatcher.compare`` of the configured backend (waits for the matcher thread)."""
        with OnDemandMatcher._lock:
            worker = OnDemandMatcher._threads.get(self.key)
            if worker is None:
                worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="face-matcher")
                OnDemandMatcher._threads[self.key] = worker
        return worker.submit(self._compare, live_bgr, reference_bgr).result()

    def _compare(self, live_bgr, reference_bgr):
        from counter_app.vision.matcher import open_matcher

        matcher = OnDemandMatcher._matchers.get(self.key)
        if matcher is None:  # only ever on the matcher thread: no lock needed
            matcher = OnDemandMatcher._matchers[self.key] = open_matcher(*self.key)
        return matcher.compare(live_bgr, reference_bgr)
