"""The SAM reader against the simulator through real pyserial ports (samsim:// URLs and a
pty): every card type, garbage, checksum errors, half frames, silence, slowness, a card
removed mid-read, forced statuses, an unplugged cable, and the USB bulk transport."""

from __future__ import annotations

import os
import sys

import pytest

from drivers.base import DeviceNotFound, DeviceTimeout
from drivers.idcard import protocol, status
from drivers.idcard.interface import CardRemoved
from drivers.idcard.sam_reader import SamReader
from drivers.idcard.samples import SAMPLES
from drivers.idcard.simulator import PtyServer, SamSimulator
from drivers.idcard.transport import UsbBulkTransport

EXPECTED_TYPES = {"resident": "resident", "long_term": "resident", "minority": "resident",
                  "hmt": "hmt_residence_permit", "foreign_2017": "foreign_2017",
                  "foreign_2023": "foreign_2023"}


@pytest.fixture
def reader(sim):
    r = SamReader.open(sim.url, timeout=0.3)
    yield r
    r.close()


@pytest.mark.parametrize("key", sorted(EXPECTED_TYPES))
def test_reads_every_sample_card(sim, reader, key):
    sim.insert(key)
    read = reader.read_card()
    assert read.record.card_type == EXPECTED_TYPES[key]
    assert read.text == SAMPLES[key].files.text
    assert read.photo_wlt == SAMPLES[key].files.photo and len(read.photo_wlt) == 1024


def test_the_exact_command_sequence_is_find_select_read(sim, reader):
    sim.insert("resident")
    reader.read_card()
    assert sim.requests == [b"\x20\x01", b"\x20\x02", b"\x30\x01"]


def test_appended_address(sim, reader):
    assert reader.read_new_address() is None  # no card
    sim.insert("resident")
    assert reader.read_new_address() is None  # SW3 91: the card has no appended address
    sim.new_address = "北京市海淀区䶮路8号".ljust(35).encode("utf-16-le")
    assert reader.read_new_address() == "北京市海淀区䶮路8号"
    assert sim.requests[-3:] == [b"\x20\x01", b"\x20\x02", b"\x30\x03"]


def test_no_card_is_none_not_an_error(sim, reader):
    assert reader.read_card() is None
    assert not reader.find_card()


def test_fingerprint_read_and_fallback_when_the_card_has_none(sim, reader):
    sim.insert("resident")
    read = reader.read_card(with_fingerprint=True)
    assert read.fingerprint == SAMPLES["resident"].files.fingerprint
    sim.force_status(0x91, "read_fp")
    read = reader.read_card(with_fingerprint=True)
    assert read.fingerprint == b"" and read.record.name == "王䶮"


def test_garbage_before_answers_is_skipped(sim, reader):
    sim.insert("minority")
    sim.inject("garbage", "find")
    sim.inject("garbage", "read")
    assert reader.read_card().record.name == "阿依古丽·买买提"


def test_a_bad_checksum_restarts_the_read_once(sim, reader):
    sim.insert("hmt")
    sim.inject("bad_checksum", "read")
    assert reader.read_card().record.permit_number == "H12345678"
    assert sim.requests.count(b"\x30\x01") == 2


def test_persistent_checksum_errors_raise_a_frame_error(sim, reader):
    sim.insert("hmt")
    sim.inject("bad_checksum", None, times=10)
    with pytest.raises(protocol.FrameError):
        reader.read_card()


def test_a_half_frame_times_out_and_the_next_read_is_clean(sim, reader):
    sim.insert("resident")
    sim.inject("truncated", "read")
    with pytest.raises(DeviceTimeout) as err:
        reader.read_card()
    assert "partial frame" in err.value.detail
    assert reader.read_card().record.name == "王䶮"


def test_silence_is_a_timeout(sim, reader):
    sim.inject("silent", "find")
    with pytest.raises(DeviceTimeout):
        reader.read_card()


def test_slow_answers_within_and_beyond_the_timeout(sim):
    sim.insert("resident")
    sim.inject("slow", "find")
    with SamReader.open(sim.url, timeout=1.5) as patient:
        assert patient.read_card() is not None
    sim.inject("slow", "find")
    with SamReader.open(sim.url, timeout=0.2) as hasty, pytest.raises(DeviceTimeout):
        hasty.read_card()


def test_card_removed_mid_read(sim, reader):
    sim.insert("resident")
    sim.inject("removed_mid_read", "read")
    with pytest.raises(CardRemoved) as err:
        reader.read_card()
    assert "移开" in err.value.message_zh
    assert reader.read_card() is None


def test_read_failure_with_the_card_still_there_is_not_reported_as_removed(sim, reader):
    sim.insert("resident")
    sim.force_status(0x32, "read")
    with pytest.raises(status.CardReadFailed):
        reader.read_card()


@pytest.mark.parametrize("sw3", sorted(set(status.SW3_TABLE) - {0x80, 0x91}))
def test_forced_status_on_find_raises_the_typed_error(sim, reader, sw3):
    sim.insert("resident")
    sim.force_status(sw3, "find")
    with pytest.raises(status.SW3_TABLE[sw3][0]):
        reader.read_card()


def test_unplugged_reader(sim, reader):
    sim.insert("resident")
    sim.inject("unplug", "find")
    with pytest.raises(DeviceNotFound) as err:
        reader.read_card()
    assert "断开" in err.value.message_zh


def test_opening_a_missing_port_is_device_not_found():
    with pytest.raises(DeviceNotFound):
        SamReader.open("/dev/does-not-exist-ttyX9")
    with pytest.raises(DeviceNotFound):
        SamReader.open("samsim://no-such-registered-simulator")


def test_sam_commands(sim, reader):
    assert reader.sam_id() == sim.sam_id_bytes.hex().upper()
    reader.reset_sam()
    reader.sam_status()
    assert reader.info().status == "ok"
    sim.force_status(0x60, "status")
    info = reader.info()
    assert info.status == "error" and "自检" in info.detail


def test_url_options_script_the_simulator():
    with SamReader.open("samsim://?card=foreign_2017&fault=garbage:find", timeout=0.3) as r:
        assert r.read_card().record.name_en == "SMITH, JOHN WILLIAM"
    with pytest.raises(DeviceNotFound):
        SamReader.open("samsim://?card=nobody")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_pty_simulator_is_a_real_serial_device():
    sim = SamSimulator()
    sim.insert("long_term")
    server = PtyServer(sim)
    try:
        assert os.path.exists(server.path)
        with SamReader.open(server.path, timeout=1.0) as r:
            assert r.read_card().record.valid_until == "long-term"
    finally:
        server.close()


class FakeUsbDevice:
    """A pyusb-shaped device whose far end is the simulator, honouring the SAM_V endpoints."""

    def __init__(self, sim):
        self.sim, self.head, self.out, self.writes = sim, b"", bytearray(), []

    def write(self, ep, data, timeout):
        self.writes.append((ep, bytes(data)))
        if ep == 0x02:
            self.head = bytes(data)
        elif ep == 0x06:
            for reply in self.sim.feed(self.head + bytes(data)):
                self.out += reply.data
        return len(data)

    def read(self, ep, size, timeout):
        if not self.out:
            raise TimeoutError("Operation timed out")
        n = 7 if ep == 0x81 else size
        chunk = bytes(self.out[:n])
        del self.out[:n]
        return chunk


def test_usb_bulk_transport_splits_frames_over_the_four_endpoints(sim):
    sim.insert("hmt")
    dev = FakeUsbDevice(sim)
    with SamReader(UsbBulkTransport(dev), timeout=0.3) as r:
        assert r.read_card().record.name == "陈嘉欣"
    assert dev.writes[:2] == [(0x02, bytes.fromhex("AAAAAA96690003")), (0x06, b"\x20\x01\x22")]
