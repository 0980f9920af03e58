"""Liveness challenge state machine, fed with analyses of a real photograph whose pose and
blendshapes are varied as a moving person's would be."""

import dataclasses

import pytest

from counter_app.vision.faces import HeadPose
from counter_app.vision.liveness import Challenge, LivenessSession, Status


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def base(pipeline, images):
    img = images("astronaut.jpg")
    return img, pipeline.analyse(img)


def frame(base, *, yaw=0.0, blink=0.05, faces=None):
    img, analysis = base
    return img, dataclasses.replace(
        analysis, pose=HeadPose(yaw, analysis.pose.pitch, analysis.pose.roll),
        blendshapes={**analysis.blendshapes, "eyeBlinkLeft": blink, "eyeBlinkRight": blink},
        faces=analysis.faces if faces is None else faces)


def run(session, frames):
    state = None
    for img, analysis in frames:
        state = session.feed(img, analysis)
    return state


def test_blink_then_turn_left_passes_and_keeps_the_best_frame(base):
    clock = Clock()
    session = LivenessSession((Challenge.BLINK, Challenge.TURN_LEFT), clock=clock)
    assert session.state.prompt == "请眨眨眼"
    state = run(session, [frame(base), frame(base, blink=0.9), frame(base)])
    assert state.status is Status.RUNNING and state.done == [Challenge.BLINK]
    assert state.prompt == "请慢慢向左转头，再转回来"
    state = run(session, [frame(base, yaw=-3), frame(base, yaw=-25), frame(base, yaw=-2)])
    assert state.status is Status.PASSED and state.prompt == "活体检测通过"
    assert session.best_frame is not None and session.best_score > 0


def test_half_a_blink_or_the_wrong_side_does_not_pass(base):
    session = LivenessSession((Challenge.BLINK,), clock=Clock())
    assert run(session, [frame(base), frame(base, blink=0.45), frame(base)]).status \
        is Status.RUNNING
    session = LivenessSession((Challenge.TURN_LEFT,), clock=Clock())
    assert run(session, [frame(base), frame(base, yaw=30), frame(base)]).status \
        is Status.RUNNING
    session = LivenessSession((Challenge.TURN_RIGHT,), clock=Clock())
    assert run(session, [frame(base), frame(base, yaw=30), frame(base)]).status \
        is Status.PASSED


def test_a_photo_held_up_never_passes_and_times_out(base):
    clock = Clock()
    session = LivenessSession((Challenge.BLINK,), timeout_s=10, clock=clock)
    for _ in range(20):                         # a still photo: nothing ever changes
        state = session.feed(*frame(base))
        clock.now += 0.6
    assert state.status is Status.FAILED and "超时" in state.prompt
    assert session.feed(*frame(base)).status is Status.FAILED   # terminal


def test_a_second_face_stops_the_check(base):
    _img, analysis = base
    session = LivenessSession(clock=Clock())
    state = session.feed(*frame(base, faces=analysis.faces * 2))
    assert state.status is Status.FAILED and "多张人脸" in state.prompt


def test_no_face_asks_to_face_the_camera(base):
    img, analysis = base
    session = LivenessSession(clock=Clock())
    state = session.feed(img, dataclasses.replace(analysis, faces=[], pose=None))
    assert state.status is Status.RUNNING and "正对镜头" in state.prompt
    assert session.best_frame is None


def test_the_time_limit_runs_from_the_first_frame(base):
    clock = Clock()
    session = LivenessSession((Challenge.BLINK,), timeout_s=10, clock=clock)
    clock.now += 60                             # the models took long to load
    assert session.feed(*frame(base)).status is Status.RUNNING
    state = run(session, [frame(base, blink=0.9), frame(base)])
    assert state.status is Status.PASSED
