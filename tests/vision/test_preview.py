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


# --- the session's one vision thread ---------------------------------------------------------

class CountingPipeline:
    """A stand-in face pipeline that counts how often it is made, used and closed, and on
    which threads (the real one's cost is what the session worker saves)."""

    made: list[str] = []
    closed: list[str] = []

    def __init__(self, pipeline):
        self.real = pipeline
        CountingPipeline.made.append(threading.current_thread().name)

    def analyse(self, image):
        return self.real.analyse(image)

    def close(self):
        CountingPipeline.closed.append(threading.current_thread().name)


def test_one_vision_thread_and_one_pipeline_serve_visit_after_visit(images, pipeline):
    from counter_app.vision.worker import VisionWorker

    CountingPipeline.made, CountingPipeline.closed = [], []
    vision = VisionWorker(lambda: CountingPipeline(pipeline))
    before = threading.active_count()
    try:
        for visit in range(3):
            camera = SimulatedCamera([images("astronaut.jpg")], fps=20)
            results, threads = [], set()

            def on_result(result, threads=threads, results=results):
                threads.add(threading.current_thread().name)
                results.append(result)

            camera.start()
            worker = PreviewWorker(camera, on_result, vision=vision)
            worker.start()
            deadline = time.monotonic() + 20
            while len(results) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            worker.stop()
            camera.stop()
            assert len(results) >= 3 and threads == {"vision"}
            assert results[0].analysis.primary is not None
            # Left: the thread waits for the next page, and nothing more is analysed.
            count = len(results)
            time.sleep(0.3)
            assert len(results) == count and vision.alive
            assert threading.active_count() == before + 1       # the vision thread only
    finally:
        vision.close()
    assert CountingPipeline.made == ["vision"] and CountingPipeline.closed == ["vision"]
    assert not vision.alive


def test_a_failed_job_is_reported_and_the_thread_serves_the_next_page(images, pipeline):
    from counter_app.vision.worker import VisionWorker

    vision = VisionWorker(lambda: pipeline)
    camera = SimulatedCamera([images("astronaut.jpg")], fps=20)
    camera.start()
    errors, results = [], []

    def broken(result):
        raise RuntimeError("the page's handler failed")

    try:
        first = PreviewWorker(camera, broken, on_error=errors.append, vision=vision)
        first.start()
        deadline = time.monotonic() + 20
        while not errors and time.monotonic() < deadline:
            time.sleep(0.01)
        first.stop()
        assert isinstance(errors[0], RuntimeError) and first.error is errors[0]
        second = PreviewWorker(camera, results.append, vision=vision)
        second.start()
        while len(results) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        second.stop()
        assert len(results) >= 2 and second.error is None
    finally:
        camera.stop()
        vision.close(timeout=30)


def test_detach_returns_only_when_the_page_code_has_finished(images):
    from counter_app.vision.worker import VisionWorker

    class SlowJob:
        def __init__(self):
            self.running = threading.Event()
            self.inside = False

        def prepare(self, worker):
            pass

        def step(self, frame):
            self.inside = True
            self.running.set()
            time.sleep(0.3)
            self.inside = False

        def failed(self, exc):
            raise AssertionError(exc)

    vision = VisionWorker(lambda: None)
    camera = SimulatedCamera([images("astronaut.jpg")], fps=50)
    camera.start()
    job = SlowJob()
    try:
        vision.attach(camera, job)
        assert job.running.wait(10)
        assert vision.detach(job) and not job.inside
    finally:
        camera.stop()
        vision.close()
