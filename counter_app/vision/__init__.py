"""Faces and documents from camera images, offline and Qt-free.

- :mod:`.faces`: face detection and landmarks with mediapipe Tasks (models in resources/models).
- :mod:`.quality`: registration-photo checks, each failure with a Chinese reason.
- :mod:`.liveness`: active challenge (blink, head turn) with timeout and best-frame capture.
- :mod:`.matcher`: pluggable 1:1 verification (dlib backend shipped, vendor slot).
- :mod:`.document`: page detection, perspective correction, deskew, stillness.
- :mod:`.archive`: archive JPEG (colour/grey/bitonal) and multi-page PDF.

Everything here is synchronous and thread-agnostic: callers run it on a worker thread (never
the GUI thread). Heavy libraries (mediapipe, dlib) are imported when first used.
"""
