"""A foreign party's chip passport: MRZ entry -> BAC -> DG1 as the party, DG2 kept as the chip
photo for the capture step; and every way it goes wrong, in Chinese."""

from __future__ import annotations

from datetime import date

import pytest
from people import MAN, OFFICE

from counter_app import demo
from counter_app.workflows import passport as pp
from counter_app.workflows.intake import IntakeError, MarriageIntake
from counter_app.workflows.kinds import KIND_INTAKE_CHIP_PHOTO
from drivers.base import DeviceError, DeviceNotFound, DriverUnavailable
from drivers.pcsc.bac import BacError

TODAY = date(2026, 11, 22)
MRZ = pp.td3_mrz(**demo.PASSPORT)


@pytest.fixture
def port():
    chips = demo.DemoChipPort()
    chips.place(demo.passport_chip())
    return chips


@pytest.fixture
def desk(journal, port):
    return pp.PassportDesk(journal, "reg01", port, today=lambda: TODAY)


def test_the_mrz_lines_give_the_bac_fields():
    entry = pp.bac_entry_from_mrz(MRZ)
    assert entry == pp.BacEntry("L898902C3", "860812", "310415")
    # An MRZ scanner types both lines as one run of 88 characters.
    assert pp.bac_entry_from_mrz(MRZ.replace("\n", "")) == entry
    assert pp.bac_entry(" l898902c3 ", "1986-08-12", "2031.04.15") == entry


@pytest.mark.parametrize("text, words", [
    (MRZ[:-1] + "3", "校验位不符"),          # a misread composite check digit
    ("P<UTOERIKSSON<<ANNA", "无法识别的机读区格式"),
    (MRZ.lower().replace("<", "-"), "只能包含大写字母"),
])
def test_a_bad_mrz_is_explained_in_chinese(text, words):
    with pytest.raises(pp.PassportError) as err:
        pp.bac_entry_from_mrz(text)
    assert words in err.value.message_zh


@pytest.mark.parametrize("number, birth, expiry, words", [
    ("L898902C3", "1986-02-30", "2031-04-15", "不是有效日期"),
    ("L898902C3", "12 Aug 86", "2031-04-15", "出生日期格式不对"),
    ("L8989-02C3", "1986-08-12", "2031-04-15", "只能包含字母和数字"),
])
def test_bad_typed_fields_are_explained(number, birth, expiry, words):
    with pytest.raises(pp.PassportError) as err:
        pp.bac_entry(number, birth, expiry)
    assert words in err.value.message_zh


def test_the_chip_gives_the_party_and_the_photo(desk):
    read = desk.read(pp.bac_entry_from_mrz(MRZ))
    assert read.party == {
        "name": "ERIKSSON, ANNA MARIA", "sex": "female", "birth_date": "1986-08-12",
        "id_type": "passport", "id_number": "L898902C3", "id_valid_until": "2031-04-15",
        "nationality": "UTO", "hukou_region_code": None, "residence_permit_region_code": None,
        "issuing_state": "UTO"}
    assert read.role == "woman" and read.face == demo.passport_face()
    assert read.face_mime == "image/jpeg" and read.warnings == []
    assert "芯片照片已读取" in pp.describe(read)


def test_the_chip_party_is_recorded_and_its_photo_kept_encrypted(journal, desk):
    intake = MarriageIntake(journal, OFFICE, "reg01")
    case_id = intake.open()
    intake.record_party(case_id, MAN, "card")
    read = desk.read(pp.bac_entry("L898902C3", "1986-08-12", "2031-04-15"))
    sha = desk.keep_photo(case_id, read)
    assert intake.record_party(case_id, read.party, pp.CHIP_SOURCE) == "woman"
    entry = [e for e in journal.entries(case_id=case_id) if e.kind == KIND_INTAKE_CHIP_PHOTO][0]
    assert entry.payload == {"role": "woman", "document_type": "passport",
                             "document_number": "L898902C3", "mime": "image/jpeg"}
    assert entry.attachments[0]["sha256"] == sha
    assert pp.chip_photos(journal, case_id) == {"woman": demo.passport_face()}
    # Stored encrypted: the photo's bytes are in no file of the data dir.
    files = [f for f in journal.path.parent.rglob("*") if f.is_file()]
    assert any("attachments" in f.parts for f in files)
    assert not any(demo.passport_face()[200:232] in f.read_bytes() for f in files)


def test_a_party_typed_in_again_by_hand_drops_the_chip_photo(journal, desk):
    intake = MarriageIntake(journal, OFFICE, "reg01")
    case_id = intake.open()
    read = desk.read(pp.bac_entry_from_mrz(MRZ))
    desk.keep_photo(case_id, read)
    intake.record_party(case_id, read.party, pp.CHIP_SOURCE)
    intake.record_party(case_id, dict(read.party, name="ERIKSSON, ANNA"), "manual")
    assert pp.chip_photos(journal, case_id) == {}


def test_the_foreign_couple_is_accepted_at_a_designated_office_only(journal, desk):
    read = desk.read(pp.bac_entry_from_mrz(MRZ))
    outcomes = {}
    for office in (OFFICE, dict(OFFICE, code="445202-HY", region_code="445202",
                                foreign_designated=False)):
        intake = MarriageIntake(journal, office, "reg01")
        case_id = intake.open()
        intake.record_party(case_id, MAN, "card")
        intake.record_party(case_id, read.party, pp.CHIP_SOURCE)
        for role in ("man", "woman"):
            intake.record_answers(case_id, role, voluntary=True, kinship_declared_none=True)
        intake.check(case_id, TODAY)
        state = intake.state(case_id)
        outcomes[office["code"]] = (state.case_state, [r["message_zh"] for r in state.refusals])
    assert outcomes["110105-HY"] == ("accepted", [])
    state, reasons = outcomes["445202-HY"]
    assert state == "refused" and reasons


def test_a_resident_party_still_needs_a_hukou_code(journal):
    intake = MarriageIntake(journal, OFFICE, "reg01")
    case_id = intake.open()
    with pytest.raises(IntakeError) as err:
        intake.record_party(case_id, dict(MAN, hukou_region_code=None), "manual")
    assert "户籍地区划代码" in err.value.message_zh


def test_a_wrong_mrz_entry_fails_bac_with_advice(desk):
    with pytest.raises(BacError) as err:
        desk.read(pp.bac_entry("L898902C3", "1986-08-13", "2031-04-15"))
    assert "请核对输入的护照号码、出生日期和有效期" in err.value.message_zh


def test_no_passport_on_the_reader(journal):
    desk = pp.PassportDesk(journal, "reg01", demo.DemoChipPort(), today=lambda: TODAY)
    with pytest.raises(DeviceError) as err:
        desk.read(pp.bac_entry_from_mrz(MRZ))
    assert "读卡器上没有护照" in err.value.message_zh


class _PulledAway:
    """A connection whose card leaves after ``after`` APDUs (pyscard's exception, translated
    the way drivers.pcsc.monitor.PcscConnection translates it)."""

    def __init__(self, chip, after: int) -> None:
        self.chip, self.after, self.closed = chip, after, False

    def connect(self):
        self.chip.reset()
        return self

    def transmit(self, apdu: bytes) -> bytes:
        self.after -= 1
        if self.after < 0:
            raise DeviceError("与证件芯片的通信中断（证件可能被移开），请重新放置。", detail="removed")
        return self.chip.execute(apdu)

    def close(self) -> None:
        self.closed = True


def test_a_passport_taken_away_mid_read(journal):
    port = _PulledAway(demo.passport_chip(), after=8)
    desk = pp.PassportDesk(journal, "reg01", port, today=lambda: TODAY)
    with pytest.raises(DeviceError) as err:
        desk.read(pp.bac_entry_from_mrz(MRZ))
    assert "证件可能被移开" in err.value.message_zh and port.closed


def test_a_different_passport_on_the_reader_is_caught(journal):
    chips = demo.DemoChipPort()
    other = dict(demo.PASSPORT, document_number="X1234567", birth_date="860812")
    chips.place(demo.passport_chip(document_number="X1234567"))
    desk = pp.PassportDesk(journal, "reg01", chips, today=lambda: TODAY)
    read = desk.read(pp.bac_entry(other["document_number"], "860812", "310415"))
    assert read.party["id_number"] == "X1234567"
    with pytest.raises(BacError):
        desk.read(pp.bac_entry_from_mrz(MRZ))  # BAC keys of another passport


def test_a_german_passport_gets_the_three_letter_code():
    from drivers.pcsc.mrz import parse

    mrz = parse(pp.td3_mrz(surname="MUSTERMANN", given_names="ERIKA", document_number="C01X00T47",
                           nationality="D", birth_date="830812", sex="F", expiry_date="300801"))
    party = pp.party_from_mrz(mrz, TODAY)
    assert party["nationality"] == "DEU" and party["birth_date"] == "1983-08-12"


def test_a_permit_chip_is_not_taken_as_a_passport():
    from drivers.pcsc.mrz import parse

    mrz = parse(pp.td3_mrz(**dict(demo.PASSPORT, document_code="ID")))
    with pytest.raises(pp.PassportError) as err:
        pp.party_from_mrz(mrz, TODAY)
    assert "不是护照芯片" in err.value.message_zh


def test_the_pcsc_port_says_what_is_missing(monkeypatch):
    from drivers.pcsc import monitor

    monkeypatch.setattr(monitor, "unusable_reason", lambda: "智能卡服务（PC/SC）未运行")
    with pytest.raises(DriverUnavailable) as err:
        pp.PcscChipPort().connect()
    assert "无法使用电子证件读卡器" in err.value.message_zh
    monkeypatch.setattr(monitor, "unusable_reason", lambda: "")
    monkeypatch.setattr(monitor, "reader_names", list)
    with pytest.raises(DeviceNotFound) as err:
        pp.PcscChipPort().connect()
    assert "没有发现电子证件读卡器" in err.value.message_zh


# The real reader path, where pcscd and vsmartcard's vpcd are installed: the demo passport's
# emulated chip is put into pcscd's virtual reader and read through pyscard.
from pcsc.conftest import pcscd  # noqa: E402,F401 - the session's pcscd (skips with the reason)

VPCD_READER = "Virtual PCD 00 00"


@pytest.mark.integration
def test_the_pcsc_reader_path_through_pcscd(pcscd, journal):  # noqa: F811
    import time

    from drivers.pcsc.emulated_chip import VpcdCard

    desk = pp.PassportDesk(journal, "reg01", pp.PcscChipPort(VPCD_READER), today=lambda: TODAY)
    with pytest.raises(DeviceError) as err:
        desk.read(pp.bac_entry_from_mrz(MRZ))
    assert "读卡器上没有护照" in err.value.message_zh
    card = VpcdCard(demo.passport_chip()).insert()
    try:
        deadline = time.monotonic() + 10
        while True:  # pcscd notices the inserted card within a poll or two
            try:
                read = desk.read(pp.bac_entry_from_mrz(MRZ))
                break
            except DeviceError as exc:
                if "没有护照" not in exc.message_zh or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert read.party["id_number"] == "L898902C3" and read.face == demo.passport_face()
        with pytest.raises(BacError):
            desk.read(pp.bac_entry("L898902C3", "1986-08-12", "2031-04-16"))
    finally:
        card.remove()
