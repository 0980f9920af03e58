"""Camera simulator -> preview worker -> analysed frames, end to end, off the test thread."""

import threading
import time

import pytest

from counter_app.vision import models
from counter_app.vision.errors import ModelMissing
from counter_app.vision.faces import FacePipeline
from counter_app.vision.liveness import Challenge, LivenessSession, Status
from counter_app.vision.preview import PreviewWorker
from drivers.camera import open_camera, parse_resolution
from drivers.camera.opencv import OpenCVCamera
from drivers.camera.simulator import SimulatedCamera

from .conftest import FIXTURES


def test_simulated_portrait_camera_through_the_preview_worker(images):
    # Slower than one analysis: the newest-frame mailbox then hands the worker each picture in
    # turn. At 100 fps an analysis that took a steady two frame periods saw only one of them.
    camera = SimulatedCamera([FIXTURES / "astronaut.jpg", FIXTURES / "obama2.jpg"], fps=5)
    results, threads = [], set()

    def on_result(result):
        threads.add(threading.current_thread().name)
        results.append(result)

    worker = PreviewWorker(camera, on_result)
    camera.start()
    worker.start()
    try:
        assert worker.wait_ready(60) and worker.error is None
        deadline = time.monotonic() + 20
        while len(results) < 6 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
        camera.stop()
    assert len(results) >= 6 and threads == {"vision-preview"}
    verdicts = {r.quality.ok for r in results}
    assert verdicts == {True, False}           # astronaut acceptable, obama2 turned away
    assert all(r.analysis.primary is not None and r.latency_ms > 0 for r in results)
    seqs = [r.seq for r in results]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_liveness_session_rides_along(images):
    camera = SimulatedCamera([images("astronaut.jpg")], fps=50)
    states = []
    worker = PreviewWorker(camera, lambda r: states.append(r.liveness))
    worker.start_liveness(LivenessSession((Challenge.BLINK,), timeout_s=0.5))
    camera.start()
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while not (states and states[-1] and states[-1].status is Status.FAILED) \
                and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
        camera.stop()
    # A still photo never blinks: the challenge times out, and the best frame was kept.
    assert states[-1].status is Status.FAILED and "超时" in states[-1].prompt
    assert worker.liveness.best_frame is not None


def test_missing_model_is_reported_by_the_worker(tmp_path):
    camera = SimulatedCamera([FIXTURES / "astronaut.jpg"])
    worker = PreviewWorker(camera, lambda r: None,
                           pipeline_factory=lambda: FacePipeline(models_dir=tmp_path))
    worker.start()
    assert worker.wait_ready(10)
    worker.stop()
    assert isinstance(worker.error, ModelMissing)
    assert models.FACE_DETECTOR in worker.error.message_zh


def test_open_camera_from_settings():
    assert isinstance(open_camera("0"), OpenCVCamera) and open_camera("0").source == 0
    cam = open_camera("rtsp://192.0.2.1/s", "640x480")
    assert (cam.width, cam.height) == (640, 480)
    pattern = open_camera("simulator", "320x240")
    assert isinstance(pattern, SimulatedCamera) and pattern.items[0].shape == (240, 320, 3)
    files = open_camera(f"simulator:{FIXTURES}")
    assert isinstance(files, SimulatedCamera) and len(files.items) >= 6
    with pytest.raises(ValueError):
        parse_resolution("big")


def test_an_analysis_that_fails_mid_stream_is_reported_not_swallowed():
    class Broken:
        def analyse(self, image):
            raise RuntimeError("inference failed")

        def close(self):
            pass

    camera = SimulatedCamera([FIXTURES / "astronaut.jpg"], fps=50)
    reported = threading.Event()
    errors = []

    def on_error(exc):
        errors.append(exc)
        reported.set()

    camera.start()
    worker = PreviewWorker(camera, lambda r: None, pipeline_factory=Broken, on_error=on_error)
    worker.start()
    try:
        assert reported.wait(10)
    finally:
        worker.stop()
        camera.stop()
    assert isinstance(errors[0], RuntimeError) and worker.error is errors[0]
