"""The polling loop: one event per inserted card, "no card" is silent, problems are events,
an unplugged reader is reopened."""

from __future__ import annotations

import threading
import time

from drivers.base import DeviceNotFound
from drivers.idcard.poller import CardInserted, CardLeft, CardPoller, ReaderProblem
from drivers.idcard.sam_reader import SamReader


class Collector:
    def __init__(self):
        self.events, self.threads, self.cond = [], set(), threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.events.append(event)
            self.threads.add(threading.current_thread().name)
            self.cond.notify_all()

    def wait_for(self, kind, count=1, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while sum(isinstance(e, kind) for e in self.events) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"no {kind.__name__} in {self.events}"
                self.cond.wait(left)
        return [e for e in self.events if isinstance(e, kind)]


def test_poll_once_is_silent_without_a_card(sim):
    got = Collector()
    poller = CardPoller(lambda: SamReader.open(sim.url, timeout=0.3), got)
    assert poller.poll_once() == poller.interval
    assert got.events == []


def test_insert_read_once_then_remove(sim):
    got = Collector()
    poller = CardPoller(lambda: SamReader.open(sim.url, timeout=0.3), got, interval=0.02).start()
    try:
        sim.insert("resident")
        inserted = got.wait_for(CardInserted)
        assert inserted[0].read.record.name == "王䶮"
        assert all(name.startswith("drv-idcard") for name in got.threads)  # the DeviceThread
        time.sleep(0.15)  # the card stays on the reader: no second event
        assert len(got.wait_for(CardInserted)) == 1
        sim.remove()
        got.wait_for(CardLeft)
        sim.insert("hmt")
        assert got.wait_for(CardInserted, 2)[1].read.record.card_type == "hmt_residence_permit"
        assert poller.submit(lambda reader: reader.sam_id()).result(5) == \
            sim.sam_id_bytes.hex().upper()
    finally:
        poller.stop()
    assert not poller.running


def test_problems_are_events_and_polling_goes_on(sim):
    got = Collector()
    poller = CardPoller(lambda: SamReader.open(sim.url, timeout=0.3), got, interval=0.02).start()
    try:
        sim.insert("resident")
        sim.inject("removed_mid_read", "read")
        problem = got.wait_for(ReaderProblem)[0]
        assert problem.error.code == "idcard.card_removed"
        sim.insert("minority")
        assert got.wait_for(CardInserted)[0].read.record.ethnicity.code == "05"
    finally:
        poller.stop()


def test_unplugged_reader_is_reported_and_reopened(sim):
    got = Collector()
    opened = []

    def open_reader():
        opened.append(1)
        if len(opened) == 2:
            raise DeviceNotFound("读卡器已断开")  # still unplugged at the first retry
        sim.unplugged = False
        return SamReader.open(sim.url, timeout=0.3)

    poller = CardPoller(open_reader, got, interval=0.02, reopen_backoff=0.05).start()
    try:
        sim.insert("resident")
        got.wait_for(CardInserted)
        sim.inject("unplug", "find")
        problems = got.wait_for(ReaderProblem, 2)
        assert all(isinstance(p.error, DeviceNotFound) for p in problems)
        got.wait_for(CardInserted, 2)  # reopened; the card counts as new after an unplug
        assert len(opened) >= 3
    finally:
        poller.stop()


def test_a_failing_listener_does_not_stop_polling(sim):
    calls = []

    def listener(event):
        calls.append(event)
        raise RuntimeError("listener bug")

    poller = CardPoller(lambda: SamReader.open(sim.url, timeout=0.3), listener)
    sim.insert("resident")
    poller.poll_once()
    sim.remove()
    poller.poll_once()
    poller.poll_once()
    assert [type(e) for e in calls] == [CardInserted, CardLeft]


def test_factory_uses_the_simulator_only_in_demo_mode():
    import pytest

    from drivers.idcard.factory import DEMO_URL, open_reader, reader_address

    assert reader_address("", demo=True) == DEMO_URL
    assert reader_address("COM3", demo=True) == "COM3"
    with pytest.raises(DeviceNotFound):
        reader_address("", demo=False)
    with open_reader("", demo=True) as reader:
        assert reader.read_card().record.name == "王䶮"


def test_unknown_card_type_and_internal_bugs_are_problems_not_a_dead_thread(sim):
    from drivers.idcard.protocol import CardFiles
    from drivers.idcard.samples import SAMPLES, SampleCard
    from drivers.idcard.textblock import UnknownCardType

    text = bytearray(SAMPLES["resident"].files.text)
    text[248:250] = b"Z\x00"
    sim.insert(SampleCard("odd", CardFiles(bytes(text), bytes(1024))))
    got = Collector()
    calls = []

    def open_reader():
        calls.append(1)
        if len(calls) == 1:
            return SamReader.open(sim.url, timeout=0.3)
        raise RuntimeError("a bug")

    poller = CardPoller(open_reader, got)
    poller.poll_once()
    assert isinstance(got.events[0].error, UnknownCardType)
    poller._reader.close()
    poller._reader = None
    assert poller.poll_once() == poller.reopen_backoff
    assert "内部错误" in got.events[1].error.message_zh
