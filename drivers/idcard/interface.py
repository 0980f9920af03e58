"""The one interface of the ID-card reader kind, shared by every backend and the simulator.

Backends: :class:`drivers.idcard.sam_reader.SamReader` (GA/T 467 frames over serial or USB,
the simulator included via ``samsim://`` URLs) and the vendor-DLL readers in
``drivers.idcard.vendor_sdk``. Calls block; run them on the reader's ``DeviceThread`` or let
:class:`drivers.idcard.poller.CardPoller` do it.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Self

from drivers.base import Backend, DeviceError, DeviceInfo
from drivers.idcard.textblock import IdCardRecord


class CardRemoved(DeviceError):
    """The card left the reader while it was being read."""

    code = "idcard.card_removed"


@dataclass(frozen=True)
class CardRead:
    """One successful read: the parsed record plus the raw files (photo as opaque WLT)."""

    record: IdCardRecord
    text: bytes
    photo_wlt: bytes
    fingerprint: bytes = b""


class IdCardReader(Backend, abc.ABC):
    """Reads the resident ID card and the J/I/Y cards through a SAM."""

    #: The device kind, as ``counter-app devices`` lists it.
    KIND = "card_reader"
    #: Short backend name ("sam-serial", "vendor-sdtapi", ...).
    BACKEND = ""

    @abc.abstractmethod
    def read_card(self, *, with_fingerprint: bool = False) -> CardRead | None:
        """Find, select and read the card on the reader; ``None`` when there is no card.

        Raises a ``DeviceError`` subclass for everything else (card removed, SAM fault,
        timeout, unplugged), or ``textblock.CardDataError`` for card data it cannot parse
        (an unknown card type); each with a Chinese message.
        """

    @abc.abstractmethod
    def sam_id(self) -> str:
        """The SAM's identifier, as the reader reports it (for the audit trail)."""

    @abc.abstractmethod
    def info(self) -> DeviceInfo:
        """What this reader is and whether it works, for ``counter-app devices``."""

    def close(self) -> None:
        """Release the port or library."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
