"""Errors of the vision package; each tells the registrar what to do in Chinese."""

from __future__ import annotations

from counter_app.errors import CounterAppError


class VisionError(CounterAppError):
    """A face or document operation failed in a way the user can act on."""

    code = "vision.error"


class ModelMissing(VisionError):
    """A bundled model file is missing or damaged (installation problem)."""

    code = "vision.model_missing"


class ImageUnreadable(VisionError):
    """The image file does not exist or is not a picture we can decode."""

    code = "vision.image_unreadable"


class NoFace(VisionError):
    """An image that must show a face shows none."""

    code = "vision.no_face"


class NoPage(VisionError):
    """No document page could be found in the image."""

    code = "vision.no_page"
