"""``counter-app face check|compare`` and ``counter-app scan``: JSON shapes, exit codes and
every failure path as one Chinese line (no traceback)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
from PIL import Image

from counter_app.cli import main
from counter_app.vision import models

from .conftest import FIXTURES
from .synthetic import photographed_page, text_page


def run(capsys, tmp_path, *argv):
    code = main(["--data-dir", str(tmp_path / "data"), *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_face_check_json(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "face", "check", FIXTURES / "astronaut.jpg", "--json")
    result = json.loads(out)
    assert code == 0
    assert set(result) == {"faces", "box", "quality"}
    assert result["faces"] == 1 and len(result["box"]) == 4
    assert result["quality"] == {"ok": True, "problems": []}


def test_face_check_no_face_is_an_answer(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "face", "check", FIXTURES / "page.png", "--json")
    result = json.loads(out)
    assert code == 1
    assert result["faces"] == 0 and result["box"] is None
    assert result["quality"]["ok"] is False
    assert result["quality"]["problems"][0]["code"] == "no_face"


def test_face_check_text_output_lists_problems(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "face", "check", FIXTURES / "obama2.jpg")
    assert code == 1 and "照片不合格" in out and "请正视镜头" in out


@pytest.mark.parametrize("name", ["missing.jpg", "LICENSES.md"])
def test_unreadable_image_is_one_chinese_line(capsys, tmp_path, name):
    code, out, err = run(capsys, tmp_path, "face", "check", FIXTURES / name, "--json")
    assert code == 2 and out == ""
    assert err.startswith("错误 error: ") and ("找不到图片文件" in err or "无法读取图片" in err)


def test_face_compare_json(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "face", "compare", FIXTURES / "obama.jpg",
                       FIXTURES / "obama2.jpg", "--json")
    result = json.loads(out)
    assert code == 0
    assert set(result) == {"score", "same_person", "threshold", "backend"}
    assert result["same_person"] is True and result["score"] >= result["threshold"]
    code, out, _ = run(capsys, tmp_path, "face", "compare", FIXTURES / "obama.jpg",
                       FIXTURES / "biden.jpg")
    assert code == 0 and "不是同一人" in out and "人工核验" in out


def test_face_compare_with_no_face(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path, "face", "compare", FIXTURES / "page.png",
                       FIXTURES / "obama.jpg", "--json")
    assert code == 2 and "现场照片中未检测到人脸" in err


def test_missing_model_is_a_clear_error(capsys, tmp_path, monkeypatch):
    partial = tmp_path / "models"
    partial.mkdir()
    shutil.copy(models.bundled_models_dir() / models.FACE_DETECTOR, partial)
    monkeypatch.setenv("COUNTER_APP_VISION_MODELS_DIR", str(partial))
    for argv in (("face", "check", FIXTURES / "astronaut.jpg"),
                 ("face", "compare", FIXTURES / "obama.jpg", FIXTURES / "obama2.jpg")):
        code, _, err = run(capsys, tmp_path, *argv)
        assert code == 2 and "缺少人脸识别模型文件" in err and "重新安装" in err


def test_scan_writes_a_straightened_a4_jpeg(capsys, tmp_path):
    photo, _ = photographed_page(text_page(), 2)
    src = tmp_path / "photo.png"
    cv2.imwrite(str(src), photo)
    out_path = tmp_path / "out" / "page.jpg"
    code, out, _ = run(capsys, tmp_path, "scan", src, "--out", out_path, "--paper", "A4",
                       "--json")
    report = json.loads(out)
    assert code == 0 and report["page_found"] is True
    with Image.open(out_path) as img:
        assert img.format == "JPEG" and img.size == (1654, 2339)
        assert tuple(round(v) for v in img.info["dpi"]) == (200, 200)


def test_scan_pages_into_one_pdf_and_grey_mode(capsys, tmp_path):
    from pypdf import PdfReader

    sources = []
    for seed in (4, 5):
        sources.append(tmp_path / f"p{seed}.png")
        cv2.imwrite(str(sources[-1]), photographed_page(text_page(seed=seed), seed)[0])
    code, out, _ = run(capsys, tmp_path, "scan", *sources, "--out", tmp_path / "case.pdf",
                       "--mode", "grey")
    assert code == 0 and out.count("找到纸张边缘") == 2
    assert len(PdfReader(tmp_path / "case.pdf").pages) == 2


def test_scan_errors(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path, "scan", FIXTURES / "page.png", "--out",
                       tmp_path / "x.jpg", "--require-page")
    assert code == 2 and "没有找到文件纸张的边缘" in err
    code, _, err = run(capsys, tmp_path, "scan", FIXTURES / "page.png", "--out",
                       tmp_path / "x.gif")
    assert code == 2 and "输出文件应以" in err
    frame = tmp_path / "frame.png"            # a 4:3 camera frame (close to A4's 1.41) ...
    cv2.imwrite(str(frame), cv2.resize(cv2.imread(str(FIXTURES / "astronaut.jpg")), (640, 480)))
    code, out, _ = run(capsys, tmp_path, "scan", frame, "--out", tmp_path / "z.jpg", "--json")
    assert code == 0 and json.loads(out)["size"] == [640, 480]    # ... but no page: as captured
    code, _, _ = run(capsys, tmp_path, "scan", FIXTURES / "page.png", "--out", tmp_path / "y.png",
                     "--mode", "bitonal", "--paper", "none")
    with Image.open(tmp_path / "y.png") as img:
        assert code == 0 and img.mode == "1"


@pytest.mark.integration
@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="needs Linux, root and unshare for a network namespace")
def test_face_commands_work_with_no_network_and_a_dns_server_that_never_answers(tmp_path):
    """No network interface at all, and a resolver that swallows queries: mediapipe's
    analytics lookup must neither fail nor delay the command."""
    probe = subprocess.run(["unshare", "-n", "-m", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"network namespaces not permitted here: {probe.stderr.decode().strip()}")
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
    exe = Path(sys.executable).with_name("counter-app")
    script = f"""
set -e
ip link set lo up 2>/dev/null || true
mount --bind {resolv} /etc/resolv.conf
{sys.executable} -c "import socket,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('127.0.0.1',53)); time.sleep(60)" &
sleep 0.3
start=$(date +%s.%N)
{exe} --data-dir {tmp_path}/data face check {FIXTURES}/astronaut.jpg --json
{exe} --data-dir {tmp_path}/data face compare {FIXTURES}/obama.jpg {FIXTURES}/obama2.jpg --json
end=$(date +%s.%N)
echo "elapsed $(echo "$end - $start" | bc)"
kill %1
"""
    proc = subprocess.run(["unshare", "-n", "-m", "bash", "-c", script], capture_output=True,
                          text=True, timeout=120, check=False)
    if proc.returncode != 0 and "mount" in proc.stderr and "permission" in proc.stderr.lower():
        pytest.skip("cannot bind-mount resolv.conf here")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert json.loads(lines[0])["faces"] == 1
    assert json.loads(lines[1])["same_person"] is True
    # Two full commands including Python start-up (about 4 s each); waiting for the resolver's
    # default timeouts would add 20 s to each.
    assert float(lines[2].split()[1]) < 25
