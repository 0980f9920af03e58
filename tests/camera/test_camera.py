"""Camera driver: frames off the calling thread, newest-frame back-pressure, reconnection
after unplug (simulator and the OpenCV backend reading a real MJPG video file)."""

import itertools
import threading
import time

import cv2
import numpy as np
import pytest

from drivers.camera import CameraStatus, Frame, FrameSlot
from drivers.camera.opencv import OpenCVCamera
from drivers.camera.simulator import SimulatedCamera


def numbered_images(n, size=(64, 48)):
    """Images whose grey level encodes their index, so playback order can be checked."""
    return [np.full((size[1], size[0], 3), i * 10, np.uint8) for i in range(n)]


def wait_for(predicate, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def camera_factory():
    cameras = []

    def make(cls, *args, **kwargs):
        cam = cls(*args, **kwargs)
        cameras.append(cam)
        return cam

    yield make
    for cam in cameras:
        cam.stop()


def test_frame_slot_keeps_only_the_newest_frame():
    slot = FrameSlot()
    for seq in range(1, 6):
        slot.put(Frame(np.zeros((2, 2, 3), np.uint8), seq, 0.0))
    assert slot.take(0).seq == 5
    assert slot.dropped == 4
    assert slot.take(0.01) is None          # nothing new: never hands out a frame twice
    slot.put(Frame(np.zeros((2, 2, 3), np.uint8), 6, 0.0))
    assert slot.take(0).seq == 6
    assert slot.dropped == 4


def test_simulator_plays_images_in_order_on_its_own_thread(camera_factory):
    cam = camera_factory(SimulatedCamera, numbered_images(5), fps=200, loop=False)
    threads = []
    cam.on_frame = lambda frame: threads.append(threading.current_thread().name)
    seen = []
    cam.start()
    # A fast consumer (waiting on the slot) sees frames in order, none from the GUI thread.
    while len(seen) < 5:
        frame = cam.take(timeout=2)
        assert frame is not None
        seen.append(int(frame.image[0, 0, 0]) // 10)
    assert seen == sorted(seen) and seen[-1] == 4
    assert threads and all(name == "drv-camera-simulated" for name in threads)
    assert cam.status is CameraStatus.STREAMING


def test_slow_consumer_gets_fresh_frames_and_old_ones_are_dropped(camera_factory):
    cam = camera_factory(SimulatedCamera, numbered_images(3), fps=200)
    cam.start()
    assert cam.take(timeout=2) is not None
    ages, seqs = [], []
    for _ in range(4):
        time.sleep(0.1)                     # a consumer 20x slower than the camera
        frame = cam.take(timeout=1)
        ages.append(time.monotonic() - frame.timestamp)
        seqs.append(frame.seq)
    assert cam.slot.dropped > 20
    assert all(b - a > 5 for a, b in itertools.pairwise(seqs))   # skipped ahead, no queue
    assert max(ages) < 0.05                 # what it gets is the newest frame, not an old one


def test_unplug_mid_stream_reconnects_when_plugged_back(camera_factory):
    cam = camera_factory(SimulatedCamera, numbered_images(4), fps=100)
    statuses = []
    cam.on_status = statuses.append
    cam.start()
    before = cam.take(timeout=2)
    cam.unplug()
    assert wait_for(lambda: cam.status is CameraStatus.RECONNECTING)
    assert "重新连接" in cam.status.message_zh
    assert cam.info().status == "absent"
    time.sleep(0.3)                         # stays down, retrying, without crashing
    assert cam.status is CameraStatus.RECONNECTING
    cam.replug()
    assert wait_for(lambda: cam.status is CameraStatus.STREAMING)
    cam.take(timeout=1)
    after = cam.take(timeout=1)
    assert after.seq > before.seq
    assert statuses[:3] == [CameraStatus.OPENING, CameraStatus.STREAMING,
                            CameraStatus.RECONNECTING]
    assert statuses[-1] is CameraStatus.STREAMING and cam.reconnects == 1
    cam.stop()
    assert cam.status is CameraStatus.STOPPED


@pytest.fixture
def mjpg_video(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (320, 240))
    assert writer.isOpened()
    for i in range(10):
        img = np.zeros((240, 320, 3), np.uint8)
        cv2.putText(img, str(i), (100, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 5)
        writer.write(img)
    writer.release()
    return path


def test_opencv_backend_reads_a_real_stream_and_reopens_it_when_it_ends(camera_factory,
                                                                        mjpg_video):
    cam = camera_factory(OpenCVCamera, str(mjpg_video), name="file")
    cam.RECONNECT_DELAYS = (0.01,)
    cam.start()
    frame = cam.take(timeout=5)
    assert frame is not None and frame.image.shape == (240, 320, 3)
    assert cam.granted["width"] == 320 and cam.granted["height"] == 240
    # The file ends after 10 frames, like a camera that goes away; the driver reopens it.
    assert wait_for(lambda: cam.reconnects >= 1)
    assert cam.take(timeout=5) is not None
    assert cam.info().backend == "opencv" and cam.is_usable()


def test_opencv_backend_with_no_device_keeps_retrying_and_stops_cleanly(camera_factory,
                                                                        tmp_path):
    cam = camera_factory(OpenCVCamera, str(tmp_path / "no-such-camera.avi"))
    cam.RECONNECT_DELAYS = (0.02,)
    cam.start()
    assert cam.take(timeout=0.3) is None
    assert cam.status is CameraStatus.OPENING
    started = time.monotonic()
    cam.stop()
    assert time.monotonic() - started < 2
    assert cam.status is CameraStatus.STOPPED


def test_simulator_plays_a_video_file(camera_factory, mjpg_video):
    cam = camera_factory(SimulatedCamera, [mjpg_video], fps=100)
    cam.start()
    frames = [cam.take(timeout=2) for _ in range(15)]   # more than the clip: it loops
    assert all(f is not None and f.image.shape == (240, 320, 3) for f in frames)


def test_digit_source_means_a_device_index():
    assert OpenCVCamera("1").source == 1
    assert OpenCVCamera("rtsp://192.0.2.1/stream").address() == "rtsp://192.0.2.1/stream"


class RecordingCapture:
    """Stands in for cv2.VideoCapture of a USB camera: records the properties requested and
    grants what a typical UVC camera grants."""

    def __init__(self):
        self.props = {}

    def set(self, prop, value):
        self.props[prop] = value
        return True

    def get(self, prop):
        return self.props.get(prop, 0.0)


def test_usb_camera_is_asked_for_mjpg_resolution_and_a_short_queue():
    cam = OpenCVCamera(0, width=1280, height=720, fps=30)
    cap = RecordingCapture()
    cam._configure(cap)
    assert cap.props[cv2.CAP_PROP_FOURCC] == cv2.VideoWriter_fourcc(*"MJPG")
    assert (cap.props[cv2.CAP_PROP_FRAME_WIDTH], cap.props[cv2.CAP_PROP_FRAME_HEIGHT]) == \
        (1280, 720)
    assert cap.props[cv2.CAP_PROP_FPS] == 30 and cap.props[cv2.CAP_PROP_BUFFERSIZE] == 1
    # FOURCC must be set before the size (some drivers only offer 720p in MJPG).
    assert list(cap.props).index(cv2.CAP_PROP_FOURCC) < \
        list(cap.props).index(cv2.CAP_PROP_FRAME_WIDTH)
    plain = RecordingCapture()
    OpenCVCamera(0, fourcc=None, width=0, height=0)._configure(plain)
    assert list(plain.props) == [cv2.CAP_PROP_BUFFERSIZE]
