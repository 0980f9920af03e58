"""The session's one vision thread: the cameras' frames are analysed here, off the GUI thread.

A working day brings the photo and papers pages dozens of times. A thread and a mediapipe
pipeline per visit left memory behind each time (glibc gives new threads their own malloc
arenas and keeps freed pages in them: +7 MiB a visit, docs/benchmarks.md "photo page soak").
So one :class:`VisionWorker` lives for the whole session (``Services.vision``): a page
attaches its camera and a :class:`Job` (the face preview, the document scanner) when it opens
and detaches it when it is left; the thread then waits, and the face pipeline it made at the
first photo page stays loaded for the next. mediapipe tasks are created and closed on the
thread that uses them: the pipeline is made here and closed here by :meth:`VisionWorker.close`.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

#: How long the thread waits for a frame before it looks again whether the job changed.
TAKE_TIMEOUT_S = 0.1


class Job(Protocol):
    """What a page runs on the vision thread while its camera is attached."""

    def prepare(self, worker: VisionWorker) -> None:
        """Called once on the vision thread when attached, before the first frame."""

    def step(self, frame: Any) -> None:
        """One camera frame (``drivers.camera.Frame``), on the vision thread."""

    def failed(self, exc: Exception) -> None:
        """``prepare`` or ``step`` raised; the job is detached (on the vision thread)."""


class VisionWorker:
    """One long-lived thread, fed by whichever camera the page on screen attached.
    ``pipeline_factory`` makes the face pipeline at the first job that asks for it."""

    def __init__(self, pipeline_factory: Callable[[], Any] | None = None,
                 name: str = "vision") -> None:
        self.pipeline_factory = pipeline_factory or _face_pipeline
        self.name = name
        self._cond = threading.Condition()
        self._job: Job | None = None
        self._camera: Any = None
        self._fresh = False             # the attached job has not been prepared yet
        self._running: Job | None = None  # the job whose code runs on the thread now
        self._closed = False
        self._thread: threading.Thread | None = None
        self._pipeline: Any = None
        _open_workers.add(self)

    def attach(self, camera: Any, job: Job) -> None:
        """From now on hand ``camera``'s newest frames to ``job`` (replacing any other job).
        Starts the thread the first time."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the vision worker is closed")
            self._job, self._camera, self._fresh = job, camera, True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def detach(self, job: Job, timeout: float = 5.0) -> bool:
        """Stop feeding ``job``; True once none of its code runs on the thread any more (the
        thread pauses until the next attach)."""
        with self._cond:
            if self._job is job:
                self._job = self._camera = None
            return self._cond.wait_for(lambda: self._running is not job, timeout)

    def pipeline(self) -> Any:
        """The face pipeline, made on the first call and kept for the session. Only on the
        vision thread (mediapipe tasks stay on the thread that created them)."""
        if threading.current_thread() is not self._thread:
            raise RuntimeError("the face pipeline is used on the vision thread only")
        if self._pipeline is None:
            self._pipeline = self.pipeline_factory()
        return self._pipeline

    @property
    def alive(self) -> bool:
        """Whether the thread runs (it starts at the first attach)."""
        return self._thread is not None and self._thread.is_alive()

    def close(self, timeout: float = 10.0) -> None:
        """End the thread; it closes the pipeline first. Idempotent."""
        with self._cond:
            self._closed, self._job, self._camera = True, None, None
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        _open_workers.discard(self)

    def _run(self) -> None:
        try:
            while (work := self._next()) is not None:
                self._once(*work)
        finally:
            self._close_pipeline()

    def _next(self) -> tuple[Job, Any, bool] | None:
        """Wait for a job (None: closed); mark it as running."""
        with self._cond:
            self._running = None
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._job is not None or self._closed)
            if self._closed:
                return None
            fresh, self._fresh = self._fresh, False
            self._running = self._job
            return self._job, self._camera, fresh

    def _once(self, job: Job, camera: Any, fresh: bool) -> None:
        try:
            if fresh:
                job.prepare(self)
            frame = camera.take(timeout=TAKE_TIMEOUT_S)
            if frame is not None:
                job.step(frame)
        except Exception as exc:  # noqa: BLE001 - a frozen picture must say why
            log.warning("vision job %s stopped: %s", type(job).__name__, exc,
                        exc_info=not _expected(exc))
            with self._cond:
                attached = self._job is job
                if attached:
                    self._job = self._camera = None
            if attached:  # a job already detached has no one left to tell
                self._tell(job, exc)

    @staticmethod
    def _tell(job: Job, exc: Exception) -> None:
        try:
            job.failed(exc)
        except Exception:  # noqa: BLE001 - e.g. its page was deleted: the thread lives on
            log.exception("vision job %s could not report its failure", type(job).__name__)

    def _close_pipeline(self) -> None:
        if self._pipeline is not None:
            try:
                self._pipeline.close()
            except Exception:  # noqa: BLE001 - closing at the end of the session
                log.exception("face pipeline did not close cleanly")
            self._pipeline = None


def _face_pipeline() -> Any:
    from counter_app.vision.faces import FacePipeline

    return FacePipeline()


def _expected(exc: Exception) -> bool:
    """Errors that explain themselves (a missing model): no traceback in the log."""
    from counter_app.errors import CounterAppError

    return isinstance(exc, CounterAppError)


#: Workers not closed yet; at exit they are closed, so the pipelines end on their threads.
_open_workers: weakref.WeakSet[VisionWorker] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for worker in list(_open_workers):
        worker.close(timeout=2.0)
