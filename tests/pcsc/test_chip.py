"""The chip reader against the emulated ICAO chip, in process: the whole BAC + EF.COM/DG1/DG2
sequence, JPEG and JPEG 2000 faces, wrong MRZ data, tampered messages, refused plain reads."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.pcsc import bac, lds
from drivers.pcsc.chip_reader import ChipError, IcaoChipReader
from drivers.pcsc.emulated_chip import ATR, EmulatedIcaoChip
from drivers.pcsc.sm import SecureMessagingError, parse_tlvs

from . import SPECIMEN_KEY, SPECIMEN_MRZ, face_image


def key(*parts):
    return bac.mrz_information(*(parts or SPECIMEN_KEY))


def test_reads_com_dg1_and_a_decoded_jpeg_face():
    face = face_image("JPEG")
    doc = IcaoChipReader(EmulatedIcaoChip(SPECIMEN_MRZ, face).execute).read_document(key())
    assert doc.com.lds_version == "0107" and doc.com.tags == b"\x61\x75"
    assert doc.mrz.valid and doc.mrz.document_number == "L898902C3"
    assert (doc.mrz.surname, doc.mrz.nationality, doc.mrz.sex) == ("ERIKSSON", "UTO", "female")
    assert (doc.face.mime, doc.face.data, doc.face.width, doc.face.height) == (
        "image/jpeg", face, 96, 120)


def test_jpeg2000_face_is_decoded_when_pillow_can():
    from PIL import features

    if not features.check("jpg_2000"):
        pytest.skip("this Pillow build has no OpenJPEG (JPEG 2000) support")
    face = face_image("JPEG2000")
    doc = IcaoChipReader(EmulatedIcaoChip(SPECIMEN_MRZ, face, jpeg2000=True).execute) \
        .read_document(key())
    assert (doc.face.mime, doc.face.width) == ("image/jp2", 96)


def test_large_dg2_is_read_in_several_chunks():
    big = face_image("PNG", (400, 500))  # not JPEG, but a big payload: only the bytes matter
    chip = EmulatedIcaoChip(SPECIMEN_MRZ, big)
    seen = []
    reader = IcaoChipReader(lambda apdu: seen.append(apdu) or chip.execute(apdu))
    reader.select_application()
    reader.authenticate(key())
    data = reader.read_file(lds.EF_DG2)
    assert data == chip.files[lds.EF_DG2] and len(data) > 3 * 0xDF
    assert sum(1 for a in seen if a[1] == 0xB0) >= 4


def test_wrong_mrz_data_fails_bac_with_a_chinese_message():
    with pytest.raises(bac.BacError) as err:
        IcaoChipReader(EmulatedIcaoChip(SPECIMEN_MRZ, face_image()).execute) \
            .read_document(key("L898902C3", "740812", "120416"))
    assert "出生日期" in err.value.message_zh


def test_plain_reads_are_refused_before_bac():
    chip = EmulatedIcaoChip(SPECIMEN_MRZ, face_image())
    assert chip.execute(bytes.fromhex("00A4040C07A0000002471001")) == b"\x90\x00"
    assert chip.execute(bytes.fromhex("00A4020C020101")) == b"\x69\x82"
    assert chip.execute(bytes.fromhex("00B0000004")) == b"\x69\x82"
    assert chip.execute(bytes.fromhex("00A4040C07A0000002471002")) == b"\x6a\x82"


def test_a_tampered_response_mac_is_detected():
    chip = EmulatedIcaoChip(SPECIMEN_MRZ, face_image())

    def tamper(apdu):
        resp = chip.execute(apdu)
        if apdu[0] == 0x0C and apdu[1] == 0xB0:
            resp = resp[:-3] + bytes([resp[-3] ^ 1]) + resp[-2:]
        return resp

    reader = IcaoChipReader(tamper)
    reader.select_application()
    reader.authenticate(key())
    with pytest.raises(SecureMessagingError) as err:
        reader.read_file(lds.EF_COM)
    assert "校验" in err.value.message_zh


def test_a_tampered_command_ends_the_chips_session():
    chip = EmulatedIcaoChip(SPECIMEN_MRZ, face_image())
    reader = IcaoChipReader(lambda apdu: chip.execute(apdu[:-2] + bytes([apdu[-2] ^ 1, 0])
                                                      if apdu[0] == 0x0C else apdu))
    reader.select_application()
    reader.authenticate(key())
    with pytest.raises(SecureMessagingError):
        reader.read_file(lds.EF_COM)
    assert chip.channel is None


def test_missing_file_and_non_passport_card():
    chip = EmulatedIcaoChip(SPECIMEN_MRZ, face_image())
    reader = IcaoChipReader(chip.execute)
    reader.select_application()
    reader.authenticate(key())
    with pytest.raises(ChipError):
        reader.read_file(0x0105)
    with pytest.raises(ChipError) as err:
        IcaoChipReader(lambda apdu: b"\x6a\x82").select_application()
    assert "芯片" in err.value.message_zh


def test_malformed_data_groups_are_typed_errors():
    with pytest.raises(lds.LdsError):
        lds.parse_dg1(b"\x61\x05\x5f\x1f")
    with pytest.raises(lds.LdsError):
        lds.parse_dg2(lds.build_dg1(SPECIMEN_MRZ))
    with pytest.raises(lds.LdsError):
        lds.parse_dg2(b"\x75\x08\x7f\x61\x05\x02\x01\x01\x7f\x60\x00")


def test_atr_checksum_and_tlv_round_trip():
    tck = 0
    for b in ATR[1:]:
        tck ^= b
    assert tck == 0
    dg2 = lds.build_dg2(face_image())
    assert parse_tlvs(dg2)[0][0] == 0x75


def test_exit_entry_permit_with_a_three_line_mrz():
    from drivers.pcsc.mrz import parse

    from .test_mrz import _permit_mrz

    permit = _permit_mrz()
    doc = IcaoChipReader(EmulatedIcaoChip(permit, face_image()).execute) \
        .read_document(bac.key_from_mrz(parse(permit)))
    assert (doc.mrz.format, doc.mrz.document_code, doc.mrz.surname) == ("TD1", "CS", "CHEN")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b"\x60", b"\x61", b"\x75",
                                                 b"\x75\x81\xf0\x7f\x61"]))
def test_fuzzed_data_groups_give_lds_errors_only(data, prefix):
    blob = prefix + data
    for parse in (lds.parse_com, lds.parse_dg1, lds.parse_dg2):
        try:
            parse(blob)
        except lds.LdsError:
            pass


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=60), min_size=1, max_size=5))
def test_a_chip_answering_garbage_after_bac_gives_device_errors_only(answers):
    from drivers.base import DeviceError

    chip = EmulatedIcaoChip(SPECIMEN_MRZ, face_image())
    queue = list(answers)
    after_bac = []

    def transmit(apdu):
        if after_bac:
            return queue.pop(0) if queue else b"\x90\x00"
        return chip.execute(apdu)

    reader = IcaoChipReader(transmit)
    reader.select_application()
    reader.authenticate(key())
    after_bac.append(True)
    try:
        reader.read_file(lds.EF_COM)
    except DeviceError as exc:
        assert exc.message_zh
