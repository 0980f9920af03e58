"""Shared, expensive objects for the vision tests (built once per session: 2-core CI)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "images"


@pytest.fixture(scope="session")
def images():
    from counter_app.vision.image_io import load_bgr

    cache = {}

    def load(name):
        if name not in cache:
            cache[name] = load_bgr(FIXTURES / name)
        return cache[name].copy()

    return load


@pytest.fixture(scope="session")
def pipeline():
    from counter_app.vision.faces import FacePipeline

    with FacePipeline() as p:
        yield p


@pytest.fixture(scope="session")
def matcher():
    from counter_app.vision.matcher import open_matcher

    m = open_matcher("dlib")
    yield m
    m.close()
