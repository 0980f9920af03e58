"""End to end through the real PC/SC stack: pcscd + vpcd, the emulated ICAO chip speaking
vpcd's socket protocol in this process, and pyscard doing BAC and reading DG1/DG2."""

from __future__ import annotations

import threading
import time

import pytest

from drivers.pcsc import bac, monitor
from drivers.pcsc.chip_reader import IcaoChipReader
from drivers.pcsc.emulated_chip import ATR, EmulatedIcaoChip, VpcdCard

from . import SPECIMEN_KEY, SPECIMEN_MRZ, connect_when_present, face_image

pytestmark = pytest.mark.integration
READER = "Virtual PCD 00 00"


class Events:
    def __init__(self):
        self.items, self.cond = [], threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.items.append(event)
            self.cond.notify_all()

    def wait(self, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not any(predicate(e) for e in self.items):
                left = deadline - time.monotonic()
                assert left > 0, f"event not seen; got {self.items}"
                self.cond.wait(left)
        return next(e for e in self.items if predicate(e))


def test_bac_and_data_groups_through_pcscd(pcscd):
    assert READER in monitor.reader_names()
    assert any(r.name == READER and r.status == "ok" for r in monitor.detect())
    events = Events()
    watcher = monitor.PresenceMonitor(events, poll_ms=100).start()
    face = face_image("JPEG")
    card = VpcdCard(EmulatedIcaoChip(SPECIMEN_MRZ, face)).insert()
    try:
        events.wait(lambda e: isinstance(e, monitor.ReaderAttached) and e.reader == READER)
        present = events.wait(lambda e: isinstance(e, monitor.CardPresent) and e.reader == READER)
        assert present.atr == ATR
        conn = monitor.PcscConnection(READER)
        try:
            assert conn.atr == ATR
            doc = IcaoChipReader(conn.transmit).read_document(bac.mrz_information(*SPECIMEN_KEY))
        finally:
            conn.close()
        assert doc.mrz.valid and doc.mrz.surname == "ERIKSSON"
        assert (doc.mrz.document_number, doc.mrz.birth_date, doc.mrz.expiry_date) == (
            "L898902C3", "740812", "120415")
        assert doc.face.data == face and (doc.face.width, doc.face.height) == (96, 120)
        assert card.apdus >= 8
    finally:
        card.remove()
    try:
        events.wait(lambda e: isinstance(e, monitor.CardAbsent) and e.reader == READER)
    finally:
        watcher.stop()


def test_wrong_mrz_through_pcscd_is_a_bac_error(pcscd):
    card = VpcdCard(EmulatedIcaoChip(SPECIMEN_MRZ, face_image())).insert()
    try:
        conn = connect_when_present(READER)
        try:
            with pytest.raises(bac.BacError):
                IcaoChipReader(conn.transmit).read_document(
                    bac.mrz_information("L898902C3", "740812", "120416"))
        finally:
            conn.close()
    finally:
        card.remove()


def test_card_pulled_away_mid_session_is_a_device_error(pcscd):
    from drivers.base import DeviceError

    card = VpcdCard(EmulatedIcaoChip(SPECIMEN_MRZ, face_image())).insert()
    conn = connect_when_present(READER)
    try:
        reader = IcaoChipReader(conn.transmit)
        reader.select_application()
        card.remove()
        with pytest.raises(DeviceError) as err:
            for _ in range(50):  # pcscd notices the removal within its polling interval
                reader.authenticate(bac.mrz_information(*SPECIMEN_KEY))
                time.sleep(0.05)
        assert err.value.message_zh
    finally:
        conn.close()
        card.remove()
