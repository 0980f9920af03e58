"""The signature tests paint forms: pytest-qt's QApplication must exist first."""

import pytest


@pytest.fixture(autouse=True)
def _qt_app(qapp):
    return qapp
