"""Ensure `counter-app` bounds glibc's malloc arenas before any thread starts, and leaves a
MALLOC_ARENA_MAX set by the launcher or a technician as it is. Each case runs in a fresh
process: the threads are alive together, each mallocs, then glibc's malloc_stats() lists the
arenas it made (one "Arena N:" block each, on stderr)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="glibc's allocator only")

THREADS = 6
PROGRAM = f"""
import ctypes, threading
{{start}}
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
together = threading.Barrier({THREADS} + 1)
def work():
    libc.malloc(4096)       # the thread's first malloc makes or picks its arena
    together.wait()
    together.wait()
threads = [threading.Thread(target=work) for _ in range({THREADS})]
for t in threads:
    t.start()
together.wait()             # every thread has its arena now, and none has exited
libc.malloc_stats()
together.wait()
for t in threads:
    t.join()
"""
AS_COUNTER_APP = """
from counter_app.cli import main
try:
    main(["--version"])     # the real entry point; argparse exits after printing
except SystemExit:
    pass
"""


def arenas(start: str, **env: str) -> int:
    environ = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    result = subprocess.run([sys.executable, "-c", PROGRAM.format(start=start)],
                            capture_output=True, text=True, env={**environ, **env},
                            timeout=60, check=True)
    return sum(line.startswith("Arena ") for line in result.stderr.splitlines())


def glibc() -> bool:
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").gnu_get_libc_version
    except (OSError, AttributeError):
        return False
    return True


@pytest.mark.skipif(not glibc(), reason="glibc's allocator only")
def test_counter_app_starts_with_two_arenas_where_glibc_would_make_one_a_thread():
    assert arenas("") == THREADS + 1               # glibc's default: the main one + one each
    assert arenas(AS_COUNTER_APP) == 2


@pytest.mark.skipif(not glibc(), reason="glibc's allocator only")
def test_a_bound_in_the_environment_is_left_as_it_is(monkeypatch):
    assert arenas(AS_COUNTER_APP, MALLOC_ARENA_MAX="4") == 4
    from counter_app import memory

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memory.bound_malloc_arenas() == "environment"
