"""Keeping mediapipe's native (C++) log lines off the terminal.

mediapipe/LiteRT write INFO and WARNING lines straight to file descriptor 2 while tasks are
created and first run; GLOG_minloglevel does not silence all of them. A command-line tool
wraps that work in :func:`quiet_native_stderr`, which points fd 2 at the null device and
restores it afterwards. Python's own ``sys.stderr`` writes are unaffected only if they happen
outside the block, so the CLI prints its messages after leaving it. Not for the GUI (fd 2 is
process-wide; the GUI's log goes to a file anyway).
"""

from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence fd 2 for the duration of the block (a no-op where fd 2 cannot be duplicated)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
