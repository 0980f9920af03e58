"""The vendor-DLL backends and the WLT photo decoder: absent here (and saying so), and
working through real ctypes calls against a compiled stand-in library."""

from __future__ import annotations

import ctypes

import pytest

from drivers.base import DriverUnavailable
from drivers.idcard import status
from drivers.idcard.samples import SAMPLES
from drivers.idcard.vendor_sdk import SdtApiReader, TermbReader, detect_sdtapi, detect_termb
from drivers.idcard.wlt import WltDecoder


def test_absent_vendor_libraries_report_themselves_unusable():
    for cls in (SdtApiReader, TermbReader):
        reader = cls(library="/nonexistent/libvendor.so")
        assert not reader.is_usable()
        assert "没有找到厂商读卡库" in reader.unusable_reason()
        with pytest.raises(DriverUnavailable):
            reader.read_card()
        assert reader.info().status == "unusable"
    assert detect_sdtapi()[0].status in ("unusable", "ok", "error")
    assert detect_termb()[0].backend == "vendor-termb"


def test_a_library_without_the_functions_is_unusable(fake_vendor_lib):
    reader = TermbReader(library=str(fake_vendor_lib))
    assert not reader.is_usable() and "CVR_InitComm" in reader.unusable_reason()


@pytest.fixture
def fake(fake_vendor_lib):
    lib = ctypes.CDLL(str(fake_vendor_lib))
    yield lib
    lib.fake_set_card(None, None)
    lib.fake_force_status(0)


def test_sdtapi_reads_through_ctypes(fake, fake_vendor_lib):
    files = SAMPLES["minority"].files
    fake.fake_set_card(files.text, files.photo)
    with SdtApiReader(1001, library=str(fake_vendor_lib)) as reader:
        assert reader.is_usable() and reader.info().status == "ok"
        read = reader.read_card()
        assert read.record.name == "阿依古丽·买买提" and read.photo_wlt == files.photo
        assert reader.sam_id().startswith("05.01-")
        fake.fake_set_card(None, None)
        assert reader.read_card() is None


def test_sdtapi_status_codes_map_to_typed_errors(fake, fake_vendor_lib):
    files = SAMPLES["resident"].files
    fake.fake_set_card(files.text, files.photo)
    fake.fake_force_status(0x41)
    with SdtApiReader(1001, library=str(fake_vendor_lib)) as reader, \
            pytest.raises(status.CardReadFailed):
        reader.read_card()
    with SdtApiReader(7, library=str(fake_vendor_lib)) as wrong_port:
        assert wrong_port.info().status == "error"


def test_wlt_decoder_absent_says_so():
    decoder = WltDecoder(None)
    assert not decoder.is_usable() and "相片解码库" in decoder.unusable_reason()
    with pytest.raises(DriverUnavailable):
        decoder.decode(bytes(1024))
    missing = WltDecoder("/nonexistent/libwlt2bmp.so")
    assert not missing.is_usable() and "无法加载" in missing.unusable_reason()


def test_wlt_decoder_plugin_through_ctypes(fake_vendor_lib):
    decoder = WltDecoder(fake_vendor_lib)
    assert decoder.is_usable()
    bmp = decoder.decode(b"\x57" + bytes(1023))
    assert len(bmp) == 38862 and bmp[:3] == b"BMW"
