"""The few colours and text styles every screen shares (high contrast on the default grey)."""

from __future__ import annotations

GREEN, AMBER, RED, BLACK = "#1b7f3b", "#b26a00", "#b00020", "#000"


def message_style(colour: str = BLACK) -> str:
    """A page's message or status line: large type in ``colour``."""
    return f"font-size: 16pt; color: {colour};"


def error_style(error: bool) -> str:
    """The message line in red for an error, black otherwise."""
    return message_style(RED if error else BLACK)
