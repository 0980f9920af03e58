"""Registration-photo quality: one face, size, centred, frontal, eyes open, sharp, exposed.

Each failed check is a :class:`Problem` with a stable code and a Chinese sentence the
registrar can act on ("请让当事人靠近镜头"). The limits are data (:class:`QualityLimits`), so an
office can tighten them without code changes. The checks use what :class:`FaceAnalysis`
found plus simple pixel statistics of the face region.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from counter_app.vision.faces import FaceAnalysis


@dataclass(frozen=True)
class QualityLimits:
    """Limits of an acceptable registration photo (fractions of the image, degrees, grey levels)."""

    min_face_width: float = 0.18       # face box width / image width
    max_face_width: float = 0.65
    max_centre_offset: float = 0.15    # face centre distance from the image centre / image size
    max_yaw: float = 10.0
    max_pitch: float = 15.0
    max_roll: float = 8.0
    max_eye_closure: float = 0.5       # eyeBlink blendshape; open eyes score about 0.05-0.3
    min_sharpness: float = 40.0        # Laplacian variance, face at 128 px, contrast-normalised
    min_brightness: float = 70.0       # mean grey level of the face
    max_brightness: float = 200.0
    max_clipped: float = 0.08          # fraction of face pixels at 250 or above


DEFAULT_LIMITS = QualityLimits()


@dataclass(frozen=True)
class Problem:
    """One failed check: ``code`` for programs, ``message`` (Chinese) for the registrar."""

    code: str
    message: str


@dataclass
class QualityReport:
    """The verdict on one photo, plus the measurements behind it."""

    problems: list[Problem] = field(default_factory=list)
    measures: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return not self.problems

    def as_dict(self) -> dict:
        """The ``quality`` object of ``face check --json``."""
        return {"ok": self.ok, "problems": [asdict(p) for p in self.problems]}

    def score(self) -> float:
        """A single number to choose the best of several acceptable frames (higher is
        better): sharpness, discounted by how far the head is from frontal."""
        if not self.ok:
            return 0.0
        turn = abs(self.measures.get("yaw", 0)) + abs(self.measures.get("pitch", 0)) / 2
        return self.measures.get("sharpness", 0.0) / (1.0 + turn / 10.0)


def face_region_grey(bgr: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The face box as a 128x128 grey image (fixed size, so sharpness is comparable)."""
    import cv2

    x, y, w, h = box
    crop = bgr[y:y + h, x:x + w]
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, (128, 128), interpolation=cv2.INTER_AREA)


def check_photo(bgr: np.ndarray, analysis: FaceAnalysis,
                limits: QualityLimits = DEFAULT_LIMITS) -> QualityReport:
    """Check a registration photo; every problem found is listed (not just the first)."""
    report = QualityReport()
    n = len(analysis.faces)
    if n == 0:
        report.problems.append(Problem("no_face", "未检测到人脸，请让当事人正对镜头、靠近一些，并确认镜头前没有遮挡"))
        return report
    if n > 1:
        report.problems.append(Problem(
            "multiple_faces", f"画面中有 {n} 张人脸，请确保只有当事人一人入镜"))
    _check_geometry(analysis, limits, report)
    _check_pose(analysis, limits, report)
    _check_pixels(bgr, analysis, limits, report)
    return report


def _check_geometry(analysis: FaceAnalysis, limits: QualityLimits, report: QualityReport) -> None:
    _x, _y, w, _h = analysis.primary.box
    rel_w = w / analysis.width
    report.measures["face_width"] = round(rel_w, 3)
    if rel_w < limits.min_face_width:
        report.problems.append(Problem("face_too_small", "人脸太小，请让当事人靠近镜头"))
    elif rel_w > limits.max_face_width:
        report.problems.append(Problem("face_too_large", "人脸太大，请让当事人离镜头远一些"))
    cx, cy = analysis.primary.centre
    dx, dy = cx / analysis.width - 0.5, cy / analysis.height - 0.5
    # Portraits put the face a little above the middle; allow more room vertically.
    if abs(dx) > limits.max_centre_offset or abs(dy + 0.05) > limits.max_centre_offset * 1.5:
        side = ("偏左" if dx < 0 else "偏右") if abs(dx) > limits.max_centre_offset \
            else ("偏上" if dy < 0 else "偏下")
        report.problems.append(Problem(
            "not_centred", f"人脸不在画面中央（{side}），请调整当事人位置或镜头方向"))


def _check_pose(analysis: FaceAnalysis, limits: QualityLimits, report: QualityReport) -> None:
    pose = analysis.pose
    if pose is None:
        report.problems.append(Problem(
            "no_landmarks", "无法看清面部五官，请让当事人正对镜头并摘下遮挡物（口罩、墨镜等）"))
        return
    report.measures.update(yaw=round(pose.yaw, 1), pitch=round(pose.pitch, 1),
                           roll=round(pose.roll, 1))
    if abs(pose.roll) > 45:
        report.problems.append(Problem(
            "rotated", f"照片方向不正（旋转了约 {abs(pose.roll):.0f}°），请摆正相机或图片"))
        return
    if abs(pose.yaw) > limits.max_yaw:
        report.problems.append(Problem("not_frontal_yaw", "头部向左或向右偏转，请正视镜头"))
    if abs(pose.pitch) > limits.max_pitch:
        report.problems.append(Problem("not_frontal_pitch", "头部抬起或低下，请平视镜头"))
    if abs(pose.roll) > limits.max_roll:
        report.problems.append(Problem("head_tilted", "头部歪斜，请把头摆正"))
    closure = analysis.eye_closure()
    if closure is not None:
        report.measures["eye_closure"] = round(closure, 2)
        if closure > limits.max_eye_closure:
            report.problems.append(Problem("eyes_closed", "眼睛没有睁开，请睁眼平视镜头"))


def _check_pixels(bgr: np.ndarray, analysis: FaceAnalysis, limits: QualityLimits,
                  report: QualityReport) -> None:
    import cv2

    grey = face_region_grey(bgr, analysis.primary.box)
    brightness = float(grey.mean())
    # Normalise contrast first, so a dark but sharp face is reported as dark, not as blurry.
    std = float(grey.std())
    normalised = (grey.astype(np.float64) - brightness) * (40.0 / max(std, 1.0))
    sharpness = float(cv2.Laplacian(normalised, cv2.CV_64F).var())
    clipped = float((grey >= 250).mean())
    report.measures.update(sharpness=round(sharpness, 1), brightness=round(brightness, 1),
                           clipped=round(clipped, 3))
    if sharpness < limits.min_sharpness:
        report.problems.append(Problem("blurry", "照片模糊，请让当事人保持不动，或调整镜头焦距"))
    if brightness < limits.min_brightness:
        report.problems.append(Problem("too_dark", "面部太暗，请打开补光灯或调亮室内光线"))
    elif brightness > limits.max_brightness or clipped > limits.max_clipped:
        report.problems.append(Problem("too_bright", "面部曝光过度，请调暗补光灯或避开强光"))
