"""Checks of the installation: version and bundle, disk space, fonts, models, Qt, screen."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from counter_app import __version__
from counter_app.doctor.probe import Probe
from counter_app.doctor.registry import FAIL, OK, WARN, Result
from counter_app.resources import resource_path

#: Free space on the data dir's disk: below FAIL_BYTES a day's photos and scans may not fit
#: (a registration stores a few MB), below WARN_BYTES it is time to act.
DISK_FAIL_BYTES = 1 * 10**9
DISK_WARN_BYTES = 10 * 10**9
FONT_FILES = ("NotoSansSC-Regular.otf", "NotoSansSC-Supplement.otf")
#: Characters the screens and forms must show: common ones and rare ones from names (䶮 in
#: CJK Extension A, 𠮷 in Extension B, drawn by the supplement font).
TEST_CHARACTERS = "婚姻登记窗口䶮𠮷"
#: The smallest screen every page is laid out for (issue 15: 1366×768 counter screens).
MIN_SCREEN = (1366, 768)
REINSTALL = "重新安装本软件；仍不行请联系技术支持。"


def check_version(probe: Probe) -> Result:
    """The version, and whether this is the installed bundle or a source checkout."""
    if getattr(sys, "frozen", False):
        info = _build_info()
        commit = f"，提交 {info['commit']}" if info.get("commit") else ""
        where = f"安装包 {Path(sys.executable).parent}{commit}"
    else:
        where = f"源代码运行（Python {sys.version.split()[0]}，{Path(__file__).parents[2]}）"
    return Result("version", OK, f"counter-app {__version__}；{where}")


def _build_info() -> dict[str, str]:
    try:
        info = json.loads(resource_path("build-info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def check_disk_space(probe: Probe) -> Result:
    folder = _existing(probe.data_dir)
    free = shutil.disk_usage(folder).free
    detail = f"数据目录 {probe.data_dir} 所在磁盘剩余 {free / 1e9:.1f} GB"
    if free < DISK_FAIL_BYTES:
        return Result("disk_space", FAIL, detail,
                      "磁盘空间不足，照片和扫描件可能无法保存：清理磁盘或更换更大的硬盘后再办理业务。")
    if free < DISK_WARN_BYTES:
        return Result("disk_space", WARN, detail, "磁盘空间偏少：请尽快清理磁盘或扩容。")
    return Result("disk_space", OK, detail)


def _existing(path: Path) -> Path:
    """``path`` or its nearest existing parent (the data dir may not exist yet)."""
    path = path.resolve()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def check_fonts(probe: Probe) -> Result:
    """The bundled fonts are there, FreeType reads them, and Qt has the test characters."""
    from PIL import ImageFont

    problems = []
    for name in FONT_FILES:
        path = resource_path("fonts", name)
        try:
            ImageFont.truetype(str(path), 16)
        except OSError as exc:
            problems.append(f"{name} 无法读取（{exc}）")
    qt = probe.qt()
    if not problems and qt.error == "" and not qt.font_family:
        problems.append("Qt 未能加载内置字体")
    if not problems and qt.missing_glyphs:
        problems.append(f"内置字体缺少这些字：{qt.missing_glyphs}")
    if problems:
        return Result("fonts", FAIL, "；".join(problems), REINSTALL)
    family = f"，Qt 字体 {qt.font_family}" if qt.font_family else ""
    return Result("fonts", OK, f"{'、'.join(FONT_FILES)} 可用{family}")


def check_models(probe: Probe) -> Result:
    """The face models match their recorded hashes, find the face in the demo portrait and
    compute a match with the configured matcher."""
    from counter_app.vision.models import models_dir, verify_models

    directory = probe.ctx.config["vision.models_dir"] or None
    problems = verify_models(directory)
    if problems:
        return Result("models", FAIL, f"{models_dir(directory)}：{'；'.join(problems)}",
                      REINSTALL)
    faces, score = _run_models(directory, probe.ctx.config["vision.match_backend"])
    if faces != 1:
        return Result("models", FAIL, f"模型文件完整，但在样例照片中找到 {faces} 张人脸（应为 1）",
                      REINSTALL)
    return Result("models", OK, f"{models_dir(directory)}：模型完整；样例照片检测到 1 张人脸，"
                                f"比对得分 {score:.2f}")


def _run_models(directory: str | None, backend: str) -> tuple[int, float]:
    """Faces found in the demo portrait, and the matcher's score of it against itself."""
    import os

    from counter_app.vision.faces import FacePipeline
    from counter_app.vision.image_io import load_bgr
    from counter_app.vision.matcher import open_matcher
    from counter_app.vision.native_logs import quiet_native_stderr

    # mediapipe looks up an analytics host when a task is made; offline, give up fast
    # (the same reason as counter_app/cli/face.py).
    os.environ.setdefault("RES_OPTIONS", "timeout:1 attempts:1")
    image = load_bgr(resource_path("demo", "portrait.jpg"))
    with quiet_native_stderr(), FacePipeline(directory, landmarks=False) as pipeline:
        faces = len(pipeline.analyse(image).faces)
    with quiet_native_stderr():
        matcher = open_matcher(backend, directory)
        try:
            score = matcher.compare(image, image).score
        finally:
            matcher.close()
    return faces, score


def check_qt_platform(probe: Probe) -> Result:
    qt = probe.qt()
    if qt.error:
        return Result("qt_platform", FAIL, f"Qt 图形界面无法启动：{qt.error}",
                      "在有桌面的会话中运行；Linux 上安装 installer/linux/runtime-deps.txt "
                      "中的系统库（用 apt 安装本软件的 .deb 会自动安装）。")
    if qt.platform in ("offscreen", "minimal"):
        return Result("qt_platform", WARN, f"Qt 平台 {qt.platform}：没有真实的显示器",
                      "在柜台电脑的桌面上运行本检查。")
    return Result("qt_platform", OK, f"Qt 平台 {qt.platform}")


def check_screen(probe: Probe) -> Result:
    qt = probe.qt()
    if qt.error or not qt.screens:
        return Result("screen", WARN, "未检查：Qt 没有报告屏幕", "先解决“qt_platform”一项的问题。")
    primary = qt.screens[0]
    size = (int(primary["width"]), int(primary["height"]))
    detail = (f"主屏幕 {size[0]}×{size[1]}（缩放 {primary.get('dpr', 1):g}），"
              f"共 {len(qt.screens)} 块")
    if size[0] < MIN_SCREEN[0] or size[1] < MIN_SCREEN[1]:
        return Result("screen", WARN, detail,
                      f"屏幕小于 {MIN_SCREEN[0]}×{MIN_SCREEN[1]}，部分页面可能显示不全："
                      "调高分辨率、降低缩放比例或更换显示器。")
    return Result("screen", OK, detail)
