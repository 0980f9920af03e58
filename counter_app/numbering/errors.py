"""Errors of the numbering and blank-stock services (Chinese messages for the registrar)."""

from __future__ import annotations

from counter_app.errors import CounterAppError


class NumbersExhaustedError(CounterAppError):
    """No free 字号 is left in the blocks reserved for this machine."""

    code = "numbering.exhausted"


class NumberStateError(CounterAppError):
    """A 字号 cannot be used, released or confirmed in its current state."""

    code = "numbering.bad_state"


class BlankStateError(CounterAppError):
    """A blank is unknown, already issued or voided, or bears a number printed elsewhere."""

    code = "stock.bad_state"
