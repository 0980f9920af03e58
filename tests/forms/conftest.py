"""Every forms test paints: pytest-qt's QApplication must exist before any painter."""

import pytest


@pytest.fixture(autouse=True)
def _qt_app(qapp):
    return qapp
