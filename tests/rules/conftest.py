"""Fixtures for the rules tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def judge():
    """Evaluate a case dict; returns the public JSON answer."""
    from counter_app.rules.caseinput import parse_case
    from counter_app.rules.evaluator import evaluate

    def run(case: dict) -> dict:
        return evaluate(parse_case(case)).as_json()
    return run

