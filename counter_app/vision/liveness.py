"""Active liveness: the person blinks and turns the head when asked, within a time limit,
while the best frontal frame is kept for the registration photo.

Feed every analysed preview frame to :meth:`LivenessSession.feed`; it answers with the state
to show (the prompt in Chinese). Blink: eyes open, then closed (eyeBlink blendshape), then
open again. Turn: the head's yaw goes past ``turn_degrees`` to the asked side and comes back
towards frontal. A photo or a phone screen held up cannot do either on cue. This is not a
certified presentation-attack detection: a replayed video of the right movements passes.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from counter_app.vision.faces import FaceAnalysis
from counter_app.vision.quality import DEFAULT_LIMITS, QualityLimits, check_photo


class Challenge(enum.Enum):
    """One thing the person is asked to do; ``prompt`` is what the screen says."""

    BLINK = "blink"
    TURN_LEFT = "turn_left"      # towards the image's left side
    TURN_RIGHT = "turn_right"    # towards the image's right side

    @property
    def prompt(self) -> str:
        """What the screen asks the person to do."""
        return {"blink": "请眨眨眼", "turn_left": "请慢慢向左转头，再转回来",
                "turn_right": "请慢慢向右转头，再转回来"}[self.value]


class Status(enum.Enum):
    """Where a liveness check stands."""

    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"


@dataclass
class LivenessState:
    """What the preview shows now."""

    status: Status
    prompt: str
    challenge: Challenge | None = None
    done: list[Challenge] = field(default_factory=list)


@dataclass
class _Progress:
    stage: int = 0          # 0 waiting for the start pose, 1 movement seen, 2 done


class LivenessSession:
    """One liveness check. ``clock`` is injectable for tests (seconds, monotonic)."""

    def __init__(self, challenges=(Challenge.BLINK, Challenge.TURN_LEFT), *,
                 timeout_s: float = 15.0, turn_degrees: float = 18.0,
                 closed_level: float = 0.55, open_level: float = 0.35,
                 limits: QualityLimits = DEFAULT_LIMITS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.challenges = list(challenges)
        self.timeout_s, self.turn_degrees = timeout_s, turn_degrees
        self.closed_level, self.open_level = closed_level, open_level
        self.limits, self.clock = limits, clock
        # The time limit runs from the first analysed frame, not from creation: loading the
        # face models on a busy counter PC can take seconds the person cannot use.
        self.started: float | None = None
        self.done: list[Challenge] = []
        self._progress = _Progress()
        self.best_frame: np.ndarray | None = None
        self.best_score = 0.0
        self.state = LivenessState(Status.RUNNING, self.challenges[0].prompt,
                                   self.challenges[0])

    def feed(self, bgr: np.ndarray, analysis: FaceAnalysis) -> LivenessState:
        """Take one analysed frame; returns the new state (terminal states stay put)."""
        if self.state.status is not Status.RUNNING:
            return self.state
        if self.started is None:
            self.started = self.clock()
        if self.clock() - self.started > self.timeout_s:
            return self._finish(Status.FAILED, "活体检测超时，请重新开始，并按屏幕提示动作")
        if len(analysis.faces) > 1:
            return self._finish(Status.FAILED, "画面中出现多张人脸，活体检测已停止，请重新开始")
        if analysis.primary is None or analysis.pose is None:
            self.state.prompt = "请正对镜头，保持脸部在画面内"
            return self.state
        self._keep_best(bgr, analysis)
        challenge = self.challenges[len(self.done)]
        if self._step(challenge, analysis):
            self.done.append(challenge)
            self._progress = _Progress()
            if len(self.done) == len(self.challenges):
                return self._finish(Status.PASSED, "活体检测通过")
            challenge = self.challenges[len(self.done)]
        self.state = LivenessState(Status.RUNNING, challenge.prompt, challenge, list(self.done))
        return self.state

    def _step(self, challenge: Challenge, analysis: FaceAnalysis) -> bool:
        p = self._progress
        if challenge is Challenge.BLINK:
            closure = analysis.eye_closure() or 0.0
            if p.stage == 0 and closure < self.open_level:
                p.stage = 1                       # eyes seen open
            elif p.stage == 1 and closure > self.closed_level:
                p.stage = 2                       # then closed
            elif p.stage == 2 and closure < self.open_level:
                return True                       # and open again
            return False
        sign = -1 if challenge is Challenge.TURN_LEFT else 1
        yaw = analysis.pose.yaw * sign
        if p.stage == 0 and abs(analysis.pose.yaw) < self.limits.max_yaw:
            p.stage = 1                           # starts frontal
        elif p.stage == 1 and yaw > self.turn_degrees:
            p.stage = 2                           # turned to the asked side
        elif p.stage == 2 and yaw < self.turn_degrees / 2:
            return True                           # and back
        return False

    def _keep_best(self, bgr: np.ndarray, analysis: FaceAnalysis) -> None:
        report = check_photo(bgr, analysis, self.limits)
        score = report.score()
        if score > self.best_score:
            self.best_score, self.best_frame = score, bgr.copy()

    def _finish(self, status: Status, prompt: str) -> LivenessState:
        self.state = LivenessState(status, prompt, None, list(self.done))
        return self.state
