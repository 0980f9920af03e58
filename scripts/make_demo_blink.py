"""Make resources/demo/portrait-eyes-closed.jpg: the demo portrait with its eyes painted shut.

The demo's simulated camera plays resources/demo/portrait.playlist (the portrait held still,
then a few frames of this picture), so the liveness blink challenge can be demonstrated and
tested without a person in front of a camera. The lids are filled with the skin colour just
above each eye and a lash line is drawn along the lower lid, where mediapipe's face landmarker
(the same model the app uses) finds the eye contours. Run: .venv/bin/python scripts/make_demo_blink.py
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from counter_app.vision.faces import FacePipeline

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
# Face-mesh indices of each eye's lower and upper lid contour (corner to corner).
EYES = (([33, 7, 163, 144, 145, 153, 154, 155, 133], [33, 246, 161, 160, 159, 158, 157, 173, 133]),
        ([362, 382, 381, 380, 374, 373, 390, 249, 263],
         [362, 398, 384, 385, 386, 387, 388, 466, 263]))


def close_eyes(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    out = image.copy()
    for lower, upper in EYES:
        points = landmarks[lower + upper].astype(np.int32)
        x, y, w, h = cv2.boundingRect(points)
        lid = np.median(image[y - h - 2:y - 2, x:x + w].reshape(-1, 3), axis=0)
        mask = np.zeros(image.shape[:2], np.uint8)
        cv2.fillConvexPoly(mask, cv2.convexHull(points), 255)
        out[cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0] = lid
        cv2.polylines(out, [landmarks[lower].astype(np.int32)], False, (30, 25, 25), 2,
                      cv2.LINE_AA)
    return cv2.GaussianBlur(out, (3, 3), 0)


def main() -> None:
    image = cv2.imread(str(DEMO / "portrait.jpg"))
    pipeline = FacePipeline()
    try:
        closed = close_eyes(image, pipeline.analyse(image).landmarks)
        print("eye closure:", round(pipeline.analyse(closed).eye_closure(), 3))
    finally:
        pipeline.close()
    cv2.imwrite(str(DEMO / "portrait-eyes-closed.jpg"), closed, [cv2.IMWRITE_JPEG_QUALITY, 90])


if __name__ == "__main__":
    main()
