"""The live preview loop: camera frames in, analysed frames out, off the GUI thread.

``PreviewWorker`` takes the newest frame from a camera on the session's vision thread
(counter_app.vision.worker), runs the face pipeline and the quality checks (and a liveness
session when one is active), and hands a :class:`PreviewResult` to ``on_result`` (the UI turns
that into a queued Qt signal). When the analysis is slower than the camera, frames are skipped
at the camera's mailbox; nothing queues.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from counter_app.vision.faces import FaceAnalysis, FacePipeline
from counter_app.vision.liveness import LivenessSession, LivenessState
from counter_app.vision.quality import QualityReport, check_photo
from counter_app.vision.worker import VisionWorker


@dataclass
class PreviewResult:
    """One analysed frame."""

    image: np.ndarray
    seq: int
    analysis: FaceAnalysis
    quality: QualityReport
    liveness: LivenessState | None
    latency_ms: float          # from capture to the end of the analysis


class PreviewWorker:
    """The live face preview of one page visit, a :class:`~counter_app.vision.worker.Job` on
    ``vision`` (the session's VisionWorker, whose pipeline outlives the visit). Without one it
    runs on a VisionWorker of its own, made at ``start`` and closed at ``stop`` (the CLI, the
    bench); ``pipeline_factory`` is then that worker's (called on its thread)."""

    def __init__(self, camera, on_result: Callable[[PreviewResult], None],
                 pipeline_factory: Callable[[], FacePipeline] = FacePipeline,
                 on_error: Callable[[Exception], None] | None = None, *,
                 vision: VisionWorker | None = None) -> None:
        self.camera, self.on_result = camera, on_result
        self.pipeline_factory = pipeline_factory
        self.on_error = on_error  # called (on the worker thread) when analysis stops
        self.vision = vision
        self._own = vision is None
        self.liveness: LivenessSession | None = None
        self.error: Exception | None = None
        self.processed = 0
        self._pipeline: FacePipeline | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        """Feed the camera's frames to the face analysis (the pipeline is made on the vision
        thread the first time)."""
        if self._own:
            self.vision = VisionWorker(self.pipeline_factory, name="vision-preview")
        self.error = None
        self._ready.clear()
        self.vision.attach(self.camera, self)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once the pipeline exists (or failed: see ``error``)."""
        return self._ready.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop analysing; the session's worker waits for the next page (its own is closed,
        the pipeline with it, on its thread)."""
        if self.vision is None:
            return
        self.vision.detach(self, timeout)
        if self._own:
            self.vision.close(timeout)
            self.vision = None

    def start_liveness(self, session: LivenessSession | None) -> None:
        """Feed the following frames to ``session`` too (replaces any running session; None
        stops feeding)."""
        self.liveness = session

    # -- the Job, on the vision thread -----------------------------------------------------

    def prepare(self, worker: VisionWorker) -> None:
        self._pipeline = worker.pipeline()   # a failure is ready too, through failed()
        self._ready.set()

    def step(self, frame) -> None:
        self._process(self._pipeline, frame)

    def failed(self, exc: Exception) -> None:
        self.error = exc
        self._ready.set()
        if self.on_error is not None:
            self.on_error(exc)

    def _process(self, pipeline: FacePipeline, frame) -> None:
        analysis = pipeline.analyse(frame.image)
        quality = check_photo(frame.image, analysis)
        session = self.liveness
        state = session.feed(frame.image, analysis) if session is not None else None
        self.processed += 1
        latency = (time.monotonic() - frame.timestamp) * 1000
        self.on_result(PreviewResult(frame.image, frame.seq, analysis, quality, state, latency))
