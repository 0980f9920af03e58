"""1:1 face verification (人证核验): is the live face the face on the ID or passport chip?

A matcher compares two images and returns a :class:`MatchResult`: a score, the backend's
threshold and an advice. The registrar decides; the caller records the score, the advice and
the decision. Backends are pluggable (:func:`register_backend`): ``dlib`` ships (dlib's
ResNet face descriptor, 128-d, offline); ``vendor`` is the slot for a certified 人证核验
device, whose SDK wrapper registers itself under that name.

The dlib model was trained mostly on Western faces and is weaker on East Asian faces
(its own documentation reports lower accuracy there), so the shipped threshold is stricter
than dlib's usual 0.6 distance; see docs/vision.md for how it was chosen.
"""

from __future__ import annotations

import math
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from counter_app.vision import models
from counter_app.vision.errors import NoFace, VisionError

#: dlib descriptor distance at or below which two faces are advised to be the same person.
#: dlib's own suggestion is 0.6 (99.38 % on LFW, mostly Western faces); we use 0.50, below
#: the impostor distances we measured (min 0.56; docs/vision.md, bench/vision.py --accuracy).
DLIB_MAX_DISTANCE = 0.50


@dataclass(frozen=True)
class MatchResult:
    """Outcome of one comparison. ``score`` is in [0, 1], higher = more alike; same_person is
    ``score >= threshold``. ``advice`` is a Chinese sentence for the registrar."""

    score: float
    same_person: bool
    threshold: float
    backend: str
    advice: str

    def as_dict(self) -> dict:
        """The result as JSON-ready values (``face compare --json`` prints four of them)."""
        return {"score": round(self.score, 4), "same_person": self.same_person,
                "threshold": round(self.threshold, 4), "backend": self.backend,
                "advice": self.advice}

    def record(self, decision: str, reason: str = "") -> dict:
        """The journal payload for this check: what the system advised and what the registrar
        decided (``"confirmed"``: the party is the card's holder; ``"rejected"``; or
        ``"manual"``: checked by other means). The registrar's decision is the fact; the
        score is the advice it was made with."""
        if decision not in ("confirmed", "rejected", "manual"):
            raise ValueError(f"decision must be confirmed, rejected or manual, not {decision!r}")
        return {"decision": decision, "reason": reason, "advice": self.as_dict()}


def advice_for(same: bool, score: float, threshold: float) -> str:
    """The advice shown next to the score; near the threshold it asks for a closer look."""
    if same and score - threshold < 0.05:
        return "系统判断为同一人，但把握不大，请登记员仔细比对证件照片与本人"
    if same:
        return "系统判断为同一人，请登记员确认"
    if threshold - score < 0.05:
        return "系统判断不是同一人，但差距不大，请重新拍照比对，或由登记员人工核验"
    return "系统判断不是同一人，请登记员人工核验证件与本人是否一致"


class FaceMatcher(ABC):
    """A 1:1 verification backend."""

    #: Backend name recorded with every result.
    name: str = ""
    #: Score at or above which the advice is "same person".
    threshold: float = 0.5

    @abstractmethod
    def compare(self, live_bgr: np.ndarray, reference_bgr: np.ndarray) -> MatchResult:
        """Compare the live image with the reference (chip) image. Raises NoFace (with which
        image in the message) when either shows no face."""

    def close(self) -> None:
        """Release native resources."""


class DlibMatcher(FaceMatcher):
    """dlib ResNet descriptors; the face is located by mediapipe (dlib's HOG detector as
    fallback for tiny chip photos), aligned by dlib's 5-point shape predictor."""

    name = "dlib-resnet-v1"

    def __init__(self, models_dir=None, max_distance: float = DLIB_MAX_DISTANCE) -> None:
        shape_path = models.model_path(models.DLIB_SHAPE5, models_dir)
        resnet_path = models.model_path(models.DLIB_RESNET, models_dir)
        import dlib

        from counter_app.vision.faces import FacePipeline

        self._dlib = dlib
        self._shape = dlib.shape_predictor(str(shape_path))
        self._net = dlib.face_recognition_model_v1(str(resnet_path))
        self._hog = dlib.get_frontal_face_detector()
        self._faces = FacePipeline(models_dir, landmarks=False)
        self.max_distance = max_distance
        self.threshold = distance_to_score(max_distance)
        self._lock = threading.Lock()   # dlib and mediapipe objects are used one at a time

    def close(self) -> None:
        """Close the mediapipe detector this matcher uses."""
        self._faces.close()

    def embed(self, bgr: np.ndarray, which: str = "") -> np.ndarray:
        """The 128-d descriptor of the largest face in ``bgr``; NoFace names ``which``."""
        rgb = np.ascontiguousarray(bgr[:, :, 2::-1])
        with self._lock:
            rect = self._locate(bgr, rgb)
            if rect is None:
                raise NoFace(f"{which}中未检测到人脸，无法比对" if which else "图片中未检测到人脸",
                             detail=f"no face in {which or 'image'}")
            shape = self._shape(rgb, rect)
            return np.asarray(self._net.compute_face_descriptor(rgb, shape), dtype=np.float64)

    def _locate(self, bgr: np.ndarray, rgb: np.ndarray):
        faces = self._faces.detect(bgr)
        if faces:
            x, y, w, h = faces[0].box
            return self._dlib.rectangle(int(x), int(y), int(x + w), int(y + h))
        # Chip photos are ~102x126 px; BlazeFace sometimes misses faces filling such an image.
        rects, scores, _ = self._hog.run(rgb, 1, 0.0)
        best = max(zip(scores, rects), default=None, key=lambda sr: sr[0])
        return best[1] if best is not None and best[0] > 0.3 else None

    def compare(self, live_bgr: np.ndarray, reference_bgr: np.ndarray) -> MatchResult:
        """See :meth:`FaceMatcher.compare`."""
        return self.compare_descriptor(live_bgr, self.embed(reference_bgr, "证件照片"))

    def compare_descriptor(self, live_bgr: np.ndarray, reference: np.ndarray) -> MatchResult:
        """Compare with a reference descriptor computed earlier (``embed`` of the chip photo
        when the card was read), so the live check costs one descriptor, not two."""
        a = self.embed(live_bgr, "现场照片")
        score = distance_to_score(float(np.linalg.norm(a - reference)))
        same = score >= self.threshold
        return MatchResult(score, same, self.threshold, self.name,
                           advice_for(same, score, self.threshold))


def distance_to_score(distance: float) -> float:
    """Map a dlib descriptor distance (0 = identical, ~0.6 = dlib's same/different boundary,
    >1 = clearly different) to a score in [0, 1]: ``1 - distance``, clipped."""
    return max(0.0, min(1.0, 1.0 - distance)) if math.isfinite(distance) else 0.0


_BACKENDS: dict[str, Callable[..., FaceMatcher]] = {"dlib": DlibMatcher}


def register_backend(name: str, factory: Callable[..., FaceMatcher]) -> None:
    """Make a backend available to :func:`open_matcher` (a vendor SDK wrapper calls this
    with name ``"vendor"``). ``factory(models_dir=...)`` returns a FaceMatcher."""
    _BACKENDS[name] = factory


def backend_names() -> list[str]:
    """Names :func:`open_matcher` knows (the vendor slot is always listed)."""
    return sorted(_BACKENDS) + ([] if "vendor" in _BACKENDS else ["vendor"])


def open_matcher(name: str = "dlib", models_dir=None) -> FaceMatcher:
    """The matcher called ``name``. An unknown backend, or the vendor slot with no certified
    device driver installed, raises VisionError with a Chinese message."""
    factory = _BACKENDS.get(name)
    if factory is None and name == "vendor":
        raise VisionError("未安装人证核验设备的驱动，请使用内置比对或联系技术人员",
                          detail="no vendor matcher registered", code="vision.no_vendor")
    if factory is None:
        raise VisionError(f"未知的人脸比对方式：{name}（可用：{'、'.join(backend_names())}）",
                          detail=f"unknown matcher backend {name!r}")
    return factory(models_dir=models_dir)
