"""Document scanner: page corners on synthetic perspective photos with known corners, deskew,
real scanned samples (scikit-image page/text), stillness, archive JPEG and PDF."""

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from counter_app.vision import archive, document
from counter_app.vision.errors import NoPage

from .synthetic import photographed_page, text_page

#: Corners must be found within this many pixels in a 1280x960 picture (0.3 % of its
#: diagonal); over 30 synthetic photos the median error was 1.0 px, the worst 4.0 px
#: (docs/vision.md).
CORNER_TOLERANCE_PX = 5.0


@pytest.fixture(scope="module")
def page():
    return text_page()


@pytest.mark.parametrize("seed", range(8))
def test_corners_of_a_photographed_page(page, seed):
    img, truth = photographed_page(page, seed)
    found = document.find_page(img)
    assert found is not None
    assert np.linalg.norm(found - truth, axis=1).max() < CORNER_TOLERANCE_PX


def test_straightened_page_matches_the_original(page):
    img, _truth = photographed_page(page, 3)
    result = document.scan_page(img, require_page=True)
    h, w = result.image.shape[:2]
    assert abs(w / h - page.shape[1] / page.shape[0]) < 0.04   # size measured in perspective
    back = cv2.resize(page, (w, h), interpolation=cv2.INTER_AREA)
    grey = [cv2.cvtColor(x, cv2.COLOR_BGR2GRAY).astype(float) for x in (result.image, back)]
    correlation = np.corrcoef(grey[0].ravel(), grey[1].ravel())[0, 1]
    assert correlation > 0.85 and abs(result.skew) < 0.5


@pytest.mark.parametrize("angle", [-4.0, 2.5])
def test_deskew_finds_the_text_angle(page, angle):
    h, w = page.shape[:2]
    tilted = cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                            borderValue=(245, 245, 245))
    assert document.estimate_skew(tilted) == pytest.approx(angle, abs=0.5)
    level, removed = document.deskew(tilted)
    assert abs(document.estimate_skew(level)) <= 0.5 and removed == pytest.approx(angle, abs=0.5)


def test_no_text_no_rotation(images):
    noise = np.random.default_rng(0).integers(0, 256, (400, 400, 3)).astype(np.uint8)
    assert document.estimate_skew(noise) == 0.0
    assert document.estimate_skew(images("astronaut.jpg")) == 0.0


def test_real_scanned_page_without_edges(images):
    scan = images("page.png")             # a cropped scan: no page border in view
    assert document.find_page(scan) is None
    with pytest.raises(NoPage) as info:
        document.scan_page(scan, require_page=True)
    assert "没有找到文件纸张的边缘" in info.value.message_zh
    h, w = scan.shape[:2]
    tilted = cv2.warpAffine(scan, cv2.getRotationMatrix2D((w / 2, h / 2), 4, 1.0), (w, h),
                            borderMode=cv2.BORDER_REPLICATE)
    base = document.estimate_skew(scan)
    assert document.estimate_skew(tilted) - base == pytest.approx(4, abs=0.75)
    assert document.scan_page(tilted).corners is None


def test_real_text_sample_is_deskewed_without_error(images):
    result = document.scan_page(images("text.png"))
    assert result.corners is None and result.image.shape == images("text.png").shape


def test_stillness_detector(page):
    detector = document.StillnessDetector(threshold=2.0, frames=5)
    img, _ = photographed_page(page, 1)
    moving = [np.roll(img, 12 * i, axis=1) for i in range(6)]
    assert not any(detector.feed(f) for f in moving)
    noise = np.random.default_rng(0)
    still = [np.clip(img.astype(int) + noise.integers(-2, 3, img.shape), 0, 255).astype(np.uint8)
             for _ in range(6)]
    results = [detector.feed(f) for f in still]
    assert results[-1] and not results[3]


def test_archive_jpeg_at_the_stated_resolution(page):
    prepared = archive.prepare_page(page, archive.ArchiveOptions(dpi=200, paper="A4"))
    assert prepared.image.size == (1654, 2339)
    assert prepared.effective_dpi == pytest.approx(page.shape[1] / (210 / 25.4), abs=0.2)
    with Image.open(io.BytesIO(archive.page_bytes(prepared))) as jpeg:
        assert jpeg.format == "JPEG" and jpeg.size == (1654, 2339)
        assert tuple(round(v) for v in jpeg.info["dpi"]) == (200, 200)


def test_grey_and_bitonal_pages(page):
    grey = archive.prepare_page(page, archive.ArchiveOptions(mode="grey", paper=None))
    assert grey.image.mode == "L" and grey.image.size == (page.shape[1], page.shape[0])
    bitonal = archive.prepare_page(page, archive.ArchiveOptions(mode="bitonal", paper=None))
    assert bitonal.image.mode == "1"
    values = set(np.unique(np.asarray(bitonal.image.convert("L"))))
    assert values == {0, 255}
    with Image.open(io.BytesIO(archive.page_bytes(bitonal, fmt="PNG"))) as png:
        assert png.mode == "1"


def test_multi_page_pdf(page, tmp_path):
    from pypdf import PdfReader

    pages = [archive.prepare_page(page, archive.ArchiveOptions(dpi=150)) for _ in range(3)]
    archive.write_pdf(pages, tmp_path / "case.pdf")
    reader = PdfReader(tmp_path / "case.pdf")
    assert len(reader.pages) == 3
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595, abs=2)      # A4 in points
    assert float(box.height) == pytest.approx(842, abs=2)


def test_auto_capture_once_per_placement(page):
    capture = document.PageAutoCapture(still_frames=3)
    first, _ = photographed_page(page, 6)
    second, _ = photographed_page(page, 7)
    moving = [np.roll(first, 15 * i, axis=0) for i in range(4)]
    sequence = moving + [first] * 6 + [second] * 6
    captured = [i for i, frame in enumerate(sequence) if capture.feed(frame) is not None]
    # Still from frame 4 on: captured on the 4th still frame, once; the swap to the second
    # page is movement, and the second page is captured once it is still in turn.
    assert captured == [7, 13]


def test_auto_capture_needs_a_page(images):
    capture = document.PageAutoCapture(still_frames=2)
    assert all(capture.feed(images("text.png")) is None for _ in range(5))


def test_real_scanned_page_photographed_in_perspective(images):
    scan = cv2.resize(images("page.png"), None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC)
    scan = cv2.copyMakeBorder(scan, 20, 20, 20, 20, cv2.BORDER_CONSTANT, value=(235, 235, 235))
    for seed in (0, 1, 2):
        img, truth = photographed_page(scan, seed, max_turn=15)
        found = document.find_page(img)
        assert found is not None, seed
        assert np.linalg.norm(found - truth, axis=1).max() < CORNER_TOLERANCE_PX, seed
