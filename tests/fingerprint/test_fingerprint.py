"""Fingerprint pads: the simulator and the ZKTeco backend (through real ctypes calls into a
compiled stand-in of libzkfp) honour one contract: a sample with a grey image, its PNG, a
template and a quality score, and typed errors with Chinese messages for each failure."""

from __future__ import annotations

import ctypes

import cv2
import numpy as np
import pytest

from drivers.fingerprint import FingerprintError, NoFinger, PadTimeout, PadUnplugged, open_pad
from drivers.fingerprint.detect import detect, detect_simulator
from drivers.fingerprint.quality import quality_score
from drivers.fingerprint.simulator import SimulatorPad, features, synthetic_finger
from drivers.fingerprint.zkfp import ZkfpPad
from drivers.registry import detect_all


def check_sample(sample, backend):
    assert sample.device == backend and len(sample.grey) == sample.width * sample.height
    decoded = cv2.imdecode(np.frombuffer(sample.png(), np.uint8), cv2.IMREAD_UNCHANGED)
    assert decoded.shape == (sample.height, sample.width)
    assert np.array_equal(decoded, sample.array)  # PNG is lossless: the sensor's image
    assert sample.template and 0 <= sample.quality <= 100


def test_simulator_gives_deterministic_good_fingers():
    with SimulatorPad(seed=7) as pad:
        first = pad.capture(timeout_s=1)
    check_sample(first, "simulator")
    assert first.quality >= 80
    with SimulatorPad(seed=7) as again:
        assert again.capture(1).grey == first.grey  # same seed, same finger
    assert synthetic_finger(8).tobytes() != first.grey
    assert first.template.startswith(b"SIMFP1") and first.template == features(first.array)


def test_quality_separates_fingers_from_smudges_and_noise():
    good = quality_score(synthetic_finger(3))
    partial = quality_score(synthetic_finger(3, placement=0.35))
    blank = quality_score(np.full((400, 300), 230, np.uint8))
    noise = quality_score(np.random.default_rng(0).integers(0, 256, (400, 300), np.uint8))
    assert good >= 80 and partial < 40 and blank == 0 and noise < 20


@pytest.mark.parametrize("fault, error, words", [
    ("no_finger", NoFinger, "没有检测到手指"),
    ("timeout", PadTimeout, "指纹仪没有响应"),
])
def test_simulator_faults_are_typed_with_chinese_messages(fault, error, words):
    pad = SimulatorPad()
    pad.open()
    pad.fault = fault
    with pytest.raises(error, match=words) as caught:
        pad.capture(timeout_s=0.01)
    assert caught.value.code.startswith("fingerprint.")
    pad.fault = None
    assert pad.capture(0.01).quality > 0  # the next press works: no restart needed


def test_an_unplugged_simulator_fails_to_open_and_mid_session():
    pad = SimulatorPad(fault="unplugged")
    with pytest.raises(PadUnplugged, match="插好指纹仪"):
        pad.open()
    assert pad.info().status == "absent"
    pad.fault = None
    pad.open()
    pad.fault = "unplugged"  # pulled out while in use
    with pytest.raises(PadUnplugged):
        pad.capture(0.01)


def test_open_pad_follows_the_setting():
    assert isinstance(open_pad("", demo=True), SimulatorPad)
    assert isinstance(open_pad("simulator"), SimulatorPad)
    assert isinstance(open_pad("zkfp:/nonexistent/libzkfp.so"), ZkfpPad)
    with pytest.raises(FingerprintError, match="没有配置指纹仪"):
        open_pad("")
    with pytest.raises(FingerprintError, match="无法识别"):
        open_pad("wacom")


def test_absent_vendor_library_reports_itself_unusable():
    pad = ZkfpPad("/nonexistent/libzkfp.so")
    assert not pad.is_usable() and "libzkfp" in pad.unusable_reason()
    with pytest.raises(FingerprintError, match="指纹仪驱动") as caught:
        pad.open()
    assert caught.value.code == "fingerprint.driver_unavailable"
    from drivers.base import DriverUnavailable
    assert isinstance(caught.value, DriverUnavailable)  # like every missing vendor library
    assert pad.info().status == "unusable"
    row = detect("")[0]  # nothing configured and no SDK on this machine
    assert row.kind == "fingerprint" and row.status in ("absent", "ok")


def test_registry_lists_the_pad_kind():
    demo_rows = [r for r in detect_all({"fingerprint_device": ""}, demo=True)
                 if r.kind == "fingerprint"]
    assert [r.backend for r in demo_rows if r.status == "ok"] == ["simulator"]
    rows = [r for r in detect_all({"fingerprint_device": "simulator"}) if r.kind == "fingerprint"]
    assert [r.backend for r in rows] == ["simulator"]
    assert detect_simulator("simulator") == []  # listed once, by detect()
    assert detect("zkfp:/nonexistent/libzkfp.so")[0].status == "unusable"
    # Only what open_pad accepts passes detection: the light never says ok for a bad setting.
    assert detect("zkfp_old")[0].status == "error"
    with pytest.raises(FingerprintError, match="无法识别"):
        open_pad("zkfp_old")


@pytest.fixture
def fake(fake_zkfp_lib):
    lib = ctypes.CDLL(str(fake_zkfp_lib))
    lib.fake_zk_setup.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_char_p]
    finger = synthetic_finger(11).tobytes()
    lib.fake_zk_setup(1, 0, 0, finger)
    lib.finger = finger
    return lib


def test_zkfp_captures_through_ctypes(fake, fake_zkfp_lib):
    fake.fake_zk_setup(1, 3, 0, None)  # the finger arrives on the 4th poll
    with ZkfpPad(str(fake_zkfp_lib)) as pad:
        assert pad.is_usable() and (pad.width, pad.height) == (300, 400)
        sample = pad.capture(timeout_s=5)
    check_sample(sample, "zkfp")
    assert sample.grey == fake.finger and sample.template == bytes(range(0xA0, 0xB0))
    assert sample.quality >= 80 and fake.fake_zk_polls() == 4
    assert fake.fake_zk_terminated() >= 1  # closed: the SDK released


def test_zkfp_info_and_detection(fake, fake_zkfp_lib):
    row = ZkfpPad(str(fake_zkfp_lib)).info()
    assert row.status == "ok" and row.extra == {"image": "300x400"}
    fake.fake_zk_setup(0, 0, 0, None)
    assert detect(f"zkfp:{fake_zkfp_lib}")[0].status == "absent"


@pytest.mark.parametrize("setup, error", [
    ((1, 10_000, 0), NoFinger),            # nobody presses: -8 until the timeout
    ((1, 0, -28), PadTimeout),             # ZKFP_ERR_TIMEOUT
    ((1, 0, -7), PadUnplugged),            # ZKFP_ERR_INVALID_HANDLE: pulled out
    ((1, 0, -17), FingerprintError),       # ZKFP_ERR_FAIL
])
def test_zkfp_errors_map_to_typed_errors(fake, fake_zkfp_lib, setup, error):
    fake.fake_zk_setup(*setup, None)
    with ZkfpPad(str(fake_zkfp_lib)) as pad, pytest.raises(error) as caught:
        pad.capture(timeout_s=0.25)
    assert "ZKFPM_AcquireFingerprint" in caught.value.detail and caught.value.message_zh


def test_zkfp_without_a_connected_pad_says_unplugged(fake, fake_zkfp_lib):
    fake.fake_zk_setup(0, 0, 0, None)
    with pytest.raises(PadUnplugged, match="USB"):
        ZkfpPad(str(fake_zkfp_lib)).open()


def test_a_library_without_the_functions_is_unusable(tmp_path):
    import shutil
    import subprocess

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc/gcc) to build a library")
    source = tmp_path / "other.c"
    source.write_text("int ZKFPM_Init(void) { return 0; }\n")
    lib = tmp_path / "libother.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), str(source)], check=True)
    pad = ZkfpPad(str(lib))
    assert not pad.is_usable() and "ZKFPM_AcquireFingerprint" in pad.unusable_reason()
