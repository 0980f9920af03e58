"""Camera detection for ``counter-app devices`` (detectors return ``list[DeviceInfo]``).

Registered in drivers/registry.py (the opencv detectors always, the simulators in demo mode).

On Linux the V4L2 capture nodes are listed from sysfs without opening them (opening would
take a camera away from the running app). On Windows, indices 0-3 are probed with DirectShow.
"""

from __future__ import annotations

import sys
from pathlib import Path

from drivers.base import DeviceInfo

SYSFS = Path("/sys/class/video4linux")


def _linux_capture_nodes(sysfs: Path = SYSFS) -> list[tuple[int, str]]:
    """(index, name) of every V4L2 capture node. A UVC camera exposes two nodes; the second
    (index file "1") carries metadata and cannot deliver pictures."""
    found: list[tuple[int, str]] = []
    if not sysfs.is_dir():
        return found
    for node in sorted(sysfs.glob("video*"), key=lambda p: int(p.name[5:] or 0)):
        try:
            index_file = node / "index"
            if index_file.exists() and index_file.read_text().strip() != "0":
                continue
            name = (node / "name").read_text().strip() if (node / "name").exists() else node.name
        except OSError:
            continue
        found.append((int(node.name[5:]), name))
    return found


def _windows_probe(max_index: int = 4) -> list[tuple[int, str]]:
    import cv2

    found = []
    for index in range(max_index):
        cap = cv2.VideoCapture(index, cv2.CAP_DSHOW)
        if cap.isOpened():
            found.append((index, f"摄像头 {index}"))
        cap.release()
    return found


def list_cameras(sysfs: Path = SYSFS) -> list[tuple[int, str]]:
    """(OpenCV device index, name) of the cameras attached now."""
    if sys.platform.startswith("linux"):
        return _linux_capture_nodes(sysfs)
    if sys.platform == "win32":
        return _windows_probe()
    return []


def _opencv_missing() -> str:
    try:
        import cv2  # noqa: F401
    except ImportError as exc:
        return f"未安装 OpenCV，无法使用摄像头 ({exc})"
    return ""


def detect_cameras(sysfs: Path = SYSFS) -> list[DeviceInfo]:
    """Every camera attached (kind ``camera``), or one "absent" row."""
    reason = _opencv_missing()
    if reason:
        return [DeviceInfo("camera", "opencv", "摄像头", "", "unusable", reason)]
    cameras = list_cameras(sysfs)
    if not cameras:
        return [DeviceInfo("camera", "opencv", "摄像头", "", "absent",
                           "未检测到摄像头，请检查USB线是否插好 (no camera found)")]
    return [DeviceInfo("camera", "opencv", name, str(index), "ok") for index, name in cameras]


def detect_document_camera(document_source: str = "1", sysfs: Path = SYSFS) -> list[DeviceInfo]:
    """Whether the document camera named by ``camera.document_source`` is attached (a URL or
    simulator source is listed as configured; it is not contacted here)."""
    reason = _opencv_missing()
    if reason:
        return [DeviceInfo("document_camera", "opencv", "高拍仪", document_source, "unusable",
                           reason)]
    if document_source.startswith("simulator"):
        return []  # the simulator backend reports itself
    if not document_source.strip().isdigit():
        return [DeviceInfo("document_camera", "opencv", "高拍仪", document_source, "ok",
                           "已配置（未连接测试） configured, not probed")]
    present = {index: name for index, name in list_cameras(sysfs)}
    index = int(document_source)
    if index in present:
        return [DeviceInfo("document_camera", "opencv", present[index], str(index), "ok")]
    return [DeviceInfo("document_camera", "opencv", "高拍仪", str(index), "absent",
                       f"未找到编号为 {index} 的高拍仪，请检查USB连接或设置 camera.document_source")]


def detect_camera_simulator() -> list[DeviceInfo]:
    """The simulated portrait camera demo mode uses."""
    return [DeviceInfo("camera", "simulator", "模拟摄像头", "simulator", "ok")]


def detect_document_camera_simulator() -> list[DeviceInfo]:
    """The simulated document camera demo mode uses."""
    return [DeviceInfo("document_camera", "simulator", "模拟高拍仪", "simulator", "ok")]
