"""The live preview loop: camera frames in, analysed frames out, off the GUI thread.

``PreviewWorker`` owns one thread that takes the newest frame from a camera, runs the face
pipeline and the quality checks (and a liveness session when one is active), and hands a
:class:`PreviewResult` to ``on_result`` (the UI turns that into a queued Qt signal). When the
analysis is slower than the camera, frames are skipped at the camera's mailbox; nothing queues.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from counter_app.vision.faces import FaceAnalysis, FacePipeline
from counter_app.vision.liveness import LivenessSession, LivenessState
from counter_app.vision.quality import QualityReport, check_photo

log = logging.getLogger(__name__)


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
    """Analyse a camera's frames on a worker thread. ``pipeline_factory`` is called on that
    thread (mediapipe tasks are created and closed on the thread that uses them)."""

    def __init__(self, camera, on_result: Callable[[PreviewResult], None],
                 pipeline_factory: Callable[[], FacePipeline] = FacePipeline,
                 on_error: Callable[[Exception], None] | None = None) -> None:
        self.camera, self.on_result = camera, on_result
        self.pipeline_factory = pipeline_factory
        self.on_error = on_error  # called (on the worker thread) when analysis stops
        self.liveness: LivenessSession | None = None
        self.error: Exception | None = None
        self.processed = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the worker thread (it creates the pipeline, then analyses frames)."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="vision-preview", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once the pipeline exists (or failed: see ``error``)."""
        return self._ready.wait(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop; the pipeline is closed on the worker thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def start_liveness(self, session: LivenessSession | None) -> None:
        """Feed the following frames to ``session`` too (replaces any running session; None
        stops feeding)."""
        self.liveness = session

    def _run(self) -> None:
        try:
            pipeline = self.pipeline_factory()
        except Exception as exc:  # noqa: BLE001 - reported to the UI through ``error``
            log.warning("preview pipeline could not start: %s", exc)
            self._failed(exc)
            self._ready.set()
            return
        self._ready.set()
        try:
            while not self._stop.is_set():
                frame = self.camera.take(timeout=0.2)
                if frame is not None:
                    self._process(pipeline, frame)
        except Exception as exc:  # noqa: BLE001 - a frozen preview must say why
            log.exception("preview analysis stopped")
            self._failed(exc)
        finally:
            pipeline.close()

    def _failed(self, exc: Exception) -> None:
        self.error = exc
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
