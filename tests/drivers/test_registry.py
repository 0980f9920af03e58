"""The device registry behind `counter-app devices`: every built-in backend detects without
hardware, kinds without a backend say "not yet available", a broken detector is a row."""

from __future__ import annotations

import importlib
import importlib.util

import pytest

from drivers import registry
from drivers.base import DeviceInfo


@pytest.mark.parametrize("backend", registry.BUILTIN_BACKENDS, ids=lambda b: b.name)
def test_every_builtin_detector_imports_and_answers(backend):
    module, _, func = backend.detector.partition(":")
    rows = getattr(importlib.import_module(module), func)()
    assert rows and all(isinstance(r, DeviceInfo) and r.kind == backend.kind for r in rows)


def test_kinds_without_a_backend_are_not_yet_available_and_nothing_is_faked():
    rows = registry.detect_all()
    covered = {b.kind for b in registry.BUILTIN_BACKENDS}
    for kind in registry.EXPECTED_KINDS:
        kind_rows = [r for r in rows if r.kind == kind]
        assert kind_rows, kind
        if kind not in covered:
            assert len(kind_rows) == 1
            if importlib.util.find_spec(f"drivers.{kind}") is None:
                assert kind_rows[0].status == "unusable"
                assert "not yet available" in kind_rows[0].detail
            else:  # a driver package exists but nobody registered it: say so, do not hide it
                assert kind_rows[0].status == "error" and "registry" in kind_rows[0].detail


def test_simulator_is_listed_only_in_demo_mode():
    assert not any(r.backend == "sam-simulator" for r in registry.detect_all())
    assert any(r.backend == "sam-simulator" and r.status == "ok"
               for r in registry.detect_all(demo=True))


def test_adding_a_backend_is_one_line_and_a_broken_one_is_an_error_row(monkeypatch):
    monkeypatch.setattr(registry, "BUILTIN_BACKENDS", registry.BUILTIN_BACKENDS + (
        registry.Backend("camera", "broken-cam", "drivers.no_such_module:detect"),))
    rows = registry.detect_all()
    cam = [r for r in rows if r.backend == "broken-cam"]
    assert [(r.kind, r.status) for r in cam] == [("camera", "error")]
    assert "检测失败" in cam[0].detail
    assert not any(r.kind == "camera" and "not yet available" in r.detail for r in rows)


def test_settings_reach_detectors_that_take_them():
    rows = registry.detect_all({"port": "samsim://?card=resident", "unrelated": 1})
    serial = [r for r in rows if r.backend == "sam-serial"]
    assert serial[0].status == "ok" and serial[0].address == "samsim://?card=resident"
