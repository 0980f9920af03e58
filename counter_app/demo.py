"""Demo mode's scripted people, in one place: who is in the demo card tray, what each one
demonstrates, and the simulated devices they are put on.

Everyone here is synthetic (no real person's data; ID numbers carry valid check characters).
The cards go on the SAM reader simulator (real GA/T 467 frames, ``drivers.idcard.simulator``);
the passport goes on an in-process emulated ICAO chip (``drivers.pcsc.emulated_chip``, BAC and
secure messaging, no pcscd needed). Stories (docs/demo.md walks through them):

* four couples who register cleanly (the fourth with a foreign bride holding a chip passport,
  whose chip photo is compared with the live photo);
* an under-age man (refused at intake, with the legal basis, by the rules);
* a woman the demo's provincial simulator reports as married (blocked at 联网核对);
* a worn card the reader cannot read (the screen offers manual entry, F4).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from drivers.base import DeviceError
from drivers.idcard import protocol, samples, simulator
from drivers.idcard.samples import DEMO_SAMPLES, SAMPLES, SampleCard
from drivers.pcsc.emulated_chip import EmulatedIcaoChip

#: ID numbers the demo's provincial simulator answers as married (联网核对 blocks them).
ALREADY_MARRIED = ("110101199204050041",)  # 钱丽华
#: Cards whose chip the SAM cannot authenticate (SW3 32), as a worn or bent card does.
DAMAGED_CARDS = frozenset({"damaged"})
#: What is printed on the damaged card, for manual entry (docs/demo.md, the tray label).
DAMAGED_CARD_FACE = {"name": "刘芳", "sex": "女", "birth_date": "1994-12-01",
                     "id_number": "110105199412010066", "valid_until": "2034-12-01",
                     "hukou": "110105"}
PASSPORT_KEY = "passport_eriksson"
#: The demo passport: the fictitious holder of ICAO Doc 9303's specimen (state "UTO",
#: Utopia), with a face cut from the demo camera's public-domain portrait.
PASSPORT = {"surname": "ERIKSSON", "given_names": "ANNA MARIA", "document_number": "L898902C3",
            "nationality": "UTO", "birth_date": "860812", "sex": "F", "expiry_date": "310415"}


@dataclass(frozen=True)
class DemoPerson:
    """One entry of the demo card tray: the tray key and what it demonstrates."""

    key: str
    label: str


def people(today: date) -> list[DemoPerson]:
    """The tray, in the order a newcomer meets it (docs/demo.md lists the same)."""
    under = _card("underage", today)
    age = today.year - under.birth.year - ((today.month, today.day) <
                                            (under.birth.month, under.birth.day))
    f = DAMAGED_CARD_FACE
    return [
        DemoPerson("resident", "第1对·男　王䶮：生僻字“䶮”，顺利登记"),
        DemoPerson("long_term", "第1对·女　赵㛃：长期有效的身份证，顺利登记"),
        DemoPerson("li_haoran", "第2对·男　李浩然：顺利登记"),
        DemoPerson("zhou_xiaowen", "第2对·女　周晓雯：顺利登记"),
        DemoPerson("ma_xiao", "第3对·男　马骁：回族，顺利登记"),
        DemoPerson("minority", "第3对·女　阿依古丽·买买提：姓名带间隔号，顺利登记"),
        DemoPerson("sun_zhiqiang", "第4对·男　孙志强：与外国人结婚（涉外登记）"),
        DemoPerson(PASSPORT_KEY, "第4对·女　外国护照 ERIKSSON, ANNA MARIA：放到电子证件读卡器上，"
                                 "按 F12 输入机读区读芯片；拍照时与芯片照片比对"),
        DemoPerson("underage", f"未到法定婚龄　张小宇（男，{age} 岁）：初审不予受理，并说明法律依据"),
        DemoPerson("qian_lihua", "已有婚姻登记　钱丽华（女）：联网核对不通过，不能登记"),
        DemoPerson("damaged", f"读不出的身份证　{f['name']}（芯片损坏）：按 F4 手工录入 "
                              f"{f['sex']}，{f['birth_date']}，{f['id_number']}，"
                              f"有效期至 {f['valid_until']}"),
        DemoPerson("hmt", "其他证件　陈嘉欣：港澳台居民居住证（需手工录入）"),
        DemoPerson("foreign_2017", "其他证件　史密斯：外国人永久居留身份证（2017 版）"),
        DemoPerson("foreign_2023", "其他证件　穆勒：外国人永久居留身份证（2023 版）"),
    ]


@dataclass(frozen=True)
class _Dated:
    card: SampleCard
    birth: date


def _card(key: str, today: date) -> _Dated:
    if key == "underage":
        card = samples.underage_sample(today)
    else:
        card = DEMO_SAMPLES.get(key) or SAMPLES[key]
    from drivers.idcard.textblock import parse_text_block

    record = parse_text_block(card.files.text)
    return _Dated(card, record.birth_date)


class DemoSamSimulator(simulator.SamSimulator):
    """The demo's SAM reader: the simulator, except that a damaged card's chip fails the
    SAM's card authentication (SW3 32) every time, as a worn card does on a real reader."""

    def _respond(self, command: tuple[int, int], data: bytes) -> bytes:
        # The simulator scripts faults per command, for the next N answers; a worn chip is a
        # property of the card, so the demo reader answers that card's select itself.
        if command == protocol.SELECT_CARD and self.card is not None and \
                self.card.key in DAMAGED_CARDS:
            self._state = "idle"
            return protocol.build_response(0x32)
        return super()._respond(command, data)


class _ChipSession:
    def __init__(self, chip: EmulatedIcaoChip) -> None:
        self.transmit = chip.execute

    def close(self) -> None:
        """Nothing to release: the chip lives in this process."""


class DemoChipPort:
    """The demo's contactless (PC/SC) reader, in process: the emulated chip of the passport
    lying on it. Same ``connect()`` as ``counter_app.workflows.passport.PcscChipPort``."""

    def __init__(self) -> None:
        self.chip: EmulatedIcaoChip | None = None
        self._lock = threading.Lock()

    def place(self, chip: EmulatedIcaoChip) -> None:
        """Put a passport on the reader."""
        with self._lock:
            self.chip = chip

    def remove(self) -> None:
        """Take the passport away."""
        with self._lock:
            self.chip = None

    def connect(self) -> _ChipSession:
        """A session with the chip (powered up afresh), or the error a real reader gives."""
        with self._lock:
            if self.chip is None:
                raise DeviceError("读卡器上没有护照。请把护照资料页平放在电子证件读卡器上，再按回车读取。",
                                  detail="demo chip port empty")
            self.chip.reset()
            return _ChipSession(self.chip)


def passport_face() -> bytes:
    """The demo passport's chip photo: a passport-style crop of the face the demo camera shows
    (resources/demo/portrait.jpg, public domain), as JPEG."""
    return _passport_face()


@lru_cache(maxsize=1)
def _passport_face() -> bytes:
    import cv2
    import numpy as np

    from counter_app.resources import resource_path

    data = np.fromfile(str(resource_path("demo", "portrait.jpg")), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    # The face is at x 177-273, y 82-178 of the 512x512 portrait (counter-app face check):
    # a 35x45 mm passport framing around it, scaled to the usual chip photo size.
    crop = cv2.resize(image[38:238, 147:303], (312, 400), interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise RuntimeError("could not encode the demo passport photo")
    return encoded.tobytes()


def passport_chip(face: bytes | None = None, **overrides: str) -> EmulatedIcaoChip:
    """The demo passport's emulated chip (``face`` and MRZ fields may be replaced: tests)."""
    from counter_app.workflows.passport import td3_mrz

    return EmulatedIcaoChip(td3_mrz(**{**PASSPORT, **overrides}),
                            passport_face() if face is None else face)


@dataclass
class DemoDevices:
    """The demo's card reader and contactless reader, shared by every intake page."""

    sam: DemoSamSimulator
    chips: DemoChipPort

    def insert(self, key: str, today: date | None = None) -> None:
        """Put the tray's item ``key`` on the reader it belongs to."""
        if key == PASSPORT_KEY:
            self.chips.place(passport_chip())
            return
        self.sam.insert(_card(key, today or date.today()).card)


_DEVICES: DemoDevices | None = None
_DEVICES_LOCK = threading.Lock()


def devices() -> DemoDevices:
    """The process's demo devices; the SAM simulator is reachable as ``samsim://demo``."""
    global _DEVICES
    with _DEVICES_LOCK:
        sam = simulator.lookup("demo")
        if _DEVICES is None or _DEVICES.sam is not sam:
            if not isinstance(sam, DemoSamSimulator):
                sam = DemoSamSimulator()
                simulator.register("demo", sam)
            _DEVICES = DemoDevices(sam, _DEVICES.chips if _DEVICES else DemoChipPort())
        return _DEVICES


def card_tray(today: Callable[[], date] = date.today) -> tuple[dict[str, str],
                                                              Callable[[str], None]]:
    """The intake page's demo tray: {key: label} and the function putting a key's item on
    its reader."""
    demo = devices()
    labels = {p.key: p.label for p in people(today())}
    return labels, lambda key: demo.insert(key, today())
