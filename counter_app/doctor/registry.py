"""The doctor's checks and how they are run (imitates drivers/registry.py).

Each entry is one line: the check's name (a stable key of the JSON report) and
``module:function`` of a function taking the Probe and returning a Result or a list of Results.
Adding a check = adding a line. Checks are imported lazily, so a broken optional library
fails its own check only, and any exception becomes a "fail" row with what it said.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from typing import Any

from counter_app.doctor.probe import Probe, Skipped
from counter_app.errors import CounterAppError

log = logging.getLogger(__name__)

OK, WARN, FAIL = "ok", "warn", "fail"
STATUSES = (OK, WARN, FAIL)


@dataclass(frozen=True)
class Result:
    """One line of the report: ``{"check", "status", "detail", "hint"}`` in the JSON."""

    check: str
    status: str
    detail: str
    hint: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "detail": self.detail,
                "hint": self.hint}


@dataclass(frozen=True)
class Check:
    name: str
    function: str  # "module:function"


CHECKS: tuple[Check, ...] = (
    Check("version", "counter_app.doctor.install:check_version"),
    Check("disk_space", "counter_app.doctor.install:check_disk_space"),
    Check("journal", "counter_app.doctor.data:check_journal"),
    Check("key_store", "counter_app.doctor.data:check_key_store"),
    Check("enrolment", "counter_app.doctor.province:check_enrolment"),
    Check("clock", "counter_app.doctor.province:check_clock"),
    Check("sync_backlog", "counter_app.doctor.province:check_sync_backlog"),
    Check("number_blocks", "counter_app.doctor.data:check_number_blocks"),
    Check("blank_stock", "counter_app.doctor.data:check_blank_stock"),
    Check("devices", "counter_app.doctor.devices:check_devices"),
    Check("pcscd", "counter_app.doctor.devices:check_pcscd"),
    Check("fonts", "counter_app.doctor.install:check_fonts"),
    Check("models", "counter_app.doctor.install:check_models"),
    Check("qt_platform", "counter_app.doctor.install:check_qt_platform"),
    Check("screen", "counter_app.doctor.install:check_screen"),
    Check("instance_lock", "counter_app.doctor.data:check_instance_lock"),
)


def run_all(probe: Probe) -> list[Result]:
    """Every check in order; never raises."""
    results: list[Result] = []
    for check in CHECKS:
        results.extend(_run(check, probe))
    return results


def all_ok(results: list[Result]) -> bool:
    return all(r.status == OK for r in results)


def _run(check: Check, probe: Probe) -> list[Result]:
    module_name, _, func_name = check.function.partition(":")
    try:
        outcome: Any = getattr(importlib.import_module(module_name), func_name)(probe)
    except Skipped as skip:
        # What this check needs is missing; the check that owns it says why and what to do.
        return [Result(check.name, WARN, f"未检查：{skip.reason}", skip.hint)]
    except CounterAppError as err:
        return [Result(check.name, FAIL, err.message_zh,
                       "按提示处理后重新运行 counter-app doctor。")]
    except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
        log.warning("doctor check %s failed: %r", check.name, exc)
        return [Result(check.name, FAIL, f"检查出错：{type(exc).__name__}: {exc}",
                       "请导出诊断信息发给技术支持。")]
    return list(outcome) if isinstance(outcome, list) else [outcome]
