"""What every device driver shares: errors with codes, device descriptions, usability, threads.

Each device kind (card reader, camera, printer, signature pad, ...) has one interface (an ABC
in its package), real backends and a simulator with the same interface. A backend module must
import even where its vendor library or OS facility is missing, and then answer
``is_usable()`` with False and a reason (``unusable_reason()``), as python-escpos and calibre do.

Device I/O never runs on the GUI thread: each driver does its I/O on its own single worker
thread (:class:`DeviceThread`), because vendor SDKs are rarely thread-safe (Electrum's hidapi
note) and a slow device must never freeze the window.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from counter_app.errors import CounterAppError

T = TypeVar("T")


class DeviceError(CounterAppError):
    """A device failed or answered something unusable. ``message_zh`` tells the registrar
    what happened and what to do next; ``detail`` has the bytes/status for technicians."""

    code = "device.error"


class DeviceNotFound(DeviceError):
    """No such device is connected (unplugged, wrong port, powered off)."""

    code = "device.not_found"


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""

    code = "device.timeout"


def load_vendor_library(names: tuple[str, ...], explicit: str | None = None,
                        required: tuple[str, ...] = ()) -> tuple[Any, str]:
    """A vendor's C library through ctypes: ``explicit`` (a path from the settings) or the
    first of ``names`` the system finds, and it must export every function in ``required``.
    Returns (library, "") or (None, the reason in words for ``unusable_reason``)."""
    import ctypes
    import ctypes.util
    import os

    # WinDLL exists only in Windows' ctypes, and the checker reads the code as on Linux.
    loader = ctypes.WinDLL if os.name == "nt" else ctypes.CDLL  # type: ignore[attr-defined]
    candidates = [explicit] if explicit else [ctypes.util.find_library(n) or n for n in names]
    errors = []
    for candidate in candidates:
        try:
            lib = loader(candidate)
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
            continue
        missing = [f for f in required if not hasattr(lib, f)]
        if missing:
            return None, f"{candidate} 缺少函数 {', '.join(missing)}"
        return lib, ""
    return None, "；".join(errors)


class Backend:
    """The usability contract of every device backend (see the module docstring): a backend
    whose library or facility is missing overrides ``unusable_reason`` to say why."""

    def is_usable(self) -> bool:
        """Whether this backend can work on this machine."""
        return not self.unusable_reason()

    def unusable_reason(self) -> str:
        """Why it cannot, in Chinese ("" when it can)."""
        return ""


class DriverUnavailable(DeviceError):
    """The backend cannot work on this machine (vendor library or OS facility missing)."""

    code = "device.driver_unavailable"


@dataclass(frozen=True)
class DeviceInfo:
    """One detected (or configured) device, as listed by ``counter-app devices``."""

    kind: str            # "card_reader", "camera", "printer", "signature_pad", ...
    backend: str         # e.g. "sam-serial", "pcsc", "opencv", "escpos", "simulator"
    name: str            # human-readable name
    address: str         # port, device path, index or URL
    status: str          # "ok", "absent", "unusable", "error"
    detail: str = ""     # why, when status is not ok (Chinese first, then technical)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "backend": self.backend, "name": self.name,
                "address": self.address, "status": self.status, "detail": self.detail,
                **({"extra": self.extra} if self.extra else {})}


class DeviceThread:
    """One worker thread for one driver; all of that driver's I/O runs on it.

    ``submit(fn)`` returns a Future; ``call(fn)`` waits for the result (never from the GUI
    thread: the UI uses ``submit`` and a callback).
    """

    def __init__(self, name: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"drv-{name}")
        self._thread: threading.Thread | None = None
        self._executor.submit(self._remember_thread).result()

    def _remember_thread(self) -> None:
        self._thread = threading.current_thread()

    def in_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def assert_in_thread(self) -> None:
        assert self.in_thread(), "device I/O must run on its driver thread"

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        return self._executor.submit(fn, *args, **kwargs)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self.in_thread():
            return fn(*args, **kwargs)
        return self._executor.submit(fn, *args, **kwargs).result()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
