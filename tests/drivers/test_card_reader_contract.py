"""Contract tests for the ID-card reader kind: every backend of ``IdCardReader`` (and the
simulator behind each transport) behaves the same. Real vendor backends skip without their
library; everything that can run here runs through its real code path."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from drivers.base import DeviceError, DeviceInfo
from drivers.idcard import simulator
from drivers.idcard.interface import CardRead, IdCardReader
from drivers.idcard.sam_reader import SamReader
from drivers.idcard.samples import SAMPLES
from drivers.idcard.textblock import CARD_TYPES
from drivers.idcard.transport import UsbBulkTransport
from drivers.idcard.vendor_sdk import SdtApiReader, TermbReader

ROOT = Path(__file__).resolve().parents[2]


class CardReaderContract:
    """Subclasses provide ``rig`` -> (reader, insert(key), remove())."""

    @pytest.fixture
    def rig(self):
        raise NotImplementedError

    def test_is_an_id_card_reader(self, rig):
        reader, _, _ = rig
        assert isinstance(reader, IdCardReader) and reader.KIND == "card_reader"

    def test_no_card_gives_none(self, rig):
        reader, _, remove = rig
        remove()
        assert reader.read_card() is None

    @pytest.mark.parametrize("key", ["resident", "minority", "long_term"])
    def test_reads_a_card_and_parses_it(self, rig, key):
        reader, insert, _ = rig
        insert(key)
        read = reader.read_card()
        assert isinstance(read, CardRead)
        assert read.record.card_type in CARD_TYPES.values()
        assert read.record.name == _expected_name(key)
        assert read.record.as_dict()["id_number"]

    def test_card_can_be_read_again_and_then_removed(self, rig):
        reader, insert, remove = rig
        insert("resident")
        assert reader.read_card() is not None
        assert reader.read_card() is not None
        remove()
        assert reader.read_card() is None

    def test_info_describes_the_reader(self, rig):
        reader, _, _ = rig
        info = reader.info()
        assert isinstance(info, DeviceInfo) and info.kind == "card_reader"
        assert info.status == "ok"


def _expected_name(key):
    from drivers.idcard.textblock import parse_text_block

    return parse_text_block(SAMPLES[key].files.text).name


@pytest.fixture
def registered_sim():
    name = "c" + uuid.uuid4().hex[:8]
    sim = simulator.SamSimulator()
    url = simulator.register(name, sim)
    yield sim, url
    simulator.unregister(name)


class TestSamOverSerialUrl(CardReaderContract):
    @pytest.fixture
    def rig(self, registered_sim):
        sim, url = registered_sim
        with SamReader.open(url, timeout=0.5) as reader:
            yield reader, sim.insert, sim.remove


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
class TestSamOverPty(CardReaderContract):
    @pytest.fixture
    def rig(self):
        sim = simulator.SamSimulator()
        server = simulator.PtyServer(sim)
        try:
            with SamReader.open(server.path, timeout=1.0) as reader:
                yield reader, sim.insert, sim.remove
        finally:
            server.close()


class _UsbEnd:
    """pyusb-shaped device whose far end is the simulator (SAM_V endpoint split)."""

    def __init__(self, sim):
        self.sim, self.head, self.out = sim, b"", bytearray()

    def write(self, ep, data, timeout):
        if ep == 0x02:
            self.head = bytes(data)
        else:
            for reply in self.sim.feed(self.head + bytes(data)):
                self.out += reply.data
        return len(data)

    def read(self, ep, size, timeout):
        if not self.out:
            raise TimeoutError("timeout")
        n = 7 if ep == 0x81 else size
        chunk = bytes(self.out[:n])
        del self.out[:n]
        return chunk


class TestSamOverUsbBulk(CardReaderContract):
    @pytest.fixture
    def rig(self):
        sim = simulator.SamSimulator()
        with SamReader(UsbBulkTransport(_UsbEnd(sim)), timeout=0.5) as reader:
            yield reader, sim.insert, sim.remove


def _build(tmp_path_factory, source: str, name: str) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the stand-in vendor library")
    out = tmp_path_factory.mktemp("vendor") / name
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out),
                    str(ROOT / "tests" / "idcard" / source)], check=True)
    return out


@pytest.fixture(scope="module")
def vendor_lib(tmp_path_factory):
    return _build(tmp_path_factory, "fake_vendor.c", "libsdtapi_contract.so")


@pytest.fixture(scope="module")
def termb_lib(tmp_path_factory):
    return _build(tmp_path_factory, "fake_termb.c", "libtermb_contract.so")


class TestSdtApiThroughCtypes(CardReaderContract):
    """The real ctypes backend against a compiled stand-in of the vendor library."""

    @pytest.fixture
    def rig(self, vendor_lib):
        lib = ctypes.CDLL(str(vendor_lib))

        def insert(key):
            lib.fake_set_card(SAMPLES[key].files.text, SAMPLES[key].files.photo)

        with SdtApiReader(1001, library=str(vendor_lib)) as reader:
            yield reader, insert, lambda: lib.fake_set_card(None, None)
        lib.fake_set_card(None, None)


class TestTermbThroughCtypes(CardReaderContract):
    """The real termb ctypes backend against a compiled stand-in: the getters hand back
    display strings (GB18030, 男/女, ethnicity names, dates with separators)."""

    @pytest.fixture
    def rig(self, termb_lib):
        from drivers.idcard.textblock import parse_text_block

        lib = ctypes.CDLL(str(termb_lib))

        def insert(key):
            r = parse_text_block(SAMPLES[key].files.text)
            until = "长期" if r.valid_until == "long-term" else r.valid_until.isoformat()
            values = [r.name, {"male": "男", "female": "女"}[r.sex], r.ethnicity.name + "族",
                      r.birth_date.isoformat(), r.address, r.id_number, r.issuer,
                      r.valid_from.strftime("%Y.%m.%d"), until]
            for i, value in enumerate(values):
                lib.fake_termb_set(i, value.encode("gb18030"))
            lib.fake_termb_card(1)

        with TermbReader(1001, library=str(termb_lib)) as reader:
            yield reader, insert, lambda: lib.fake_termb_card(0)
        lib.fake_termb_card(0)

    def test_fields_survive_the_getters(self, rig):
        from drivers.idcard.textblock import parse_text_block

        reader, insert, _ = rig
        for key in ("resident", "long_term", "minority"):
            insert(key)
            got = reader.read_card().record.as_dict()
            assert got == parse_text_block(SAMPLES[key].files.text).as_dict()


def test_unusable_backends_raise_typed_errors_not_crashes():
    reader = SdtApiReader(library="/nonexistent/sdtapi.so")
    with pytest.raises(DeviceError):
        reader.read_card()


@pytest.mark.hardware
def test_a_real_sam_reader_answers():
    """With --hardware and COUNTER_APP_DRIVERS_IDCARD_PORT set: the SAM answers its status and
    a read returns a card or None (place a card to see it parsed)."""
    import os

    port = os.environ.get("COUNTER_APP_DRIVERS_IDCARD_PORT", "")
    if not port or port.startswith("samsim://"):
        pytest.skip("set COUNTER_APP_DRIVERS_IDCARD_PORT to a real reader's port")
    with SamReader.open(port) as reader:
        assert reader.info().status == "ok"
        assert reader.sam_id()
        read = reader.read_card()
        assert read is None or read.record.card_type in CARD_TYPES.values()
