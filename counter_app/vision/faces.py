"""Face detection, landmarks, blendshapes and head pose with mediapipe Tasks, offline.

The detector (BlazeFace short range) finds and counts faces; the landmarker (478 points, 52
blendshapes, facial transformation matrix) runs on a crop around the largest face, so the
landmarks always belong to the face that was counted as the primary one.

mediapipe 1.2.2 resolves an analytics host name when a task is created (seen with strace in
reference/feasibility.md §4). Measured here in a network namespace whose DNS server swallows
queries: creation still takes 0.16 s (the lookup runs in the background) and detection works,
but ``close()`` waits for the lookup to time out (20 s with glibc's defaults). So: create a
pipeline once, on a worker thread (:func:`open_pipeline_async`), keep it for the life of the
process, and close it on that worker; short-lived processes (the CLI) shorten the resolver's
timeout instead (counter_app/cli/face.py).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import math
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Self

import numpy as np

from counter_app.vision import models

# mediapipe's C++ logging goes to stderr before any Python logging is set up; keep it to
# errors so the CLI prints only what the registrar needs.
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

#: How far around the face box the landmarker crop extends, as a fraction of the box size.
CROP_MARGIN = 0.6


@dataclass(frozen=True)
class DetectedFace:
    """One detected face: box in pixels ``(x, y, w, h)`` and the detector's confidence."""

    box: tuple[int, int, int, int]
    score: float

    @property
    def area(self) -> int:
        """Box area in pixels."""
        return self.box[2] * self.box[3]

    @property
    def centre(self) -> tuple[float, float]:
        """Box centre in pixels."""
        x, y, w, h = self.box
        return x + w / 2, y + h / 2


@dataclass(frozen=True)
class HeadPose:
    """Head rotation in degrees. yaw > 0: the nose turns towards the image's right side;
    roll > 0: the top of the head leans towards the image's left side (as when the image is
    rotated counter-clockwise); pitch: nodding, small for a level frontal portrait."""

    yaw: float
    pitch: float
    roll: float


@dataclass
class FaceAnalysis:
    """Everything the pipeline found in one image."""

    width: int
    height: int
    faces: list[DetectedFace] = field(default_factory=list)
    landmarks: np.ndarray | None = None          # (478, 2) pixel coordinates of the primary
    blendshapes: dict[str, float] = field(default_factory=dict)
    pose: HeadPose | None = None

    @property
    def primary(self) -> DetectedFace | None:
        """The largest face, or None."""
        return self.faces[0] if self.faces else None

    def eye_closure(self) -> float | None:
        """0 (wide open) .. 1 (closed): the larger of the two eyeBlink blendshapes."""
        if not self.blendshapes:
            return None
        return max(self.blendshapes.get("eyeBlinkLeft", 0.0),
                   self.blendshapes.get("eyeBlinkRight", 0.0))


def pose_from_matrix(matrix: np.ndarray) -> HeadPose:
    """Euler angles from mediapipe's 4x4 facial transformation matrix (canonical face model
    to camera). Signs are mapped to image directions (checked with mirrored images in tests)."""
    r = np.asarray(matrix, dtype=float)[:3, :3]
    pitch = math.degrees(math.atan2(r[2, 1], r[2, 2]))
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, -r[2, 0]))))
    roll = math.degrees(math.atan2(r[1, 0], r[0, 0]))
    return HeadPose(yaw=yaw, pitch=pitch, roll=roll)


#: mediapipe's drawing helpers, which its package imports eagerly; they import matplotlib.pyplot
#: (measured: 39 MiB of RSS and 2.6 s on this machine, at the first photo page) and nothing here
#: draws with them, so they are loaded only if something uses them.
LAZY_MODULES = frozenset({"mediapipe.tasks.python.vision.drawing_utils",
                          "mediapipe.tasks.python.vision.drawing_styles"})


class _LazyFinder(importlib.abc.MetaPathFinder):
    """Finds LAZY_MODULES as usual, with importlib's LazyLoader: the module runs at its first
    attribute access."""

    def find_spec(self, name, path, target=None):  # noqa: ANN001 - importlib's signature
        if name not in LAZY_MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def import_mediapipe():
    """``import mediapipe``, its drawing helpers loaded lazily."""
    if "mediapipe" in sys.modules:
        return sys.modules["mediapipe"]
    finder = _LazyFinder()
    sys.meta_path.insert(0, finder)
    try:
        import mediapipe
    finally:
        sys.meta_path.remove(finder)
    return mediapipe


class FacePipeline:
    """Detector + landmarker. Not thread-safe: use one pipeline per worker thread.

    Raises :class:`~counter_app.vision.errors.ModelMissing` when a model file is missing.
    """

    def __init__(self, models_dir=None, *, max_faces: int = 4, min_confidence: float = 0.5,
                 landmarks: bool = True) -> None:
        detector_bytes = models.read_model(models.FACE_DETECTOR, models_dir)
        landmarker_bytes = models.read_model(models.FACE_LANDMARKER, models_dir) \
            if landmarks else None
        mp = import_mediapipe()
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp = mp
        self._detector = vision.FaceDetector.create_from_options(vision.FaceDetectorOptions(
            base_options=BaseOptions(model_asset_buffer=detector_bytes),
            min_detection_confidence=min_confidence))
        self._max_faces = max_faces
        self._landmarker = None
        if landmarker_bytes is not None:
            self._landmarker = vision.FaceLandmarker.create_from_options(
                vision.FaceLandmarkerOptions(
                    base_options=BaseOptions(model_asset_buffer=landmarker_bytes),
                    running_mode=vision.RunningMode.IMAGE, num_faces=1,
                    output_face_blendshapes=True,
                    output_facial_transformation_matrixes=True))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Free the native tasks (mediapipe complains at exit when this is skipped)."""
        for task in (self._detector, self._landmarker):
            if task is not None:
                task.close()
        self._detector = self._landmarker = None

    def _mp_image(self, bgr: np.ndarray):
        rgb = np.ascontiguousarray(bgr[:, :, 2::-1])
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)

    def detect(self, bgr: np.ndarray) -> list[DetectedFace]:
        """Faces in a BGR image, largest first."""
        height, width = bgr.shape[:2]
        result = self._detector.detect(self._mp_image(bgr))
        faces = []
        for det in result.detections:
            b = det.bounding_box
            x0, y0 = max(0, b.origin_x), max(0, b.origin_y)
            x1, y1 = min(width, b.origin_x + b.width), min(height, b.origin_y + b.height)
            if x1 > x0 and y1 > y0:
                faces.append(DetectedFace((int(x0), int(y0), int(x1 - x0), int(y1 - y0)),
                                          float(det.categories[0].score)))
        faces.sort(key=lambda f: f.area, reverse=True)
        return faces[:self._max_faces]

    def analyse(self, bgr: np.ndarray) -> FaceAnalysis:
        """Detect all faces, then landmarks, blendshapes and pose of the largest one."""
        if bgr.ndim == 2:
            bgr = np.repeat(bgr[:, :, None], 3, axis=2)
        height, width = bgr.shape[:2]
        analysis = FaceAnalysis(width=width, height=height, faces=self.detect(bgr))
        if analysis.primary is not None and self._landmarker is not None:
            self._landmark(bgr, analysis)
        return analysis

    def _landmark(self, bgr: np.ndarray, analysis: FaceAnalysis) -> None:
        x, y, w, h = analysis.primary.box
        mx, my = int(w * CROP_MARGIN), int(h * CROP_MARGIN)
        x0, y0 = max(0, x - mx), max(0, y - my)
        x1, y1 = min(analysis.width, x + w + mx), min(analysis.height, y + h + my)
        crop = bgr[y0:y1, x0:x1]
        result = self._landmarker.detect(self._mp_image(crop))
        if not result.face_landmarks:
            return
        ch, cw = crop.shape[:2]
        pts = np.array([(p.x * cw + x0, p.y * ch + y0) for p in result.face_landmarks[0]],
                       dtype=np.float32)
        analysis.landmarks = pts
        if result.face_blendshapes:
            analysis.blendshapes = {c.category_name: float(c.score)
                                    for c in result.face_blendshapes[0]}
        if result.facial_transformation_matrixes:
            analysis.pose = pose_from_matrix(result.facial_transformation_matrixes[0])


_opener = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vision-open")


def open_pipeline_async(models_dir=None, **kwargs) -> Future[FacePipeline]:
    """Create a :class:`FacePipeline` on a worker thread (model loading and mediapipe's
    network lookup never block the caller). The Future raises ModelMissing when a model is
    missing. Use the pipeline on one thread at a time afterwards."""
    return _opener.submit(FacePipeline, models_dir, **kwargs)
